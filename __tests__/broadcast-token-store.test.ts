import { BroadcastTokenStore, type LockManagerLike } from '../src/broadcast-token-store.js';
import { TokenManager } from '../src/token-manager.js';
import type { Token, TokenProvider } from '../src/token.js';
import { countRetained } from './support/collect-garbage.js';
import { describeTokenStoreConformance } from './support/token-store-conformance.js';

/** A minimal `navigator.locks`: one FIFO queue per name, shared by every "tab" given it. */
class FakeLocks implements LockManagerLike {
  readonly #tails = new Map<string, Promise<void>>();
  granted = 0;

  request<T>(name: string, options: { signal?: AbortSignal }, callback: () => Promise<T>): Promise<T> {
    const previous = this.#tails.get(name) ?? Promise.resolve();
    let release!: () => void;
    this.#tails.set(name, new Promise<void>((resolve) => (release = resolve)));
    return new Promise<T>((resolve, reject) => {
      let abandoned = false;
      const signal = options.signal;
      signal?.addEventListener('abort', () => {
        abandoned = true;
        reject(signal.reason);
      });
      void previous.then(async () => {
        if (abandoned) return release();
        this.granted += 1;
        try {
          resolve(await callback());
        } catch (error) {
          reject(error);
        } finally {
          release();
        }
      });
    });
  }
}

/** A lock that is never granted. */
const stuckLocks: LockManagerLike = {
  request: (_name, options) =>
    new Promise((_resolve, reject) =>
      options.signal?.addEventListener('abort', () => reject(options.signal?.reason)),
    ),
};

let channel = 0;
let stores: BroadcastTokenStore[] = [];

function tab(options: ConstructorParameters<typeof BroadcastTokenStore>[0] = {}): BroadcastTokenStore {
  const store = new BroadcastTokenStore({ channel: `test-${channel}`, askTimeoutMs: 100, ...options });
  stores.push(store);
  return store;
}

beforeEach(() => {
  channel += 1;
});

afterEach(() => {
  for (const store of stores) store.close();
  stores = [];
});

const delivered = () => new Promise<void>((resolve) => setTimeout(resolve, 20));

function token(accessToken: string, lifetimeMs = 60_000): Token {
  return { accessToken, tokenType: 'Bearer', expiresAt: Date.now() + lifetimeMs, raw: {} };
}

function countingProvider(key = 'p', delayMs = 20): TokenProvider & { fetches: number } {
  const provider = {
    key,
    fetches: 0,
    async fetchToken(): Promise<Token> {
      provider.fetches += 1;
      const n = provider.fetches;
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      return token(`token-${n}`);
    },
  };
  return provider;
}

describe('BroadcastTokenStore', () => {
  it('hands a stored token to the other tabs, and honours the ttl', async () => {
    const [a, b] = [tab({ locks: null }), tab({ locks: null })];
    a.set('k', token('one'), 60_000);
    expect(a.get('k')?.accessToken).toBe('one');
    await delivered();
    expect(b.get('k')?.accessToken).toBe('one');
    a.set('short', token('gone'), 0);
    expect(a.get('short')).toBeUndefined();
  });

  it('broadcasts delete as a compare-and-delete, and a deleted token never comes back', async () => {
    const [a, b] = [tab({ locks: null }), tab({ locks: null })];
    a.set('k', token('one'), 60_000);
    await delivered();
    expect(a.delete('k', 'other')).toBe(false);
    await delivered();
    expect(b.get('k')?.accessToken).toBe('one');
    expect(a.delete('k', 'one')).toBe(true);
    await delivered();
    expect(b.get('k')).toBeUndefined();
    // A late broadcast of the deleted token (another tab that had not heard yet) is ignored.
    b.set('k', token('one'), 60_000);
    await delivered();
    expect(a.get('k')).toBeUndefined();
  });

  it('does not keep the expired tokens of keys nobody reads again', async () => {
    let now = Date.now();
    const store = tab({ locks: null, now: () => now });
    const refs = Array.from({ length: 1_023 }, (_, i) => {
      const once = token(`once-${i}`);
      store.set(`tenant-${i}`, once, 1_000);
      return new WeakRef(once);
    });
    now += 2_000;
    store.set('recent', token('recent'), 60_000);
    expect(await countRetained(refs)).toBe(0);
    expect(store.get('recent')?.accessToken).toBe('recent');
  });

  it('does not adopt an expired token from another tab', async () => {
    const [a, b] = [tab({ locks: null }), tab({ locks: null })];
    a.set('k', { ...token('old'), expiresAt: Date.now() + 30 }, 30);
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(b.get('k')).toBeUndefined();
  });

  it('N cold tabs fetch one token', async () => {
    const locks = new FakeLocks();
    const provider = countingProvider();
    const managers = Array.from({ length: 5 }, () => new TokenManager({ store: tab({ locks }) }));
    await delivered();
    const tokens = await Promise.all(managers.map((manager) => manager.getToken(provider)));
    expect(provider.fetches).toBe(1);
    expect(new Set(tokens.map((t) => t.accessToken))).toEqual(new Set(['token-1']));
  });

  it('a tab opened later gets the token from the others instead of fetching', async () => {
    const locks = new FakeLocks();
    const provider = countingProvider();
    const first = new TokenManager({ store: tab({ locks }) });
    await first.getToken(provider);
    // Opened now: it has missed every broadcast, and asks at once (before the others said hello).
    const later = new TokenManager({ store: tab({ locks }) });
    await expect(later.getToken(provider)).resolves.toMatchObject({ accessToken: 'token-1' });
    expect(provider.fetches).toBe(1);
  });

  it('tabs that waited for the lock take the token it brought without asking a tab that is gone', async () => {
    const fifo = new FakeLocks();
    // Granted as in a browser, where the last holder's broadcast has arrived by then.
    const locks: LockManagerLike = {
      request: (name, options, callback) =>
        fifo.request(name, options, async () => {
          await delivered();
          return callback();
        }),
    };
    const provider = countingProvider();
    const managers = Array.from(
      { length: 5 },
      () => new TokenManager({ store: tab({ locks, askTimeoutMs: 200 }) }),
    );
    // A tab that said hello and then went away without a bye (closed, crashed): it answers nothing.
    const gone = new BroadcastChannel(`test-${channel}`);
    gone.postMessage({ type: 'hello', from: 'gone-tab' });
    gone.close();
    await new Promise((resolve) => setTimeout(resolve, 250));
    // Listens without saying hello, so no tab waits for it.
    const asks: unknown[] = [];
    const listener = new BroadcastChannel(`test-${channel}`);
    listener.onmessage = (event: MessageEvent<{ type?: unknown }>) => {
      if (event.data.type === 'ask') asks.push(event.data);
    };
    try {
      const tokens = await Promise.all(managers.map((manager) => manager.getToken(provider)));
      expect(provider.fetches).toBe(1);
      expect(new Set(tokens.map((t) => t.accessToken))).toEqual(new Set(['token-1']));
      await delivered();
      // Only the first holder asks (and waits for the gone tab); the four behind it would each wait in turn.
      expect(asks).toHaveLength(1);
    } finally {
      listener.close();
    }
  });

  it('a 401 seen by every tab causes one refresh, shared by all', async () => {
    const locks = new FakeLocks();
    const provider = countingProvider();
    const managers = Array.from({ length: 4 }, () => new TokenManager({ store: tab({ locks }) }));
    await delivered();
    await Promise.all(managers.map((manager) => manager.getToken(provider)));
    expect(provider.fetches).toBe(1);
    const renewed = await Promise.all(
      managers.map(async (manager) => {
        await manager.invalidate('p', 'token-1');
        return manager.getToken(provider);
      }),
    );
    expect(provider.fetches).toBe(2);
    expect(renewed.map((t) => t.accessToken)).toEqual(['token-2', 'token-2', 'token-2', 'token-2']);
  });

  it('without navigator.locks every tab fetches its own token', async () => {
    const provider = countingProvider();
    const managers = [
      new TokenManager({ store: tab({ locks: null }) }),
      new TokenManager({ store: tab({ locks: null }) }),
    ];
    await delivered();
    await Promise.all(managers.map((manager) => manager.getToken(provider)));
    expect(provider.fetches).toBe(2);
  });

  it('gives up waiting for the lock after lockTimeoutMs, before running fn', async () => {
    const store = tab({ locks: stuckLocks, lockTimeoutMs: 30 });
    const fn = jest.fn(async () => 'ran');
    await expect(store.singleFlight('k', fn)).rejects.toMatchObject({ name: 'TimeoutError' });
    expect(fn).not.toHaveBeenCalled();
    // The manager treats that as a store failure and fetches in this tab.
    const events: string[] = [];
    const provider = countingProvider();
    const manager = new TokenManager({ store, onEvent: (event) => events.push(event.type) });
    await expect(manager.getToken(provider)).resolves.toMatchObject({ accessToken: 'token-1' });
    expect(events).toContain('store_error');
  });

  it('waits for the lock without a limit when lockTimeoutMs is Infinity (the timer is clamped, not fired at once)', async () => {
    const holder = new FakeLocks();
    const store = tab({ locks: holder, lockTimeoutMs: Number.POSITIVE_INFINITY });
    let release!: () => void;
    let started!: () => void;
    const running = new Promise<void>((resolve) => (started = resolve));
    const held = store.singleFlight('k', () => {
      started();
      return new Promise<void>((resolve) => (release = resolve));
    });
    const waiting = store.singleFlight('k', async () => 'second');
    await running;
    // With the timer firing at once, the second caller would have given up by now.
    await new Promise((resolve) => setTimeout(resolve, 30));
    release();
    await held;
    await expect(waiting).resolves.toBe('second');
  });

  it('refuses invalid timeouts', () => {
    for (const name of ['lockTimeoutMs', 'askTimeoutMs'] as const) {
      for (const value of [0, -1, Number.NaN]) expect(() => tab({ [name]: value })).toThrow(name);
    }
  });

  it('ignores malformed messages and ones that carry no token, without throwing', async () => {
    const store = tab({ locks: new FakeLocks() });
    const errors: unknown[] = [];
    const onError = (error: unknown): void => {
      errors.push(error);
    };
    process.on('uncaughtException', onError);
    const sender = new BroadcastChannel(`test-${channel}`);
    try {
      for (const message of [
        { type: 'set', from: 'x', key: 'k' },
        { type: 'set', from: 'x', entry: {} },
        {
          type: 'set',
          from: 'x',
          key: 'k',
          entry: { expiresAt: Date.now() + 60_000, token: { accessToken: 'injected' } },
        },
        { type: 'answer', from: 'x', id: 1 },
        { type: 'delete', from: 'x' },
        { type: 'ask', from: 'x', key: 'k' },
        'a string',
        null,
        { from: 'x' },
      ]) {
        sender.postMessage(message);
      }
      await delivered();
      expect(store.get('k')).toBeUndefined();
      expect(errors).toEqual([]);
      // A well-formed message still works.
      sender.postMessage({
        type: 'set',
        from: 'x',
        key: 'k',
        entry: { expiresAt: Date.now() + 60_000, token: token('real') },
      });
      await delivered();
      expect(store.get('k')?.accessToken).toBe('real');
    } finally {
      sender.close();
      process.off('uncaughtException', onError);
    }
  });

  it("takes another tab's answer that came while this tab was busy or frozen past askTimeoutMs", async () => {
    const [b, a] = [tab({ locks: null }), tab({ locks: null })];
    await new Promise((resolve) => setTimeout(resolve, 150)); // past the hello window
    const original = BroadcastChannel.prototype.postMessage;
    const post = jest.spyOn(BroadcastChannel.prototype, 'postMessage');
    post.mockImplementation(function (this: BroadcastChannel, message: unknown) {
      const type = (message as { type?: string }).type;
      // b never heard of a's token; once it asked, its thread does not run until its timer is long due.
      if (type !== 'set') original.call(this, message);
      if (type === 'ask') Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 300);
    });
    try {
      a.set('k', token('theirs'), 60_000);
      await expect(b.singleFlight('k', async () => b.get('k')?.accessToken ?? 'fetched')).resolves.toBe(
        'theirs',
      );
    } finally {
      post.mockRestore();
    }
  });

  it('does not wait for a tab that said goodbye', async () => {
    const [a, b] = [tab({ locks: null, askTimeoutMs: 300 }), tab({ locks: null, askTimeoutMs: 300 })];
    // Past the hello window: each tab knows the other, and waits for no tab it has not heard of.
    await new Promise((resolve) => setTimeout(resolve, 350));
    a.close();
    await delivered();
    const started = Date.now();
    await b.singleFlight('k', async () => 'fetched');
    expect(Date.now() - started).toBeLessThan(150);
  });

  it('says goodbye once however often it is closed, and stops waiting for answers when closed', async () => {
    const listener = new BroadcastChannel(`test-${channel}`);
    const said: unknown[] = [];
    listener.onmessage = (event: MessageEvent<{ type: string }>) => said.push(event.data.type);
    try {
      // Just opened: it cannot know yet whether other tabs exist, so it would wait askTimeoutMs.
      const store = tab({ locks: null, askTimeoutMs: 5_000 });
      const started = Date.now();
      const result = store.singleFlight('k', async () => 'fetched');
      await delivered();
      store.close();
      store.close();
      await expect(result).resolves.toBe('fetched');
      expect(Date.now() - started).toBeLessThan(1_000);
      await delivered();
      expect(said.filter((type) => type === 'bye')).toHaveLength(1);
    } finally {
      listener.close();
    }
  });

  it('keeps working alone once closed, and keeps a token that cannot be sent to the other tabs', async () => {
    const [a, b] = [tab({ locks: null }), tab({ locks: null })];
    const unclonable = { ...token('local'), raw: { refresh: () => undefined } };
    expect(() => a.set('k', unclonable, 60_000)).not.toThrow();
    a.close();
    a.set('later', token('later'), 60_000);
    await delivered();
    expect([a.get('k')?.accessToken, a.get('later')?.accessToken]).toEqual(['local', 'later']);
    expect([b.get('k'), b.get('later')]).toEqual([undefined, undefined]);
  });

  it('remembers the last 32 deleted tokens, not every token ever deleted', async () => {
    const [a, b] = [tab({ locks: null }), tab({ locks: null })];
    for (let i = 0; i < 33; i += 1) a.delete(`k${i}`, `deleted-${i}`);
    b.set('k0', token('deleted-0'), 60_000);
    b.set('k1', token('deleted-1'), 60_000);
    await delivered();
    expect(a.get('k0')?.accessToken).toBe('deleted-0');
    expect(a.get('k1')).toBeUndefined();
  });

  it('a lone tab does not wait for unknown tabs for as long as its clock was set back', async () => {
    let now = Date.now();
    const alone = tab({ locks: new FakeLocks(), askTimeoutMs: 10_000, now: () => now });
    now += 20_000;
    now -= 3_600_000; // NTP or a user sets the clock back an hour
    const started = Date.now();
    await alone.singleFlight('p', async () => undefined);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('returns fn results and errors unchanged', async () => {
    const store = tab({ locks: new FakeLocks() });
    await expect(store.singleFlight('k', async () => 42)).resolves.toBe(42);
    const failure = new Error('boom');
    await expect(
      store.singleFlight('k', async () => {
        throw failure;
      }),
    ).rejects.toBe(failure);
  });

  it("shares tokens on the channel 'axios-token-flight' when given no options", async () => {
    const listener = new BroadcastChannel('axios-token-flight');
    const keys: unknown[] = [];
    listener.onmessage = (event: MessageEvent<{ key?: string }>) => keys.push(event.data.key);
    const store = new BroadcastTokenStore();
    stores.push(store);
    try {
      store.set('default-channel', token('t'), 60_000);
      await delivered();
      expect(keys).toContain('default-channel');
    } finally {
      listener.close();
    }
  });

  it('defaults to navigator.locks when present', async () => {
    const locks = new FakeLocks();
    const original = Object.getOwnPropertyDescriptor(globalThis, 'navigator');
    Object.defineProperty(globalThis, 'navigator', { value: { locks }, configurable: true });
    try {
      const store = tab();
      await store.singleFlight('k', async () => undefined);
      expect(locks.granted).toBe(1);
      // An option left undefined (e.g. filled from configuration) means the default too.
      await tab({ locks: undefined }).singleFlight('k', async () => undefined);
      expect(locks.granted).toBe(2);
    } finally {
      if (original === undefined) delete (globalThis as { navigator?: unknown }).navigator;
      else Object.defineProperty(globalThis, 'navigator', original);
    }
  });
});

describeTokenStoreConformance('BroadcastTokenStore', () => tab({ locks: new FakeLocks() }), {
  singleFlight: true,
});
