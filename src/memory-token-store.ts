import { ExpirySweep } from './expiry-sweep.js';
import { wallClock } from './timers.js';
import type { Token } from './token.js';
import type { TokenStore } from './token-store.js';

interface Entry {
  readonly token: Token;
  readonly expiresAt: number;
}

/** Options of {@link MemoryTokenStore}. */
export interface MemoryTokenStoreOptions {
  /** Clock, epoch ms. Default `Date.now`. */
  now?: (() => number) | undefined;
}

/**
 * The default {@link TokenStore}: a `Map` in this process. Entries expire after their `ttlMs` and are
 * dropped when read, or swept as the map grows; nothing is scheduled, so it never keeps a process alive.
 */
export class MemoryTokenStore implements TokenStore {
  readonly #entries = new Map<string, Entry>();
  readonly #sweep = new ExpirySweep<Entry>((entry) => entry.expiresAt);
  readonly #now: () => number;

  constructor(options: MemoryTokenStoreOptions = {}) {
    this.#now = options.now ?? wallClock;
  }

  get(key: string): Token | undefined {
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    if (this.#now() >= entry.expiresAt) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry.token;
  }

  set(key: string, token: Token, ttlMs: number): void {
    if (!(ttlMs > 0)) {
      this.#entries.delete(key);
      return;
    }
    const now = this.#now();
    this.#entries.set(key, { token, expiresAt: now + ttlMs });
    this.#sweep.written(this.#entries, now);
  }

  delete(key: string, accessToken?: string): boolean {
    const entry = this.#entries.get(key);
    if (entry === undefined) return false;
    if (accessToken !== undefined && entry.token.accessToken !== accessToken) return false;
    return this.#entries.delete(key);
  }

  /** Number of stored entries, expired ones included until read or swept. */
  get size(): number {
    return this.#entries.size;
  }

  clear(): void {
    this.#entries.clear();
  }
}
