import { ExpirySweep } from './expiry-sweep.js';
import { backgroundRetryDelay, refreshSchedule, type RefreshPolicy } from './refresh-schedule.js';
import type { Token } from './token.js';

/** A token whose expiry is known: the manager fills in a missing one before caching it. */
export type TimedToken = Token & { readonly expiresAt: number };

export function hasExpiry(token: Token): token is TimedToken {
  return token.expiresAt !== null;
}

/** A cached token with its refresh schedule and the state of its background refresh. */
export interface CacheEntry {
  readonly token: TimedToken;
  readonly refreshAt: number;
  readonly waitAt: number;
  /** No background refresh starts before this (one is running, or the last one failed). */
  backgroundAfter: number;
  backgroundFailures: number;
  /** When it was cached: on the manager's clock, and on the monotonic clock (see `TokenCache.now`). */
  cachedAt: number;
  cachedAtElapsed: number;
}

/**
 * The manager's tokens by provider key, each with its schedule. Entries of keys nobody asks for
 * again are dropped once they expired, as the map grows (a provider per tenant or per user).
 */
export class TokenCache {
  readonly #entries = new Map<string, CacheEntry>();
  readonly #sweep = new ExpirySweep<CacheEntry>((entry) => entry.token.expiresAt);
  readonly #policy: RefreshPolicy;
  readonly #elapsed: (() => number) | undefined;

  /** `elapsed`: a monotonic clock in ms, which no step of the wall clock moves; none for a custom clock. */
  constructor(policy: RefreshPolicy, elapsed?: () => number) {
    this.#policy = policy;
    this.#elapsed = elapsed;
  }

  get(key: string): CacheEntry | undefined {
    return this.#entries.get(key);
  }

  /** The entry `token` gets when its token request was sent at `issuedAt`; not cached yet. */
  entryFor(token: TimedToken, issuedAt: number): CacheEntry {
    const { refreshAt, waitAt } = refreshSchedule(token.expiresAt, issuedAt, this.#policy);
    return {
      token,
      refreshAt,
      waitAt,
      backgroundAfter: refreshAt,
      backgroundFailures: 0,
      cachedAt: issuedAt,
      cachedAtElapsed: NaN,
    };
  }

  set(key: string, entry: CacheEntry, now: number): void {
    entry.cachedAt = now;
    entry.cachedAtElapsed = this.#elapsed?.() ?? NaN;
    this.#entries.set(key, entry);
    this.#sweep.written(this.#entries, now);
  }

  /**
   * `now` for `entry`, or later when the monotonic clock counts more time since it was cached: a wall
   * clock stepped back (NTP, a user) must not keep a token in use past its real expiry. A clock that
   * jumps ahead (a laptop waking up, a sleep the monotonic clock may not count) is taken as it is.
   */
  now(entry: CacheEntry, now: number): number {
    if (this.#elapsed === undefined) return now;
    return Math.max(now, entry.cachedAt + (this.#elapsed() - entry.cachedAtElapsed));
  }

  delete(key: string): void {
    this.#entries.delete(key);
  }

  clear(): void {
    this.#entries.clear();
  }

  /** A background refresh of `entry` starts: no other until it ends. */
  static backgroundStarted(entry: CacheEntry): void {
    entry.backgroundAfter = Infinity;
  }

  /**
   * A background refresh of `entry` brought nothing: the next one waits a growing, jittered delay,
   * and no less than `notBeforeMs` (what the server's `Retry-After` asked).
   */
  static backgroundFailed(entry: CacheEntry, now: number, notBeforeMs = 0): void {
    entry.backgroundFailures += 1;
    entry.backgroundAfter = now + Math.max(backgroundRetryDelay(entry.backgroundFailures), notBeforeMs);
  }
}
