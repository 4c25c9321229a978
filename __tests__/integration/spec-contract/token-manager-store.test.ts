import { type Token, type TokenStore } from '../../../src/index.js';
import { fakeProvider, manager, rejection, sleep } from '../../support/spec-contract-kit.js';

// The public contract, checked from the outside: every case names the sentence it checks.
// Here: new TokenManager(options) — store and singleFlight.

describe('TokenManager', () => {
  test('store: get/set(key, token, ttlMs)/delete, sync: the manager writes to it and reads from it', async () => {
    const map = new Map<string, Token>();
    const calls: string[] = [];
    const store: TokenStore = {
      get: (k) => {
        calls.push(`get:${k}`);
        return map.get(k);
      },
      set: (k, t, ttl) => {
        calls.push(`set:${k}`);
        expect(ttl).toBeGreaterThan(0);
        expect(ttl).toBeLessThanOrEqual(600_000);
        map.set(k, t);
      },
      delete: (k, at) => {
        calls.push(`delete:${k}:${at ?? ''}`);
        if (at === undefined || map.get(k)?.accessToken === at) map.delete(k);
      },
    };
    const p = fakeProvider('store-sync');
    const m = manager({ store });
    await m.getToken(p);
    expect(map.get('store-sync')?.accessToken).toBe('tok-1');
    await m.invalidate('store-sync', 'tok-1');
    expect(calls).toContain('delete:store-sync:tok-1');
    expect(map.has('store-sync')).toBe(false);
  });

  test('store: a token already in the store is used without a fetch (async store)', async () => {
    const seeded: Token = {
      accessToken: 'seeded',
      tokenType: 'Bearer',
      expiresAt: Date.now() + 600_000,
      raw: {},
    };
    const store: TokenStore = {
      get: async (k) => (k === 'store-async' ? seeded : undefined),
      set: async () => undefined,
      delete: async () => undefined,
    };
    const p = fakeProvider('store-async');
    const t = await manager({ store }).getToken(p);
    expect(t.accessToken).toBe('seeded');
    expect(p.calls).toBe(0);
  });

  test('store errors are caught: the manager keeps its own in-memory copy, one fetch, no failed request', async () => {
    const store: TokenStore = {
      get: () => {
        throw new Error('store down');
      },
      set: async () => {
        throw new Error('store down');
      },
      delete: () => {
        throw new Error('store down');
      },
    };
    const p = fakeProvider('store-down');
    const m = manager({ store });
    expect((await m.getToken(p)).accessToken).toBe('tok-1');
    expect((await m.getToken(p)).accessToken).toBe('tok-1');
    expect(p.calls).toBe(1);
    await m.invalidate('store-down', 'tok-1');
    expect((await m.getToken(p)).accessToken).toBe('tok-2');
  });

  test('store.singleFlight(key, fn): the manager routes its fetch through it and gets fn’s result', async () => {
    const map = new Map<string, Token>();
    const keys: string[] = [];
    const store: TokenStore = {
      get: (k) => map.get(k),
      set: (k, t) => void map.set(k, t),
      delete: (k) => void map.delete(k),
      singleFlight: async <T>(key: string, fn: () => Promise<T>): Promise<T> => {
        keys.push(key);
        return fn();
      },
    };
    const p = fakeProvider('sfl');
    const t = await manager({ store }).getToken(p);
    expect(keys).toEqual(['sfl']);
    expect(t.accessToken).toBe('tok-1');
  });

  test('singleFlight: fn first re-reads the store and returns a fresh token another holder just wrote', async () => {
    const map = new Map<string, Token>();
    const store: TokenStore = {
      get: (k) => map.get(k),
      set: (k, t) => void map.set(k, t),
      delete: (k) => void map.delete(k),
      singleFlight: async <T>(key: string, fn: () => Promise<T>): Promise<T> => {
        // another process wrote a token while this one waited for the lock
        map.set(key, {
          accessToken: 'other-process',
          tokenType: 'Bearer',
          expiresAt: Date.now() + 600_000,
          raw: {},
        });
        return fn();
      },
    };
    const p = fakeProvider('sfl-reread');
    const t = await manager({ store }).getToken(p);
    expect(t.accessToken).toBe('other-process');
    expect(p.calls).toBe(0);
  });

  test('singleFlight: concurrent callers in one process make one singleFlight call', async () => {
    let n = 0;
    const map = new Map<string, Token>();
    const store: TokenStore = {
      get: (k) => map.get(k),
      set: (k, t) => void map.set(k, t),
      delete: (k) => void map.delete(k),
      singleFlight: async <T>(_key: string, fn: () => Promise<T>): Promise<T> => {
        n += 1;
        await sleep(20);
        return fn();
      },
    };
    const p = fakeProvider('sfl-conc');
    const m = manager({ store });
    await Promise.all(Array.from({ length: 10 }, () => m.getToken(p)));
    expect(n).toBe(1);
    expect(p.calls).toBe(1);
  });

  test('singleFlight with forceRefresh: only a token different from the one being replaced counts', async () => {
    const map = new Map<string, Token>();
    const store: TokenStore = {
      get: (k) => map.get(k),
      set: (k, t) => void map.set(k, t),
      delete: (k) => void map.delete(k),
      singleFlight: async <T>(_key: string, fn: () => Promise<T>): Promise<T> => fn(),
    };
    const p = fakeProvider('sfl-force');
    const m = manager({ store });
    await m.getToken(p);
    const t = await m.getToken(p, { forceRefresh: true });
    expect(t.accessToken).toBe('tok-2');
    expect(p.calls).toBe(2);
  });

  test('singleFlight with forceRefresh: a different token another holder wrote is taken without a fetch', async () => {
    const map = new Map<string, Token>();
    let injectOther = false;
    const store: TokenStore = {
      get: (k) => map.get(k),
      set: (k, t) => void map.set(k, t),
      delete: (k) => void map.delete(k),
      singleFlight: async <T>(key: string, fn: () => Promise<T>): Promise<T> => {
        if (injectOther)
          map.set(key, {
            accessToken: 'by-other',
            tokenType: 'Bearer',
            expiresAt: Date.now() + 600_000,
            raw: {},
          });
        return fn();
      },
    };
    const p = fakeProvider('sfl-force-other');
    const m = manager({ store });
    await m.getToken(p);
    injectOther = true;
    const t = await m.getToken(p, { forceRefresh: true });
    expect(t.accessToken).toBe('by-other');
    expect(p.calls).toBe(1);
  });

  test('singleFlight returns fn’s errors unchanged', async () => {
    const store: TokenStore = {
      get: () => undefined,
      set: () => undefined,
      delete: () => undefined,
      singleFlight: async <T>(_key: string, fn: () => Promise<T>): Promise<T> => fn(),
    };
    const boom = new Error('provider says no');
    const p = fakeProvider('sfl-err', () => {
      throw boom;
    });
    const err = await rejection(manager({ store }).getToken(p));
    expect(err).toBe(boom);
  });

  test('an error thrown before fn runs is a store failure: the manager runs fn locally', async () => {
    const store: TokenStore = {
      get: () => undefined,
      set: () => undefined,
      delete: () => undefined,
      singleFlight: async () => {
        throw new Error('lock service down');
      },
    };
    const p = fakeProvider('sfl-down');
    const t = await manager({ store }).getToken(p);
    expect(t.accessToken).toBe('tok-1');
    expect(p.calls).toBe(1);
  });
});
