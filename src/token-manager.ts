import { abortable, abortReason } from './abortable.js';
import { BackgroundRefreshes } from './background-refreshes.js';
import { FailureCooldown } from './failure-cooldown.js';
import { FlightLifetimes } from './flight-lifetimes.js';
import { InvalidatedTokens } from './invalidated-tokens.js';
import { MemoryTokenStore } from './memory-token-store.js';
import { retryAfterOfFailure } from './retry-policy.js';
import { hasProviderKey, missingProviderKey } from './provider-key.js';
import { arrivedTooLate, boundedLifetime, checkProviderToken, providerFailure } from './provider-token.js';
import { SafeStore } from './safe-store.js';
import { StoredTokens, type Flight } from './stored-tokens.js';
import { TokenCache, type CacheEntry } from './token-cache.js';
import { TokenFlights } from './token-flights.js';
import { keepAliveUntilSettled, monotonicClock, wallClock, yieldToEventLoop } from './timers.js';
import type { Token, TokenProvider } from './token.js';
import { notifyListener, type TokenEvent, type TokenEventListener } from './token-events.js';
import {
  checkManagerOptions,
  type GetTokenOptions,
  type TokenManagerOptions,
} from './token-manager-options.js';

/**
 * The provider-keyed token cache. One in-flight fetch per key whatever the number of callers; a
 * failed fetch is never cached; tokens are refreshed in the background before they expire.
 *
 * @example
 * const tokens = new TokenManager({ refreshSkewMs: 30_000 });
 * const token = await tokens.getToken(provider);
 */
export class TokenManager {
  readonly #entries: TokenCache;
  readonly #cooldown: FailureCooldown;
  readonly #invalidated: InvalidatedTokens;
  readonly #store: SafeStore;
  readonly #stored: StoredTokens;
  /** Set when the manager made its own store, which `dispose` then clears. */
  readonly #ownStore: MemoryTokenStore | undefined;
  readonly #defaultTtlMs: number;
  readonly #maxTtlMs: number;
  readonly #onEvent: TokenEventListener | undefined;
  readonly #now: () => number;
  #lifetime = new AbortController();
  readonly #background = new BackgroundRefreshes();
  readonly #flights: TokenFlights;
  readonly #flightLifetimes = new FlightLifetimes();

  /** @throws {TokenAuthConfigError} on an invalid option. */
  constructor(options: TokenManagerOptions = {}) {
    checkManagerOptions(options);
    this.#entries = new TokenCache(
      { refreshSkewMs: options.refreshSkewMs ?? 60_000, minValidityMs: options.minValidityMs },
      options.now === undefined ? monotonicClock() : undefined,
    );
    this.#defaultTtlMs = options.defaultTtlMs ?? 300_000;
    this.#maxTtlMs = options.maxTtlMs ?? 86_400_000;
    this.#onEvent = options.onEvent;
    // Read at each call, not bound now: a test's fake timers installed later (a new fake `Date` per
    // test) are the clock of a manager made at import, as the process-wide default is.
    this.#now = options.now ?? wallClock;
    this.#cooldown = new FailureCooldown(options.failureCooldownMs ?? 0, this.#now);
    this.#invalidated = new InvalidatedTokens(this.#maxTtlMs, this.#now);
    this.#ownStore = options.store === undefined ? new MemoryTokenStore({ now: this.#now }) : undefined;
    this.#store = new SafeStore(options.store ?? (this.#ownStore as MemoryTokenStore), (event) =>
      this.emit(event),
    );
    this.#stored = new StoredTokens(this.#store, this.#entries, this.#invalidated, this.#now);
    this.#flights = new TokenFlights((provider, replacing, background) =>
      this.#flightLifetimes.run(provider.key, (lifetime) =>
        this.#obtain(provider, replacing, background, lifetime),
      ),
    );
  }

  /**
   * A valid token for `provider`: the cached one while it is fresh, else one fetched for all
   * concurrent callers of the same key. Rejects with the fetch's error (a {@link TokenRequestError}
   * for the shipped providers) or, when `signal` aborts, with its reason; with a
   * `TokenAuthConfigError` for a provider without a key.
   */
  getToken(provider: TokenProvider, options?: GetTokenOptions): Promise<Token> {
    if (!hasProviderKey(provider)) return Promise.reject(missingProviderKey());
    if (options?.forceRefresh !== true) {
      const cached = this.peekToken(provider);
      if (cached !== undefined) return Promise.resolve(cached);
    }
    const signal = options?.signal;
    // An aborted caller starts nothing: a fetch nobody waits for would only fail unheard.
    if (signal?.aborted === true) return Promise.reject(abortReason(signal));
    const flight = this.#load(provider);
    const waiting = abortable(flight, signal);
    // A caller that joined a background refresh keeps the process alive while it waits, as for a fetch.
    if (this.#background.isRunning(provider.key, flight)) keepAliveUntilSettled(waiting);
    return waiting;
  }

  /**
   * The cached token when it can be sent right now, else `undefined`; synchronous, for hot paths.
   * Inside the refresh window it starts one background refresh and still returns the token.
   *
   * @throws {TokenAuthConfigError} for a provider without a key.
   */
  peekToken(provider: TokenProvider): Token | undefined {
    const entry = this.#entries.get(provider.key);
    if (entry === undefined) {
      // Checked on a miss only: nothing is ever cached for a provider without a key.
      if (!hasProviderKey(provider)) throw missingProviderKey();
      return undefined;
    }
    const now = this.#entries.now(entry, this.#now());
    if (now < entry.refreshAt) return entry.token;
    if (now >= entry.waitAt) return undefined;
    if (now >= entry.backgroundAfter) this.#refreshInBackground(provider, entry);
    return entry.token;
  }

  /**
   * @internal Until when `token` may be sent: for the cached token, the moment requests stop using
   * it; for any other, its expiry. A request held by other interceptors is checked against it again.
   */
  sendableUntil(key: string, token: Token): number {
    const entry = this.#entries.get(key);
    if (entry?.token === token) return entry.waitAt;
    return token.expiresAt ?? Infinity;
  }

  /** @internal Whether `until` (a {@link sendableUntil} answer) still lies ahead, on this manager's clock. */
  isBefore(until: number): boolean {
    return until === Infinity || this.#now() < until;
  }

  /**
   * Drops the cached token of `key`; with `accessToken`, only if that is still the cached one, so a
   * storm of 401s for one token causes one refresh and a late 401 drops nothing. Resolves to whether
   * a token was dropped.
   */
  async invalidate(key: string, accessToken?: string): Promise<boolean> {
    const entry = this.#entries.get(key);
    const dropped = accessToken ?? entry?.token.accessToken;
    const expiresAt = entry?.token.accessToken === dropped ? entry?.token.expiresAt : undefined;
    if (dropped !== undefined) this.#invalidated.add(key, dropped, expiresAt);
    let removed = false;
    if (entry !== undefined && (accessToken === undefined || entry.token.accessToken === accessToken)) {
      this.#entries.delete(key);
      removed = true;
    }
    if ((await this.#store.delete(key, accessToken)) === true) removed = true;
    if (removed) this.emit({ type: 'invalidated', key });
    return removed;
  }

  /**
   * Clears the cache (and the default in-memory store; a store you passed is left alone), the failure
   * cool-downs, and aborts running fetches. The manager stays usable.
   */
  dispose(): void {
    this.#ownStore?.clear();
    const disposed = new DOMException('The token manager was disposed', 'AbortError');
    this.#lifetime.abort(disposed);
    this.#lifetime = new AbortController();
    this.#flightLifetimes.abortAll(disposed);
    // Callers from now on start a flight of their own instead of joining one that was just aborted.
    this.#flights.reset();
    this.#entries.clear();
    this.#cooldown.clear();
    // A store passed in keeps what it failed to delete: the tokens invalidated stay refused.
    if (this.#ownStore !== undefined) this.#invalidated.clear();
  }

  /** @internal Aborted by the next `dispose()`: what waits for a fetch begun before it must not be joined after. */
  get lifetime(): AbortSignal {
    return this.#lifetime.signal;
  }

  /** @internal Whether `signal` was handed to a fetch of `key`: a request carrying it is that token request. */
  isFetchSignal(signal: object, key: string): boolean {
    return this.#flightLifetimes.isLifetimeOf(signal, key);
  }

  /** @internal Reports an event to `onEvent` (the interceptors report `retry` through it). */
  emit(event: TokenEvent): void {
    if (this.#onEvent !== undefined) notifyListener(this.#onEvent, event);
  }

  #load(provider: TokenProvider): Promise<Token> {
    const cooldown = this.#cooldown.active(provider.key);
    if (cooldown !== undefined) return Promise.reject(cooldown.error);
    // Forced or too close to expiry: the store's copy of this same token is no better.
    return this.#flights.start(provider, this.#entries.get(provider.key)?.token.accessToken, false);
  }

  #refreshInBackground(provider: TokenProvider, entry: CacheEntry): void {
    TokenCache.backgroundStarted(entry);
    const key = provider.key;
    const flight = this.#flights.start(provider, entry.token.accessToken, true);
    this.#background.track(key, flight, (failed, error) => {
      // Still cached after a success: the refresh brought nothing to cache (a token expired on arrival).
      if (!failed && this.#entries.get(key) !== entry) return;
      const now = this.#now();
      TokenCache.backgroundFailed(entry, this.#entries.now(entry, now), retryAfterOfFailure(error, now));
    });
  }

  async #obtain(
    provider: TokenProvider,
    replacing: string | undefined,
    background: boolean,
    lifetime: AbortSignal,
  ): Promise<Token> {
    // A `dispose()` while this waits (for its turn, or for the store) ends it: it aborts `lifetime`.
    const flight: Flight = { key: provider.key, replacing, lifetime, storeFailed: false };
    if (background) {
      // The request that noticed the refresh window does not wait for the refresh: start it on its own turn.
      await yieldToEventLoop();
      lifetime.throwIfAborted();
    }
    // No `await` for a store that answers synchronously: a cold burst's token request then leaves
    // while the app is still issuing the burst, instead of after it.
    const found = this.#stored.adopt(flight);
    const adopted = found instanceof Promise ? await abortable(found, lifetime) : found;
    lifetime.throwIfAborted();
    if (adopted !== undefined) return adopted;
    // A store whose read just failed is not asked again in this flight (lock, re-read, write): an
    // outage costs one store timeout per fetch, not one per command.
    if (!this.#store.shared || flight.storeFailed) return this.#fetch(provider, background, flight);
    // Inside the shared lock another holder may just have written a token: read again first. The
    // wait for the lock (another process's whole fetch) ends with `dispose()`; `fn` then runs nothing.
    const locked = this.#store.singleFlight(flight.key, async () => {
      lifetime.throwIfAborted();
      const again = await this.#stored.adopt(flight);
      lifetime.throwIfAborted();
      return again ?? this.#fetch(provider, background, flight);
    });
    return abortable(locked, lifetime);
  }

  async #fetch(provider: TokenProvider, background: boolean, flight: Flight, again = false): Promise<Token> {
    const { key, lifetime } = flight;
    this.emit({ type: 'fetch', key, background });
    const sentAt = this.#now();
    let fetched: Token;
    try {
      const answer = provider.fetchToken({ signal: lifetime, background, maxTtlMs: this.#maxTtlMs });
      // Ended by `dispose()` even when the provider does not watch its signal; a provider may also
      // answer with a plain value.
      fetched = checkProviderToken(await abortable(Promise.resolve(answer), lifetime), key);
      // A provider that does not watch the signal still gets nothing cached after `dispose()`.
      lifetime.throwIfAborted();
    } catch (error) {
      // Events go to logs: what a custom provider threw (an axios error with its own credentials in
      // the config) is reported reduced, as requests see it; `getToken` rejects with it unchanged.
      this.emit({ type: 'fetch_failed', key, error: providerFailure(error, key), background });
      this.#cooldown.failed(key, error);
      throw error;
    }
    this.#cooldown.succeeded(key);
    const token = boundedLifetime(fetched, sentAt, this.#defaultTtlMs, this.#maxTtlMs);
    const expiresAt = token.expiresAt;
    const now = this.#now();
    this.emit({ type: 'fetched', key, expiresAt, durationMs: now - sentAt });
    // Sending it would only earn a 401: ask once more, now that the process runs again, unless
    // another process stored a token meanwhile.
    if (!again && arrivedTooLate(token, sentAt, now)) {
      const stored = flight.storeFailed ? undefined : await this.#stored.adopt(flight);
      return stored ?? this.#fetch(provider, background, flight, true);
    }
    if (expiresAt <= now) {
      // Expired on arrival (`expires_in: 0`): handed to the callers that waited, never cached. A
      // background refresh has none, and the token it was to replace goes on serving.
      if (!background) {
        this.#entries.delete(key);
        // Nor may the token it was to replace come back from the store to the next caller.
        if (flight.replacing !== undefined && !flight.storeFailed)
          await this.#store.delete(key, flight.replacing);
      }
      return token;
    }
    // Cached once the store has it: a request sent with it during a slow write could get its 401
    // before this flight's waiters get the token, which they would then be handed all the same.
    if (!flight.storeFailed) await this.#store.set(key, token, expiresAt - now);
    if (!lifetime.aborted) this.#entries.set(key, this.#entries.entryFor(token, sentAt), this.#now());
    return token;
  }
}
