import type { Token } from './token.js';
import type { StoreOperation, TokenEvent } from './token-events.js';
import { isThenable } from './thenable.js';
import type { TokenStore } from './token-store.js';

/**
 * The manager's view of a {@link TokenStore}: every call is caught, so a store outage costs a fetch,
 * never a failed request. An outage is reported once (`store_error`), and its end once
 * (`store_recovered`).
 */
export class SafeStore {
  readonly #store: TokenStore;
  readonly #emit: (event: TokenEvent) => void;
  /**
   * The outage being reported, if any, and the writes that failed in it: then only a token stored, or
   * one of those writes working again, ends it. A store that answers reads but refuses writes (a
   * read-only replica; a Redis out of memory, which still takes deletes) shares nothing.
   */
  #outage: { readonly failedWrites: Set<StoreOperation> } | undefined;

  constructor(store: TokenStore, emit: (event: TokenEvent) => void) {
    this.#store = store;
    this.#emit = emit;
  }

  /** Whether the store shares a lock between processes or tabs. */
  get shared(): boolean {
    return typeof this.#store.singleFlight === 'function';
  }

  /**
   * The token stored under `key`: synchronously when the store answers synchronously (the in-memory
   * one does), so that a token request that follows leaves in the caller's own turn of the event loop.
   * `onFailure` is called when this read failed (it then answers `undefined`).
   */
  get(key: string, onFailure?: () => void): Token | undefined | Promise<Token | undefined> {
    let answer: Token | undefined | Promise<Token | undefined>;
    try {
      answer = this.#store.get(key);
    } catch (error) {
      this.#failed(key, 'get', error);
      onFailure?.();
      return undefined;
    }
    if (!isThenable(answer)) {
      this.#succeeded(key, 'get');
      return answer ?? undefined;
    }
    return Promise.resolve(answer).then(
      (token) => {
        this.#succeeded(key, 'get');
        return token ?? undefined;
      },
      (error: unknown) => {
        this.#failed(key, 'get', error);
        onFailure?.();
        return undefined;
      },
    );
  }

  async set(key: string, token: Token, ttlMs: number): Promise<void> {
    try {
      await this.#store.set(key, token, ttlMs);
      this.#succeeded(key, 'set');
    } catch (error) {
      this.#failed(key, 'set', error);
    }
  }

  async delete(key: string, accessToken: string | undefined): Promise<boolean> {
    try {
      const removed = await this.#store.delete(key, accessToken);
      this.#succeeded(key, 'delete');
      return removed === true;
    } catch (error) {
      this.#failed(key, 'delete', error);
      return false;
    }
  }

  /**
   * Runs `fn` under the store's lock; if the store fails before `fn` starts, runs it here. Once `fn`
   * has started, its own result or error wins over a store failure around it (a lock that cannot be
   * released, a store timeout while `fn` still runs): `fn` never runs twice.
   */
  async singleFlight<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const singleFlight = this.#store.singleFlight;
    if (singleFlight === undefined) return fn();
    let running: Promise<T> | undefined;
    // `fn` is the manager's async function: it never throws, it rejects.
    const once = (): Promise<T> => (running ??= fn());
    try {
      const result = await singleFlight.call<TokenStore, [string, () => Promise<T>], Promise<T>>(
        this.#store,
        key,
        once,
      );
      this.#succeeded(key, 'singleFlight');
      return result;
    } catch (error) {
      if (running === undefined) {
        this.#failed(key, 'singleFlight', error);
        return fn();
      }
      let value: T;
      try {
        value = await running;
      } catch (fnError) {
        if (fnError !== error) this.#failed(key, 'singleFlight', error);
        throw fnError;
      }
      this.#failed(key, 'singleFlight', error);
      return value;
    }
  }

  #succeeded(key: string, operation: StoreOperation): void {
    const failedWrites = this.#outage?.failedWrites;
    if (failedWrites === undefined) return;
    if (failedWrites.size > 0 && operation !== 'set' && !failedWrites.has(operation)) return;
    this.#outage = undefined;
    this.#emit({ type: 'store_recovered', key });
  }

  #failed(key: string, operation: StoreOperation, error: unknown): void {
    const reported = this.#outage !== undefined;
    this.#outage ??= { failedWrites: new Set() };
    if (operation !== 'get') this.#outage.failedWrites.add(operation);
    if (!reported) this.#emit({ type: 'store_error', key, operation, error });
  }
}
