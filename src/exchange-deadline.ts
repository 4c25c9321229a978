import { followSignal } from './abortable.js';
import { timerDelay } from './timers.js';

/** A signal that ends one HTTP exchange: when `signal` aborts, or once `ms` have passed. */
export interface ExchangeDeadline {
  readonly signal: AbortSignal;
  /** True once the time ran out (not when `signal` aborted). */
  readonly expired: boolean;
  /** Stops the timer and lets go of `signal`. */
  clear(): void;
}

/**
 * Bounds a whole exchange, the answer's body included. axios' own `timeout` in Node stops counting
 * once the headers arrive and then only limits the time between two packets, so a body trickled
 * byte by byte would hold a token request (and every caller waiting for it) without end.
 */
export function startExchangeDeadline(ms: number, signal: AbortSignal | undefined): ExchangeDeadline {
  const { controller, release } = followSignal(signal);
  let expired = false;
  const timer = setTimeout(() => {
    expired = true;
    controller.abort(new DOMException(`no answer within ${ms} ms`, 'TimeoutError'));
  }, timerDelay(ms));
  // The socket keeps the process alive while the exchange runs; the timer alone must not.
  (timer as { unref?: () => void }).unref?.();
  return {
    signal: controller.signal,
    get expired() {
      return expired;
    },
    clear() {
      clearTimeout(timer);
      release();
    },
  };
}
