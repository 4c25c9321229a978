import { decodeBase64, encodeBase64 } from './base64.js';
import { invalidOptions } from './errors.js';
import { fingerprint } from './fingerprint.js';
import {
  createHttpTokenProvider,
  requireOptions,
  requireString,
  requireUrl,
  type HttpProviderOptions,
} from './http-token-provider.js';
import { derivedProviderKey, tokenUrlKeyPart } from './provider-key.js';
import { randomUUID } from './random-uuid.js';
import type { TokenProvider } from './token.js';

export const GIGACHAT_TOKEN_URL = 'https://ngw.devices.sberbank.ru:9443/api/v2/oauth';

/** GigaChat API versions: individuals, businesses (prepaid), businesses (postpaid). */
export type GigaChatScope = 'GIGACHAT_API_PERS' | 'GIGACHAT_API_B2B' | 'GIGACHAT_API_CORP';

/** The scheme before the authorization key; GigaChat's pages show both. */
export type GigaChatAuthScheme = 'Basic' | 'Bearer';

interface GigaChatCommonOptions extends HttpProviderOptions {
  /** Default `https://ngw.devices.sberbank.ru:9443/api/v2/oauth`. */
  tokenUrl?: string | undefined;
  /** Default `'GIGACHAT_API_PERS'`. */
  scope?: GigaChatScope | undefined;
  /** Default `'Basic'`. */
  authScheme?: GigaChatAuthScheme | undefined;
}

/** Options of {@link gigachat}: the authorization key, or the client id and secret it encodes. */
export type GigaChatOptions = GigaChatCommonOptions &
  (
    | {
        /** The authorization key (base64 of `client_id:client_secret`), sent as is. */ credentials: string;
        clientId?: undefined;
        clientSecret?: undefined;
      }
    | { clientId: string; clientSecret: string; credentials?: undefined }
  );

/**
 * GigaChat (Sber) tokens: `POST /api/v2/oauth` with the authorization key, a fresh `RqUID` per
 * request and `scope` in the form body. Answers `{access_token, expires_at}` (epoch ms).
 *
 * @throws {TokenAuthConfigError} when neither `credentials` nor `clientId` and `clientSecret` are given.
 */
export function gigachat(options: GigaChatOptions): TokenProvider {
  const name = 'gigachat';
  requireOptions(options, name);
  const tokenUrl = requireUrl(options.tokenUrl ?? GIGACHAT_TOKEN_URL, 'tokenUrl', name);
  const scope = requireString(options.scope ?? 'GIGACHAT_API_PERS', 'scope', name);
  const authScheme = options.authScheme ?? 'Basic';
  if (authScheme !== 'Basic' && authScheme !== 'Bearer') {
    throw invalidOptions(`${name}: authScheme must be 'Basic' or 'Bearer'`);
  }
  let credentials: string;
  let clientId: string | undefined;
  const secrets: string[] = [];
  if (options.credentials !== undefined) {
    // Trimmed first: a blank key (an env var holding a newline) is as missing as an empty one.
    const given: unknown = options.credentials;
    credentials = requireString(typeof given === 'string' ? given.trim() : given, 'credentials', name);
    const decoded = decodeCredentials(credentials);
    clientId = decoded?.clientId;
    // A server that echoes the decoded key must not reveal the secret inside it either.
    if (decoded !== undefined) secrets.push(decoded.clientSecret, decoded.pair);
  } else {
    const given: { clientId?: unknown; clientSecret?: unknown } = options;
    if (given.clientId === undefined && given.clientSecret === undefined) {
      throw invalidOptions(
        `${name}: \`credentials\` (the authorization key) or \`clientId\` and \`clientSecret\` are required`,
      );
    }
    clientId = requireString(given.clientId, 'clientId', name);
    const clientSecret = requireString(given.clientSecret, 'clientSecret', name);
    secrets.push(clientSecret);
    credentials = encodeBase64(`${clientId}:${clientSecret}`);
  }
  const headers = options.headers ?? {};
  secrets.push(credentials);
  const key =
    options.key ??
    derivedProviderKey('gigachat', [
      tokenUrlKeyPart(tokenUrl),
      clientId ?? `fp-${fingerprint(credentials)}`,
      scope,
    ]);

  return createHttpTokenProvider(key, options, () => ({
    tokenUrl,
    // A function: every attempt, a retry too, is a request of its own and gets a fresh RqUID.
    headers: () => ({
      ...headers,
      Accept: 'application/json',
      Authorization: `${authScheme} ${credentials}`,
      RqUID: randomUUID(),
    }),
    body: new URLSearchParams({ scope }),
    secrets,
  }));
}

/** The client id and secret inside an authorization key (base64 of `id:secret`), if it decodes as one. */
function decodeCredentials(
  credentials: string,
): { clientId: string | undefined; clientSecret: string; pair: string } | undefined {
  let pair: string;
  try {
    pair = decodeBase64(credentials);
  } catch {
    return undefined;
  }
  const colon = pair.indexOf(':');
  if (colon <= 0 || colon === pair.length - 1) return undefined;
  const id = pair.slice(0, colon);
  // Only a printable id may name the key; the secret is redacted either way.
  const clientId = /^[\x21-\x7e]+$/.test(id) ? id : undefined;
  return { clientId, clientSecret: pair.slice(colon + 1), pair };
}
