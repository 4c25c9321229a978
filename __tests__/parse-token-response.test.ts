import fc from 'fast-check';
import { SignJWT } from 'jose';
import { TokenRequestError } from '../src/errors.js';
import {
  DEFAULT_MAX_TTL_MS,
  MAX_TOKEN_BODY_BYTES,
  parseTokenResponse,
  type ParseTokenResponseOptions,
} from '../src/parse-token-response.js';

const T = Date.UTC(2024, 0, 23, 16, 0, 0); // 1706025600000
const MIN = 60_000;
const DAY = 86_400_000;
const GIGACHAT_JWE =
  'eyJlbmMiOiJBMjU2Q0JDLUhTNTEyIiwiYWxnIjoiUlNBLU9BRVAtMjU2In0.DCXAAnwXjmRleOrIJcXDWbQwsP5UGSptcY3x5XXRkYZm6x3QkDQBL63DKQZzwrwmtuFbKajq6ULHuQhsmGax-l_R6AhRkr7pWzJi1jpzCenq9PAN2UjF0BX_IiDRgmEExH6_2OtHaJ_7KbudukIOLEgxD9l8WcXFY992dgqLL6eK2nnnUvyfmr4ITc9PWuAFsMIO6jweNFw0e9vRYEDkAbnv9EGR-w9CGwfBsHNWZwZlo7fyu07fkSfmqmGdBvU4344344luNNrHwktSGOzNhpLhu0-0A3KI950vmp_37QY8isDi3epGU3HShdrBZkk70fdXxBKQA.MV2IksoyxTV_c-qm6hSXaQ.LUT4JqOzKqmFOR07-Asq7Fhqj_eYSTXcsJAK-JchmM1QUqhPLBXsUyXXh6ZcjsnN7Q0QXzuBlSjaBWekgWANDirI6HP_MsEM4FxfJAOh73aowC700cEQPPYAxzPYG0d4bOqsZh8Ss57lJB2VM7M6Y2FcG2hb5Q0i2zPskqSWxXejuCyr2uIlY7Fe4bu4NUqtCaKJVwqriVWLfbA0OzZyA0osDc42Ba0u1adFAdaZDCE.IlKOixP8hSUimEI2pdP118Tx0StZjcLdbSauE5R0YAA';

function parseError(body: unknown, options?: ParseTokenResponseOptions): TokenRequestError {
  try {
    parseTokenResponse(body, options);
  } catch (error) {
    if (error instanceof TokenRequestError) return error;
    throw new Error(`Expected a TokenRequestError, got ${String(error)}`);
  }
  throw new Error('Expected parseTokenResponse to throw');
}

function jwt(exp: number | undefined): Promise<string> {
  const builder = new SignJWT({ scope: 'api' })
    .setProtectedHeader({ alg: 'HS256', typ: 'at+jwt' })
    .setSubject('c1');
  if (exp !== undefined) builder.setExpirationTime(exp);
  return builder.sign(new TextEncoder().encode('a-test-signing-key-of-32-bytes!!'));
}

describe('vendor sample responses', () => {
  it('Brainysoft: RFC 6749 expires_in in seconds, scope and sessid kept', () => {
    const body = {
      access_token: 'bs-token-1',
      token_type: 'Bearer',
      expires_in: 299,
      scope: 'core_basic admin:read admin:write account:read',
      sessid: 'd7222674-bc8a-4db9-aa44-a9206cada8df',
    };
    const token = parseTokenResponse(body, { receivedAt: T });
    expect(token).toEqual({
      accessToken: 'bs-token-1',
      tokenType: 'Bearer',
      expiresAt: T + 299_000,
      scope: 'core_basic admin:read admin:write account:read',
      raw: body,
    });
    expect(token.raw['sessid']).toBe('d7222674-bc8a-4db9-aa44-a9206cada8df');
  });

  it('Chatlayer: Keycloak answer with refresh_expires_in 0 (ignored)', () => {
    const body =
      '{"access_token":"eyJhbGciOi...","expires_in":300,"refresh_expires_in":0,"token_type":"Bearer",' +
      '"not-before-policy":0,"scope":"offline_access profile public_api email"}';
    const token = parseTokenResponse(body, { receivedAt: T, contentType: 'application/json' });
    expect(token.expiresAt).toBe(T + 300_000);
    expect(token.scope).toBe('offline_access profile public_api email');
    expect(token.raw['refresh_expires_in']).toBe(0);
  });

  it('GigaChat: encrypted access_token with expires_at in epoch ms', () => {
    const expiresAt = 1_617_814_516_729;
    const token = parseTokenResponse(
      { access_token: GIGACHAT_JWE, expires_at: expiresAt },
      { receivedAt: expiresAt - 30 * MIN },
    );
    expect(token).toMatchObject({ accessToken: GIGACHAT_JWE, tokenType: 'Bearer', expiresAt });
    expect('scope' in token).toBe(false);
  });

  it('GigaChat (older): tok with exp in epoch seconds', () => {
    const token = parseTokenResponse(
      { tok: 'giga-old', exp: 1_695_128_118 },
      { receivedAt: 1_695_128_118_000 - 30 * MIN },
    );
    expect(token).toMatchObject({
      accessToken: 'giga-old',
      tokenType: 'Bearer',
      expiresAt: 1_695_128_118_000,
    });
  });

  it('Bank of Georgia: expires_in holding an absolute epoch in ms', () => {
    const body = { access_token: 'bog-token', token_type: 'Bearer', expires_in: 1_634_719_923_245 };
    const token = parseTokenResponse(body, { receivedAt: 1_634_719_923_245 - 5 * MIN });
    expect(token.expiresAt).toBe(1_634_719_923_245);
  });

  it('Bank of Georgia sample read years later: the stale epoch is not believed', () => {
    const token = parseTokenResponse(
      { access_token: 'bog-token', expires_in: 1_634_719_923_245 },
      { receivedAt: T },
    );
    expect(token.expiresAt).toBeNull();
  });
});

describe('expiry', () => {
  const at = (body: Record<string, unknown>, options: ParseTokenResponseOptions = {}) =>
    parseTokenResponse({ access_token: 'opaque-token', ...body }, { receivedAt: T, ...options }).expiresAt;

  it('reads expires_in given as a numeric string', () => {
    expect(at({ expires_in: '299' })).toBe(T + 299_000);
    expect(at({ expires_in: ' 60 ' })).toBe(T + 60_000);
  });

  it('reads fractional seconds as whole milliseconds', () => {
    expect(at({ expires_in: 1.2345 })).toBe(T + 1234);
  });

  it('reads an expires_in above 1e9 as epoch seconds', () => {
    expect(at({ expires_in: T / 1000 + 600 })).toBe(T + 600_000);
  });

  it('reads an expires_at below 1e12 as epoch seconds', () => {
    expect(at({ expires_at: T / 1000 + 1800 })).toBe(T + 1_800_000);
  });

  it('reads an exp above 1e12 as epoch milliseconds', () => {
    expect(at({ exp: T + 1_800_000 })).toBe(T + 1_800_000);
  });

  it('reads numeric strings in absolute fields', () => {
    expect(at({ expires_at: String(T + 1_800_000) })).toBe(T + 1_800_000);
    expect(at({ exp: String(T / 1000 + 60) })).toBe(T + 60_000);
  });

  it('prefers expires_at, then exp, then expires_in', () => {
    expect(at({ expires_at: T + 10 * MIN, exp: T / 1000 + 1200, expires_in: 1800 })).toBe(T + 10 * MIN);
    expect(at({ exp: T / 1000 + 1200, expires_in: 1800 })).toBe(T + 20 * MIN);
  });

  it('falls through an unbelievable expires_at to the next source', () => {
    expect(at({ expires_at: 1, expires_in: 60 })).toBe(T + 60_000);
    expect(at({ expires_at: T + 2 * 365 * DAY, expires_in: 60 })).toBe(T + 60_000);
    expect(at({ exp: 'soon', expires_in: 60 })).toBe(T + 60_000);
  });

  it('treats expires_in 0 as expired on arrival', () => {
    expect(at({ expires_in: 0 })).toBe(T);
    expect(at({ expires_in: '0' })).toBe(T);
  });

  it('treats a negative expires_in as expired', () => {
    expect(at({ expires_in: -30 })).toBe(T);
    expect(at({ expires_in: '-1' })).toBe(T);
  });

  it.each([
    ['null', null],
    ['an empty string', ''],
    ['a non-numeric string', 'soon'],
    ['a hexadecimal string', '0x10'],
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['-Infinity', Number.NEGATIVE_INFINITY],
    ['a boolean', true],
    ['an object', { seconds: 60 }],
  ])('treats expires_in %s as absent', (_label, value) => {
    expect(at({ expires_in: value })).toBeNull();
  });

  it('falls through an invalid expires_in to the JWT exp', async () => {
    const token = await jwt(T / 1000 + 900);
    const parsed = parseTokenResponse({ access_token: token, expires_in: 'NaN' }, { receivedAt: T });
    expect(parsed.expiresAt).toBe(T + 900_000);
  });

  it('uses the exp claim of a JWT access token when the body says nothing', async () => {
    const token = await jwt(T / 1000 + 1800);
    expect(token.split('.')).toHaveLength(3);
    expect(parseTokenResponse({ access_token: token }, { receivedAt: T }).expiresAt).toBe(T + 1_800_000);
  });

  it('takes a JWT exp up to a second before expires_in, as a server truncating exp to seconds issues', async () => {
    const token = await jwt(T / 1000 + 300);
    const options = { sentAt: T + 400, receivedAt: T + 450 };
    expect(parseTokenResponse({ access_token: token, expires_in: 300 }, options).expiresAt).toBe(T + 300_000);
  });

  it('keeps expires_in over a JWT exp minutes earlier: a Keycloak answer, no Date, a clock 4 min ahead', async () => {
    // The server's clock says T − 4 min: its exp lands 1 min after T here, its lifetime is 5 min.
    const token = await jwt((T - 4 * MIN) / 1000 + 300);
    const body = { access_token: token, expires_in: 300, refresh_expires_in: 0, token_type: 'Bearer' };
    expect(parseTokenResponse(body, { receivedAt: T }).expiresAt).toBe(T + 5 * MIN);
  });

  it('prefers the body over the JWT exp', async () => {
    const token = await jwt(T / 1000 + 1800);
    expect(parseTokenResponse({ access_token: token, expires_in: 60 }, { receivedAt: T }).expiresAt).toBe(
      T + 60_000,
    );
  });

  it('returns null for a JWT without exp, an opaque token and an encrypted token', async () => {
    expect(
      parseTokenResponse({ access_token: await jwt(undefined) }, { receivedAt: T }).expiresAt,
    ).toBeNull();
    expect(at({})).toBeNull();
    expect(parseTokenResponse({ access_token: GIGACHAT_JWE }, { receivedAt: T }).expiresAt).toBeNull();
  });

  it('caps a lifetime at maxTtlMs (24 h by default)', () => {
    expect(DEFAULT_MAX_TTL_MS).toBe(DAY);
    expect(at({ expires_in: 10 * 86_400 })).toBe(T + DAY);
    expect(at({ expires_in: 999_999_999 })).toBe(T + DAY);
    expect(at({ expires_in: 3600 }, { maxTtlMs: 10 * MIN })).toBe(T + 10 * MIN);
  });

  it('caps an absolute expiry at receivedAt + maxTtlMs', () => {
    expect(at({ expires_at: T + 30 * DAY })).toBe(T + DAY);
    expect(at({ exp: T / 1000 + 3600 }, { maxTtlMs: 5 * MIN })).toBe(T + 5 * MIN);
  });

  it('believes an epoch only between one day ago and one year ahead', () => {
    expect(at({ expires_at: T - 23 * 60 * MIN })).toBe(T - 23 * 60 * MIN);
    expect(at({ expires_at: T - 25 * 60 * MIN })).toBeNull();
    expect(at({ exp: (T - 2 * DAY) / 1000 })).toBeNull();
    expect(at({ expires_at: T + 366 * DAY })).toBeNull();
    expect(at({ expires_at: T + 300 * DAY }, { maxTtlMs: Number.POSITIVE_INFINITY })).toBe(T + 300 * DAY);
    expect(at({ expires_at: 0 })).toBeNull();
    expect(at({ expires_at: -1_706_025_600_000 })).toBeNull();
  });

  it('defaults receivedAt to now', () => {
    const before = Date.now();
    const { expiresAt } = parseTokenResponse({ access_token: 'opaque-token', expires_in: 60 });
    expect(expiresAt).toBeGreaterThanOrEqual(before + 60_000);
    expect(expiresAt).toBeLessThanOrEqual(Date.now() + 60_000);
  });

  it('falls back to the default cap for an invalid maxTtlMs', () => {
    expect(at({ expires_in: 2 * 86_400 }, { maxTtlMs: Number.NaN })).toBe(T + DAY);
    expect(at({ expires_in: 2 * 86_400 }, { maxTtlMs: -1 })).toBe(T + DAY);
  });
});

describe('clock skew', () => {
  const serverNow = T;
  const httpDate = (ms: number) => new Date(ms).toUTCString();

  it.each([
    ['ahead', 10 * MIN],
    ['behind', -10 * MIN],
  ])('moves absolute expiries onto the local clock when it runs 10 min %s', async (_label, skew) => {
    const receivedAt = serverNow + skew;
    const options = { receivedAt, serverDate: httpDate(serverNow) };
    const body = (extra: Record<string, unknown>) => ({ access_token: 'opaque-token', ...extra });
    expect(parseTokenResponse(body({ expires_at: serverNow + 30 * MIN }), options).expiresAt).toBe(
      receivedAt + 30 * MIN,
    );
    expect(parseTokenResponse(body({ exp: serverNow / 1000 + 1800 }), options).expiresAt).toBe(
      receivedAt + 30 * MIN,
    );
    expect(parseTokenResponse(body({ expires_in: serverNow + 5 * MIN }), options).expiresAt).toBe(
      receivedAt + 5 * MIN,
    );
    const token = await jwt(serverNow / 1000 + 900);
    expect(parseTokenResponse({ access_token: token }, options).expiresAt).toBe(receivedAt + 15 * MIN);
  });

  it('counts lifetimes from sentAt, and sees a skew only outside the exchange', () => {
    const sentAt = serverNow;
    const receivedAt = serverNow + 7000;
    // In-sync clocks, a 7 s answer: no shift, though sentAt and the Date header are 7 s apart.
    const inSync = { sentAt, receivedAt, serverDate: httpDate(receivedAt) };
    expect(
      parseTokenResponse({ access_token: 'opaque-token', expires_at: T + 60 * MIN }, inSync).expiresAt,
    ).toBe(T + 60 * MIN);
    expect(parseTokenResponse({ access_token: 'opaque-token', expires_in: 300 }, inSync).expiresAt).toBe(
      sentAt + 300_000,
    );
    expect(parseTokenResponse({ access_token: 'opaque-token', expires_in: 0 }, inSync).expiresAt).toBe(
      sentAt,
    );
    // A real skew of 6 s is still seen, however long the answer took.
    const behind = { sentAt, receivedAt, serverDate: httpDate(sentAt - 6000) };
    expect(
      parseTokenResponse({ access_token: 'opaque-token', expires_at: T + 60 * MIN }, behind).expiresAt,
    ).toBe(T + 60 * MIN + 6000);
    // Measured from sentAt: the server may have answered at once, and the answer waited 7 s here.
    const ahead = { sentAt, receivedAt, serverDate: httpDate(receivedAt + 6000) };
    expect(
      parseTokenResponse({ access_token: 'opaque-token', expires_at: T + 60 * MIN }, ahead).expiresAt,
    ).toBe(T + 60 * MIN - 13_000);
    // A sentAt after receivedAt (a caller's mix-up) counts from receivedAt.
    expect(
      parseTokenResponse(
        { access_token: 'opaque-token', expires_in: 60 },
        { sentAt: T + 5000, receivedAt: T },
      ).expiresAt,
    ).toBe(T + 60_000);
  });

  it('takes an answer read long after the server sent it (a frozen process) for no skew', () => {
    // Sent at T, answered at once by a server in sync, read 8 s later: the token has 2 s left, not 10.
    const late = { sentAt: T, receivedAt: T + 8000, serverDate: httpDate(T) };
    expect(parseTokenResponse({ access_token: 'opaque-token', expires_at: T + 10_000 }, late).expiresAt).toBe(
      T + 10_000,
    );
    // A server an hour ahead, answered at once, read 8 s later: still 2 s left, not 10.
    const aheadLate = { sentAt: T, receivedAt: T + 8000, serverDate: httpDate(T + 60 * MIN) };
    expect(
      parseTokenResponse({ access_token: 'opaque-token', expires_at: T + 60 * MIN + 10_000 }, aheadLate)
        .expiresAt,
    ).toBe(T + 10_000);
  });

  it('does not move lifetimes', () => {
    const receivedAt = serverNow + 10 * MIN;
    const token = parseTokenResponse(
      { access_token: 'opaque-token', expires_in: 300 },
      { receivedAt, serverDate: httpDate(serverNow) },
    );
    expect(token.expiresAt).toBe(receivedAt + 300_000);
  });

  it('takes the server epoch as is without a Date header', () => {
    const receivedAt = serverNow + 10 * MIN;
    for (const serverDate of [undefined, null]) {
      const token = parseTokenResponse(
        { access_token: 'opaque-token', expires_at: serverNow + 30 * MIN },
        { receivedAt, serverDate },
      );
      expect(token.expiresAt).toBe(serverNow + 30 * MIN);
    }
  });

  it('ignores a difference of 4 s (the header has whole-second resolution)', () => {
    for (const skew of [4000, -4000, 5000]) {
      const token = parseTokenResponse(
        { access_token: 'opaque-token', expires_at: serverNow + 30 * MIN },
        { receivedAt: serverNow + skew, serverDate: httpDate(serverNow) },
      );
      expect(token.expiresAt).toBe(serverNow + 30 * MIN);
    }
  });

  it('corrects a difference just over 5 s', () => {
    const token = parseTokenResponse(
      { access_token: 'opaque-token', expires_at: serverNow + 30 * MIN },
      { receivedAt: serverNow + 6000, serverDate: httpDate(serverNow) },
    );
    expect(token.expiresAt).toBe(serverNow + 6000 + 30 * MIN);
  });

  it('accepts the server time as a Date or epoch ms', () => {
    const receivedAt = serverNow - 10 * MIN;
    for (const serverDate of [new Date(serverNow), serverNow]) {
      const token = parseTokenResponse(
        { access_token: 'opaque-token', expires_at: serverNow + 30 * MIN },
        { receivedAt, serverDate },
      );
      expect(token.expiresAt).toBe(receivedAt + 30 * MIN);
    }
  });

  it.each(['not a date', '', new Date(Number.NaN), Number.NaN])(
    'ignores an unparseable Date %p',
    (serverDate) => {
      const token = parseTokenResponse(
        { access_token: 'opaque-token', expires_at: serverNow + 30 * MIN },
        { receivedAt: serverNow + 10 * MIN, serverDate },
      );
      expect(token.expiresAt).toBe(serverNow + 30 * MIN);
    },
  );

  it('judges the epoch window on the corrected value', () => {
    // The local clock is 2 days ahead: the server's fresh expiry looks 2 days old until corrected.
    const receivedAt = serverNow + 2 * DAY;
    const body = { access_token: 'opaque-token', expires_at: serverNow + 30 * MIN };
    expect(parseTokenResponse(body, { receivedAt }).expiresAt).toBeNull();
    expect(parseTokenResponse(body, { receivedAt, serverDate: httpDate(serverNow) }).expiresAt).toBe(
      receivedAt + 30 * MIN,
    );
  });
});

describe('token type and scope', () => {
  const type = (tokenType: unknown) =>
    parseTokenResponse({ access_token: 'opaque-token', token_type: tokenType }, { receivedAt: T }).tokenType;

  it('normalises bearer in any case to Bearer', () => {
    expect(type('bearer')).toBe('Bearer');
    expect(type('BEARER')).toBe('Bearer');
    expect(type(' Bearer ')).toBe('Bearer');
  });

  it('defaults to Bearer when absent', () => {
    expect(type(undefined)).toBe('Bearer');
    expect(type(null)).toBe('Bearer');
    expect(type('')).toBe('Bearer');
  });

  it('keeps other types as given', () => {
    expect(type('DPoP')).toBe('DPoP');
    expect(type('MAC')).toBe('MAC');
    expect(type('mac')).toBe('mac');
  });

  it.each([['Bearer\r\nX-Injected: 1'], ['Bear er'], [42], [{}]])('refuses token_type %p', (tokenType) => {
    const error = parseError({ access_token: 'opaque-token', token_type: tokenType });
    expect(error.code).toBe('invalid_token_response');
    expect(error.description).toMatch(/token_type/);
  });

  it('keeps a string scope and omits any other', () => {
    expect(parseTokenResponse({ access_token: 'opaque-token', scope: 'a b' }).scope).toBe('a b');
    for (const scope of [undefined, null, ['a', 'b'], 3]) {
      const token = parseTokenResponse({ access_token: 'opaque-token', scope });
      expect(Object.prototype.hasOwnProperty.call(token, 'scope')).toBe(false);
    }
  });
});

describe('body formats', () => {
  const form = 'access_token=form-token&token_type=bearer&expires_in=60&scope=a+b';

  it.each([['application/x-www-form-urlencoded'], ['text/plain; charset=utf-8'], [undefined]])(
    'parses a form-encoded body (Content-Type %p)',
    (contentType) => {
      const token = parseTokenResponse(form, { receivedAt: T, ...(contentType ? { contentType } : {}) });
      expect(token).toEqual({
        accessToken: 'form-token',
        tokenType: 'Bearer',
        expiresAt: T + 60_000,
        scope: 'a b',
        raw: { access_token: 'form-token', token_type: 'bearer', expires_in: '60', scope: 'a b' },
      });
    },
  );

  it('parses JSON sent as text/plain or mislabelled as a form', () => {
    const json = '{"access_token":"json-token","expires_in":60}';
    for (const contentType of ['text/plain', 'application/x-www-form-urlencoded']) {
      expect(parseTokenResponse(json, { receivedAt: T, contentType }).accessToken).toBe('json-token');
    }
  });

  it('decodes percent-encoding and keeps the first of repeated keys in a form body', () => {
    const token = parseTokenResponse('access_token=a%2Fb%3D%3D&access_token=second&__proto__=x', {
      receivedAt: T,
    });
    expect(token.accessToken).toBe('a/b==');
    expect(token.raw['__proto__']).toBe('x');
    expect(Object.getPrototypeOf(token.raw)).toBe(Object.prototype);
  });

  it('decodes ArrayBuffer, Uint8Array and Buffer bodies as UTF-8', () => {
    const json = '{"access_token":"bytes-token","expires_in":60,"scope":"café"}';
    const bytes = new TextEncoder().encode(json);
    const arrayBuffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
    for (const body of [arrayBuffer, bytes, Buffer.from(json)]) {
      const token = parseTokenResponse(body, { receivedAt: T });
      expect(token).toMatchObject({ accessToken: 'bytes-token', expiresAt: T + 60_000, scope: 'café' });
    }
    expect(parseTokenResponse(new TextEncoder().encode(form), { receivedAt: T }).accessToken).toBe(
      'form-token',
    );
  });

  it('strips a UTF-8 byte order mark and surrounding whitespace', () => {
    expect(parseTokenResponse('\uFEFF  {"access_token":"bom-token"}\n').accessToken).toBe('bom-token');
  });

  it('refuses bytes that are not UTF-8', () => {
    expect(parseError(new Uint8Array([0x7b, 0xff, 0x7d])).description).toMatch(/UTF-8/);
  });

  it('returns the parsed object as raw', () => {
    const body = { access_token: 'opaque-token', custom: { nested: true } };
    expect(parseTokenResponse(body).raw).toBe(body);
    expect(parseTokenResponse(Object.assign(Object.create(null) as object, body)).accessToken).toBe(
      'opaque-token',
    );
  });
});

describe('size limit', () => {
  const padded = (bytes: number) => {
    const json = '{"access_token":"big-token"}';
    return json + ' '.repeat(bytes - json.length);
  };

  it('accepts a body of exactly 1 MiB', () => {
    expect(MAX_TOKEN_BODY_BYTES).toBe(1_048_576);
    expect(parseTokenResponse(padded(MAX_TOKEN_BODY_BYTES)).accessToken).toBe('big-token');
    expect(parseTokenResponse(Buffer.from(padded(MAX_TOKEN_BODY_BYTES))).accessToken).toBe('big-token');
  });

  it('refuses a string, ArrayBuffer or Uint8Array body over 1 MiB', () => {
    const text = padded(MAX_TOKEN_BODY_BYTES + 1);
    const bytes = new TextEncoder().encode(text);
    for (const body of [text, bytes, bytes.buffer]) {
      const error = parseError(body);
      expect(error.code).toBe('invalid_token_response');
      expect(error.description).toBe('the body is larger than 1048576 bytes');
    }
  });

  it('counts UTF-8 bytes, not characters', () => {
    const json = '{"access_token":"big-token","note":"';
    const text = json + 'я'.repeat((MAX_TOKEN_BODY_BYTES - json.length) / 2 + 1) + '"}';
    expect(text.length).toBeLessThan(MAX_TOKEN_BODY_BYTES);
    expect(parseError(text).description).toMatch(/larger than/);
  });
});

describe('failures', () => {
  it('turns a 200 carrying error into that OAuth error', () => {
    const error = parseError(
      { error: 'invalid_client', error_description: 'Invalid client credentials' },
      {
        providerKey: 'chatlayer:abc',
        endpoint: 'https://auth.example/token?client_secret=s3cr3t-value',
        status: 200,
      },
    );
    expect(error).toMatchObject({
      code: 'invalid_client',
      description: 'Invalid client credentials',
      providerKey: 'chatlayer:abc',
      endpoint: 'https://auth.example/token',
      status: 200,
    });
    expect(error.message).toBe(
      'Token request for provider "chatlayer:abc" to https://auth.example/token failed with status 200: invalid_client (Invalid client credentials)',
    );
  });

  it('fails on error even next to an access token, without revealing the token', () => {
    const body = {
      access_token: 'leaky-access-token-123',
      error: 'server_error',
      error_description: 'issued leaky-access-token-123 by mistake',
    };
    const error = parseError(body);
    expect(error.code).toBe('server_error');
    expect(JSON.stringify(error)).not.toContain('leaky-access-token-123');
    expect(error.message).not.toContain('leaky-access-token-123');
    expect(error.stack).not.toContain('leaky-access-token-123');
  });

  it('reveals neither a refresh token nor an id token an error body carries', () => {
    const body = {
      access_token: 'leaky-access-token-123',
      refresh_token: 'leaky-refresh-token-456',
      id_token: 'leaky.id-token.789',
      error: 'server_error',
      error_description: 'issued leaky-refresh-token-456 and leaky.id-token.789 by mistake',
    };
    const error = parseError(body);
    expect(error.description).toBe('issued [REDACTED] and [REDACTED] by mistake');
    for (const shown of [JSON.stringify(error), error.message, String(error.stack)]) {
      expect(shown).not.toContain('leaky-refresh-token-456');
      expect(shown).not.toContain('leaky.id-token.789');
    }
  });

  it('reads an error from a form-encoded body', () => {
    const error = parseError('error=invalid_scope&error_description=Unknown+scope', {
      contentType: 'application/x-www-form-urlencoded',
    });
    expect(error).toMatchObject({ code: 'invalid_scope', description: 'Unknown scope' });
  });

  it('turns a GigaChat {code, message} body into that code', () => {
    const error = parseError(
      { code: 1, message: 'scope data format invalid' },
      { providerKey: 'gigachat:x' },
    );
    expect(error).toMatchObject({
      code: '1',
      description: 'scope data format invalid',
      providerKey: 'gigachat:x',
    });
  });

  it('does not mistake an empty or null error for a failure', () => {
    for (const value of [null, '', 0, false]) {
      expect(parseTokenResponse({ access_token: 'opaque-token', error: value }).accessToken).toBe(
        'opaque-token',
      );
    }
  });

  it('still fails on a truthy error it cannot read', () => {
    const error = parseError({ error: { reason: 'nope' } });
    expect(error).toMatchObject({ code: 'invalid_token_response', description: 'the body carries an error' });
  });

  it.each([
    ['HTML', '<!DOCTYPE html><html><body>Bad Gateway secret-html</body></html>', /HTML/],
    ['plain text', 'Service Unavailable secret-html', /neither JSON nor form-encoded/],
    ['broken JSON', '{"access_token": "secret-html"', /neither JSON nor form-encoded/],
    ['a JSON array', '["secret-html"]', /array/],
    ['a JSON number', '42', /number/],
    ['JSON null', 'null', /null/],
    ['a JSON string', '"secret-html"', /string/],
    ['an empty string', '', /empty/],
    ['whitespace', '  \n ', /empty/],
    ['undefined', undefined, /empty/],
    ['null', null, /empty/],
    ['a number', 42, /number/],
    ['an array', [{ access_token: 'secret-html' }], /array/],
    ['a class instance', new Map([['access_token', 'secret-html']]), /object/],
    ['a missing access token', { token_type: 'Bearer', expires_in: 60 }, /no access_token/],
    ['an empty access token', { access_token: '', expires_in: 60 }, /empty or not a string/],
    ['a numeric access token', { access_token: 12345 }, /empty or not a string/],
    ['an object access token', { access_token: { value: 'x' } }, /empty or not a string/],
    ['a token with a line break', { access_token: 'secret-html\r\nX-Evil: 1' }, /HTTP header/],
  ])('refuses %s as invalid_token_response without echoing the body', (_label, body, description) => {
    const error = parseError(body);
    expect(error.code).toBe('invalid_token_response');
    expect(error.description).toMatch(description);
    expect(error.message).not.toContain('secret-html');
    expect(JSON.stringify(error)).not.toContain('secret-html');
  });

  it('reports the JSON Content-Type when JSON was promised and is broken', () => {
    expect(parseError('{"access_token"', { contentType: 'application/json' }).description).toBe(
      'the body is not valid JSON',
    );
  });

  it('redacts the given secrets from error texts', () => {
    const error = parseError(
      { error: 'invalid_client', error_description: 'client secret my-client-secret is wrong' },
      { secrets: ['my-client-secret'] },
    );
    expect(error.description).toBe('client secret [REDACTED] is wrong');
    expect(error.message).not.toContain('my-client-secret');
  });

  it('uses provider key "custom" by default', () => {
    expect(parseError({}).providerKey).toBe('custom');
  });

  it('wraps an unexpected failure reading the body', () => {
    const hostile = new Proxy(
      {},
      {
        get() {
          throw new Error('boom secret-html');
        },
      },
    );
    const error = parseError(hostile);
    expect(error).toMatchObject({
      code: 'invalid_token_response',
      description: 'the body could not be read',
    });
    expect(error.cause).toBeUndefined();
  });
});

describe('properties', () => {
  function check(body: unknown, options?: ParseTokenResponseOptions): void {
    let token;
    try {
      token = parseTokenResponse(body, options);
    } catch (error) {
      expect(error).toBeInstanceOf(TokenRequestError);
      // The message quotes the server's own error code, which may be the text "NaN".
      if (!sentByServer(body, 'NaN')) expect((error as TokenRequestError).message).not.toContain('NaN');
      return;
    }
    expect(token.expiresAt === null || Number.isInteger(token.expiresAt)).toBe(true);
    if (options?.receivedAt === undefined || Number.isSafeInteger(options.receivedAt)) {
      expect(token.expiresAt === null || Number.isSafeInteger(token.expiresAt)).toBe(true);
    }
    expect(typeof token.accessToken).toBe('string');
    expect(token.accessToken).not.toBe('');
    expect(typeof token.tokenType).toBe('string');
  }

  /** Whether `text` occurs in a string anywhere in `body`, i.e. the server itself sent it. */
  function sentByServer(body: unknown, text: string): boolean {
    if (typeof body === 'string') return body.includes(text);
    if (body === null || typeof body !== 'object') return false;
    return Object.values(body).some((value) => sentByServer(value, text));
  }

  const numberish = fc.oneof(
    fc.anything(),
    fc.double(),
    fc.integer(),
    fc.double({ min: -1e13, max: 1e13 }),
    fc.double({ min: -1e13, max: 1e13 }).map(String),
    fc.integer({ min: 1e12, max: 2e12 }),
    fc.integer({ min: 1e9, max: 2e9 }),
    fc.constantFrom(0, -0, Number.NaN, Infinity, -Infinity, '', ' ', 'NaN', '1e400', null),
  );
  const tokenBody = fc.record(
    {
      access_token: fc.oneof(fc.string(), fc.anything(), fc.constant('a-real-looking-token')),
      tok: fc.anything(),
      token_type: fc.oneof(fc.constantFrom('bearer', 'Bearer', 'DPoP'), fc.anything()),
      expires_in: numberish,
      expires_at: numberish,
      exp: numberish,
      error: fc.anything(),
      code: fc.anything(),
      scope: fc.anything(),
    },
    { requiredKeys: [] },
  );
  const options: fc.Arbitrary<ParseTokenResponseOptions> = fc.record(
    {
      receivedAt: fc.oneof(fc.integer({ min: 0, max: 4e12 }), fc.double()),
      serverDate: fc.oneof(
        fc.integer({ min: 0, max: 4e12 }),
        fc.double(),
        fc.string(),
        fc.date(),
        fc.constant(null),
      ),
      maxTtlMs: fc.oneof(fc.nat(), fc.double()),
    },
    { requiredKeys: [] },
  );

  it('any JSON value: a token with a finite or null expiry, or a TokenRequestError', () => {
    fc.assert(
      fc.property(fc.jsonValue(), options, (value, opts) => {
        check(value, opts);
        check(JSON.stringify(value) ?? '', opts);
      }),
      { numRuns: 300 },
    );
  });

  it('any mix of token fields: never NaN, never another error', () => {
    fc.assert(
      fc.property(tokenBody, options, (body, opts) => {
        check(body, opts);
      }),
      { numRuns: 1000 },
    );
  });

  it('a server error code that reads "NaN" is quoted as sent, not mistaken for a computed NaN', () => {
    // A counterexample the property below once found.
    for (const body of ['{"code":"NaN"}', 'code=NaN']) {
      expect(parseError(body)).toMatchObject({ code: 'NaN' });
    }
  });

  it('any token body as JSON or form text: same guarantees', () => {
    const text = fc.dictionary(
      fc.constantFrom(
        'access_token',
        'tok',
        'token_type',
        'expires_in',
        'expires_at',
        'exp',
        'error',
        'code',
      ),
      fc.oneof(fc.string(), fc.double().map(String), fc.integer().map(String)),
    );
    fc.assert(
      fc.property(text, options, (fields, opts) => {
        check(JSON.stringify(fields), opts);
        check(new URLSearchParams(fields).toString(), opts);
      }),
      { numRuns: 300 },
    );
  });

  it('any error text leaves out the access token and the secrets', () => {
    const accessToken = fc.string({ minLength: 1 }).map((suffix) => `tk-${encodeURIComponent(suffix)}-zz`);
    fc.assert(
      fc.property(accessToken, tokenBody, fc.string(), (token, body, description) => {
        const secret = 'the-client-secret';
        const input = { ...body, access_token: token, error_description: `${description}${token}${secret}` };
        try {
          parseTokenResponse(input, { secrets: [secret] });
        } catch (error) {
          const text = `${(error as Error).message} ${JSON.stringify(error)}`;
          expect(text).not.toContain(token);
          expect(text).not.toContain(secret);
        }
      }),
    );
  });
});
