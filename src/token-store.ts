import type { Token } from './token.js';

type MaybePromise<T> = T | Promise<T>;

/**
 * Where a {@link TokenManager} keeps tokens besides its own in-memory copy. Every method may be
 * synchronous or asynchronous; a synchronous `get` lets a cold fetch start in the caller's own turn.
 * Implementations must pass the shared store conformance suite.
 */
export interface TokenStore {
  /** The token stored under `key`, or `undefined`. An expired token is never returned. */
  get(key: string): MaybePromise<Token | undefined>;
  /** Stores `token` under `key` for `ttlMs` milliseconds. */
  set(key: string, token: Token, ttlMs: number): MaybePromise<void>;
  /**
   * Removes the token under `key`. With `accessToken`, removes it only if it is still the stored one,
   * in one atomic compare-and-delete. Resolves to whether something was removed.
   */
  delete(key: string, accessToken?: string): MaybePromise<boolean | void>;
  /**
   * Optional, for stores shared between processes or tabs: runs `fn` while holding a lock every
   * sharer honours, and returns its result or error unchanged. An error thrown before `fn` runs is a
   * store failure; the manager then runs `fn` itself.
   */
  singleFlight?<T>(key: string, fn: () => Promise<T>): Promise<T>;
}
