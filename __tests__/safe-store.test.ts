import { SafeStore } from '../src/safe-store.js';
import type { Token } from '../src/token.js';
import type { TokenEvent } from '../src/token-events.js';
import type { TokenStore } from '../src/token-store.js';
import { deferred } from './support/fake-provider.js';

const TOKEN: Token = { accessToken: 'at-1', tokenType: 'Bearer', expiresAt: Date.now() + 60_000, raw: {} };

/** A store whose every call fails while `down` is set. */
function flakyStore(extra: Partial<TokenStore> = {}) {
  const state = { down: false, data: new Map<string, Token>() };
  const check = () => {
    if (state.down) throw new Error('store unreachable');
  };
  const store: TokenStore = {
    async get(key) {
      check();
      return state.data.get(key);
    },
    async set(key, token) {
      check();
      state.data.set(key, token);
    },
    async delete(key, accessToken) {
      check();
      const current = state.data.get(key);
      if (current === undefined || (accessToken !== undefined && current.accessToken !== accessToken))
        return false;
      return state.data.delete(key);
    },
    ...extra,
  };
  const events: TokenEvent[] = [];
  return { state, store, events, safe: new SafeStore(store, (e) => events.push(e)) };
}

const types = (events: TokenEvent[]) =>
  events.map((e) => ('operation' in e ? `${e.type}:${e.operation}` : e.type));

describe('SafeStore: get, set and delete', () => {
  it('passes calls through while the store works', async () => {
    const { safe, events } = flakyStore();
    await safe.set('k', TOKEN, 60_000);
    await expect(safe.get('k')).resolves.toBe(TOKEN);
    await expect(safe.delete('k', 'other')).resolves.toBe(false);
    await expect(safe.delete('k', 'at-1')).resolves.toBe(true);
    await expect(safe.get('k')).resolves.toBeUndefined();
    expect(events).toEqual([]);
  });

  it.each([
    ['get', (s: SafeStore) => s.get('k'), undefined],
    ['set', (s: SafeStore) => s.set('k', TOKEN, 1_000), undefined],
    ['delete', (s: SafeStore) => s.delete('k', undefined), false],
  ] as const)('catches a failing %s and reports it', async (operation, call, fallback) => {
    const { safe, state, events } = flakyStore();
    state.down = true;
    await expect(call(safe)).resolves.toBe(fallback);
    expect(events).toEqual([
      { type: 'store_error', key: 'k', operation, error: new Error('store unreachable') },
    ]);
  });

  it('catches synchronous throws and sync results too', async () => {
    const events: TokenEvent[] = [];
    const safe = new SafeStore(
      {
        get: () => {
          throw new Error('sync');
        },
        set: () => undefined,
        delete: () => undefined,
      },
      (e) => events.push(e),
    );
    expect(safe.get('k')).toBeUndefined();
    await expect(safe.delete('k', undefined)).resolves.toBe(false);
    expect(types(events)).toEqual(['store_error:get', 'store_recovered']);
  });

  it('reports an outage once, then store_recovered once, then a new outage again', async () => {
    const { safe, state, events } = flakyStore();
    state.down = true;
    await safe.get('a');
    await safe.set('b', TOKEN, 1_000);
    await safe.delete('c', undefined);
    await safe.get('a');
    expect(types(events)).toEqual(['store_error:get']);
    state.down = false;
    await safe.set('b', TOKEN, 1_000);
    await safe.get('b');
    expect(types(events)).toEqual(['store_error:get', 'store_recovered']);
    expect(events[1]).toEqual({ type: 'store_recovered', key: 'b' });
    state.down = true;
    await safe.delete('c', undefined);
    expect(types(events)).toEqual(['store_error:get', 'store_recovered', 'store_error:delete']);
  });

  it('keeps one outage while the store answers reads but refuses writes (a read-only replica)', async () => {
    const events: TokenEvent[] = [];
    const writes = { refused: true };
    const readOnly = new SafeStore(
      {
        get: () => TOKEN,
        set: () => {
          if (writes.refused) throw new Error('READONLY You cannot write against a read only replica.');
        },
        delete: () => false,
      },
      (e) => events.push(e),
    );
    // Each fetch reads, then writes.
    for (let fetch = 0; fetch < 3; fetch++) {
      readOnly.get('k');
      await readOnly.set('k', TOKEN, 1_000);
    }
    expect(types(events)).toEqual(['store_error:set']);
    writes.refused = false;
    readOnly.get('k');
    expect(types(events)).toEqual(['store_error:set']);
    await readOnly.set('k', TOKEN, 1_000);
    expect(types(events)).toEqual(['store_error:set', 'store_recovered']);
  });

  it('keeps one outage while tokens cannot be stored, though deletes and the lock still work (Redis out of memory)', async () => {
    const events: TokenEvent[] = [];
    const outOfMemory = new SafeStore(
      {
        get: () => undefined,
        set: () => {
          throw new Error("OOM command not allowed when used memory > 'maxmemory'.");
        },
        delete: () => true,
        singleFlight: (_key, fn) => fn(),
      },
      (e) => events.push(e),
    );
    // Each fetch reads, takes the lock, reads again and writes; each 401 deletes the token it carried.
    for (let fetch = 0; fetch < 3; fetch++) {
      await outOfMemory.singleFlight('k', async () => {
        outOfMemory.get('k');
        await outOfMemory.set('k', TOKEN, 1_000);
      });
      await outOfMemory.delete('k', TOKEN.accessToken);
    }
    expect(types(events)).toEqual(['store_error:set']);
  });

  it('ends an outage of reads alone with the next read that works', async () => {
    const { safe, state, events } = flakyStore();
    state.down = true;
    await safe.get('k');
    state.down = false;
    await safe.get('k');
    expect(types(events)).toEqual(['store_error:get', 'store_recovered']);
  });

  it('turns a null from the store into undefined', async () => {
    const safe = new SafeStore(
      { get: () => null as never, set: () => undefined, delete: () => true },
      () => {},
    );
    expect(safe.get('k')).toBeUndefined();
  });

  it('answers get synchronously for a synchronous store, so no turn is spent on it', () => {
    const safe = new SafeStore({ get: () => TOKEN, set: () => undefined, delete: () => true }, () => {});
    expect(safe.get('k')).toBe(TOKEN);
  });

  it('answers get with a promise for an asynchronous store, and catches its rejection', async () => {
    const { safe, state, events } = flakyStore();
    await safe.set('k', TOKEN, 60_000);
    const answer = safe.get('k');
    expect(answer).toBeInstanceOf(Promise);
    await expect(answer).resolves.toBe(TOKEN);
    state.down = true;
    await expect(safe.get('k')).resolves.toBeUndefined();
    expect(types(events)).toEqual(['store_error:get']);
  });

  it('takes a store answer that is only a thenable, not a native promise', async () => {
    const thenable = { then: (resolve: (token: Token) => void) => resolve(TOKEN) } as Promise<Token>;
    const safe = new SafeStore({ get: () => thenable, set: () => undefined, delete: () => true }, () => {});
    await expect(safe.get('k')).resolves.toBe(TOKEN);
  });
});

describe('SafeStore: singleFlight', () => {
  it('is not shared, and runs fn directly, without a store singleFlight', async () => {
    const { safe } = flakyStore();
    expect(safe.shared).toBe(false);
    await expect(safe.singleFlight('k', async () => 'local')).resolves.toBe('local');
  });

  it("runs fn under the store's lock and returns its result", async () => {
    const locked: string[] = [];
    const { safe, events } = flakyStore({
      async singleFlight(key, fn) {
        locked.push(key);
        return fn();
      },
    });
    expect(safe.shared).toBe(true);
    await expect(safe.singleFlight('k', async () => 'fetched')).resolves.toBe('fetched');
    expect(locked).toEqual(['k']);
    expect(events).toEqual([]);
  });

  it('runs fn locally, once, when the store fails before fn starts', async () => {
    let runs = 0;
    const fn = async () => {
      runs += 1;
      return 'local';
    };
    for (const fail of [
      async () => {
        throw new Error('lock unavailable');
      },
      () => {
        throw new Error('sync lock failure');
      },
    ]) {
      runs = 0;
      const { safe, events } = flakyStore({ singleFlight: fail as NonNullable<TokenStore['singleFlight']> });
      await expect(safe.singleFlight('k', fn)).resolves.toBe('local');
      expect(runs).toBe(1);
      expect(types(events)).toEqual(['store_error:singleFlight']);
    }
  });

  it("passes fn's errors unchanged, without running fn again or reporting the store", async () => {
    let runs = 0;
    const failure = new Error('token endpoint said no');
    const { safe, events } = flakyStore({
      async singleFlight(_key, fn) {
        return fn();
      },
    });
    await expect(
      safe.singleFlight('k', async () => {
        runs += 1;
        throw failure;
      }),
    ).rejects.toBe(failure);
    expect(runs).toBe(1);
    expect(events).toEqual([]);
  });

  it("passes fn's error unchanged when the store wraps it", async () => {
    const failure = new Error('token endpoint said no');
    const { safe, events } = flakyStore({
      async singleFlight(_key, fn) {
        try {
          return await fn();
        } catch (error) {
          throw new Error('lock holder failed', { cause: error });
        }
      },
    });
    await expect(safe.singleFlight('k', () => Promise.reject(failure))).rejects.toBe(failure);
    expect(types(events)).toEqual(['store_error:singleFlight']);
  });

  it("returns fn's result when the store fails after fn ran (e.g. releasing the lock)", async () => {
    let runs = 0;
    const { safe, events } = flakyStore({
      async singleFlight(_key, fn) {
        await fn();
        throw new Error('unlock failed');
      },
    });
    await expect(
      safe.singleFlight('k', async () => {
        runs += 1;
        return 'fetched';
      }),
    ).resolves.toBe('fetched');
    expect(runs).toBe(1);
    expect(types(events)).toEqual(['store_error:singleFlight']);
  });

  it('waits for a running fn when the store gives up on it, instead of running it twice', async () => {
    const gate = deferred<string>();
    let runs = 0;
    const { safe, events } = flakyStore({
      singleFlight(_key, fn) {
        void fn().catch(() => undefined);
        return Promise.reject(new Error('store command timed out'));
      },
    });
    const result = safe.singleFlight('k', () => {
      runs += 1;
      return gate.promise;
    });
    gate.resolve('fetched');
    await expect(result).resolves.toBe('fetched');
    expect(runs).toBe(1);
    expect(types(events)).toEqual(['store_error:singleFlight']);
  });

  it('reports recovery through singleFlight', async () => {
    let down = true;
    const { safe, events } = flakyStore({
      async singleFlight(_key, fn) {
        if (down) throw new Error('lock unavailable');
        return fn();
      },
    });
    await safe.singleFlight('k', async () => 1);
    down = false;
    await safe.singleFlight('k', async () => 2);
    expect(types(events)).toEqual(['store_error:singleFlight', 'store_recovered']);
  });
});
