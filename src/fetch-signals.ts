/**
 * The signals handed to providers, each knowing the key it fetches for: a request that carries one
 * is that fetch's own token request, and must not wait for the token it brings. The signal is the
 * flight's own lifetime (one controller per flight, aborted by `dispose()`), marked, not followed:
 * no second controller and listener per fetch.
 */
export class FetchSignals {
  readonly #keys = new WeakMap<object, string>();

  /** Marks `lifetime`, the signal of one flight, as handed to a fetch of `key`; returns it. */
  mark(lifetime: AbortSignal, key: string): AbortSignal {
    this.#keys.set(lifetime, key);
    return lifetime;
  }

  /** Whether `signal` was handed to a fetch of `key`. */
  isFetching(signal: object, key: string): boolean {
    return this.#keys.get(signal) === key;
  }
}
