import { clientCredentials, TokenRequestError } from '../../../src/index.js';
import {
  basicParts,
  formDecode,
  manager,
  mockHttp,
  okToken,
  rejection,
  sleep,
  tokenServer,
} from '../../support/spec-contract-kit.js';

// The public contract, checked from the outside: every case names the sentence it checks.
// Here: Providers: clientCredentials — tokenUrl, authMethod, basicEncoding, scope, audience, extraParams, headers, timeoutMs.

describe('clientCredentials', () => {
  test('tokenUrl: http: refused unless loopback (code insecure_token_url)', async () => {
    let err: unknown;
    try {
      const p = clientCredentials({
        tokenUrl: 'http://auth.example.com/token',
        clientId: 'id',
        clientSecret: 'sec',
      });
      err = await rejection(manager().getToken(p));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(TokenRequestError);
    expect((err as TokenRequestError).code).toBe('insecure_token_url');
  });

  test('tokenUrl: http: on loopback (127.0.0.1) is allowed', async () => {
    const s = await tokenServer(() => okToken('loop'));
    const t = await manager().getToken(
      clientCredentials({ tokenUrl: s.url, clientId: 'id', clientSecret: 'sec' }),
    );
    expect(t.accessToken).toBe('loop');
  });

  test('tokenUrl: http://localhost is loopback too', async () => {
    const s = await tokenServer(() => okToken('local'));
    const url = s.url.replace('127.0.0.1', 'localhost');
    const t = await manager().getToken(
      clientCredentials({ tokenUrl: url, clientId: 'id', clientSecret: 'sec' }),
    );
    expect(t.accessToken).toBe('local');
  });

  test.each(['http://127.1.2.3/token', 'http://[::1]/token', 'http://localhost.:8080/token'])(
    'loopback %s allowed',
    async (tokenUrl) => {
      const { http } = mockHttp(() => [200, { access_token: 'lb', expires_in: 60 }]);
      const t = await manager().getToken(
        clientCredentials({ tokenUrl, clientId: 'i', clientSecret: 's', http }),
      );
      expect(t.accessToken).toBe('lb');
    },
  );

  test.each([
    'http://localhost.evil.test/token',
    'http://127.0.0.1.evil.test/token',
    'http://10.0.0.1/token',
  ])('non-loopback %s refused', async (tokenUrl) => {
    const { http, seen } = mockHttp(() => [200, { access_token: 'lb', expires_in: 60 }]);
    let err: unknown;
    try {
      err = await rejection(
        manager().getToken(clientCredentials({ tokenUrl, clientId: 'i', clientSecret: 's', http })),
      );
    } catch (e) {
      err = e;
    }
    expect((err as TokenRequestError).code).toBe('insecure_token_url');
    expect(seen).toHaveLength(0);
  });

  test('allowInsecureHttp: true permits a non-loopback http: tokenUrl', async () => {
    const { http, seen } = mockHttp(() => [200, { access_token: 'ins', expires_in: 60 }]);
    const p = clientCredentials({
      tokenUrl: 'http://auth.example.com/token',
      clientId: 'id',
      clientSecret: 'sec',
      allowInsecureHttp: true,
      http,
    });
    const t = await manager().getToken(p);
    expect(t.accessToken).toBe('ins');
    expect(seen).toHaveLength(1);
  });

  test('required options: clientCredentials without clientSecret throws', () => {
    expect(() =>
      clientCredentials({ tokenUrl: 'https://a.test/t', clientId: 'i' } as unknown as Parameters<
        typeof clientCredentials
      >[0]),
    ).toThrow();
  });

  test("authMethod default 'client_secret_basic': Basic header, grant_type=client_credentials, no secret in body", async () => {
    const s = await tokenServer(() => okToken());
    await manager().getToken(
      clientCredentials({ tokenUrl: s.url, clientId: 'my-id', clientSecret: 'my-secret' }),
    );
    const r = s.requests[0]!;
    expect(r.method).toBe('POST');
    expect(basicParts(r.headers.authorization)).toEqual(['my-id', 'my-secret']);
    const body = new URLSearchParams(r.body);
    expect(body.get('grant_type')).toBe('client_credentials');
    expect(body.get('client_secret')).toBeNull();
    expect(r.headers['content-type']).toMatch(/application\/x-www-form-urlencoded/);
  });

  test("basicEncoding default 'rfc6749': id and secret form-encoded before base64 (RFC 6749 §2.3.1)", async () => {
    const s = await tokenServer(() => okToken());
    const clientId = 'client:id with space';
    const clientSecret = 'p@ss:wörd/+&=%';
    await manager().getToken(clientCredentials({ tokenUrl: s.url, clientId, clientSecret }));
    const decoded = Buffer.from(s.requests[0]!.headers.authorization!.slice(6), 'base64').toString('utf8');
    const parts = decoded.split(':');
    expect(parts).toHaveLength(2); // the ':' inside the id and secret were encoded
    expect(formDecode(parts[0]!)).toBe(clientId);
    expect(formDecode(parts[1]!)).toBe(clientSecret);
  });

  test("basicEncoding 'raw': id and secret sent as is", async () => {
    const s = await tokenServer(() => okToken());
    await manager().getToken(
      clientCredentials({ tokenUrl: s.url, clientId: 'a b', clientSecret: 'x/y+z', basicEncoding: 'raw' }),
    );
    const decoded = Buffer.from(s.requests[0]!.headers.authorization!.slice(6), 'base64').toString('utf8');
    expect(decoded).toBe('a b:x/y+z');
  });

  test("authMethod 'client_secret_post': client_id and client_secret in the form body, no Authorization", async () => {
    const s = await tokenServer(() => okToken());
    await manager().getToken(
      clientCredentials({
        tokenUrl: s.url,
        clientId: 'pid',
        clientSecret: 'psec',
        authMethod: 'client_secret_post',
      }),
    );
    const r = s.requests[0]!;
    const body = new URLSearchParams(r.body);
    expect(body.get('client_id')).toBe('pid');
    expect(body.get('client_secret')).toBe('psec');
    expect(body.get('grant_type')).toBe('client_credentials');
    expect(r.headers.authorization).toBeUndefined();
  });

  test("authMethod 'client_secret_query': every parameter in the query string", async () => {
    const s = await tokenServer(() => okToken());
    await manager().getToken(
      clientCredentials({
        tokenUrl: s.url,
        clientId: 'qid',
        clientSecret: 'qsec',
        authMethod: 'client_secret_query',
        scope: 'read',
      }),
    );
    const r = s.requests[0]!;
    const q = new URL(r.url, 'http://x').searchParams;
    expect(q.get('grant_type')).toBe('client_credentials');
    expect(q.get('client_id')).toBe('qid');
    expect(q.get('client_secret')).toBe('qsec');
    expect(q.get('scope')).toBe('read');
    expect(r.body).not.toContain('qsec');
    expect(r.headers.authorization).toBeUndefined();
  });

  test('scope: string sent as scope', async () => {
    const s = await tokenServer(() => okToken());
    await manager().getToken(
      clientCredentials({ tokenUrl: s.url, clientId: 'i', clientSecret: 's', scope: 'a b' }),
    );
    expect(new URLSearchParams(s.requests[0]!.body).get('scope')).toBe('a b');
  });

  test('scope: string[] joined by spaces', async () => {
    const s = await tokenServer(() => okToken());
    await manager().getToken(
      clientCredentials({
        tokenUrl: s.url,
        clientId: 'i',
        clientSecret: 's',
        scope: ['orders:read', 'orders:write'],
      }),
    );
    expect(new URLSearchParams(s.requests[0]!.body).get('scope')).toBe('orders:read orders:write');
  });

  test('scope: none by default (no scope parameter)', async () => {
    const s = await tokenServer(() => okToken());
    await manager().getToken(clientCredentials({ tokenUrl: s.url, clientId: 'i', clientSecret: 's' }));
    expect(new URLSearchParams(s.requests[0]!.body).has('scope')).toBe(false);
  });

  test('audience: sent as audience', async () => {
    const s = await tokenServer(() => okToken());
    await manager().getToken(
      clientCredentials({ tokenUrl: s.url, clientId: 'i', clientSecret: 's', audience: 'https://api.test' }),
    );
    expect(new URLSearchParams(s.requests[0]!.body).get('audience')).toBe('https://api.test');
  });

  test('extraParams and headers: added to the token request', async () => {
    const s = await tokenServer(() => okToken());
    await manager().getToken(
      clientCredentials({
        tokenUrl: s.url,
        clientId: 'i',
        clientSecret: 's',
        extraParams: { resource: 'urn:r', tenant: 't1' },
        headers: { 'X-Tenant': 't1' },
      }),
    );
    const r = s.requests[0]!;
    const body = new URLSearchParams(r.body);
    expect(body.get('resource')).toBe('urn:r');
    expect(body.get('tenant')).toBe('t1');
    expect(r.headers['x-tenant']).toBe('t1');
  });

  test("timeoutMs: a token request that outlives it fails with code 'timeout'", async () => {
    const s = await tokenServer(() => ({ hang: true }));
    const p = clientCredentials({ tokenUrl: s.url, clientId: 'i', clientSecret: 's', timeoutMs: 150 });
    const started = Date.now();
    const err = await rejection(manager().getToken(p));
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(err).toBeInstanceOf(TokenRequestError);
    expect((err as TokenRequestError).code).toBe('timeout');
  });

  test('timeoutMs: default 10 000 per token request', async () => {
    const s = await tokenServer(() => ({ hang: true }));
    const p = clientCredentials({ tokenUrl: s.url, clientId: 'i', clientSecret: 's' });
    const started = Date.now();
    let settledAt = 0;
    const done = manager()
      .getToken(p)
      .then(
        () => 'resolved',
        (e: unknown) => e,
      )
      .finally(() => {
        settledAt = Date.now();
      });
    await sleep(9_000);
    expect(settledAt).toBe(0);
    const err = await done;
    expect(settledAt - started).toBeGreaterThanOrEqual(9_900);
    expect(settledAt - started).toBeLessThan(12_000);
    expect((err as TokenRequestError).code).toBe('timeout');
  }, 20_000);
});
