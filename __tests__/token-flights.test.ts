import { TokenFlights } from '../src/token-flights.js';
import type { Token, TokenProvider } from '../src/token.js';

const token = (accessToken: string): Token => ({
  accessToken,
  tokenType: 'Bearer',
  expiresAt: null,
  raw: {},
});
const provider = (key: string): TokenProvider => ({ key, fetchToken: async () => token('unused') });

describe('TokenFlights', () => {
  it('runs one flight per key for concurrent callers, and a new one once it settled', async () => {
    let calls = 0;
    const flights = new TokenFlights(async (p) => token(`${p.key}-${++calls}`));
    const [a, b, other] = [
      flights.start(provider('k'), undefined, false),
      flights.start(provider('k'), undefined, false),
      flights.start(provider('other'), undefined, false),
    ];
    expect(a).toBe(b);
    await expect(a).resolves.toMatchObject({ accessToken: 'k-1' });
    await expect(other).resolves.toMatchObject({ accessToken: 'other-2' });
    await expect(flights.start(provider('k'), undefined, false)).resolves.toMatchObject({
      accessToken: 'k-3',
    });
  });

  it('joins, on the next microtask, a flight started from inside its own synchronous start', async () => {
    let calls = 0;
    let inner: Promise<Token> | undefined;
    const flights = new TokenFlights(async (p) => {
      calls += 1;
      if (calls === 1) inner = flights.start(p, undefined, false);
      await Promise.resolve();
      return token(`t${calls}`);
    });
    const outer = flights.start(provider('k'), undefined, false);
    await expect(outer).resolves.toMatchObject({ accessToken: 't1' });
    await expect(inner).resolves.toMatchObject({ accessToken: 't1' });
    expect(calls).toBe(1);
  });

  it('starts a flight of its own after reset, while the earlier one still runs', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let calls = 0;
    const flights = new TokenFlights(async () => {
      const call = ++calls;
      if (call === 1) await held;
      return token(`t${call}`);
    });
    const before = flights.start(provider('k'), undefined, false);
    flights.reset();
    const after = flights.start(provider('k'), undefined, false);
    expect(after).not.toBe(before);
    await expect(after).resolves.toMatchObject({ accessToken: 't2' });
    release();
    await expect(before).resolves.toMatchObject({ accessToken: 't1' });
  });
});
