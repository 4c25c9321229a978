import { getEventListeners } from 'node:events';
import { inspect } from 'node:util';
import { TokenAuthConfigError, TokenRequestError } from '../src/errors.js';
import { MemoryTokenStore } from '../src/memory-token-store.js';
import type { TokenEvent } from '../src/token-events.js';
import { TokenManager } from '../src/token-manager.js';
import type { TokenStore } from '../src/token-store.js';
import type { TokenProvider } from '../src/token.js';
import { countRetained } from './support/collect-garbage.js';
import { heldStore } from './support/held-store.js';
import { deferred, fakeProvider, token, type Deferred } from './support/fake-provider.js';
import { collectUnhandledRejections } from './support/unhandled-rejections.js';

const T0 = 1_700_000_000_000;

function clock(start = T0): { now: () => number; advance(ms: number): void; set(ms: number): void } {
  let current = start;
  return {
    now: () => current,
    advance: (ms) => {
      current += ms;
    },
    set: (ms) => {
      current = ms;
    },
  };
}

const flush = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** A store whose `get` answers (nothing) only when the test resolves `gate`. */
function gatedStore(): { gate: Deferred<undefined>; store: TokenStore } {
  const gate = deferred<undefined>();
  return { gate, store: { get: () => gate.promise, set: () => undefined, delete: () => false } };
}

/** A 300 s token cached, the clock moved into its refresh window (at 240 s), and one peek there. */
async function refreshWindowPeeked(): Promise<{
  time: ReturnType<typeof clock>;
  provider: ReturnType<typeof fakeProvider>;
  manager: TokenManager;
}> {
  const time = clock();
  const provider = fakeProvider({ now: time.now, lifetimeMs: 300_000 });
  const manager = new TokenManager({ now: time.now });
  await manager.getToken(provider);
  time.advance(240_000);
  expect(manager.peekToken(provider)?.accessToken).toBe('token-fake-1');
  return { time, provider, manager };
}

describe('TokenManager single flight', () => {
  it('fetches once, then serves the cached token', async () => {
    const provider = fakeProvider();
    const manager = new TokenManager();
    const first = await manager.getToken(provider);
    const second = await manager.getToken(provider);
    expect(first.accessToken).toBe('token-fake-1');
    expect(second).toBe(first);
    expect(provider.calls).toBe(1);
  });

  it('merges 1 000 concurrent callers into one fetch', async () => {
    const provider = fakeProvider({ delayMs: 5 });
    const manager = new TokenManager();
    const tokens = await Promise.all(Array.from({ length: 1000 }, () => manager.getToken(provider)));
    expect(provider.calls).toBe(1);
    expect(new Set(tokens.map((t) => t.accessToken))).toEqual(new Set(['token-fake-1']));
  });

  it("sends the token request in the caller's own turn when the store answers synchronously", async () => {
    const provider = fakeProvider({ delayMs: 5 });
    const manager = new TokenManager();
    const first = manager.getToken(provider);
    expect(provider.calls).toBe(1);
    // A caller in the same turn joins that flight.
    const second = manager.getToken(provider);
    expect(provider.calls).toBe(1);
    expect(await second).toBe(await first);
    expect(provider.calls).toBe(1);
  });

  it('lets an onEvent listener that asks for the same key join the flight being started', async () => {
    const provider = fakeProvider({ delayMs: 5 });
    const joined: Promise<unknown>[] = [];
    const manager: TokenManager = new TokenManager({
      onEvent: (event) => {
        if (event.type === 'fetch') joined.push(manager.getToken(provider));
      },
    });
    const first = await manager.getToken(provider);
    expect(joined).toHaveLength(1);
    expect(await joined[0]).toBe(first);
    expect(provider.calls).toBe(1);
  });

  it('waits for an asynchronous store before it sends a token request', async () => {
    const { gate, store } = gatedStore();
    const provider = fakeProvider();
    const manager = new TokenManager({ store });
    const waiting = manager.getToken(provider);
    const joined = manager.getToken(provider);
    await flush();
    expect(provider.calls).toBe(0);
    gate.resolve(undefined);
    expect((await waiting).accessToken).toBe('token-fake-1');
    expect(await joined).toBe(await waiting);
    expect(provider.calls).toBe(1);
  });

  it('keeps one flight per provider key', async () => {
    const a = fakeProvider({ key: 'a', delayMs: 5 });
    const b = fakeProvider({ key: 'b', delayMs: 5 });
    const manager = new TokenManager();
    await Promise.all([manager.getToken(a), manager.getToken(b), manager.getToken(a), manager.getToken(b)]);
    expect([a.calls, b.calls]).toEqual([1, 1]);
  });

  it('shares one rejection between concurrent callers and never caches it', async () => {
    const provider = fakeProvider();
    const failure = new TokenRequestError({ providerKey: 'fake', code: 'network_error' });
    const gate = deferred<never>();
    provider.next = () => gate.promise;
    const manager = new TokenManager();
    const waits = [manager.getToken(provider), manager.getToken(provider), manager.getToken(provider)];
    gate.reject(failure);
    for (const wait of waits) await expect(wait).rejects.toBe(failure);
    expect(provider.calls).toBe(1);
    provider.next = undefined;
    await expect(manager.getToken(provider)).resolves.toMatchObject({ accessToken: 'token-fake-2' });
    expect(provider.calls).toBe(2);
  });

  it('rejects a provider answer without an access token as invalid_token_response', async () => {
    const provider = fakeProvider();
    provider.next = async () => ({ tokenType: 'Bearer', expiresAt: null, raw: {} }) as never;
    const error = await new TokenManager().getToken(provider).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TokenRequestError);
    expect(error).toMatchObject({ code: 'invalid_token_response', providerKey: 'fake' });
  });

  it('defaults a missing tokenType to Bearer', async () => {
    const provider = fakeProvider();
    provider.next = async () => ({ accessToken: 'x', expiresAt: null, raw: {} }) as never;
    await expect(new TokenManager().getToken(provider)).resolves.toMatchObject({ tokenType: 'Bearer' });
  });
});

describe('TokenManager options', () => {
  it('refuses an option of the wrong kind when made', () => {
    expect(() => new TokenManager({ refreshSkewMs: Number.NaN })).toThrow(
      expect.objectContaining({ name: 'TokenAuthConfigError', code: 'invalid_options' }),
    );
  });

  it('refreshes a token once it expires, with every option at its default', async () => {
    const time = clock();
    const provider = fakeProvider({ now: time.now, lifetimeMs: 60_000 });
    const manager = new TokenManager({ now: time.now, refreshSkewMs: undefined, maxTtlMs: undefined });
    await manager.getToken(provider);
    time.advance(600_000);
    expect(manager.peekToken(provider)).toBeUndefined();
    await expect(manager.getToken(provider)).resolves.toMatchObject({ accessToken: 'token-fake-2' });
  });
});

describe('TokenManager expiry', () => {
  it('applies defaultTtlMs to a token without expiry', async () => {
    const time = clock();
    const provider = fakeProvider();
    provider.next = async () => token('no-expiry', null);
    const manager = new TokenManager({ now: time.now, defaultTtlMs: 120_000 });
    await expect(manager.getToken(provider)).resolves.toMatchObject({ expiresAt: T0 + 120_000 });
  });

  it('caps a lifetime at maxTtlMs', async () => {
    const time = clock();
    const provider = fakeProvider({ now: time.now, lifetimeMs: 10 * 86_400_000 });
    const manager = new TokenManager({ now: time.now });
    await expect(manager.getToken(provider)).resolves.toMatchObject({ expiresAt: T0 + 86_400_000 });
  });

  it('hands a token expired on arrival to its waiters but never caches it', async () => {
    const time = clock();
    const provider = fakeProvider();
    provider.next = async (call) => token(`zero-${call}`, time.now());
    const manager = new TokenManager({ now: time.now });
    const [a, b] = await Promise.all([manager.getToken(provider), manager.getToken(provider)]);
    expect([a.accessToken, b.accessToken]).toEqual(['zero-1', 'zero-1']);
    await expect(manager.getToken(provider)).resolves.toMatchObject({ accessToken: 'zero-2' });
    expect(provider.calls).toBe(2);
  });

  it('asks once more for a token whose answer was read after its life ran out (a frozen process)', async () => {
    const time = clock();
    const provider = fakeProvider();
    provider.next = async (call) => {
      const sent = token(`late-${call}`, time.now() + 3_000);
      if (call === 1) time.advance(8_000); // the process slept while the answer was on the way
      return sent;
    };
    const manager = new TokenManager({ now: time.now });
    const [a, b] = await Promise.all([manager.getToken(provider), manager.getToken(provider)]);
    expect([a.accessToken, b.accessToken]).toEqual(['late-2', 'late-2']);
    expect(provider.calls).toBe(2);
    expect(manager.peekToken(provider)?.accessToken).toBe('late-2');
  });

  it('takes the token another process stored while a late answer was on the way', async () => {
    const time = clock();
    const store = new MemoryTokenStore({ now: time.now });
    const provider = fakeProvider();
    provider.next = async () => {
      const sent = token('late', time.now() + 3_000);
      time.advance(8_000);
      await store.set('fake', token('stored', time.now() + 3_000), 3_000);
      return sent;
    };
    const manager = new TokenManager({ now: time.now, store });
    await expect(manager.getToken(provider)).resolves.toMatchObject({ accessToken: 'stored' });
    expect(provider.calls).toBe(1);
  });

  it('hands over a second late answer rather than asking without end', async () => {
    const time = clock();
    const provider = fakeProvider();
    provider.next = async (call) => {
      const sent = token(`late-${call}`, time.now() + 3_000);
      time.advance(8_000);
      return sent;
    };
    const manager = new TokenManager({ now: time.now });
    await expect(manager.getToken(provider)).resolves.toMatchObject({ accessToken: 'late-2' });
    expect(provider.calls).toBe(2);
  });

  it('serves the cached token without fetching until the refresh window', async () => {
    const time = clock();
    const provider = fakeProvider({ now: time.now, lifetimeMs: 300_000 });
    const manager = new TokenManager({ now: time.now });
    await manager.getToken(provider);
    time.advance(239_999); // 60 s skew: fresh until 240 s
    expect(manager.peekToken(provider)?.accessToken).toBe('token-fake-1');
    await flush();
    expect(provider.calls).toBe(1);
  });

  it('refreshes in the background inside the window and keeps serving the old token meanwhile', async () => {
    const time = clock();
    const provider = fakeProvider({ now: time.now, lifetimeMs: 300_000 });
    const manager = new TokenManager({ now: time.now });
    await manager.getToken(provider);
    const gate = deferred<ReturnType<typeof token>>();
    provider.next = () => gate.promise;
    time.advance(240_000);
    const during = await Promise.all(Array.from({ length: 50 }, () => manager.getToken(provider)));
    expect(during.every((t) => t.accessToken === 'token-fake-1')).toBe(true);
    await flush();
    expect(provider.calls).toBe(2);
    gate.resolve(token('rotated', time.now() + 300_000));
    await flush();
    await expect(manager.getToken(provider)).resolves.toMatchObject({ accessToken: 'rotated' });
    expect(provider.calls).toBe(2);
  });

  it('starts a background refresh on a later turn, not inside the request that noticed the window', async () => {
    const { time, provider, manager } = await refreshWindowPeeked();
    for (let i = 0; i < 10; i++) await Promise.resolve();
    expect(provider.calls).toBe(1);
    await flush();
    expect(provider.calls).toBe(2);
    // A caller that must wait meanwhile joins the refresh that was started: still one fetch.
    time.advance(35_000);
    await expect(manager.getToken(provider)).resolves.toMatchObject({ accessToken: 'token-fake-2' });
    expect(provider.calls).toBe(2);
  });

  it('makes callers wait once less than minValidityMs is left', async () => {
    const time = clock();
    const provider = fakeProvider({ now: time.now, lifetimeMs: 300_000 });
    const manager = new TokenManager({ now: time.now }); // default minValidity: 10 % = 30 s
    await manager.getToken(provider);
    time.advance(270_000);
    expect(manager.peekToken(provider)).toBeUndefined();
    await expect(manager.getToken(provider)).resolves.toMatchObject({ accessToken: 'token-fake-2' });
  });

  it('caps the refresh skew at half the lifetime so 5-second tokens stay useful', async () => {
    const time = clock();
    const provider = fakeProvider({ now: time.now, lifetimeMs: 5000 });
    const manager = new TokenManager({ now: time.now });
    await manager.getToken(provider);
    time.advance(2400);
    expect(manager.peekToken(provider)?.accessToken).toBe('token-fake-1');
    await flush();
    expect(provider.calls).toBe(1);
    time.advance(200); // 2.6 s: inside the window, one background refresh
    expect(manager.peekToken(provider)?.accessToken).toBe('token-fake-1');
    await flush();
    expect(provider.calls).toBe(2);
  });

  it('honours a configured minValidityMs', async () => {
    const time = clock();
    const provider = fakeProvider({ now: time.now, lifetimeMs: 300_000 });
    const manager = new TokenManager({ now: time.now, minValidityMs: 5000 });
    await manager.getToken(provider);
    time.advance(290_000); // 10 s left > 5 s
    expect(manager.peekToken(provider)?.accessToken).toBe('token-fake-1');
    time.advance(6000); // 4 s left
    expect(manager.peekToken(provider)).toBeUndefined();
  });

  it('keeps serving the old token when the background refresh fails, and backs off', async () => {
    const time = clock();
    const events: TokenEvent[] = [];
    const provider = fakeProvider({ now: time.now, lifetimeMs: 300_000 });
    const manager = new TokenManager({ now: time.now, onEvent: (e) => events.push(e) });
    await manager.getToken(provider);
    provider.next = async () => {
      throw new TokenRequestError({ providerKey: 'fake', status: 503 });
    };
    time.advance(241_000);
    expect(manager.peekToken(provider)?.accessToken).toBe('token-fake-1');
    await flush();
    expect(provider.calls).toBe(2);
    expect(events.filter((e) => e.type === 'fetch_failed')).toEqual([
      expect.objectContaining({ type: 'fetch_failed', background: true }),
    ]);
    time.advance(100); // inside the back-off: no new attempt
    expect(manager.peekToken(provider)?.accessToken).toBe('token-fake-1');
    await flush();
    expect(provider.calls).toBe(2);
    time.advance(1000); // past the first back-off (at most 1 s)
    provider.next = undefined;
    expect(manager.peekToken(provider)?.accessToken).toBe('token-fake-1');
    await flush();
    expect(provider.calls).toBe(3);
    expect(manager.peekToken(provider)?.accessToken).toBe('token-fake-3');
  });
});

describe('TokenManager background refresh answered with a Retry-After', () => {
  it('tries again no sooner than the server asked, while the old token serves on', async () => {
    const time = clock();
    const provider = fakeProvider({ now: time.now, lifetimeMs: 300_000 });
    const manager = new TokenManager({ now: time.now });
    await manager.getToken(provider);
    const slowDown = new TokenRequestError({
      providerKey: 'fake',
      status: 429,
      response: { status: 429, headers: { 'retry-after': '20' }, body: '' },
    });
    provider.next = async () => {
      throw slowDown;
    };
    time.advance(241_000); // inside the refresh window: one background refresh, answered 429
    expect(manager.peekToken(provider)?.accessToken).toBe('token-fake-1');
    await flush();
    expect(provider.calls).toBe(2);
    // Past the first back-off (at most 1 s), not past the 20 s the server asked for: no new attempt.
    for (let i = 0; i < 19; i += 1) {
      time.advance(1000);
      expect(manager.peekToken(provider)?.accessToken).toBe('token-fake-1');
      await flush();
    }
    expect(provider.calls).toBe(2);
    provider.next = undefined;
    time.advance(1000);
    expect(manager.peekToken(provider)?.accessToken).toBe('token-fake-1');
    await flush();
    expect(provider.calls).toBe(3);
    expect(manager.peekToken(provider)?.accessToken).toBe('token-fake-3');
  });
});

describe('TokenManager background refresh answered with an expired token', () => {
  /** A 300 s token cached, then a background refresh at 240 s that gets a token expired on arrival. */
  async function expiredRefresh(store?: TokenStore) {
    const time = clock();
    const provider = fakeProvider({ now: time.now, lifetimeMs: 300_000 });
    const manager = new TokenManager({ now: time.now, ...(store === undefined ? {} : { store }) });
    await manager.getToken(provider);
    provider.next = async (call) => token(`expired-${call}`, time.now());
    time.advance(240_000);
    manager.peekToken(provider);
    await flush();
    expect(provider.calls).toBe(2);
    return { time, provider, manager };
  }

  it('keeps serving the cached token, which is still valid', async () => {
    const { provider, manager } = await expiredRefresh();
    expect(manager.peekToken(provider)?.accessToken).toBe('token-fake-1');
  });

  it('does not send an expired token while the cached one is valid, with a store that has no copy', async () => {
    const store: TokenStore = { get: () => undefined, set: () => undefined, delete: () => false };
    const { provider, manager } = await expiredRefresh(store);
    await expect(manager.getToken(provider)).resolves.toMatchObject({ accessToken: 'token-fake-1' });
  });

  it('backs off before the next background attempt, as after a failure', async () => {
    const { time, provider, manager } = await expiredRefresh();
    provider.next = undefined;
    time.advance(100); // inside the back-off (at least 0.5 s)
    manager.peekToken(provider);
    await flush();
    expect(provider.calls).toBe(2);
    time.advance(1000); // past it (at most 1 s)
    manager.peekToken(provider);
    await flush();
    expect(provider.calls).toBe(3);
    expect(manager.peekToken(provider)?.accessToken).toBe('token-fake-3');
  });
});

describe('TokenManager after a fetch answered with a token expired on arrival', () => {
  /** `first` (10 s) cached, then every later fetch answers `zero-N` (expired on arrival) but the last. */
  const setUp = async (): Promise<{
    time: ReturnType<typeof clock>;
    provider: ReturnType<typeof fakeProvider>;
    manager: TokenManager;
  }> => {
    const time = clock();
    const provider = fakeProvider();
    provider.next = async (call) =>
      token(
        call === 1 ? 'first' : call === 2 ? 'zero' : `new-${call}`,
        time.now() + (call === 2 ? 0 : 10_000),
      );
    const manager = new TokenManager({ now: time.now });
    await manager.getToken(provider);
    return { time, provider, manager };
  };

  it('does not bring back the token a forced refresh replaced', async () => {
    const { provider, manager } = await setUp();
    await expect(manager.getToken(provider, { forceRefresh: true })).resolves.toMatchObject({
      accessToken: 'zero',
    });
    await expect(manager.getToken(provider)).resolves.toMatchObject({ accessToken: 'new-3' });
    expect(provider.calls).toBe(3);
  });

  it('does not bring back a token too close to expiry to be sent', async () => {
    const { time, provider, manager } = await setUp();
    time.advance(9_500); // 500 ms left of 10 s: below the 1 s minimum validity, requests wait
    expect(manager.peekToken(provider)).toBeUndefined();
    await expect(manager.getToken(provider)).resolves.toMatchObject({ accessToken: 'zero' });
    expect(manager.peekToken(provider)).toBeUndefined();
    await expect(manager.getToken(provider)).resolves.toMatchObject({ accessToken: 'new-3' });
  });
});

describe('TokenManager forceRefresh and invalidate', () => {
  it('forceRefresh fetches although a fresh token is cached, once for concurrent callers', async () => {
    const provider = fakeProvider({ delayMs: 2 });
    const manager = new TokenManager();
    await manager.getToken(provider);
    const forced = await Promise.all([
      manager.getToken(provider, { forceRefresh: true }),
      manager.getToken(provider, { forceRefresh: true }),
    ]);
    expect(forced.map((t) => t.accessToken)).toEqual(['token-fake-2', 'token-fake-2']);
    expect(provider.calls).toBe(2);
  });

  it('invalidates only the token given (compare-and-invalidate)', async () => {
    const provider = fakeProvider();
    const manager = new TokenManager();
    await manager.getToken(provider);
    await expect(manager.invalidate('fake', 'some-older-token')).resolves.toBe(false);
    await expect(manager.getToken(provider)).resolves.toMatchObject({ accessToken: 'token-fake-1' });
    await expect(manager.invalidate('fake', 'token-fake-1')).resolves.toBe(true);
    await expect(manager.getToken(provider)).resolves.toMatchObject({ accessToken: 'token-fake-2' });
    await expect(manager.invalidate('fake')).resolves.toBe(true);
    await expect(manager.getToken(provider)).resolves.toMatchObject({ accessToken: 'token-fake-3' });
  });

  it('turns 100 concurrent invalidations of one token into one refresh', async () => {
    const provider = fakeProvider({ delayMs: 2 });
    const manager = new TokenManager();
    const used = await manager.getToken(provider);
    const renewed = await Promise.all(
      Array.from({ length: 100 }, async () => {
        await manager.invalidate('fake', used.accessToken);
        return manager.getToken(provider);
      }),
    );
    expect(provider.calls).toBe(2);
    expect(new Set(renewed.map((t) => t.accessToken))).toEqual(new Set(['token-fake-2']));
  });
});

describe('TokenManager failure cool-down', () => {
  it('has none by default: a failed fetch, credentials refused too, is never cached', async () => {
    const provider = fakeProvider();
    provider.next = async () => {
      throw new TokenRequestError({ providerKey: 'fake', status: 401, code: 'invalid_client' });
    };
    const manager = new TokenManager();
    await expect(manager.getToken(provider)).rejects.toMatchObject({ status: 401 });
    provider.next = undefined;
    await expect(manager.getToken(provider)).resolves.toMatchObject({ accessToken: 'token-fake-2' });
    expect(provider.calls).toBe(2);
  });

  it('answers callers within the cool-down with the same credentials error, without a token request', async () => {
    const time = clock();
    const provider = fakeProvider();
    const refused = new TokenRequestError({ providerKey: 'fake', status: 401, code: 'invalid_client' });
    provider.next = async () => {
      throw refused;
    };
    const manager = new TokenManager({ now: time.now, failureCooldownMs: 2000 });
    await expect(manager.getToken(provider)).rejects.toBe(refused);
    for (let i = 0; i < 20; i += 1) await expect(manager.getToken(provider)).rejects.toBe(refused);
    expect(provider.calls).toBe(1);
    time.advance(2000);
    provider.next = undefined;
    await expect(manager.getToken(provider)).resolves.toMatchObject({ accessToken: 'token-fake-2' });
  });

  it('does not cool down after a server error', async () => {
    const provider = fakeProvider();
    provider.next = async () => {
      throw new TokenRequestError({ providerKey: 'fake', status: 500 });
    };
    const manager = new TokenManager();
    await expect(manager.getToken(provider)).rejects.toMatchObject({ status: 500 });
    await expect(manager.getToken(provider)).rejects.toMatchObject({ status: 500 });
    expect(provider.calls).toBe(2);
  });
});

describe('TokenManager abort', () => {
  it("ends an aborted caller's wait at once and lets the shared fetch finish for the others", async () => {
    const provider = fakeProvider();
    const gate = deferred<ReturnType<typeof token>>();
    provider.next = () => gate.promise;
    const manager = new TokenManager();
    const controller = new AbortController();
    const aborted = manager.getToken(provider, { signal: controller.signal });
    const other = manager.getToken(provider);
    const reason = new Error('user navigated away');
    controller.abort(reason);
    await expect(aborted).rejects.toBe(reason);
    gate.resolve(token('shared', null));
    await expect(other).resolves.toMatchObject({ accessToken: 'shared' });
    expect(provider.calls).toBe(1);
    expect(provider.contexts[0]?.signal?.aborted).toBe(false);
  });

  it('rejects at once with an already aborted signal and fetches nothing for it', async () => {
    const provider = fakeProvider();
    const manager = new TokenManager();
    const error = await manager.getToken(provider, { signal: AbortSignal.abort() }).catch((e: unknown) => e);
    expect((error as DOMException).name).toBe('AbortError');
    await flush();
    expect(provider.calls).toBe(0);
  });

  it('a signal aborted while the fetch starts ends the wait, and the failing fetch is not left unhandled', async () => {
    const provider = fakeProvider();
    const unhandled = await collectUnhandledRejections(async () => {
      const controller = new AbortController();
      const manager = new TokenManager({
        onEvent: (event) => {
          if (event.type === 'fetch') controller.abort(new Error('caller gave up'));
        },
      });
      provider.next = () =>
        new Promise((_, reject) => setTimeout(() => reject(new Error('endpoint down')), 5));
      await expect(manager.getToken(provider, { signal: controller.signal })).rejects.toThrow(
        'caller gave up',
      );
      await new Promise((resolve) => setTimeout(resolve, 20));
      await flush();
    });
    expect(provider.calls).toBe(1);
    expect(unhandled).toEqual([]);
  });

  it('dispose clears the cache and aborts running fetches', async () => {
    const provider = fakeProvider();
    const manager = new TokenManager();
    await manager.getToken(provider);
    const gate = deferred<ReturnType<typeof token>>();
    provider.next = (call) => (call === 2 ? gate.promise : Promise.resolve(token(`after-${call}`, null)));
    const running = manager.getToken(provider, { forceRefresh: true });
    await flush();
    const signal = provider.contexts[1]?.signal;
    manager.dispose();
    expect(signal?.aborted).toBe(true);
    gate.reject(signal?.reason);
    await expect(running).rejects.toMatchObject({ name: 'AbortError' });
    await expect(manager.getToken(provider)).resolves.toMatchObject({ accessToken: 'after-3' });
  });
});

describe('TokenManager dispose and new callers', () => {
  it('a caller right after dispose starts a fetch of its own, not the aborted one', async () => {
    const provider = fakeProvider();
    const stuck = deferred<ReturnType<typeof token>>();
    // The first fetch ignores its signal and never settles by itself.
    provider.next = (call) => (call === 1 ? stuck.promise : Promise.resolve(token(`after-${call}`, null)));
    const manager = new TokenManager();
    const first = manager.getToken(provider);
    await flush();
    manager.dispose();
    await expect(manager.getToken(provider)).resolves.toMatchObject({ accessToken: 'after-2' });
    expect(provider.calls).toBe(2);
    stuck.resolve(token('late', null));
    await expect(first).rejects.toMatchObject({ name: 'AbortError' });
    expect(manager.peekToken(provider)?.accessToken).toBe('after-2');
  });
});

describe('TokenManager dispose before a refresh is sent', () => {
  it('ends a background refresh still waiting for its turn: nothing is fetched or cached', async () => {
    const { provider, manager } = await refreshWindowPeeked();
    manager.dispose();
    await flush();
    await flush();
    expect(provider.calls).toBe(1);
    expect(manager.peekToken(provider)).toBeUndefined();
  });

  it('ends a fetch that waited for the store: the provider sees an aborted signal', async () => {
    const { gate, store } = gatedStore();
    const provider = fakeProvider();
    const manager = new TokenManager({ store });
    const waiting = manager.getToken(provider);
    await flush();
    manager.dispose();
    gate.resolve(undefined);
    await waiting.catch(() => undefined);
    expect(provider.contexts.every((context) => context.signal?.aborted === true)).toBe(true);
    expect(manager.peekToken(provider)).toBeUndefined();
  });
});

describe('TokenManager with a provider without a key', () => {
  const keyless = { fetchToken: async () => token('service-a', null) } as unknown as TokenProvider;

  it('rejects getToken and throws from peekToken, caching nothing under no key', async () => {
    const manager = new TokenManager();
    await expect(manager.getToken(keyless)).rejects.toBeInstanceOf(TokenAuthConfigError);
    expect(() => manager.peekToken(keyless)).toThrow(TokenAuthConfigError);
    await expect(manager.getToken({ ...keyless, key: '' })).rejects.toThrow(/needs a key/);
  });
});

describe('TokenManager events', () => {
  it('reports fetch, fetched, invalidated and fetch_failed without tokens', async () => {
    const events: TokenEvent[] = [];
    const provider = fakeProvider();
    const manager = new TokenManager({ onEvent: (e) => events.push(e) });
    await manager.getToken(provider);
    await manager.invalidate('fake', 'token-fake-1');
    provider.next = async () => {
      throw new TokenRequestError({ providerKey: 'fake', status: 500 });
    };
    await manager.getToken(provider).catch(() => undefined);
    expect(events.map((e) => e.type)).toEqual(['fetch', 'fetched', 'invalidated', 'fetch', 'fetch_failed']);
    expect(JSON.stringify(events)).not.toContain('token-fake-1');
  });

  it('ignores a listener that throws', async () => {
    const manager = new TokenManager({
      onEvent: () => {
        throw new Error('broken logger');
      },
    });
    await expect(manager.getToken(fakeProvider())).resolves.toMatchObject({ accessToken: 'token-fake-1' });
  });

  it('ignores an async listener that rejects, leaving no unhandled rejection', async () => {
    const manager = new TokenManager({
      onEvent: async () => {
        throw new Error('metrics endpoint down');
      },
    });
    const unhandled = await collectUnhandledRejections(async () => {
      await expect(manager.getToken(fakeProvider())).resolves.toMatchObject({ accessToken: 'token-fake-1' });
      await flush();
    });
    expect(unhandled).toEqual([]);
  });
});

describe('TokenManager with a store', () => {
  it('caches a fetched token only once the store has it: callers meanwhile join the fetch', async () => {
    const written = deferred<void>();
    const store = heldStore({ set: written.promise });
    const provider = fakeProvider();
    const manager = new TokenManager({ store });
    const first = manager.getToken(provider);
    await flush();
    expect(provider.calls).toBe(1);
    // No request can be sent with it yet, so none can get a 401 for it before the waiters get it.
    expect(manager.peekToken(provider)).toBeUndefined();
    const joined = manager.getToken(provider);
    written.resolve();
    const tokens = await Promise.all([first, joined]);
    expect(tokens.map((each) => each.accessToken)).toEqual(['token-fake-1', 'token-fake-1']);
    expect(manager.peekToken(provider)?.accessToken).toBe('token-fake-1');
    expect(provider.calls).toBe(1);
  });

  it('does not adopt a stored token without expiry (no manager writes one): it fetches', async () => {
    const time = clock();
    const store = new MemoryTokenStore({ now: time.now });
    store.set('fake', token('no-expiry', null), 100_000);
    const provider = fakeProvider({ now: time.now });
    const manager = new TokenManager({ store, now: time.now });
    await expect(manager.getToken(provider)).resolves.toMatchObject({ accessToken: 'token-fake-1' });
    expect(provider.calls).toBe(1);
  });

  it('adopts a valid token from the store without fetching, and writes fetched tokens with their TTL', async () => {
    const time = clock();
    const store = new MemoryTokenStore({ now: time.now });
    store.set('fake', token('from-store', T0 + 100_000), 100_000);
    const setSpy = jest.spyOn(store, 'set');
    const provider = fakeProvider({ now: time.now, lifetimeMs: 50_000 });
    const manager = new TokenManager({ store, now: time.now });
    await expect(manager.getToken(provider)).resolves.toMatchObject({ accessToken: 'from-store' });
    expect(provider.calls).toBe(0);
    await manager.getToken(provider, { forceRefresh: true });
    expect(setSpy).toHaveBeenCalledWith(
      'fake',
      expect.objectContaining({ accessToken: 'token-fake-1' }),
      50_000,
    );
  });

  it('keeps working through a failing store and reports the outage once', async () => {
    const events: TokenEvent[] = [];
    let down = true;
    const fail = (): never => {
      throw new Error('store unreachable');
    };
    const store: TokenStore = {
      get: () => (down ? fail() : undefined),
      set: () => (down ? fail() : undefined),
      delete: () => (down ? fail() : true),
    };
    const provider = fakeProvider();
    const manager = new TokenManager({ store, onEvent: (e) => events.push(e) });
    await expect(manager.getToken(provider)).resolves.toMatchObject({ accessToken: 'token-fake-1' });
    await manager.invalidate('fake');
    await expect(manager.getToken(provider)).resolves.toMatchObject({ accessToken: 'token-fake-2' });
    expect(events.filter((e) => e.type === 'store_error')).toHaveLength(1);
    down = false;
    await manager.invalidate('fake');
    expect(events.at(-2)).toMatchObject({ type: 'store_recovered' });
  });

  it('routes the fetch through singleFlight, re-reading the store inside it', async () => {
    const inner = new MemoryTokenStore();
    const provider = fakeProvider();
    const store: TokenStore = {
      get: (k) => inner.get(k),
      set: (k, t, ttl) => inner.set(k, t, ttl),
      delete: (k, a) => inner.delete(k, a),
      async singleFlight(key, fn) {
        // Another process wrote a token while this one waited for the lock.
        inner.set(key, token('written-by-peer', Date.now() + 60_000), 60_000);
        return fn();
      },
    };
    const manager = new TokenManager({ store });
    await expect(manager.getToken(provider)).resolves.toMatchObject({ accessToken: 'written-by-peer' });
    expect(provider.calls).toBe(0);
  });

  it('runs the fetch locally when singleFlight fails before running it, and passes fn errors unchanged', async () => {
    const provider = fakeProvider();
    const broken: TokenStore = {
      get: () => undefined,
      set: () => undefined,
      delete: () => false,
      singleFlight: async () => {
        throw new Error('lock service down');
      },
    };
    await expect(new TokenManager({ store: broken }).getToken(provider)).resolves.toMatchObject({
      accessToken: 'token-fake-1',
    });
    const refused = new TokenRequestError({ providerKey: 'fake', status: 401 });
    provider.next = async () => {
      throw refused;
    };
    const passing: TokenStore = { ...broken, singleFlight: (_key, fn) => fn() };
    await expect(new TokenManager({ store: passing }).getToken(provider)).rejects.toBe(refused);
    expect(provider.calls).toBe(2);
  });
});

describe('TokenManager with a store whose delete fails', () => {
  /** A store that keeps what it is given and fails every delete with `deleteFails`. */
  const undeletable = (deleteFails: TokenStore['delete']): TokenStore => {
    const kept = new Map<string, ReturnType<typeof token>>();
    return {
      get: (key) => kept.get(key),
      set: (key, value) => {
        kept.set(key, value);
      },
      delete: deleteFails,
    };
  };

  it('never takes back from the store a token it invalidated', async () => {
    const store = undeletable(() => {
      throw new Error('NOPERM this user has no permissions to run the eval command');
    });
    const provider = fakeProvider();
    const manager = new TokenManager({ store });
    const used = await manager.getToken(provider);
    await manager.invalidate('fake', used.accessToken);
    // The store still holds it: the next caller gets a new token, not the revoked one.
    await expect(manager.getToken(provider)).resolves.toMatchObject({ accessToken: 'token-fake-2' });
    expect(provider.calls).toBe(2);
  });

  it('nor a newer invalidated token after a late 401 for an older one', async () => {
    const store = undeletable(() => {
      throw new Error('NOPERM this user has no permissions to run the eval command');
    });
    const provider = fakeProvider();
    const manager = new TokenManager({ store });
    const first = await manager.getToken(provider);
    await manager.invalidate('fake', first.accessToken);
    const second = await manager.getToken(provider);
    await manager.invalidate('fake', second.accessToken);
    // A request sent with the first token long ago gets its 401 only now.
    await manager.invalidate('fake', first.accessToken);
    await expect(manager.getToken(provider)).resolves.toMatchObject({ accessToken: 'token-fake-3' });
    expect(provider.calls).toBe(3);
  });

  it('nor after dispose(), which leaves a store passed in as it is', async () => {
    const store = undeletable(() => {
      throw new Error('timeout');
    });
    const provider = fakeProvider();
    const manager = new TokenManager({ store });
    const used = await manager.getToken(provider);
    await manager.invalidate('fake', used.accessToken);
    manager.dispose();
    await expect(manager.getToken(provider)).resolves.toMatchObject({ accessToken: 'token-fake-2' });
  });

  it('also after invalidate(key) with no token named', async () => {
    const store = undeletable(async () => Promise.reject(new Error('timeout')));
    const provider = fakeProvider();
    const manager = new TokenManager({ store });
    await manager.getToken(provider);
    await manager.invalidate('fake');
    await expect(manager.getToken(provider)).resolves.toMatchObject({ accessToken: 'token-fake-2' });
  });
});

describe('TokenManager adopting a token another process stored', () => {
  const storeWith = (stored: ReturnType<typeof token>): TokenStore => ({
    get: () => stored,
    set: () => undefined,
    delete: () => false,
  });

  it("schedules its refresh by the answer's whole lifetime (expires_in), not the time left", async () => {
    const time = clock();
    const stored = token('shared', T0 + 100_000, { raw: { access_token: 'shared', expires_in: 3600 } });
    const provider = fakeProvider({ now: time.now, lifetimeMs: 3_600_000 });
    const manager = new TokenManager({ now: time.now, store: storeWith(stored) });
    await expect(manager.getToken(provider)).resolves.toBe(stored);
    expect(provider.calls).toBe(0);
    // 55 s left: inside the 60 s skew of a one-hour token, so a background refresh starts.
    time.advance(45_000);
    expect(manager.peekToken(provider)).toBe(stored);
    await flush();
    await flush();
    expect(provider.calls).toBe(1);
  });

  it('does not adopt a token too close to its expiry to send', async () => {
    const time = clock();
    const stored = token('nearly-gone', T0 + 50, { raw: { access_token: 'nearly-gone', expires_in: 2 } });
    const provider = fakeProvider({ now: time.now });
    const manager = new TokenManager({ now: time.now, store: storeWith(stored) });
    await expect(manager.getToken(provider)).resolves.toMatchObject({ accessToken: 'token-fake-1' });
    expect(provider.calls).toBe(1);
  });

  it('without expires_in, takes the time left for its lifetime', async () => {
    const time = clock();
    const stored = token('opaque', T0 + 100_000);
    const provider = fakeProvider({ now: time.now });
    const manager = new TokenManager({ now: time.now, store: storeWith(stored) });
    await expect(manager.getToken(provider)).resolves.toBe(stored);
    time.advance(45_000);
    expect(manager.peekToken(provider)).toBe(stored);
    await flush();
    expect(provider.calls).toBe(0);
  });
});

describe('TokenManager during a store outage', () => {
  it('asks a store whose read just failed nothing more in that flight, and uses it again once it answers', async () => {
    const calls: string[] = [];
    let down = true;
    const kept = new Map<string, ReturnType<typeof token>>();
    const store: TokenStore = {
      get: async (key) => {
        calls.push('get');
        if (down) throw new Error('redis_timeout');
        return kept.get(key);
      },
      set: async (key, value) => {
        calls.push('set');
        kept.set(key, value);
      },
      delete: async () => {
        calls.push('delete');
        return true;
      },
      singleFlight: async (_key, fn) => {
        calls.push('singleFlight');
        return fn();
      },
    };
    const provider = fakeProvider();
    const manager = new TokenManager({ store });
    await expect(manager.getToken(provider)).resolves.toMatchObject({ accessToken: 'token-fake-1' });
    expect(calls).toEqual(['get']);
    down = false;
    calls.length = 0;
    await expect(manager.getToken(provider, { forceRefresh: true })).resolves.toMatchObject({
      accessToken: 'token-fake-2',
    });
    expect(calls).toEqual(['get', 'singleFlight', 'get', 'set']);
  });
});

describe('TokenManager sendableUntil and isBefore', () => {
  it('gives the moment requests stop using the cached token, else the expiry', async () => {
    const time = clock();
    const provider = fakeProvider({ now: time.now, lifetimeMs: 300_000 });
    const manager = new TokenManager({ now: time.now });
    const cached = await manager.getToken(provider);
    const until = manager.sendableUntil('fake', cached);
    expect(until).toBeLessThan(cached.expiresAt!);
    expect(until).toBeGreaterThan(T0 + 240_000);
    const other = token('other', T0 + 5_000);
    expect(manager.sendableUntil('fake', other)).toBe(T0 + 5_000);
    expect(manager.sendableUntil('fake', token('forever', null))).toBe(Number.POSITIVE_INFINITY);
    expect(manager.isBefore(until)).toBe(true);
    time.set(until);
    expect(manager.isBefore(until)).toBe(false);
    expect(manager.isBefore(Number.POSITIVE_INFINITY)).toBe(true);
  });
});

describe('TokenManager review cases', () => {
  it('keeps serving its own token when a background refresh finds only a nearly-expired one in the store', async () => {
    const time = clock();
    const old = token('old-from-store', T0 + 250_000 + 50, {
      raw: { access_token: 'old-from-store', expires_in: 2 },
    });
    const stored: { answer?: ReturnType<typeof token> } = {};
    const store: TokenStore = { get: () => stored.answer, set: () => undefined, delete: () => false };
    const provider = fakeProvider({ now: time.now, lifetimeMs: 300_000 });
    const manager = new TokenManager({ now: time.now, store });
    const own = await manager.getToken(provider);
    stored.answer = old;
    provider.next = async () => {
      throw new TokenRequestError({ providerKey: 'fake', status: 503 });
    };
    time.advance(250_000);
    expect(manager.peekToken(provider)).toBe(own);
    await flush();
    await flush();
    expect(provider.calls).toBe(2);
    expect(manager.peekToken(provider)).toBe(own);
  });

  it("reports a custom provider's failure to onEvent reduced, and rejects getToken with it unchanged", async () => {
    const events: TokenEvent[] = [];
    const provider = fakeProvider();
    const thrown = Object.assign(new Error('backend said 500'), {
      config: { headers: { Authorization: 'Basic c2Vzc2lvbi1zZWNyZXQ=' } },
    });
    provider.next = () => Promise.reject(thrown);
    const manager = new TokenManager({ onEvent: (event) => events.push(event) });
    await expect(manager.getToken(provider)).rejects.toBe(thrown);
    const failed = events.find((event) => event.type === 'fetch_failed') as { error: unknown } | undefined;
    expect(failed?.error).toBeInstanceOf(TokenRequestError);
    expect(failed?.error).toMatchObject({ description: 'backend said 500' });
    expect(JSON.stringify(failed) + inspect(failed, { depth: Infinity, showHidden: true })).not.toContain(
      'c2Vzc2lvbi1zZWNyZXQ',
    );
  });

  it('accepts a provider whose fetchToken answers with a plain value', async () => {
    const provider = {
      key: 'plain',
      fetchToken: () => token('plain-token', null),
    } as unknown as TokenProvider;
    await expect(new TokenManager().getToken(provider)).resolves.toMatchObject({
      accessToken: 'plain-token',
    });
  });

  it("skips a flight's write only for its own failed read, not another key's", async () => {
    const gate = deferred<ReturnType<typeof token>>();
    const writes: string[] = [];
    const store: TokenStore = {
      get: async (key) => {
        if (key === 'broken') throw new Error('redis_timeout');
        return undefined;
      },
      set: (key) => {
        writes.push(key);
      },
      delete: () => false,
    };
    const slow = fakeProvider({ key: 'slow' });
    slow.next = () => gate.promise;
    const manager = new TokenManager({ store });
    const pending = manager.getToken(slow);
    await flush();
    await manager.getToken(fakeProvider({ key: 'broken' }));
    gate.resolve(token('slow-token', Date.now() + 300_000));
    await pending;
    expect(writes).toEqual(['slow']);
  });

  it('dispose during a store write: the token fetched before is not cached in the cleared manager', async () => {
    const written = deferred<undefined>();
    const provider = fakeProvider();
    const manager = new TokenManager({ store: heldStore({ set: written.promise }) });
    const before = manager.getToken(provider);
    await flush();
    expect(provider.calls).toBe(1);
    manager.dispose();
    written.resolve(undefined);
    await before;
    expect(manager.peekToken(provider)).toBeUndefined();
  });

  it('dispose during a store read: the old caller is aborted and caches nothing over the new flight', async () => {
    const read = deferred<ReturnType<typeof token> | undefined>();
    let reads = 0;
    const store: TokenStore = {
      get: () => {
        reads += 1;
        return reads === 1 ? read.promise : undefined;
      },
      set: () => undefined,
      delete: () => false,
    };
    const provider = fakeProvider();
    const manager = new TokenManager({ store });
    const before = manager.getToken(provider);
    await flush();
    manager.dispose();
    const after = await manager.getToken(provider);
    read.resolve(token('from-before-dispose', Date.now() + 300_000));
    await expect(before).rejects.toMatchObject({ name: 'AbortError' });
    expect(manager.peekToken(provider)).toBe(after);
  });

  it("dispose ends a wait for the shared lock at once; the lock's fn then fetches nothing", async () => {
    const granted = deferred<undefined>();
    const store: TokenStore = {
      get: () => undefined,
      set: () => undefined,
      delete: () => false,
      // Held by another process until the test grants it.
      singleFlight: async (_key, fn) => {
        await granted.promise;
        return fn();
      },
    };
    const provider = fakeProvider();
    const manager = new TokenManager({ store });
    const unhandled = await collectUnhandledRejections(async () => {
      const waiting = manager.getToken(provider);
      await flush();
      manager.dispose();
      await expect(waiting).rejects.toMatchObject({ name: 'AbortError' });
      granted.resolve(undefined);
      await flush();
    });
    expect(unhandled).toEqual([]);
    expect(provider.calls).toBe(0);
  });
});

describe('TokenManager with many keys used once', () => {
  /** Fetches one token for each of `count` keys, and returns weak references to them. */
  async function fetchOnce(manager: TokenManager, prefix: string, count: number, now: () => number) {
    const refs: Array<WeakRef<object>> = [];
    for (let i = 0; i < count; i++) {
      const provider: TokenProvider = {
        key: `${prefix}-${i}`,
        fetchToken: async () => token(`token-${prefix}-${i}`, now() + 60_000),
      };
      refs.push(new WeakRef(await manager.getToken(provider)));
    }
    return refs;
  }

  it('releases the tokens of keys that expired unused, in its cache and its default store', async () => {
    const time = clock();
    const manager = new TokenManager({ now: time.now });
    const expired = await fetchOnce(manager, 'tenant', 1023, time.now);
    time.advance(120_000);
    const live = await fetchOnce(manager, 'later', 10, time.now);
    expect(await countRetained(expired)).toBe(0);
    expect(await countRetained(live)).toBe(10);
  });
});

describe('TokenManager with many concurrent fetches', () => {
  it('adds no listener per fetch to a signal they share (Node warns of a leak past 10)', async () => {
    const manager = new TokenManager();
    const gates = Array.from({ length: 20 }, () => deferred<ReturnType<typeof token>>());
    const signals: Array<AbortSignal | undefined> = [];
    const running = gates.map((gate, i) =>
      manager.getToken({
        key: `tenant-${i}`,
        fetchToken: ({ signal }) => {
          signals.push(signal);
          return gate.promise;
        },
      }),
    );
    await flush();
    expect(signals).toHaveLength(20);
    expect(getEventListeners(manager.lifetime, 'abort').length).toBeLessThanOrEqual(10);
    manager.dispose();
    expect(signals.every((signal) => signal?.aborted === true)).toBe(true);
    await Promise.allSettled(running);
  });
});

describe('TokenManager when the wall clock is set back', () => {
  beforeEach(() => {
    jest.useFakeTimers({ doNotFake: ['setImmediate', 'clearImmediate', 'nextTick', 'queueMicrotask'] });
    jest.setSystemTime(T0);
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  /** A 1 h token cached, then the clock set back an hour (NTP, a user): `performance.now` goes on. */
  async function cachedThenSetBack(): Promise<{
    provider: ReturnType<typeof fakeProvider>;
    manager: TokenManager;
  }> {
    const provider = fakeProvider({ lifetimeMs: 3_600_000 });
    const manager = new TokenManager();
    await manager.getToken(provider);
    jest.setSystemTime(T0 - 3_600_000);
    return { provider, manager };
  }

  it('does not send a token cached before the step past its real expiry', async () => {
    const { provider, manager } = await cachedThenSetBack();
    jest.advanceTimersByTime(3_660_000);
    expect(manager.peekToken(provider)).toBeUndefined();
    await expect(manager.getToken(provider)).resolves.toMatchObject({ accessToken: 'token-fake-2' });
    expect(provider.calls).toBe(2);
  });

  it('still refreshes it in the background in time, once', async () => {
    const { provider, manager } = await cachedThenSetBack();
    jest.advanceTimersByTime(3_550_000); // 50 s left: inside the 60 s refresh window
    expect(manager.peekToken(provider)?.accessToken).toBe('token-fake-1');
    await flush();
    await flush();
    expect(provider.calls).toBe(2);
    expect(manager.peekToken(provider)?.accessToken).toBe('token-fake-2');
    await flush();
    expect(provider.calls).toBe(2);
  });

  it('takes a clock that jumps ahead (a laptop waking up) as it is', async () => {
    const provider = fakeProvider({ lifetimeMs: 3_600_000 });
    const manager = new TokenManager();
    await manager.getToken(provider);
    jest.setSystemTime(T0 + 3_600_000);
    expect(manager.peekToken(provider)).toBeUndefined();
  });
});

describe('TokenManager made before a test installs fake timers', () => {
  afterEach(() => {
    jest.useRealTimers();
  });

  /** A 1 h token cached on a test's fake clock (set to the real time), then that clock set past its expiry. */
  async function cachedThenExpired(manager: TokenManager, provider: TokenProvider): Promise<void> {
    jest.useFakeTimers();
    await manager.getToken(provider);
    jest.setSystemTime(Date.now() + 3_600_000);
  }

  it('reads the fake clock (a manager made at import, as the default one)', async () => {
    const manager = new TokenManager();
    const provider = fakeProvider({ lifetimeMs: 3_600_000, now: () => Date.now() });
    await cachedThenExpired(manager, provider);
    expect(manager.peekToken(provider)).toBeUndefined();
  });

  it('reads the fake clock of each test, not that of the one it was made under', async () => {
    jest.useFakeTimers();
    const manager = new TokenManager();
    jest.useRealTimers();
    const provider = fakeProvider({ lifetimeMs: 3_600_000, now: () => Date.now() });
    await cachedThenExpired(manager, provider);
    expect(manager.peekToken(provider)).toBeUndefined();
    await expect(manager.getToken(provider)).resolves.toMatchObject({ accessToken: 'token-fake-2' });
  });
});
