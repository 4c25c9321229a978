import { invalidOptions, type TokenAuthConfigError } from './errors.js';
import { fingerprint } from './fingerprint.js';
import type { TokenProvider } from './token.js';

/**
 * A derived cache key: `kind:` then the settings that make tokens differ, joined by `#`. Each part
 * has `%` and `#` percent-encoded, so no two different settings join to the same key (a client id
 * `a#b` with scope `c` against a client id `a` with scope `b#c`).
 */
export function derivedProviderKey(kind: string, parts: readonly string[]): string {
  return `${kind}:${parts.map((part) => part.replace(/[%#]/g, encodeURIComponent)).join('#')}`;
}

/**
 * The token URL as a key part. Its query string enters as a fingerprint: it may carry a credential
 * (a gateway's `api_key`, an Azure Functions `code`), and the key is in every error message and event.
 */
export function tokenUrlKeyPart(tokenUrl: string): string {
  const query = tokenUrl.indexOf('?');
  if (query === -1) return tokenUrl;
  const fragment = tokenUrl.indexOf('#', query);
  const end = fragment === -1 ? tokenUrl.length : fragment;
  return `${tokenUrl.slice(0, query)}?fp-${fingerprint(tokenUrl.slice(query + 1, end))}`;
}

/**
 * Whether `provider` names its cache key, a non-empty string: providers without one (a plain
 * JavaScript object that forgot it) would all share one cached token, each sending the others'.
 */
export function hasProviderKey(provider: TokenProvider): boolean {
  const key: unknown = (provider as Partial<TokenProvider> | null | undefined)?.key;
  return typeof key === 'string' && key !== '';
}

export function missingProviderKey(): TokenAuthConfigError {
  return invalidOptions(
    'a token provider needs a key (a non-empty string): equal keys share one cached token',
  );
}
