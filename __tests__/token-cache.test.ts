import { TokenCache, type TimedToken } from '../src/token-cache.js';

const policy = { refreshSkewMs: 60_000, minValidityMs: undefined };
const token = (accessToken: string, expiresAt: number): TimedToken => ({
  accessToken,
  tokenType: 'Bearer',
  expiresAt,
  raw: {},
});

describe('TokenCache', () => {
  it('schedules an entry from its issue time: refresh at expiresAt − min(skew, lifetime / 2)', () => {
    const cache = new TokenCache(policy);
    const entry = cache.entryFor(token('a', 300_000), 0);
    expect(entry.refreshAt).toBe(240_000);
    expect(entry.waitAt).toBeGreaterThan(entry.refreshAt);
    expect(entry.waitAt).toBeLessThan(300_000);
    expect(entry.backgroundAfter).toBe(entry.refreshAt);
    expect(cache.entryFor(token('b', 10_000), 0).refreshAt).toBe(5_000);
  });

  it('caches only what is set, and forgets on delete and clear', () => {
    const cache = new TokenCache(policy);
    const entry = cache.entryFor(token('a', 300_000), 0);
    expect(cache.get('k')).toBeUndefined();
    cache.set('k', entry, 0);
    expect(cache.get('k')).toBe(entry);
    cache.delete('k');
    expect(cache.get('k')).toBeUndefined();
    cache.set('k', entry, 0);
    cache.clear();
    expect(cache.get('k')).toBeUndefined();
  });

  it('drops the expired entries of keys used once as it grows, keeping live ones', () => {
    const cache = new TokenCache(policy);
    for (let i = 0; i < 1_000; i += 1) cache.set(`old-${i}`, cache.entryFor(token(`o${i}`, 1_000), 0), 0);
    for (let i = 0; i < 24; i += 1) {
      cache.set(`new-${i}`, cache.entryFor(token(`n${i}`, 900_000), 600_000), 600_000);
    }
    expect(cache.get('old-0')).toBeUndefined();
    expect(cache.get('old-999')).toBeUndefined();
    expect(cache.get('new-0')?.token.accessToken).toBe('n0');
    expect(cache.get('new-23')?.token.accessToken).toBe('n23');
  });

  it('holds background refreshes while one runs, then backs off after each failure', () => {
    const cache = new TokenCache(policy);
    const entry = cache.entryFor(token('a', 300_000), 0);
    TokenCache.backgroundStarted(entry);
    expect(entry.backgroundAfter).toBe(Number.POSITIVE_INFINITY);
    TokenCache.backgroundFailed(entry, 250_000);
    expect(entry.backgroundFailures).toBe(1);
    expect(entry.backgroundAfter).toBeGreaterThanOrEqual(250_500);
    expect(entry.backgroundAfter).toBeLessThanOrEqual(251_000);
    TokenCache.backgroundFailed(entry, 260_000);
    expect(entry.backgroundFailures).toBe(2);
    expect(entry.backgroundAfter).toBeGreaterThanOrEqual(261_000);
    expect(entry.backgroundAfter).toBeLessThanOrEqual(262_000);
  });

  it("backs off no less than the server's Retry-After asked", () => {
    const cache = new TokenCache(policy);
    const entry = cache.entryFor(token('a', 300_000), 0);
    TokenCache.backgroundFailed(entry, 250_000, 20_000);
    expect(entry.backgroundAfter).toBe(270_000);
    TokenCache.backgroundFailed(entry, 270_000, 10);
    expect(entry.backgroundAfter).toBeGreaterThanOrEqual(271_000);
  });
});
