import type { Token, TokenProvider, FetchTokenContext } from '../../src/token.js';

/** A promise whose settlement the test controls. */
export interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
  reject(error: unknown): void;
}

export function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** A provider that counts its calls and answers what the test tells it to. */
export interface FakeProvider extends TokenProvider {
  calls: number;
  contexts: FetchTokenContext[];
  /** The next fetch answers with this (default: a new token valid for `lifetimeMs`). */
  next: ((call: number) => Promise<Token>) | undefined;
}

export function token(accessToken: string, expiresAt: number | null, extra: Partial<Token> = {}): Token {
  return { accessToken, tokenType: 'Bearer', expiresAt, raw: { access_token: accessToken }, ...extra };
}

export function fakeProvider(
  options: { key?: string; lifetimeMs?: number; now?: () => number; delayMs?: number } = {},
): FakeProvider {
  const now = options.now ?? Date.now;
  const provider: FakeProvider = {
    key: options.key ?? 'fake',
    calls: 0,
    contexts: [],
    next: undefined,
    async fetchToken(context) {
      provider.calls += 1;
      provider.contexts.push(context);
      const call = provider.calls;
      if (provider.next !== undefined) return provider.next(call);
      if (options.delayMs !== undefined) await new Promise((resolve) => setTimeout(resolve, options.delayMs));
      return token(`token-${provider.key}-${call}`, now() + (options.lifetimeMs ?? 300_000));
    },
  };
  return provider;
}
