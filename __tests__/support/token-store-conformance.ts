import type { Token } from '../../src/token.js';
import type { TokenStore } from '../../src/token-store.js';

/** Makes a new, empty store; called once per test. */
export type StoreFactory = () => TokenStore | Promise<TokenStore>;

const wait = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** A stored token valid for one more minute. */
export function storedToken(accessToken: string, extra: Partial<Token> = {}): Token {
  return {
    accessToken,
    tokenType: 'Bearer',
    expiresAt: Date.now() + 60_000,
    raw: { access_token: accessToken },
    ...extra,
  };
}

export interface ConformanceOptions {
  /** The store offers `singleFlight` (shared between processes or tabs): test it too. Default false. */
  singleFlight?: boolean;
}

/**
 * The behaviour every {@link TokenStore} must have: what the manager relies on. Run it from the
 * store's own test file: `describeTokenStoreConformance('MemoryTokenStore', () => new MemoryTokenStore())`.
 */
export function describeTokenStoreConformance(
  name: string,
  makeStore: StoreFactory,
  options: ConformanceOptions = {},
): void {
  describe(`${name} (TokenStore conformance)`, () => {
    let store: TokenStore;
    beforeEach(async () => {
      store = await makeStore();
    });

    it('answers undefined for a key never set', async () => {
      await expect(Promise.resolve(store.get('never-set'))).resolves.toBeUndefined();
    });

    it('round-trips every field of a token, raw and scope included', async () => {
      const full: Token = {
        accessToken: 'eyJhbGciOi.payload-Ω.sig',
        tokenType: 'DPoP',
        // Kept for as long as it is valid, as the manager stores tokens.
        expiresAt: Date.now() + 60_000,
        scope: 'GIGACHAT_API_PERS read:all',
        raw: {
          access_token: 'eyJhbGciOi.payload-Ω.sig',
          expires_at: 1_900_000_000_123,
          sessid: 'Ünïcödé ✓ "quoted" \\ back',
          nested: { list: [1, 'two', null, true], empty: {} },
        },
      };
      await store.set('full', full, 60_000);
      expect(await store.get('full')).toEqual(full);
    });

    it('round-trips a token without expiry or scope', async () => {
      const bare: Token = { accessToken: 'bare', tokenType: 'Bearer', expiresAt: null, raw: {} };
      await store.set('bare', bare, 60_000);
      const stored = await store.get('bare');
      expect(stored).toEqual(bare);
      expect(stored?.scope).toBeUndefined();
    });

    it('keeps keys apart, including keys with URL characters and spaces', async () => {
      const keys = ['https://auth.example/token?scope=a b#c', 'client:ünï', 'client'];
      for (const key of keys) await store.set(key, storedToken(`for ${key}`), 60_000);
      for (const key of keys) expect((await store.get(key))?.accessToken).toBe(`for ${key}`);
    });

    it('replaces the token of a key on set', async () => {
      await store.set('k', storedToken('first'), 60_000);
      await store.set('k', storedToken('second'), 60_000);
      expect((await store.get('k'))?.accessToken).toBe('second');
    });

    it('forgets a token once its ttlMs has passed', async () => {
      await store.set('short', storedToken('short-lived'), 60);
      expect((await store.get('short'))?.accessToken).toBe('short-lived');
      await wait(150);
      expect(await store.get('short')).toBeUndefined();
    });

    it('stores nothing for a ttlMs of zero or less, and drops what was there', async () => {
      await store.set('k', storedToken('old'), 60_000);
      await store.set('k', storedToken('expired'), 0);
      expect(await store.get('k')).toBeUndefined();
      await store.set('n', storedToken('negative'), -5);
      expect(await store.get('n')).toBeUndefined();
    });

    it('deletes unconditionally without an access token, and says whether something was removed', async () => {
      await store.set('k', storedToken('any'), 60_000);
      expect(await store.delete('k')).toBe(true);
      expect(await store.get('k')).toBeUndefined();
      expect(await store.delete('k')).toBe(false);
    });

    it('deletes with an access token only while that token is the stored one', async () => {
      await store.set('k', storedToken('current'), 60_000);
      expect(await store.delete('k', 'someone-else')).toBe(false);
      expect((await store.get('k'))?.accessToken).toBe('current');
      expect(await store.delete('k', 'current')).toBe(true);
      expect(await store.get('k')).toBeUndefined();
      expect(await store.delete('k', 'current')).toBe(false);
    });

    it('never wipes a newer token with a compare-and-delete of the old one', async () => {
      await store.set('k', storedToken('old'), 60_000);
      await store.set('k', storedToken('new'), 60_000);
      expect(await store.delete('k', 'old')).toBe(false);
      expect((await store.get('k'))?.accessToken).toBe('new');
    });

    it('removes a token once when many compare-and-deletes race', async () => {
      await store.set('k', storedToken('raced'), 60_000);
      const results = await Promise.all(Array.from({ length: 20 }, () => store.delete('k', 'raced')));
      expect(results.filter((removed) => removed === true)).toHaveLength(1);
    });

    it('compare-and-delete of one key leaves the others', async () => {
      await store.set('a', storedToken('same'), 60_000);
      await store.set('b', storedToken('same'), 60_000);
      expect(await store.delete('a', 'same')).toBe(true);
      expect((await store.get('b'))?.accessToken).toBe('same');
    });

    const describeShared = options.singleFlight === true ? describe : describe.skip;
    describeShared('singleFlight (stores shared between processes or tabs)', () => {
      const shared = (): Required<TokenStore> => {
        expect(typeof store.singleFlight).toBe('function');
        return store as Required<TokenStore>;
      };

      it('returns the result of fn', async () => {
        const subject = shared();
        await expect(subject.singleFlight('k', async () => 'result')).resolves.toBe('result');
      });

      it("rejects with fn's own error, unchanged", async () => {
        const subject = shared();
        const error = new Error('fetch failed');
        await expect(subject.singleFlight('k', () => Promise.reject(error))).rejects.toBe(error);
        // The lock was released: the next call runs at once.
        await expect(subject.singleFlight('k', async () => 'after')).resolves.toBe('after');
      });

      it('runs concurrent calls for one key one at a time', async () => {
        const subject = shared();
        let running = 0;
        let most = 0;
        const results = await Promise.all(
          Array.from({ length: 5 }, (_, index) =>
            subject.singleFlight('k', async () => {
              running += 1;
              most = Math.max(most, running);
              await wait(20);
              running -= 1;
              return index;
            }),
          ),
        );
        expect(results.sort()).toEqual([0, 1, 2, 3, 4]);
        expect(most).toBe(1);
      });

      it('does not make different keys wait for each other', async () => {
        const subject = shared();
        let releaseA!: () => void;
        let aStarted!: () => void;
        const started = new Promise<void>((resolve) => {
          aStarted = resolve;
        });
        const a = subject.singleFlight('a', () => {
          aStarted();
          return new Promise<string>((resolve) => {
            releaseA = () => resolve('a');
          });
        });
        await started;
        // While 'a' is held, 'b' runs.
        await expect(subject.singleFlight('b', async () => 'b')).resolves.toBe('b');
        releaseA();
        await expect(a).resolves.toBe('a');
      });
    });
  });
}
