import { isThenable } from './thenable.js';

/** What {@link TokenManagerOptions.onEvent} receives. Events never carry a secret or a token. */
export type TokenEvent =
  /** A token request starts. `background`: a request-free refresh of a still-usable token. */
  | { readonly type: 'fetch'; readonly key: string; readonly background: boolean }
  /** A token arrived; `expiresAt` in epoch ms. */
  | {
      readonly type: 'fetched';
      readonly key: string;
      readonly expiresAt: number;
      readonly durationMs: number;
    }
  /** A token request failed. With `background`, requests go on with the still-valid token. */
  | {
      readonly type: 'fetch_failed';
      readonly key: string;
      readonly error: unknown;
      readonly background: boolean;
    }
  /** A cached token was dropped (after a 401, or by `invalidate`). */
  | { readonly type: 'invalidated'; readonly key: string }
  /** A request is replayed with a fresh token after `status`. */
  | { readonly type: 'retry'; readonly key: string; readonly status: number }
  /**
   * The shared store failed (`operation` names the call); the manager goes on with its in-memory copy
   * and fetches directly. Reported once per outage; `store_recovered` follows when it works again.
   */
  | {
      readonly type: 'store_error';
      readonly key: string;
      readonly operation: StoreOperation;
      readonly error: unknown;
    }
  | { readonly type: 'store_recovered'; readonly key: string };

/** The {@link TokenStore} method a `store_error` event reports as failed. */
export type StoreOperation = 'get' | 'set' | 'delete' | 'singleFlight';

/** Receives {@link TokenEvent}s. What it returns, throws or (when async) rejects with is ignored. */
export type TokenEventListener = (event: TokenEvent) => unknown;

/** Tells `listener` of `event`; what it throws, or rejects with when async, must not break token handling. */
export function notifyListener(listener: TokenEventListener, event: TokenEvent): void {
  try {
    const result: unknown = listener(event);
    // Any thenable: a promise of another realm (an iframe's listener) or of a promise library too.
    if (isThenable(result)) Promise.resolve(result).catch(ignore);
  } catch {
    // A faulty listener is ignored.
  }
}

function ignore(): void {}
