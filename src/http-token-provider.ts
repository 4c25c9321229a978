import type { AxiosInstance, AxiosRequestConfig } from 'axios';
import { invalidOptions } from './errors.js';
import { credentialValues } from './redact-secrets.js';
import { resolveRetryPolicy, type RetryOptions } from './retry-policy.js';
import type { FetchTokenContext, Token, TokenProvider } from './token.js';
import { createTokenHttp, requestToken, type TokenHttpRequest } from './token-request.js';

/** Options every built-in provider accepts. */
export interface HttpProviderOptions {
  /** Added to the token request's headers. */
  headers?: Readonly<Record<string, string>> | undefined;
  /** Timeout of one token request attempt, ms. Default 10 000. */
  timeoutMs?: number | undefined;
  /** Cache key; equal keys share one cached token. Default: derived from the settings, never the secret. */
  key?: string | undefined;
  /**
   * The axios instance, or the config of a new one (e.g. `{ httpsAgent }`), the token request is
   * sent with. Default: a private instance, so the token request never passes through the
   * interceptors of the instances tokens are attached to.
   */
  http?: AxiosInstance | AxiosRequestConfig | undefined;
  /** Allow an `http:` token URL to a non-loopback host. Default `false`. */
  allowInsecureHttp?: boolean | undefined;
  /** Retries of transient failures (network, timeout, 408, 429, 5xx); `false` for none. */
  retry?: RetryOptions | false | undefined;
}

export const DEFAULT_TOKEN_TIMEOUT_MS = 10_000;

/** What a provider's `build` returns for each token request. */
export type BuiltTokenRequest = Omit<
  TokenHttpRequest,
  'providerKey' | 'http' | 'timeoutMs' | 'allowInsecureHttp' | 'retry' | 'maxTtlMs'
>;

/**
 * A {@link TokenProvider} sending the request `build` returns. Secrets stay in `build`'s closure:
 * the provider object shows its key only (enumerable properties, JSON, `util.inspect`).
 */
export function createHttpTokenProvider(
  key: string,
  options: HttpProviderOptions,
  build: () => BuiltTokenRequest,
): TokenProvider {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TOKEN_TIMEOUT_MS;
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) {
    throw invalidOptions('timeoutMs must be a positive number of milliseconds');
  }
  const retry = resolveRetryPolicy(options.retry);
  const allowInsecureHttp = options.allowInsecureHttp === true;
  const http = createTokenHttp(options.http);
  // Custom headers named for a credential (`X-Api-Key`, `Cookie`) are secrets of every provider.
  const headerSecrets = credentialValues(options.headers);
  const provider: TokenProvider = {
    key,
    async fetchToken(context: FetchTokenContext = {}): Promise<Token> {
      const built = build();
      return requestToken(
        {
          ...built,
          secrets: headerSecrets.length === 0 ? built.secrets : [...built.secrets, ...headerSecrets],
          providerKey: key,
          http,
          timeoutMs,
          allowInsecureHttp,
          retry,
          maxTtlMs: context.maxTtlMs,
        },
        context,
      );
    },
  };
  Object.defineProperty(provider, 'toJSON', { value: () => ({ key }), enumerable: false });
  return Object.freeze(provider);
}

/**
 * `options` checked where a wrong kind would not fail by itself: a string `headers` would be spread
 * character by character into the token request, a key that is no string would fail only later.
 * @throws {TokenAuthConfigError}
 */
export function requireOptions<T extends HttpProviderOptions>(options: T, provider: string): T {
  if (!isRecord(options)) throw invalidOptions(`${provider}: needs an options object`);
  if (options.key !== undefined && (typeof options.key !== 'string' || options.key === '')) {
    throw invalidOptions(`${provider}: \`key\` must be a non-empty string`);
  }
  if (options.headers !== undefined && !isRecord(options.headers)) {
    throw invalidOptions(`${provider}: \`headers\` must be an object of header names and values`);
  }
  return options;
}

/** A plain object of named values (not a string, an array or `null`). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** @throws {TokenAuthConfigError} unless `value` is a non-empty string. */
export function requireString(value: unknown, name: string, provider: string): string {
  if (typeof value !== 'string' || value === '') {
    throw invalidOptions(`${provider}: \`${name}\` is required (a non-empty string)`);
  }
  return value;
}

/** @throws {TokenAuthConfigError} unless `value` is an absolute URL with no user name or password. */
export function requireUrl(value: unknown, name: string, provider: string): string {
  const url = requireString(value, name, provider);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw invalidOptions(`${provider}: \`${name}\` must be an absolute URL`);
  }
  // Credentials in the URL would land in the provider key (logs, events) and make axios send them
  // as Basic in place of the client's own authentication.
  if (parsed.username !== '' || parsed.password !== '') {
    throw invalidOptions(
      `${provider}: \`${name}\` must not carry a user name or password; pass the client's credentials as options`,
    );
  }
  return url;
}
