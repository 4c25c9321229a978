import {
  adoptedIssuedAt,
  backgroundRetryDelay,
  refreshSchedule,
  type RefreshPolicy,
} from '../src/refresh-schedule.js';
import type { Token } from '../src/token.js';

const T0 = 1_700_000_000_000;
const defaults: RefreshPolicy = { refreshSkewMs: 60_000, minValidityMs: undefined };

/** The schedule of a token of `lifetimeMs` issued at T0, relative to T0. */
function scheduleOf(lifetimeMs: number, policy: RefreshPolicy = defaults) {
  const { refreshAt, waitAt } = refreshSchedule(T0 + lifetimeMs, T0, policy);
  return { refreshAt: refreshAt - T0, waitAt: waitAt - T0 };
}

describe('refreshSchedule', () => {
  it('refreshes a 300 s token at 240 s and waits from 270 s', () => {
    expect(scheduleOf(300_000)).toEqual({ refreshAt: 240_000, waitAt: 270_000 });
  });

  it('caps the skew at half the lifetime: a 5 s token refreshes at 2.5 s and waits from 4 s', () => {
    expect(scheduleOf(5_000)).toEqual({ refreshAt: 2_500, waitAt: 4_000 });
  });

  it('keeps a 1 s token usable: refresh at 500 ms, wait from 750 ms', () => {
    expect(scheduleOf(1_000)).toEqual({ refreshAt: 500, waitAt: 750 });
  });

  it('refreshes a 1 h token in the background 60 s before expiry, and waits only in the last 30 s', () => {
    expect(scheduleOf(3_600_000)).toEqual({ refreshAt: 3_540_000, waitAt: 3_570_000 });
    expect(scheduleOf(86_400_000)).toEqual({ refreshAt: 86_340_000, waitAt: 86_370_000 });
  });

  it('keeps the default minimum validity at 10 % of the lifetime while that fits the refresh window', () => {
    expect(scheduleOf(200_000)).toEqual({ refreshAt: 140_000, waitAt: 180_000 });
    expect(scheduleOf(60_000)).toEqual({ refreshAt: 30_000, waitAt: 54_000 });
  });

  it('gives every default schedule a background refresh window', () => {
    for (const lifetime of [2_000, 5_000, 60_000, 300_000, 600_000, 3_600_000, 86_400_000]) {
      const { refreshAt, waitAt } = scheduleOf(lifetime);
      expect(refreshAt).toBe(lifetime - Math.min(60_000, lifetime / 2));
      expect(waitAt).toBeGreaterThan(refreshAt);
    }
  });

  it('never refreshes later than it starts waiting', () => {
    for (const lifetime of [0, 1, 999, 1_000, 4_000, 10_000, 120_000, 300_000, 86_400_000]) {
      for (const refreshSkewMs of [0, 1_000, 60_000, 600_000]) {
        const { refreshAt, waitAt } = scheduleOf(lifetime, { refreshSkewMs, minValidityMs: undefined });
        expect(refreshAt).toBeLessThanOrEqual(waitAt);
        expect(waitAt).toBeLessThanOrEqual(lifetime);
        expect(refreshAt).toBeGreaterThanOrEqual(lifetime / 2);
      }
    }
  });

  it('with refreshSkewMs 0 refreshes when requests start waiting: at expiry', () => {
    const { refreshAt, waitAt } = scheduleOf(300_000, { refreshSkewMs: 0, minValidityMs: undefined });
    expect(refreshAt).toBe(waitAt);
    expect(waitAt).toBe(300_000);
    expect(scheduleOf(300_000, { refreshSkewMs: 0, minValidityMs: 10_000 })).toEqual({
      refreshAt: 290_000,
      waitAt: 290_000,
    });
  });

  it('takes a custom minValidityMs, capped at a quarter of the lifetime', () => {
    expect(scheduleOf(300_000, { refreshSkewMs: 60_000, minValidityMs: 5_000 })).toEqual({
      refreshAt: 240_000,
      waitAt: 295_000,
    });
    expect(scheduleOf(300_000, { refreshSkewMs: 60_000, minValidityMs: 100_000 })).toEqual({
      refreshAt: 225_000,
      waitAt: 225_000,
    });
    expect(scheduleOf(300_000, { refreshSkewMs: 60_000, minValidityMs: 0 })).toEqual({
      refreshAt: 240_000,
      waitAt: 300_000,
    });
  });

  it('treats a token expired on arrival as due at once', () => {
    expect(scheduleOf(0)).toEqual({ refreshAt: 0, waitAt: 0 });
    const late = refreshSchedule(T0, T0 + 5_000, defaults);
    expect(late).toEqual({ refreshAt: T0, waitAt: T0 });
  });
});

describe('adoptedIssuedAt', () => {
  const NOW = 1_700_000_000_000;
  const stored = (expiresAt: number | null, raw: Record<string, unknown>): Token => ({
    accessToken: 't',
    tokenType: 'Bearer',
    expiresAt,
    raw,
  });

  it('counts back the whole lifetime from expires_in (number or numeric string)', () => {
    expect(adoptedIssuedAt(stored(NOW + 100_000, { expires_in: 3600 }), NOW)).toBe(NOW + 100_000 - 3_600_000);
    expect(adoptedIssuedAt(stored(NOW + 100_000, { expires_in: '300' }), NOW)).toBe(NOW + 100_000 - 300_000);
  });

  it('never puts the start after now', () => {
    expect(adoptedIssuedAt(stored(NOW + 100_000, { expires_in: 60 }), NOW)).toBe(NOW);
  });

  it.each([
    ['no expires_in', {}],
    ['an epoch in expires_in (Bank of Georgia)', { expires_in: NOW + 100_000 }],
    ['expires_in 0', { expires_in: 0 }],
    ['a non-numeric expires_in', { expires_in: 'soon' }],
  ])('takes now with %s', (_, raw) => {
    expect(adoptedIssuedAt(stored(NOW + 100_000, raw), NOW)).toBe(NOW);
  });

  it('takes now without an expiry or a raw body', () => {
    expect(adoptedIssuedAt(stored(null, { expires_in: 60 }), NOW)).toBe(NOW);
    expect(adoptedIssuedAt({ ...stored(NOW + 1, {}), raw: undefined as never }, NOW)).toBe(NOW);
  });
});

describe('backgroundRetryDelay', () => {
  const low = () => 0;
  const high = () => 1;

  it('doubles from 1 s, jittered between half and all of the step', () => {
    expect([1, 2, 3, 4, 5].map((n) => backgroundRetryDelay(n, high))).toEqual([
      1_000, 2_000, 4_000, 8_000, 16_000,
    ]);
    expect([1, 2, 3, 4, 5].map((n) => backgroundRetryDelay(n, low))).toEqual([
      500, 1_000, 2_000, 4_000, 8_000,
    ]);
    expect(backgroundRetryDelay(3, () => 0.5)).toBe(3_000);
  });

  it('caps at 30 s', () => {
    for (const failures of [6, 10, 64, 2_000]) {
      expect(backgroundRetryDelay(failures, high)).toBe(30_000);
      expect(backgroundRetryDelay(failures, low)).toBe(15_000);
    }
  });

  it('treats zero or negative failures as the first step', () => {
    expect(backgroundRetryDelay(0, high)).toBe(1_000);
    expect(backgroundRetryDelay(-3, low)).toBe(500);
  });

  it('stays within bounds with Math.random', () => {
    for (let i = 0; i < 100; i++) {
      const delay = backgroundRetryDelay(8);
      expect(delay).toBeGreaterThanOrEqual(15_000);
      expect(delay).toBeLessThanOrEqual(30_000);
    }
  });
});
