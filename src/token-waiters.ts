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

  /** A new group for `provider`'s key, settled (and forgotten) with one `getToken` call. */
  const startGroup = (provider: TokenProvider): Waiter[] => {
    const key = provider.key;
    const group: Waiter[] = [];
    waiting.set(key, group);
    // A group is made only when none waits for its key, so the one under `key` is this one until it settles.
    manager.getToken(provider).then(
      (token) => {
        waiting.delete(key);
        for (const waiter of group) waiter.resolve(token);
      },
      (error: unknown) => {
        waiting.delete(key);
        for (const waiter of group) waiter.reject(error);
      },
    );
    return group;
  };

  const join = (provider: TokenProvider): Promise<Token> => {
    const group = waiting.get(provider.key) ?? startGroup(provider);
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
