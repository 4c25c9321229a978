import { AxiosError, type Cancel, type CancelToken, type InternalAxiosRequestConfig } from 'axios';
import { timerDelay } from './timers.js';

/** A request waiting for its token, told when its cancel token or its timeout ends the wait. */
export interface WaitEnder {
  /** `reason` is the error axios' own adapter would reject with: a `CanceledError`, a timeout error. */
  endWait(reason: AxiosError): void;
}

/**
 * Follows what ends the wait of a request for its token besides its `signal`: its legacy
 * `cancelToken` and its `timeout`, which axios itself only applies once the adapter sends.
 *
 * One object and a timer per waiting request, no `AbortController`: in a cold burst every request
 * waits, and with a signal and its listener per request a burst of 10 000 took 1.5 times as long.
 */
export class RequestWait {
  readonly #timer: ReturnType<typeof setTimeout> | undefined;
  readonly #cancelToken: CancelToken | undefined;
  readonly #onCancel: ((cancel: Cancel) => void) | undefined;

  constructor(config: InternalAxiosRequestConfig, waiter: WaitEnder) {
    if (hasTimeout(config)) {
      this.#timer = setTimeout(timedOut, timerDelay(config.timeout), config, waiter);
      // The token request keeps the process alive while it runs; the timer need not.
      (this.#timer as { unref?: () => void }).unref?.();
    }
    const cancelToken = (config.cancelToken ?? undefined) as CancelToken | undefined;
    if (cancelToken !== undefined) {
      this.#cancelToken = cancelToken;
      // The reason is axios' own `CanceledError`, as the adapter would reject with.
      this.#onCancel = (cancel) => waiter.endWait(cancel as AxiosError);
      cancelToken.subscribe(this.#onCancel);
    }
  }

  /** Whether anything but the request's signal can end its wait. */
  static needed(config: InternalAxiosRequestConfig): boolean {
    return (config.cancelToken ?? undefined) !== undefined || hasTimeout(config);
  }

  /** Stops following the request's cancel token and timeout; called once the wait is over. */
  end(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    if (this.#onCancel !== undefined) this.#cancelToken?.unsubscribe(this.#onCancel);
  }
}

/** axios applies a `timeout` that is a positive, finite number of ms; 0 (its default) is none. */
function hasTimeout(
  config: InternalAxiosRequestConfig,
): config is InternalAxiosRequestConfig & { timeout: number } {
  const timeout = config.timeout ?? 0;
  return Number.isFinite(timeout) && timeout > 0;
}

function timedOut(config: InternalAxiosRequestConfig, waiter: WaitEnder): void {
  waiter.endWait(timeoutError(config));
}

/** The error axios' own adapters reject with when `timeout` runs out. */
function timeoutError(config: InternalAxiosRequestConfig): AxiosError {
  const message = config.timeoutErrorMessage || `timeout of ${config.timeout}ms exceeded`;
  const code =
    config.transitional?.clarifyTimeoutError === true ? AxiosError.ETIMEDOUT : AxiosError.ECONNABORTED;
  return new AxiosError(message, code, config);
}
