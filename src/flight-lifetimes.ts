/**
 * The lifetimes of the running flights, all ended at once by `dispose()`. Each flight gets a
 * controller of its own instead of a listener on one signal every flight shares: Node warns of a
 * possible leak past 10 listeners on one signal, which a few concurrent fetches (one per tenant's
 * key) would reach.
 *
 * A flight's lifetime is also the signal its provider's fetch is handed, knowing the key it fetches
 * for: a request that carries it is that fetch's own token request, and must not wait for the token
 * it brings. No second controller and listener per fetch.
 */
export class FlightLifetimes {
  readonly #running = new Set<AbortController>();
  readonly #keys = new WeakMap<object, string>();

  /**
   * Runs `fn` with a signal of its own for `key`, aborted by {@link abortAll} until `fn` settles.
   * Returns `fn`'s own promise: a flight that settles a turn later would be joined by callers it
   * cannot serve.
   */
  run<T>(key: string, fn: (lifetime: AbortSignal) => Promise<T>): Promise<T> {
    const controller = new AbortController();
    this.#running.add(controller);
    this.#keys.set(controller.signal, key);
    const running = fn(controller.signal);
    const done = (): void => {
      this.#running.delete(controller);
    };
    running.then(done, done);
    return running;
  }

  /** Whether `signal` is the lifetime of a flight (running or not) for `key`. */
  isLifetimeOf(signal: object, key: string): boolean {
    return this.#keys.get(signal) === key;
  }

  abortAll(reason: unknown): void {
    const running = [...this.#running];
    this.#running.clear();
    for (const controller of running) controller.abort(reason);
  }
}
