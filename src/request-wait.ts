import {
  AxiosError,
  CanceledError,
  getAdapter,
  type Cancel,
  type CancelToken,
  type InternalAxiosRequestConfig,
} from 'axios';
import { timerDelay } from './timers.js';

/** What a request's `adapter` names: axios' own adapters by name, in a list, or a function. */
export type AdapterSpec = NonNullable<InternalAxiosRequestConfig['adapter']>;

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

  /** `adapter` is the one that will send the request: it decides the code of a timeout error. */
  constructor(config: InternalAxiosRequestConfig, waiter: WaitEnder, adapter: AdapterSpec) {
    if (hasTimeout(config)) {
      this.#timer = setTimeout(timedOut, timerDelay(config.timeout), config, waiter, adapter);
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

function timedOut(config: InternalAxiosRequestConfig, waiter: WaitEnder, adapter: AdapterSpec): void {
  waiter.endWait(timeoutError(config, adapter));
}

/**
 * The error axios' own adapters reject with when `timeout` runs out: `ECONNABORTED` from `xhr` and
 * `http` (`ETIMEDOUT` with `clarifyTimeoutError`), always `ETIMEDOUT` from `fetch`.
 */
function timeoutError(config: InternalAxiosRequestConfig, adapter: AdapterSpec): AxiosError {
  const message = config.timeoutErrorMessage || `timeout of ${config.timeout}ms exceeded`;
  const clarified = config.transitional?.clarifyTimeoutError === true || sendsWithFetch(adapter, config);
  return new AxiosError(message, clarified ? AxiosError.ETIMEDOUT : AxiosError.ECONNABORTED, config);
}

/**
 * The error axios' own adapters reject with when the request's `signal` aborts: a `CanceledError`,
 * which `xhr` and `http` leave at `canceled` and `fetch` gives the message of the signal's reason.
 */
export function canceledError(
  reason: unknown,
  config: InternalAxiosRequestConfig,
  adapter: AdapterSpec,
): CanceledError<unknown> {
  if (!sendsWithFetch(adapter, config)) return new CanceledError(undefined, config);
  const message = reason instanceof Error ? reason.message : (reason as string | undefined);
  return new CanceledError(message, config);
}

/** Whether axios resolves `adapter` to its `fetch` adapter (marked `adapterName` by older axios, cached per `env` by newer). */
function sendsWithFetch(adapter: AdapterSpec, config: InternalAxiosRequestConfig): boolean {
  try {
    const resolved = getAdapter(adapter, config);
    return (
      (resolved as { adapterName?: unknown }).adapterName === 'fetch' ||
      resolved === getAdapter('fetch', config)
    );
  } catch {
    return false;
  }
}
