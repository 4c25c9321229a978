import { invalidOptions } from './errors.js';
import type { TokenEventListener } from './token-events.js';
import type { TokenStore } from './token-store.js';

/** Options of {@link TokenManager}; every one has a default. */
export interface TokenManagerOptions {
  /** Refresh a token when less than this is left (capped at half its lifetime). Default 60 000. */
  refreshSkewMs?: number | undefined;
  /**
   * Inside the refresh window, requests keep using the cached token (while one background refresh
   * runs) as long as more than this is left. Default: 10 % of the lifetime, at least 1 000, at most
   * half the refresh window; any value is capped at a quarter of the lifetime.
   */
  minValidityMs?: number | undefined;
  /** Lifetime of a token whose response states no expiry (and is no JWT with `exp`). Default 300 000. */
  defaultTtlMs?: number | undefined;
  /** Longest lifetime believed, whatever the server says. Default 86 400 000 (24 h). */
  maxTtlMs?: number | undefined;
  /**
   * After a credentials failure (status 400, 401 or 403 from the token endpoint), callers get the same
   * error without a new token request for this long; after a 408, 429 or 5xx with `Retry-After`, until
   * the time it names. Default 0: a failed fetch is never cached.
   */
  failureCooldownMs?: number | undefined;
  /** Where tokens are shared besides this manager's own memory. Default: a {@link MemoryTokenStore}. */
  store?: TokenStore | undefined;
  /** Hook for logs and metrics. Never receives a secret or a token. */
  onEvent?: TokenEventListener | undefined;
  /**
   * Clock, epoch ms. Default `Date.now`, with the time since a token was cached also counted on the
   * monotonic clock, so that a wall clock set back does not keep it past its expiry; a clock given
   * here is taken as it is.
   */
  now?: (() => number) | undefined;
}

/** Options of {@link TokenManager.getToken}. */
export interface GetTokenOptions {
  /** Fetch a new token even if a fresh one is cached (still one fetch for all concurrent callers). */
  forceRefresh?: boolean | undefined;
  /** Ends this caller's wait at once; the shared fetch goes on for the others. */
  signal?: AbortSignal | undefined;
}

const DURATIONS = [
  'refreshSkewMs',
  'minValidityMs',
  'defaultTtlMs',
  'maxTtlMs',
  'failureCooldownMs',
] as const;

/**
 * @throws {TokenAuthConfigError} on an option of the wrong kind. A duration that is `NaN` (e.g.
 * `Number(process.env.UNSET)`) would make every comparison with it false: an expired token would be
 * served forever, never refreshed.
 */
export function checkManagerOptions(options: TokenManagerOptions): void {
  for (const name of DURATIONS) {
    const value: unknown = options[name];
    if (value !== undefined && !(typeof value === 'number' && value >= 0)) {
      throw invalidOptions(`TokenManager ${name} must be a number of milliseconds of at least 0`);
    }
  }
  for (const name of ['now', 'onEvent'] as const) {
    if (options[name] !== undefined && typeof options[name] !== 'function') {
      throw invalidOptions(`TokenManager ${name} must be a function`);
    }
  }
  const store: Partial<Record<keyof TokenStore, unknown>> | undefined = options.store;
  if (
    store !== undefined &&
    !['get', 'set', 'delete'].every((name) => typeof store?.[name as keyof TokenStore] === 'function')
  ) {
    throw invalidOptions('TokenManager store must have get, set and delete methods');
  }
}
