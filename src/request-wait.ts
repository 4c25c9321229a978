import { AxiosError, type Cancel, type CancelToken, type InternalAxiosRequestConfig } from 'axios';
import { abortReason } from './abortable.js';
import { timerDelay } from './timers.js';

/** A signal that ends one request's wait for its token, and how to stop following its sources. */
export interface RequestWait {
  readonly signal: AbortSignal;
  /** Stops listening to the request's sources; called once the wait is over. */
  end(): void;
}

/**
 * What ends the wait of `config` for a token besides its `signal`: its legacy `cancelToken` and its
 * `timeout`, which axios itself only applies once the adapter sends. `undefined` when nothing but
 * the signal can.
 */
export function requestWait(config: InternalAxiosRequestConfig): RequestWait | undefined {
  const cancelToken = config.cancelToken as CancelToken | undefined | null;
  const timeout = config.timeout ?? 0;
  const timed = Number.isFinite(timeout) && timeout > 0;
  if ((cancelToken === undefined || cancelToken === null) && !timed) return undefined;
  const own = config.signal as AbortSignal | undefined;
  const controller = new AbortController();
  const onAbort = (): void => controller.abort(abortReason(own as AbortSignal));
  // The reason is axios' own `CanceledError`, as the adapter would reject with.
  const onCancel = (reason: Cancel): void => controller.abort(reason);
  if (own?.aborted === true) onAbort();
  else own?.addEventListener('abort', onAbort, { once: true });
  cancelToken?.subscribe(onCancel);
  const timer = timed
    ? setTimeout(() => controller.abort(timeoutError(config)), timerDelay(timeout))
    : undefined;
  // The token request keeps the process alive while it runs; the timer need not.
  (timer as { unref?: () => void } | undefined)?.unref?.();
  return {
    signal: controller.signal,
    end: () => {
      clearTimeout(timer);
      own?.removeEventListener('abort', onAbort);
      cancelToken?.unsubscribe(onCancel);
    },
  };
}

/** The error axios' own adapters reject with when `timeout` runs out. */
function timeoutError(config: InternalAxiosRequestConfig): AxiosError {
  const message = config.timeoutErrorMessage || `timeout of ${config.timeout}ms exceeded`;
  const code =
    config.transitional?.clarifyTimeoutError === true ? AxiosError.ETIMEDOUT : AxiosError.ECONNABORTED;
  return new AxiosError(message, code, config);
}
