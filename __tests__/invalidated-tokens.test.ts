import { InvalidatedTokens } from '../src/invalidated-tokens.js';

describe('InvalidatedTokens', () => {
  it('remembers every token each key had invalidated, per key', () => {
    const invalidated = new InvalidatedTokens(60_000, () => 0);
    invalidated.add('k', 'old-1');
    expect(invalidated.has('k', 'old-1')).toBe(true);
    expect(invalidated.has('k', 'new')).toBe(false);
    expect(invalidated.has('other', 'old-1')).toBe(false);
    invalidated.add('k', 'old-2');
    // A late invalidation of an older token does not make it forget the newer one.
    invalidated.add('k', 'old-1');
    expect(invalidated.has('k', 'old-1')).toBe(true);
    expect(invalidated.has('k', 'old-2')).toBe(true);
    invalidated.clear();
    expect(invalidated.has('k', 'old-2')).toBe(false);
  });

  it('tells apart keys and tokens that join to the same text', () => {
    const invalidated = new InvalidatedTokens(60_000, () => 0);
    invalidated.add('ab', 'c');
    expect(invalidated.has('a', 'bc')).toBe(false);
    expect(invalidated.has('ab', 'c')).toBe(true);
  });

  it('forgets invalidations older than keepMs as keys pile up, keeping recent ones', () => {
    let now = 0;
    const invalidated = new InvalidatedTokens(60_000, () => now);
    for (let i = 0; i < 1_000; i += 1) invalidated.add(`once-${i}`, `token-${i}`);
    now = 60_000;
    for (let i = 0; i < 24; i += 1) invalidated.add(`recent-${i}`, `token-${i}`);
    expect(invalidated.has('once-0', 'token-0')).toBe(false);
    expect(invalidated.has('once-999', 'token-999')).toBe(false);
    expect(invalidated.has('recent-0', 'token-0')).toBe(true);
    expect(invalidated.has('recent-23', 'token-23')).toBe(true);
  });

  it('forgets a token whose expiry it was told a minute after that expiry, not after keepMs', () => {
    let now = 0;
    const invalidated = new InvalidatedTokens(86_400_000, () => now);
    // One refused token per request, each a 5-minute one: a day of them would pile up otherwise.
    invalidated.add('k', 'expiring', 300_000);
    invalidated.add('k', 'late-401');
    now = 300_000 + 59_000;
    for (let i = 0; i < 1_024; i += 1) invalidated.add(`other-${i}`, `token-${i}`, now + 300_000);
    expect(invalidated.has('k', 'expiring')).toBe(true);
    now = 300_000 + 60_000;
    for (let i = 0; i < 2_048; i += 1) invalidated.add(`more-${i}`, `token-${i}`, now + 300_000);
    expect(invalidated.has('k', 'expiring')).toBe(false);
    expect(invalidated.has('k', 'late-401')).toBe(true);
  });
});
