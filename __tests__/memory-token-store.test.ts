import { MemoryTokenStore } from '../src/memory-token-store.js';
import { describeTokenStoreConformance } from './support/token-store-conformance.js';

describeTokenStoreConformance('MemoryTokenStore', () => new MemoryTokenStore());

describe('MemoryTokenStore with keys used once', () => {
  it('does not keep the expired tokens of keys nobody reads again', () => {
    let now = 1_700_000_000_000;
    const store = new MemoryTokenStore({ now: () => now });
    const token = { accessToken: 'a', tokenType: 'Bearer', expiresAt: now + 60_000, raw: {} };
    for (let round = 0; round < 5; round++) {
      for (let i = 0; i < 2_000; i++) store.set(`tenant-${round}-${i}`, token, 60_000);
      now += 120_000;
    }
    expect(store.size).toBeLessThanOrEqual(2_000);
  });
});

describe('MemoryTokenStore made before a test installs fake timers', () => {
  afterEach(() => {
    jest.useRealTimers();
  });

  it('reads the fake clock', () => {
    const store = new MemoryTokenStore();
    jest.useFakeTimers();
    store.set('key', { accessToken: 'a', tokenType: 'Bearer', expiresAt: null, raw: {} }, 60_000);
    jest.setSystemTime(Date.now() + 60_000);
    expect(store.get('key')).toBeUndefined();
  });
});
