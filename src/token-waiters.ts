import { abortable } from './abortable.js';
import type { Token, TokenProvider } from './token.js';
import type { TokenManager } from './token-manager.js';

/** Waits for the token of `provider`, for one request; `signal` ends only this request's wait. */
export type WaitForToken = (provider: TokenProvider, signal: AbortSignal | undefined) => Promise<Token>;

interface Waiter {
  resolve(token: Token): void;
  reject(error: unknown): void;
}

/**
 * The requests of one instance that wait for a provider key's token share one `getToken` call and
 * are kept in an array until it settles.
 *
 * Why not `manager.getToken(...).then(...)` per request: every such call hangs one more reaction on
 * the same pending promise, a linked list as long as the burst. The garbage collector's parallel
 * young-generation pass cannot split a linked list between its threads: in a burst of 10 000
 * waiting requests its helper thread did almost none of the work, and each collection took about
 * 1.7 times as long as with the waiters in an array.
 */
export function createTokenWaiters(manager: TokenManager): WaitForToken {
  const waiting = new Map<string, Waiter[]>();

  const join = (provider: TokenProvider): Promise<Token> => {
    const key = provider.key;
    let waiters = waiting.get(key);
    if (waiters === undefined) {
      const group: Waiter[] = [];
      waiters = group;
      waiting.set(key, group);
      const settle = (): void => {
        if (waiting.get(key) === group) waiting.delete(key);
      };
      manager.getToken(provider).then(
        (token) => {
          settle();
          for (const waiter of group) waiter.resolve(token);
        },
        (error: unknown) => {
          settle();
          for (const waiter of group) waiter.reject(error);
        },
      );
    }
    const group = waiters;
    return new Promise<Token>((resolve, reject) => {
      group.push({ resolve, reject });
    });
  };

  return (provider, signal) => {
    const cached = manager.peekToken(provider);
    if (cached !== undefined) return Promise.resolve(cached);
    return abortable(join(provider), signal);
  };
}
