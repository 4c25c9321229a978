import { randomHex, randomUUID } from '../src/random-uuid.js';

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

it('returns distinct v4 UUIDs', () => {
  const ids = new Set(Array.from({ length: 50 }, randomUUID));
  expect(ids.size).toBe(50);
  for (const id of ids) expect(id).toMatch(UUID_V4);
});

it('falls back to getRandomValues without randomUUID', () => {
  const own = Object.getOwnPropertyDescriptor(globalThis.crypto, 'randomUUID');
  Object.defineProperty(globalThis.crypto, 'randomUUID', { value: undefined, configurable: true });
  expect(globalThis.crypto.randomUUID).toBeUndefined();
  try {
    const a = randomUUID();
    const b = randomUUID();
    expect(a).toMatch(UUID_V4);
    expect(b).toMatch(UUID_V4);
    expect(a).not.toBe(b);
  } finally {
    if (own === undefined) Reflect.deleteProperty(globalThis.crypto, 'randomUUID');
    else Object.defineProperty(globalThis.crypto, 'randomUUID', own);
    expect(typeof globalThis.crypto.randomUUID).toBe('function');
  }
});

it('refuses to make up random values without a cryptographic generator', () => {
  const own = Object.getOwnPropertyDescriptor(globalThis, 'crypto')!;
  Object.defineProperty(globalThis, 'crypto', { value: undefined, configurable: true });
  try {
    expect(() => randomHex(16)).toThrow(/No cryptographic random generator/);
    expect(() => randomUUID()).toThrow(/No cryptographic random generator/);
  } finally {
    Object.defineProperty(globalThis, 'crypto', own);
  }
  expect(randomHex(4)).toMatch(/^[0-9a-f]{8}$/);
});

it('returns distinct random hex strings of the asked length', () => {
  const values = new Set(Array.from({ length: 50 }, () => randomHex(16)));
  expect(values.size).toBe(50);
  for (const value of values) expect(value).toMatch(/^[0-9a-f]{32}$/);
});
