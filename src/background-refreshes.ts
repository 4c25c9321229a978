import type { Token } from './token.js';

/**
 * The running background refreshes, by provider key. They keep no process alive in their back-off,
 * unlike their callers: a caller that joins one is told so, to keep the process alive while it waits.
 */
export class BackgroundRefreshes {
  readonly #running = new Map<string, Promise<Token>>();

  /** Whether `flight` is the running background refresh of `key`. */
  isRunning(key: string, flight: Promise<Token>): boolean {
    return this.#running.get(key) === flight;
  }

  /** Records `flight` as the background refresh of `key` until it settles, then calls `ended`. */
  track(key: string, flight: Promise<Token>, ended: (failed: boolean, error?: unknown) => void): void {
    this.#running.set(key, flight);
    const settled = (failed: boolean, error?: unknown): void => {
      if (this.#running.get(key) === flight) this.#running.delete(key);
      ended(failed, error);
    };
    flight.then(
      () => settled(false),
      (error: unknown) => settled(true, error),
    );
  }
}
