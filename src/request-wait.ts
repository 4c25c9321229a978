import type { Cancel, CancelToken, InternalAxiosRequestConfig } from 'axios';
import { abortReason } from './abortable.js';

/** A signal that ends one request's wait for its token, and how to stop following its sources. */
export interface RequestWait {
  readonly signal: AbortSignal;
  /** Stops listening to the request's sources; called once the wait is over. */
  end(): void;
}

/**
 * What ends the wait of `config` for a token besides its `signal`: its legacy `cancelToken`, which
 * axios itself only checks once the adapter sends. `undefined` when nothing but the signal can.
 */
export function requestWait(config: InternalAxiosRequestConfig): RequestWait | undefined {
  const cancelToken = config.cancelToken as CancelToken | undefined;
  if (cancelToken === undefined || cancelToken === null) return undefined;
  const own = config.signal as AbortSignal | undefined;
  const controller = new AbortController();
  const onAbort = (): void => controller.abort(abortReason(own as AbortSignal));
  // The reason is axios' own `CanceledError`, as the adapter would reject with.
  const onCancel = (reason: Cancel): void => controller.abort(reason);
  if (own?.aborted === true) onAbort();
  else own?.addEventListener('abort', onAbort, { once: true });
  cancelToken.subscribe(onCancel);
  return {
    signal: controller.signal,
    end: () => {
      own?.removeEventListener('abort', onAbort);
      cancelToken.unsubscribe(onCancel);
    },
  };
}
