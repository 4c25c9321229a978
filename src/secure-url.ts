import { TokenRequestError } from './errors.js';

/** Whether `hostname` (as `URL#hostname` gives it) is this machine: 127.0.0.0/8, `::1` or `localhost`. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/\.$/, '');
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (host === '[::1]' || host === '::1') return true;
  // IPv4-mapped IPv6 loopback, as `URL` normalises it: [::ffff:7f00:1].
  if (/^\[::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}\]$/.test(host)) return true;
  const octets = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
  return octets !== null && octets[1] === '127' && octets.slice(2).every((octet) => Number(octet) <= 255);
}

export interface SecureUrlOptions {
  providerKey: string;
  allowInsecureHttp?: boolean | undefined;
}

/**
 * Parses a token URL and refuses anything but `https:`, or `http:` to a loopback host (or anywhere
 * with `allowInsecureHttp`): credentials must never cross a network in clear text.
 *
 * @throws {TokenRequestError} with code `'insecure_token_url'`.
 */
export function assertSecureTokenUrl(tokenUrl: string, options: SecureUrlOptions): URL {
  let url: URL;
  try {
    url = new URL(tokenUrl);
  } catch {
    throw refuse(tokenUrl, options, 'the token URL is not an absolute URL');
  }
  if (url.protocol === 'https:') return url;
  if (url.protocol === 'http:') {
    if (options.allowInsecureHttp === true || isLoopbackHost(url.hostname)) return url;
    throw refuse(
      tokenUrl,
      options,
      'http: is only allowed to a loopback host unless allowInsecureHttp is set',
    );
  }
  throw refuse(tokenUrl, options, `${url.protocol} URLs are not allowed, use https:`);
}

/** Token URLs already found secure (with `allowInsecureHttp` on or off): a provider sends one again and again. */
const secureHrefs = new Map<string, string>();
const SECURE_HREFS_KEPT = 64;

/**
 * The `href` of `tokenUrl` once {@link assertSecureTokenUrl} accepts it; remembered, so that a
 * provider's repeated token requests (each one rare, so its code runs cold) do not parse it again.
 *
 * @throws {TokenRequestError} with code `'insecure_token_url'`, as {@link assertSecureTokenUrl}.
 */
export function secureTokenHref(tokenUrl: string, options: SecureUrlOptions): string {
  const cacheKey = `${options.allowInsecureHttp === true ? 'any' : 'secure'} ${tokenUrl}`;
  const known = secureHrefs.get(cacheKey);
  if (known !== undefined) return known;
  const { href } = assertSecureTokenUrl(tokenUrl, options);
  if (secureHrefs.size >= SECURE_HREFS_KEPT) secureHrefs.clear();
  secureHrefs.set(cacheKey, href);
  return href;
}

function refuse(tokenUrl: string, options: SecureUrlOptions, description: string): TokenRequestError {
  return new TokenRequestError({
    providerKey: options.providerKey,
    endpoint: tokenUrl,
    code: 'insecure_token_url',
    description,
  });
}
