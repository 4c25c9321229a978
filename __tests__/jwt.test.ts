import fc from 'fast-check';
import { SignJWT } from 'jose';
import { readJwtExpiry } from '../src/jwt.js';

const key = new TextEncoder().encode('a-test-signing-key-of-32-bytes!!');

function unsigned(header: unknown, payload: unknown): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part(header)}.${part(payload)}.c2lnbmF0dXJl`;
}

describe('readJwtExpiry', () => {
  it('reads exp of a signed JWT in epoch ms', async () => {
    const token = await new SignJWT({ scope: 'api' })
      .setProtectedHeader({ alg: 'HS256', typ: 'at+jwt' })
      .setSubject('client-1')
      .setIssuedAt(1_706_025_600)
      .setExpirationTime(1_706_027_400)
      .sign(key);
    expect(token.split('.')).toHaveLength(3);
    expect(readJwtExpiry(token)).toBe(1_706_027_400_000);
  });

  it('reads a fractional exp as whole milliseconds', () => {
    expect(readJwtExpiry(unsigned({ alg: 'RS256' }, { exp: 1_706_027_400.5678 }))).toBe(1_706_027_400_567);
  });

  it('returns null for a JWT without exp', async () => {
    const token = await new SignJWT({ sub: 'x' }).setProtectedHeader({ alg: 'HS256' }).sign(key);
    expect(readJwtExpiry(token)).toBeNull();
  });

  it.each([
    ['a string exp', { exp: '1706027400' }],
    ['a negative exp', { exp: -1 }],
    ['a zero exp', { exp: 0 }],
    ['a null exp', { exp: null }],
    ['an exp too large to be a date', { exp: 1e300 }],
  ])('returns null for %s', (_label, payload) => {
    expect(readJwtExpiry(unsigned({ alg: 'HS256' }, payload))).toBeNull();
  });

  it.each([
    ['an opaque token', 'a1b2c3d4e5f6'],
    ['an empty string', ''],
    ['two parts', 'eyJhbGciOiJIUzI1NiJ9.eyJleHAiOjE3MDYwMjc0MDB9'],
    [
      'an encrypted JWT (five parts), as GigaChat issues',
      'eyJlbmMiOiJBMjU2Q0JDLUhTNTEyIiwiYWxnIjoiUlNBLU9BRVAtMjU2In0.a.b.c.d',
    ],
    ['a payload that is not base64', 'eyJhbGciOiJIUzI1NiJ9.!!!.sig'],
    [
      'a payload that is not JSON',
      `eyJhbGciOiJIUzI1NiJ9.${Buffer.from('not json').toString('base64url')}.sig`,
    ],
    ['a payload that is a JSON array', unsigned({ alg: 'HS256' }, [1706027400])],
    ['a header that is not a JSON object', unsigned('HS256', { exp: 1_706_027_400 })],
    ['an empty header', `.${Buffer.from('{"exp":1706027400}').toString('base64url')}.sig`],
  ])('returns null for %s', (_label, token) => {
    expect(readJwtExpiry(token)).toBeNull();
  });

  it('returns null for a value that is not a string', () => {
    expect(readJwtExpiry(42 as unknown as string)).toBeNull();
    expect(readJwtExpiry(null as unknown as string)).toBeNull();
  });

  it('never throws and returns null or a safe integer for any input', () => {
    const jwtLike = fc
      .tuple(fc.jsonValue(), fc.jsonValue(), fc.string())
      .map(
        ([header, payload, signature]) =>
          `${unsigned(header, payload).split('.').slice(0, 2).join('.')}.${signature}`,
      );
    fc.assert(
      fc.property(fc.oneof(fc.string(), jwtLike, fc.anything()), (input) => {
        const result = readJwtExpiry(input as string);
        expect(result === null || Number.isSafeInteger(result)).toBe(true);
      }),
    );
  });
});
