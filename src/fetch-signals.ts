import { followSignal } from './abortable.js';

/**
 * The signals handed to providers, one per fetch, each knowing the key it fetches for: a request
 * that carries one is that fetch's own token request, and must not wait for the token it brings.
 */
export class FetchSignals {
  readonly #keys = new WeakMap<object, string>();

  /** A signal for one fetch of `key`, aborted with `lifetime`; `release` lets go of `lifetime` once it ends. */
  start(key: string, lifetime: AbortSignal): { readonly signal: AbortSignal; release(): void } {
    const { controller, release } = followSignal(lifetime);
    this.#keys.set(controller.signal, key);
    return { signal: controller.signal, release };
  }

  /** Whether `signal` was handed to a fetch of `key`. */
  isFetching(signal: object, key: string): boolean {
    return this.#keys.get(signal) === key;
  }
}
