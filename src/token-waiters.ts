import { abortReason } from './abortable.js';
import type { Token, TokenProvider } from './token.js';
import type { TokenManager } from './token-manager.js';

/** A request waiting for its token: told once, with the token or with why there is none. */
export interface TokenWaiter {
  onToken(token: Token): void;
  onError(error: unknown): void;
}

/**
 * Hands `waiter` the token of `provider`: at once when one is cached, else when the shared fetch
 * settles. `signal` ends only this waiter's wait, with its reason. Returns what stops following
 * `signal` once something else (the request's timeout, its cancel token) ended the wait.
 */
export type WaitForToken = (
  provider: TokenProvider,
  signal: AbortSignal | undefined,
  waiter: TokenWaiter,
) => StopWaiting;

/** Stops following the waiter's signal, so a long-lived one does not keep a listener per request. */
export type StopWaiting = () => void;

/**
 * The requests of one instance that wait for a provider key's token share one `getToken` call and
 * are kept in an array until it settles, each told directly.
 *
 * Why not `manager.getToken(...).then(...)` per request: every such call hangs one more reaction on
 * the same pending promise, a linked list as long as the burst. The garbage collector's parallel
 * young-generation pass cannot split a linked list between its threads: in a burst of 10 000
 * waiting requests its helper thread did almost none of the work, and each collection took about
 * 1.7 times as long as with the waiters in an array. Telling a waiter directly, not through a
 * promise of its own, saves each waiting request a promise and a turn of the microtask queue.
 */
export function createTokenWaiters(manager: TokenManager): WaitForToken {
  const waiting = new Map<string, WaiterGroup>();

  /** Makes `group` the one of `provider`'s key, settled (and forgotten) with one `getToken` call. */
  const startGroup = (provider: TokenProvider, group: WaiterGroup): void => {
    const key = provider.key;
    waiting.set(key, group);
    // A group started after a dispose() may have taken the key from one started before it.
    const forget = (): void => {
      if (waiting.get(key) === group) waiting.delete(key);
    };
    manager.getToken(provider).then(
      (token) => {
        forget();
        tellEach(group.waiters, (waiter) => waiter.onToken(token));
      },
      (error: unknown) => {
        forget();
        tellEach(group.waiters, (waiter) => waiter.onError(error));
      },
    );
  };

  return (provider, signal, waiter) => {
    const cached = manager.peekToken(provider);
    if (cached !== undefined) {
      waiter.onToken(cached);
      return ignore;
    }
    if (signal?.aborted === true) {
      waiter.onError(abortReason(signal));
      return ignore;
    }
    const existing = waiting.get(provider.key);
    // A group begun before a dispose() waits for the fetch it aborted: a new waiter starts its own.
    const joined = existing?.lifetime.aborted === false ? existing : undefined;
    const group = joined ?? { waiters: [], lifetime: manager.lifetime };
    // In the group (and listening to its signal) before the fetch starts: that start runs the store,
    // `onEvent` and the provider synchronously, and any of them may abort the signal.
    const abortable = signal === undefined ? undefined : abortableWaiter(waiter, signal);
    group.waiters.push(abortable ?? waiter);
    if (joined === undefined) startGroup(provider, group);
    return abortable?.stop ?? ignore;
  };
}

/** The waiters of one key, and the manager's lifetime their shared fetch belongs to. */
interface WaiterGroup {
  readonly waiters: TokenWaiter[];
  readonly lifetime: AbortSignal;
}

function tellEach(group: readonly TokenWaiter[], tell: (waiter: TokenWaiter) => void): void {
  for (const waiter of group) {
    try {
      tell(waiter);
    } catch {
      // A waiter that throws must not keep the token from the others, nor surface as an unhandled rejection.
    }
  }
}

/**
 * `waiter`, told at most once: with `signal`'s reason as soon as it aborts, else with the outcome;
 * never after `stop`.
 */
function abortableWaiter(waiter: TokenWaiter, signal: AbortSignal): TokenWaiter & { stop: StopWaiting } {
  let told = false;
  const tell = (): boolean => {
    if (told) return false;
    told = true;
    signal.removeEventListener('abort', onAbort);
    return true;
  };
  const onAbort = (): void => {
    if (tell()) waiter.onError(abortReason(signal));
  };
  signal.addEventListener('abort', onAbort, { once: true });
  return {
    onToken: (token) => {
      if (tell()) waiter.onToken(token);
    },
    onError: (error) => {
      if (tell()) waiter.onError(error);
    },
    stop: () => {
      tell();
    },
  };
}

function ignore(): void {}
