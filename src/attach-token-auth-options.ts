import type { InternalAxiosRequestConfig } from 'axios';
import { invalidOptions, type TokenAuthConfigError } from './errors.js';
import { HTTP_TOKEN } from './http-syntax.js';
import { originOf } from './origin-policy.js';
import { hasProviderKey, missingProviderKey } from './provider-key.js';
import type { TokenProvider } from './token.js';
import type { TokenManager } from './token-manager.js';

/** Chooses the provider of one request; `undefined` sends it without a token. */
export type ProviderSelector = (config: InternalAxiosRequestConfig) => TokenProvider | undefined;

/** Options of {@link attachTokenAuth}. */
export interface AttachTokenAuthOptions {
  /** Where tokens come from: a provider, or a function choosing one per request. Required. */
  provider: TokenProvider | ProviderSelector;
  /** The token cache. Default: one process-wide manager shared by every instance. */
  manager?: TokenManager | undefined;
  /** Statuses that drop the token the request carried and replay it once. Default `[401]`. */
  retryOnStatus?: readonly number[] | undefined;
  /**
   * Origins that may receive the token besides relative URLs and the origin of the instance's
   * `baseURL`, e.g. `['https://api.example.com']`; `'*'` for every origin. Default `[]`.
   */
  origins?: readonly string[] | '*' | undefined;
  /** The header that carries the token. Default `'Authorization'`. */
  header?: string | undefined;
  /** The scheme before the token. Default: the token's `tokenType` (`'Bearer'`). */
  scheme?: string | undefined;
}

/**
 * Refuses what would otherwise fail later and unclearly, or silently send no token: a header name
 * with a space, `origins: ['api.example.com']` (no scheme, so no origin ever matches it), a
 * provider without a key (providers without one would all share one token).
 * @throws {TokenAuthConfigError}
 */
export function checkAttachOptions(options: AttachTokenAuthOptions): void {
  const invalid = (message: string): TokenAuthConfigError => invalidOptions(`attachTokenAuth: ${message}`);
  const { provider, manager, retryOnStatus, origins, header, scheme } = options ?? {};
  if (typeof provider !== 'function') {
    if (typeof (provider as Partial<TokenProvider> | undefined)?.fetchToken !== 'function') {
      throw invalid('needs a provider: an object with key and fetchToken, or a function returning one');
    }
    if (!hasProviderKey(provider)) throw missingProviderKey();
  }
  if (manager !== undefined && typeof (manager as Partial<TokenManager>)?.peekToken !== 'function') {
    throw invalid('manager must be a TokenManager');
  }
  if (
    retryOnStatus !== undefined &&
    !(Array.isArray(retryOnStatus) && retryOnStatus.every((status) => Number.isInteger(status)))
  ) {
    throw invalid('retryOnStatus must be an array of HTTP statuses, e.g. [401]');
  }
  if (origins !== undefined && origins !== '*' && !(Array.isArray(origins) && origins.every(isOrigin))) {
    throw invalid("origins must be '*' or an array of absolute URLs, e.g. ['https://api.example.com']");
  }
  if (header !== undefined && !(typeof header === 'string' && HTTP_TOKEN.test(header))) {
    throw invalid('header must be an HTTP header name');
  }
  if (scheme !== undefined && !(typeof scheme === 'string' && (scheme === '' || HTTP_TOKEN.test(scheme)))) {
    throw invalid("scheme must be an authorization scheme such as 'Bearer', or '' for the token alone");
  }
}

function isOrigin(value: unknown): boolean {
  // Read as the origin policy reads it; an opaque origin (`data:...`) is the string 'null'.
  const origin = typeof value === 'string' ? originOf(value) : undefined;
  return origin !== undefined && origin !== 'null';
}
