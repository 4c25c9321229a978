import { InvalidatedTokens } from '../src/invalidated-tokens.js';
import { MemoryTokenStore } from '../src/memory-token-store.js';
import { SafeStore } from '../src/safe-store.js';
import { StoredTokens, type Flight } from '../src/stored-tokens.js';
import type { Token } from '../src/token.js';
import { TokenCache } from '../src/token-cache.js';
import type { TokenStore } from '../src/token-store.js';

const NOW = 1_700_000_000_000;
const KEY = 'tenant-a';

function setup(store: TokenStore = new MemoryTokenStore({ now: () => NOW })) {
  const entries = new TokenCache({ refreshSkewMs: 60_000, minValidityMs: undefined });
  const invalidated = new InvalidatedTokens(86_400_000, () => NOW);
  const stored = new StoredTokens(new SafeStore(store, () => undefined), entries, invalidated, () => NOW);
  return { store, entries, invalidated, stored };
}

function token(accessToken: string, lifetimeMs: number | null): Token {
  return {
    accessToken,
    tokenType: 'Bearer',
    expiresAt: lifetimeMs === null ? null : NOW + lifetimeMs,
    raw: lifetimeMs === null ? {} : { expires_in: lifetimeMs / 1000 },
  };
}

function flight(replacing?: string): Flight {
  return { key: KEY, replacing, lifetime: new AbortController().signal, storeFailed: false };
}

describe('StoredTokens', () => {
  it('adopts a stored token with time left, and caches it', async () => {
    const { store, entries, stored } = setup();
    const fresh = token('stored-1', 3_600_000);
    await store.set(KEY, fresh, 3_600_000);
    expect(stored.adopt(flight())).toBe(fresh);
    expect(entries.get(KEY)?.token).toBe(fresh);
  });

  it('answers synchronously for a synchronous store, and with a promise for an async one', async () => {
    const fresh = token('stored-1', 3_600_000);
    const sync = setup();
    await sync.store.set(KEY, fresh, 3_600_000);
    expect(sync.stored.adopt(flight())).toBe(fresh);
    const asyncStore: TokenStore = {
      get: async () => fresh,
      set: async () => undefined,
      delete: async () => true,
    };
    const answer = setup(asyncStore).stored.adopt(flight());
    expect(answer).toBeInstanceOf(Promise);
    await expect(answer).resolves.toBe(fresh);
  });

  it('adopts nothing when the store has nothing, or a token without an expiry', async () => {
    const { store, stored, entries } = setup();
    expect(stored.adopt(flight())).toBeUndefined();
    await store.set(KEY, token('forever', null), 60_000);
    expect(stored.adopt(flight())).toBeUndefined();
    expect(entries.get(KEY)).toBeUndefined();
  });

  it('never adopts the token the flight replaces, nor one invalidated here', async () => {
    const { store, invalidated, stored, entries } = setup();
    await store.set(KEY, token('old', 3_600_000), 3_600_000);
    expect(stored.adopt(flight('old'))).toBeUndefined();
    invalidated.add(KEY, 'old', NOW + 3_600_000);
    expect(stored.adopt(flight())).toBeUndefined();
    expect(entries.get(KEY)).toBeUndefined();
  });

  it('leaves a token too close to its expiry, and the cache as it is', async () => {
    const { store, entries, stored } = setup();
    const current = { ...token('current', 3_600_000), expiresAt: NOW + 3_600_000 };
    entries.set(KEY, entries.entryFor(current, NOW), NOW);
    // Two seconds left of a five-minute token: past its wait margin.
    await store.set(KEY, { ...token('nearly-gone', 2_000), raw: { expires_in: 300 } }, 2_000);
    expect(stored.adopt(flight())).toBeUndefined();
    expect(entries.get(KEY)?.token).toBe(current);
  });

  it('adopts nothing for a flight ended by dispose()', async () => {
    const { store, stored } = setup();
    await store.set(KEY, token('stored-1', 3_600_000), 3_600_000);
    const controller = new AbortController();
    controller.abort();
    expect(stored.adopt({ ...flight(), lifetime: controller.signal })).toBeUndefined();
  });

  it('marks the flight when the store read fails, and adopts nothing', async () => {
    const failing: TokenStore = {
      get: async () => {
        throw new Error('store down');
      },
      set: async () => undefined,
      delete: async () => true,
    };
    const { stored } = setup(failing);
    const ongoing = flight();
    await expect(stored.adopt(ongoing)).resolves.toBeUndefined();
    expect(ongoing.storeFailed).toBe(true);
  });
});
