import { MemoryTokenStore } from '../../src/memory-token-store.js';
import type { Token } from '../../src/token.js';
import type { TokenStore } from '../../src/token-store.js';
import type { Random } from './seeded-random.js';

export type StoreKind = 'own' | 'memory' | 'async' | 'slow' | 'flaky' | 'locked';

/**
 * The store a run's manager gets: none (its own), a `MemoryTokenStore` passed in, one that answers
 * a few microtasks later, one that answers turns of the event loop later (a slow network), one that
 * also fails now and then (synchronously or not), or a shared one with a lock (`singleFlight`) that
 * fails now and then before running its function. `calls.storeCalls` counts the calls running.
 */
export function storeFor(
  kind: StoreKind,
  random: Random,
  calls: { storeCalls: number },
): TokenStore | undefined {
  if (kind === 'own') return undefined;
  const memory = new MemoryTokenStore({ now: () => Date.now() });
  if (kind === 'memory') return memory;
  const later = async <T>(answer: () => T): Promise<T> => {
    calls.storeCalls += 1;
    try {
      const turns = kind !== 'slow' ? 0 : random.chance(0.2) ? random.int(20, 60) : random.int(0, 16);
      for (let turn = turns; turn > 0; turn -= 1) await new Promise<void>((resolve) => setImmediate(resolve));
      for (let hop = random.int(0, 3); hop > 0; hop -= 1) await Promise.resolve();
      return answer();
    } finally {
      calls.storeCalls -= 1;
    }
  };
  const maybeFail = (operation: string): void => {
    if ((kind === 'flaky' || kind === 'locked') && random.chance(0.2))
      throw new Error(`store ${operation} failed`);
  };
  const run = <T>(operation: string, answer: () => T): Promise<T> | T => {
    if (random.chance(0.3)) {
      maybeFail(operation);
      return answer();
    }
    return later(() => {
      maybeFail(operation);
      return answer();
    });
  };
  const store: TokenStore = {
    get: (key: string) => run('get', () => memory.get(key)),
    set: (key: string, token: Token, ttlMs: number) => run('set', () => memory.set(key, token, ttlMs)),
    delete: (key: string, accessToken?: string) => run('delete', () => memory.delete(key, accessToken)),
  };
  if (kind === 'locked') store.singleFlight = lockedBy(new Map(), () => maybeFail('singleFlight'));
  return store;
}

/** `singleFlight` as a lock per key that holders take in turn; `beforeRun` may throw, as a store outage. */
function lockedBy(
  locks: Map<string, Promise<void>>,
  beforeRun: () => void,
): NonNullable<TokenStore['singleFlight']> {
  return async <T>(key: string, fn: () => Promise<T>): Promise<T> => {
    const previous = locks.get(key) ?? Promise.resolve();
    let release!: () => void;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const tail = previous.then(() => held);
    locks.set(key, tail);
    await previous;
    try {
      beforeRun();
      return await fn();
    } finally {
      release();
      if (locks.get(key) === tail) locks.delete(key);
    }
  };
}
