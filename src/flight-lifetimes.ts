/**
 * The lifetimes of the running flights, all ended at once by `dispose()`. Each flight gets a
 * controller of its own instead of a listener on one signal every flight shares: Node warns of a
 * possible leak past 10 listeners on one signal, which a few concurrent fetches (one per tenant's
 * key) would reach.
 */
export class FlightLifetimes {
  readonly #running = new Set<AbortController>();

  /**
   * Runs `fn` with a signal of its own, aborted by {@link abortAll} until `fn` settles. Returns `fn`'s
   * own promise: a flight that settles a turn later would be joined by callers it cannot serve.
   */
  run<T>(fn: (lifetime: AbortSignal) => Promise<T>): Promise<T> {
    const controller = new AbortController();
    this.#running.add(controller);
    const running = fn(controller.signal);
    const done = (): void => {
      this.#running.delete(controller);
    };
    running.then(done, done);
    return running;
  }

  abortAll(reason: unknown): void {
    const running = [...this.#running];
    this.#running.clear();
    for (const controller of running) controller.abort(reason);
  }
}
