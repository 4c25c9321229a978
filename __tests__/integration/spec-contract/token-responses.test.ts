import {
  attachTokenAuth,
  clientCredentials,
  parseTokenResponse,
  TokenRequestError,
} from '../../../src/index.js';
import {
  api,
  fakeProvider,
  flush,
  jwt,
  manager,
  rejection,
  tokenServer,
} from '../../support/spec-contract-kit.js';

// The public contract, checked from the outside: every case names the sentence it checks.
// Here: Token answers understood — expiry, body formats, token_type, parseTokenResponse.

describe('Token responses understood', () => {
  const receivedAt = 1_750_000_000_000;

  test('RFC 6749 expires_in number: received + seconds', () => {
    const t = parseTokenResponse(
      { access_token: 'a', token_type: 'Bearer', expires_in: 299 },
      { receivedAt },
    );
    expect(t.accessToken).toBe('a');
    expect(t.expiresAt).toBe(receivedAt + 299_000);
  });

  test('RFC 6749 expires_in numeric string', () => {
    const t = parseTokenResponse({ access_token: 'a', expires_in: '299' }, { receivedAt });
    expect(t.expiresAt).toBe(receivedAt + 299_000);
  });

  test('GigaChat expires_at: that epoch ms', () => {
    const t = parseTokenResponse({ access_token: 'a', expires_at: receivedAt + 1_800_000 }, { receivedAt });
    expect(t.expiresAt).toBe(receivedAt + 1_800_000);
  });

  test('GigaChat (older) { tok, exp }: that epoch s × 1000', () => {
    const exp = Math.floor(receivedAt / 1000) + 1800;
    const t = parseTokenResponse({ tok: 'old', exp }, { receivedAt });
    expect(t.accessToken).toBe('old');
    expect(t.expiresAt).toBe(exp * 1000);
  });

  test('absolute value in expires_in: ms above 1e12 read as an epoch', () => {
    const t = parseTokenResponse({ access_token: 'a', expires_in: receivedAt + 600_000 }, { receivedAt });
    expect(t.expiresAt).toBe(receivedAt + 600_000);
  });

  test('absolute value in expires_in: s above 1e9 read as an epoch', () => {
    const s = Math.floor(receivedAt / 1000) + 600;
    const t = parseTokenResponse({ access_token: 'a', expires_in: s }, { receivedAt });
    expect(t.expiresAt).toBe(s * 1000);
  });

  test("no expiry: the JWT's exp", () => {
    const exp = Math.floor(receivedAt / 1000) + 900;
    const t = parseTokenResponse({ access_token: jwt({ exp, sub: 'x' }) }, { receivedAt });
    expect(t.expiresAt).toBe(exp * 1000);
  });

  test('no expiry and no JWT: defaultTtlMs of the manager', async () => {
    let clock = 1_000_000;
    const p = fakeProvider('no-expiry', () => ({ expiresAt: null }));
    const m = manager({ now: () => clock, defaultTtlMs: 10_000, refreshSkewMs: 0 });
    await m.getToken(p);
    clock += 9_000;
    await m.getToken(p);
    await flush();
    expect(p.calls).toBe(1);
    clock += 2_000;
    await m.getToken(p);
    await flush();
    expect(p.calls).toBe(2);
  });

  test('expires_in: 0 — expired on arrival: handed to the callers that waited for it, never cached', async () => {
    const s = await tokenServer((_r, n) => ({ body: { access_token: `z${n}`, expires_in: 0 }, delayMs: 50 }));
    const m = manager();
    const p = clientCredentials({ tokenUrl: s.url, clientId: 'i', clientSecret: 's' });
    const [a, b] = await Promise.all([m.getToken(p), m.getToken(p)]);
    expect(a.accessToken).toBe('z1');
    expect(b.accessToken).toBe('z1');
    const c = await m.getToken(p);
    expect(c.accessToken).toBe('z2');
    expect(s.requests).toHaveLength(2);
  });

  test('an epoch in seconds is only believed between one day ago and one year ahead', () => {
    const twoYears = Math.floor(receivedAt / 1000) + 2 * 366 * 86_400;
    const t = parseTokenResponse({ access_token: 'a', exp: twoYears }, { receivedAt });
    expect(t.expiresAt).not.toBe(twoYears * 1000);
    const old = Math.floor(receivedAt / 1000) - 2 * 86_400;
    const t2 = parseTokenResponse({ access_token: 'a', exp: old }, { receivedAt });
    expect(t2.expiresAt).not.toBe(old * 1000);
  });

  test('a lifetime is capped at maxTtlMs (default 24 h)', () => {
    const t = parseTokenResponse({ access_token: 'a', expires_in: 10 * 86_400 }, { receivedAt });
    expect(t.expiresAt).toBe(receivedAt + 86_400_000);
  });

  test('a lifetime is capped at maxTtlMs (default 24 h) for an absolute expiry too', () => {
    const t = parseTokenResponse(
      { access_token: 'a', expires_at: receivedAt + 30 * 86_400_000 },
      { receivedAt },
    );
    expect(t.expiresAt).toBeLessThanOrEqual(receivedAt + 86_400_000);
  });

  test('form-encoded body parsed like JSON', async () => {
    const s = await tokenServer(() => ({
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'access_token=form-tok&token_type=bearer&expires_in=60',
    }));
    const before = Date.now();
    const t = await manager().getToken(
      clientCredentials({ tokenUrl: s.url, clientId: 'i', clientSecret: 's' }),
    );
    expect(t.accessToken).toBe('form-tok');
    expect(t.expiresAt).toBeGreaterThanOrEqual(before + 60_000 - 50);
  });

  test('text/plain body (form-encoded) parsed like JSON', async () => {
    const s = await tokenServer(() => ({ body: 'access_token=plain-tok&token_type=bearer&expires_in=60' }));
    const t = await manager().getToken(
      clientCredentials({ tokenUrl: s.url, clientId: 'i', clientSecret: 's' }),
    );
    expect(t.accessToken).toBe('plain-tok');
    expect(t.tokenType).toBe('Bearer');
  });

  test('text/plain body holding JSON parsed like JSON', async () => {
    const s = await tokenServer(() => ({ body: '{"access_token":"json-in-text","expires_in":60}' }));
    const t = await manager().getToken(
      clientCredentials({ tokenUrl: s.url, clientId: 'i', clientSecret: 's' }),
    );
    expect(t.accessToken).toBe('json-in-text');
  });

  test('a 200 whose body carries error is a failure (code = error, description = error_description)', async () => {
    const s = await tokenServer(() => ({ body: { error: 'invalid_scope', error_description: 'bad scope' } }));
    const err = await rejection(
      manager().getToken(clientCredentials({ tokenUrl: s.url, clientId: 'i', clientSecret: 's' })),
    );
    expect(err).toBeInstanceOf(TokenRequestError);
    expect((err as TokenRequestError).code).toBe('invalid_scope');
    expect((err as TokenRequestError).description).toBe('bad scope');
  });

  test("token_type compared case-insensitively and 'bearer' is sent as 'Bearer'", async () => {
    const s = await tokenServer(() => ({
      body: { access_token: 'lower', token_type: 'bearer', expires_in: 60 },
    }));
    const { instance, auths } = api();
    attachTokenAuth(instance, {
      provider: clientCredentials({ tokenUrl: s.url, clientId: 'i', clientSecret: 's' }),
      manager: manager(),
    });
    await instance.get('/x');
    expect(auths).toEqual(['Bearer lower']);
  });

  test('token_type: BEARER (any case) is sent as Bearer', async () => {
    const s = await tokenServer(() => ({
      body: { access_token: 'upper', token_type: 'BEARER', expires_in: 60 },
    }));
    const { instance, auths } = api();
    attachTokenAuth(instance, {
      provider: clientCredentials({ tokenUrl: s.url, clientId: 'i', clientSecret: 's' }),
      manager: manager(),
    });
    await instance.get('/x');
    expect(auths).toEqual(['Bearer upper']);
  });

  test('parseTokenResponse(body, { receivedAt, serverDate }) is exported for custom providers', () => {
    const serverDate = receivedAt - 600_000;
    const t = parseTokenResponse(
      { access_token: 'a', expires_at: serverDate + 60_000 },
      { receivedAt, serverDate },
    );
    expect(t.expiresAt).toBe(receivedAt + 60_000);
  });

  test('parseTokenResponse: tokenType Bearer and raw body', () => {
    const body = { access_token: 'a', token_type: 'bearer', expires_in: 60, sessid: 'x' };
    const t = parseTokenResponse(body, { receivedAt });
    expect(t.tokenType).toBe('Bearer');
    expect(t.raw).toEqual(body);
  });

  test('parseTokenResponse: serverDate as the Date header string', () => {
    const receivedAt = Date.now();
    const serverNow = receivedAt - 600_000;
    const t = parseTokenResponse(
      { access_token: 'a', expires_at: serverNow + 60_000 },
      { receivedAt, serverDate: new Date(serverNow).toUTCString() },
    );
    expect(Math.abs(t.expiresAt! - (receivedAt + 60_000))).toBeLessThan(1_000);
  });

  test('parseTokenResponse: a form-encoded string body', () => {
    const t = parseTokenResponse('access_token=f&token_type=bearer&expires_in=60', {
      receivedAt: 1_000_000_000_000,
      contentType: 'application/x-www-form-urlencoded',
    });
    expect(t.accessToken).toBe('f');
    expect(t.expiresAt).toBe(1_000_000_060_000);
  });

  test('parseTokenResponse: a body without a token throws TokenRequestError invalid_token_response', () => {
    let err: unknown;
    try {
      parseTokenResponse({ nothing: true });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(TokenRequestError);
    expect((err as TokenRequestError).code).toBe('invalid_token_response');
  });

  test('parseTokenResponse: a body with error throws with code/description', () => {
    let err: unknown;
    try {
      parseTokenResponse({ error: 'invalid_client', error_description: 'x' });
    } catch (e) {
      err = e;
    }
    expect((err as TokenRequestError).code).toBe('invalid_client');
    expect((err as TokenRequestError).description).toBe('x');
  });
});
