import { followSignal } from './abortable.js';
import { monotonicClock, timerDelay } from './timers.js';

/** A timer this late did not wait for a busy event loop: the process itself did not run. */
const STALL_MS = 1000;

/** A signal that ends one HTTP exchange: when `signal` aborts, or once `ms` have passed. */
export interface ExchangeDeadline {
  readonly signal: AbortSignal;
  /** True once the time ran out (not when `signal` aborted). */
  readonly expired: boolean;
  /**
   * True when it ran out while this process was not running (frozen, asleep, paused in a debugger):
   * its timer fired a second or more after it was due, so the exchange never had its time.
   */
  readonly stalled: boolean;
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
  let stalled = false;
  const elapsed = monotonicClock();
  const dueAt = (elapsed?.() ?? NaN) + ms;
  const timer = setTimeout(() => {
    expired = true;
    stalled = (elapsed?.() ?? NaN) - dueAt >= STALL_MS;
    controller.abort(new DOMException(`no answer within ${ms} ms`, 'TimeoutError'));
  }, timerDelay(ms));
  // The socket keeps the process alive while the exchange runs; the timer alone must not.
  (timer as { unref?: () => void }).unref?.();
  return {
    signal: controller.signal,
    get expired() {
      return expired;
    },
    get stalled() {
      return stalled;
    },
    clear() {
      clearTimeout(timer);
      release();
    },
  };
}
