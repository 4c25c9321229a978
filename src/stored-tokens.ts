import type { InvalidatedTokens } from './invalidated-tokens.js';
import { adoptedIssuedAt } from './refresh-schedule.js';
import type { SafeStore } from './safe-store.js';
import type { Token } from './token.js';
import { hasExpiry, type TokenCache } from './token-cache.js';

/** One flight's own state: `dispose()` aborts its lifetime; a failed store read skips its other store calls. */
export interface Flight {
  readonly key: string;
  readonly replacing: string | undefined;
  readonly lifetime: AbortSignal;
  storeFailed: boolean;
}

/**
 * Adopting a token another manager (process, tab) put in the store: it serves a flight when it is
 * none the flight was to replace, was never invalidated here, and has more than its wait margin left.
 */
export class StoredTokens {
  readonly #store: SafeStore;
  readonly #entries: TokenCache;
  readonly #invalidated: InvalidatedTokens;
  readonly #now: () => number;

  constructor(store: SafeStore, entries: TokenCache, invalidated: InvalidatedTokens, now: () => number) {
    this.#store = store;
    this.#entries = entries;
    this.#invalidated = invalidated;
    this.#now = now;
  }

  /**
   * The stored token of `flight`'s key, cached, when it may serve; synchronous for a store that
   * answers synchronously. A failed read marks the flight.
   */
  adopt(flight: Flight): Token | undefined | Promise<Token | undefined> {
    const stored = this.#store.get(flight.key, () => {
      flight.storeFailed = true;
    });
    return stored instanceof Promise
      ? stored.then((token) => this.#adopt(flight, token))
      : this.#adopt(flight, stored);
  }

  #adopt(flight: Flight, stored: Token | undefined): Token | undefined {
    if (
      flight.lifetime.aborted ||
      stored === undefined ||
      !hasExpiry(stored) ||
      stored.accessToken === flight.replacing ||
      this.#invalidated.has(flight.key, stored.accessToken)
    ) {
      return undefined;
    }
    const now = this.#now();
    const entry = this.#entries.entryFor(stored, adoptedIssuedAt(stored, now));
    // Too close to expiry to send (by its whole lifetime, not the time left): fetch a new one, and
    // leave the cache as it is (during a background refresh it still serves the current token).
    if (now >= entry.waitAt) return undefined;
    this.#entries.set(flight.key, entry, now);
    return stored;
  }
}
