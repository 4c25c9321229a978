import axios, { type AxiosResponse } from 'axios';
import { randomUUID } from 'node:crypto';
import { Agent } from 'node:http';
import {
  DEFAULT_CLIENT,
  startAuthLab,
  startEchoServer,
  type AuthLab,
  type AuthLabOptions,
  type TokenShape,
} from './auth-lab.js';

const { clientId, clientSecret } = DEFAULT_CLIENT;
const http = axios.create({ validateStatus: () => true, timeout: 2000 });

const formEncode = (s: string): string => encodeURIComponent(s).replace(/%20/g, '+');
const basic = (id: string, secret: string, raw = false): string =>
  'Basic ' +
  Buffer.from(raw ? `${id}:${secret}` : `${formEncode(id)}:${formEncode(secret)}`).toString('base64');
const FORM = { 'Content-Type': 'application/x-www-form-urlencoded' };

let lab: AuthLab;
const labs: AuthLab[] = [];
async function newLab(options?: AuthLabOptions): Promise<AuthLab> {
  const created = await startAuthLab(options);
  labs.push(created);
  return created;
}
beforeAll(async () => {
  lab = await newLab();
});
afterEach(() => {
  lab.setTokenFault(null);
  lab.setApiFault(null);
  lab.resetStats();
});
afterAll(async () => {
  await Promise.all(labs.map((l) => l.close()));
});

function requestToken(shape: TokenShape = 'rfc6749', headers: Record<string, string> = {}, body?: string) {
  const gigachat = shape.startsWith('gigachat');
  return http.post(
    lab.tokenUrl(shape),
    body ?? (gigachat ? 'scope=GIGACHAT_API_PERS' : 'grant_type=client_credentials'),
    {
      headers: {
        ...FORM,
        Authorization: basic(clientId, clientSecret, gigachat),
        ...(gigachat ? { RqUID: randomUUID() } : {}),
        ...headers,
      },
    },
  );
}
const callApi = (token: string | undefined, path = '/things', target = lab) =>
  http.post(`${target.apiUrl}${path}`, 'hello', {
    headers: { 'Content-Type': 'text/plain', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
  });

describe('token endpoint shapes', () => {
  test('rfc6749 issues a unique working token and records the wire bytes', async () => {
    const a = await requestToken();
    const b = await requestToken();
    expect(a.status).toBe(200);
    expect(a.headers['content-type']).toBe('application/json');
    expect(a.headers['date']).toEqual(expect.any(String));
    expect(a.data).toEqual({ access_token: expect.any(String), token_type: 'Bearer', expires_in: 60 });
    expect(a.data.access_token).not.toBe(b.data.access_token);
    expect(lab.issuedTokens()).toBe(2);
    const [first] = lab.stats.tokenRequestsLog;
    expect(first).toMatchObject({
      method: 'POST',
      path: '/token/rfc6749',
      body: 'grant_type=client_credentials',
    });
    expect(first!.clientAuth).toBe('basic');
    expect(first!.headers['authorization']).toBe(basic(clientId, clientSecret));

    const api = await callApi(a.data.access_token);
    expect(api.status).toBe(200);
    expect(api.data).toEqual({ ok: true, path: '/api/things', method: 'POST', body: 'hello' });
    expect(lab.stats).toMatchObject({ tokenRequests: 2, apiRequests: 1, apiUnauthorized: 0 });
  });

  test('each vendor shape answers its documented fields', async () => {
    const now = Date.now();
    const giga = await requestToken('gigachat');
    expect(giga.data).toEqual({ access_token: expect.any(String), expires_at: expect.any(Number) });
    expect(giga.data.expires_at).toBeGreaterThanOrEqual(now + 60_000);
    expect(giga.data.expires_at).toBeLessThan(now + 62_000);

    const legacy = await requestToken('gigachat-legacy');
    expect(legacy.data).toEqual({ tok: expect.any(String), exp: expect.any(Number) });
    expect(Number.isInteger(legacy.data.exp)).toBe(true);
    expect(legacy.data.exp * 1000).toBeGreaterThanOrEqual(now + 60_000);
    expect((await callApi(legacy.data.tok)).status).toBe(200);

    const bog = await requestToken('bog');
    expect(bog.data).toEqual({
      access_token: expect.any(String),
      token_type: 'Bearer',
      expires_in: expect.any(Number),
    });
    expect(bog.data.expires_in).toBeGreaterThan(1e12);

    const brainy = await requestToken('brainysoft');
    expect(brainy.data).toMatchObject({
      token_type: 'Bearer',
      expires_in: 60,
      scope: expect.stringContaining('core_basic'),
    });
    expect(brainy.data.sessid).toMatch(/^[0-9a-f-]{36}$/);

    const chat = await requestToken('chatlayer');
    expect(chat.data).toEqual({
      access_token: expect.any(String),
      expires_in: 60,
      refresh_expires_in: 0,
      token_type: 'Bearer',
      'not-before-policy': 0,
      scope: 'offline_access profile public_api email',
    });

    const form = await requestToken('form');
    expect(form.headers['content-type']).toBe('application/x-www-form-urlencoded');
    const parsed = new URLSearchParams(form.data as string);
    expect(parsed.get('token_type')).toBe('bearer');
    expect(parsed.get('expires_in')).toBe('60');
    expect((await callApi(parsed.get('access_token')!)).status).toBe(200);
  });
});

describe('client authentication', () => {
  test('accepts basic (RFC 6749 form-encoded), post and query credentials', async () => {
    expect((await requestToken()).status).toBe(200);
    const post = await requestToken(
      'rfc6749',
      { Authorization: '' },
      new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: clientId,
        client_secret: clientSecret,
      }).toString(),
    );
    expect(post.status).toBe(200);
    const query = new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: clientId,
      client_secret: clientSecret,
    });
    const viaQuery = await http.post(`${lab.tokenUrl('brainysoft')}?${query}`, '');
    expect(viaQuery.status).toBe(200);
    expect(lab.stats.tokenRequestsLog.map((r) => r.clientAuth)).toEqual(['basic', 'post', 'query']);
  });

  test('refuses wrong, raw-encoded or missing credentials without echoing them', async () => {
    for (const auth of [basic(clientId, 'wrong'), basic(clientId, clientSecret, true), '']) {
      const res = await requestToken('rfc6749', { Authorization: auth });
      expect(res.status).toBe(401);
      expect(res.data).toEqual({ error: 'invalid_client', error_description: 'Invalid client credentials' });
      expect(JSON.stringify(res.headers) + JSON.stringify(res.data)).not.toContain('lab-secret');
    }
    // A form body is only read as a form.
    const json = await http.post(lab.tokenUrl(), {
      grant_type: 'client_credentials',
      client_id: clientId,
      client_secret: clientSecret,
    });
    expect(json.status).toBe(401);
    expect(lab.issuedTokens()).toBe(0);
  });

  test('raw basic decoding is an option', async () => {
    const raw = await newLab({ basicDecoding: 'raw' });
    const res = await http.post(raw.tokenUrl(), 'grant_type=client_credentials', {
      headers: { ...FORM, Authorization: basic(clientId, clientSecret, true) },
    });
    expect(res.status).toBe(200);
  });

  test('grant_type must be client_credentials, and only POST is allowed', async () => {
    const res = await requestToken('chatlayer', {}, 'grant_type=password');
    expect(res.status).toBe(400);
    expect(res.data.error).toBe('unsupported_grant_type');
    const get = await http.get(lab.tokenUrl());
    expect(get.status).toBe(405);
  });

  test('gigachat checks the key (Basic or Bearer), RqUID and scope', async () => {
    const key = Buffer.from(`${clientId}:${clientSecret}`).toString('base64');
    expect((await requestToken('gigachat', { Authorization: `Bearer ${key}` })).status).toBe(200);
    expect((await requestToken('gigachat', { Authorization: basic(clientId, clientSecret) })).status).toBe(
      200,
    );
    const noRqUid = await requestToken('gigachat', { RqUID: 'not-a-uuid' });
    expect(noRqUid.status).toBe(400);
    expect(noRqUid.data).toEqual({ code: 5, message: 'RqUID header is invalid' });
    const badScope = await requestToken('gigachat', {}, 'scope=GIGACHAT_API_NOPE');
    expect(badScope.status).toBe(400);
    expect(badScope.data).toEqual({ code: 1, message: 'scope data format invalid' });
    const wrongKey = await requestToken('gigachat', { Authorization: basic(clientId, 'nope') });
    expect(wrongKey.status).toBe(401);
  });
});

describe('token faults', () => {
  test('down resets the connection, hang never answers', async () => {
    lab.setTokenFault({ kind: 'down' });
    await expect(requestToken()).rejects.toMatchObject({ code: 'ECONNRESET' });
    lab.setTokenFault({ kind: 'hang' });
    await expect(http.post(lab.tokenUrl(), '', { timeout: 100 })).rejects.toMatchObject({
      code: 'ECONNABORTED',
    });
    expect(lab.stats.tokenRequests).toBe(2);
  });

  test('status with headers, and times then success', async () => {
    lab.setTokenFault({
      kind: 'times',
      count: 2,
      fault: { kind: 'status', status: 503, headers: { 'Retry-After': '1' } },
    });
    const first = await requestToken();
    expect(first.status).toBe(503);
    expect(first.headers['retry-after']).toBe('1');
    expect(first.data).toEqual({ error: 'server_error' });
    expect((await requestToken()).status).toBe(503);
    expect((await requestToken()).status).toBe(200);
    lab.setTokenFault({ kind: 'status', status: 429, body: 'slow down' });
    const limited = await requestToken();
    expect([limited.status, limited.data, limited.headers['content-type']]).toEqual([
      429,
      'slow down',
      'text/plain; charset=utf-8',
    ]);
  });

  test('malformed bodies', async () => {
    const bodyOf = async (fault: Parameters<AuthLab['setTokenFault']>[0]): Promise<AxiosResponse> => {
      lab.setTokenFault(fault);
      return http.post(lab.tokenUrl(), 'grant_type=client_credentials', {
        headers: { ...FORM, Authorization: basic(clientId, clientSecret) },
        transformResponse: (d: unknown) => d,
      });
    };
    expect((await bodyOf({ kind: 'html' })).headers['content-type']).toContain('text/html');
    const invalid = (await bodyOf({ kind: 'invalid-json' })).data;
    expect(() => JSON.parse(invalid)).toThrow();
    expect((await bodyOf({ kind: 'empty' })).data).toBe('');
    expect(JSON.parse((await bodyOf({ kind: 'no-access-token' })).data)).toEqual({
      token_type: 'Bearer',
      expires_in: 60,
    });
    const zero = JSON.parse((await bodyOf({ kind: 'expires-in', value: 0 })).data);
    expect(zero.expires_in).toBe(0);
    const api = await callApi(zero.access_token);
    expect(api.status).toBe(401);
    expect(lab.stats.expiredTokenSeen).toBe(1);
    expect(JSON.parse((await bodyOf({ kind: 'expires-in', value: '60' })).data).expires_in).toBe('60');
  });
});

describe('protected API', () => {
  test('revokeAll, unknown and missing tokens get 401 invalid_token', async () => {
    const { data } = await requestToken();
    lab.revokeAll();
    for (const token of [data.access_token, 'made-up', undefined]) {
      const res = await callApi(token);
      expect(res.status).toBe(401);
      expect(res.headers['www-authenticate']).toBe('Bearer error="invalid_token"');
    }
    expect(lab.stats).toMatchObject({ apiUnauthorized: 3, expiredTokenSeen: 0 });
    const fresh = await requestToken();
    const lower = await http.get(`${lab.apiUrl}/x`, {
      headers: { Authorization: `bEaReR ${fresh.data.access_token}` },
    });
    expect(lower.status).toBe(200);
  });

  test('expiry is exact on the server clock', async () => {
    let clock = 1_700_000_000_000;
    const timed = await newLab({ tokenLifetimeMs: 1500, now: () => clock });
    const res = await http.post(timed.tokenUrl(), 'grant_type=client_credentials', {
      headers: { ...FORM, Authorization: basic(clientId, clientSecret) },
    });
    expect(res.data.expires_in).toBe(1);
    clock += 999;
    expect((await callApi(res.data.access_token, '/a', timed)).status).toBe(200);
    clock += 1;
    expect((await callApi(res.data.access_token, '/a', timed)).status).toBe(401);
    expect(timed.stats).toMatchObject({ apiUnauthorized: 1, expiredTokenSeen: 1 });
  });

  test('a real 1 s token expires after a second', async () => {
    lab.setTokenLifetime(1000);
    const { data } = await requestToken();
    expect(data.expires_in).toBe(1);
    expect((await callApi(data.access_token)).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 1010));
    expect((await callApi(data.access_token)).status).toBe(401);
    expect(lab.stats.expiredTokenSeen).toBe(1);
    lab.setTokenLifetime(60_000);
  });

  test('api faults, redirect to another origin, CORS', async () => {
    const { data } = await requestToken();
    lab.setApiFault('always-401');
    expect((await callApi(data.access_token)).status).toBe(401);
    lab.setApiFault('403');
    expect((await callApi(data.access_token)).status).toBe(403);
    lab.setApiFault(null);

    const echo = await startEchoServer();
    try {
      const res = await http.get(`${lab.apiUrl}/redirect?to=${encodeURIComponent(`${echo.url}/landing`)}`, {
        maxRedirects: 0,
      });
      expect(res.status).toBe(302);
      expect(res.headers['location']).toBe(`${echo.url}/landing`);
      const echoed = await http.get(`${echo.url}/landing`, { headers: { 'X-Probe': '1' } });
      expect(echoed.data).toMatchObject({ ok: true, path: '/landing', method: 'GET' });
      expect(echo.requests[0]!.headers['x-probe']).toBe('1');
    } finally {
      await echo.close();
    }

    const cors = await newLab({ cors: true });
    const preflight = await http.options(cors.tokenUrl(), { headers: { Origin: 'http://example.test' } });
    expect(preflight.status).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe('*');
    expect(preflight.headers['access-control-allow-headers']).toContain('RqUID');
    expect((await http.get(cors.apiUrl)).headers['access-control-allow-origin']).toBe('*');
    expect((await http.get(lab.apiUrl)).headers['access-control-allow-origin']).toBeUndefined();
  });
});

test('close() drops hung and kept-alive connections and stops listening', async () => {
  const closing = await startAuthLab({ tokenDelayMs: 10_000 });
  const pending = http.post(closing.tokenUrl(), '', { timeout: 5000 });
  await http.get(closing.apiUrl); // leaves a keep-alive socket
  while (closing.stats.tokenRequests === 0) await new Promise((resolve) => setTimeout(resolve, 5));
  await closing.close();
  await expect(pending).rejects.toMatchObject({ code: expect.stringMatching(/ECONNRESET|ERR_BAD_RESPONSE/) });
  // A fresh socket: the pooled keep-alive one was just reset.
  const fresh = new Agent({ keepAlive: false });
  await expect(http.get(closing.apiUrl, { httpAgent: fresh })).rejects.toMatchObject({
    code: 'ECONNREFUSED',
  });
  await closing.close();
});
