import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import axios, { type InternalAxiosRequestConfig } from 'axios';
import MockAdapter from 'axios-mock-adapter';
import { attachTokenAuth, clientCredentials, gigachat, TokenRequestError } from '../../../src/index.js';
import {
  api,
  b64,
  deferred,
  fakeProvider,
  flush,
  headerOf,
  manager,
  okToken,
  rejection,
  sleep,
  tokenServer,
} from '../../support/spec-contract-kit.js';

// The public contract, checked from the outside: every case names the sentence it checks.
// Here: attachTokenAuth(instance, options) — retry on 401, aborts and token failures.

describe('attachTokenAuth', () => {
  test('retryOnStatus default [401]: a 403 is not retried', async () => {
    const { instance, auths } = api(() => 403);
    const p = fakeProvider('no-403');
    attachTokenAuth(instance, { provider: p, manager: manager() });
    const err = await rejection(instance.get('/x'));
    expect(axios.isAxiosError(err) && err.response?.status).toBe(403);
    expect(auths).toHaveLength(1);
    expect(p.calls).toBe(1);
  });

  test('retryOnStatus: [401, 403] retries a 403 once with a fresh token', async () => {
    const { instance, auths } = api((_a, n) => (n === 1 ? 403 : 200));
    const p = fakeProvider('yes-403');
    attachTokenAuth(instance, { provider: p, manager: manager(), retryOnStatus: [401, 403] });
    const res = await instance.get('/x');
    expect(res.status).toBe(200);
    expect(auths).toEqual(['Bearer tok-1', 'Bearer tok-2']);
  });

  test('retryOnStatus: [] disables the replay', async () => {
    const { instance, auths } = api(() => 401);
    attachTokenAuth(instance, { provider: fakeProvider('no-retry'), manager: manager(), retryOnStatus: [] });
    await rejection(instance.get('/x'));
    expect(auths).toHaveLength(1);
  });

  test('401 → invalidate the token that request carried, fetch once, retry once', async () => {
    const { instance, auths } = api((a) => (a === 'Bearer tok-1' ? 401 : 200));
    const p = fakeProvider('r401');
    attachTokenAuth(instance, { provider: p, manager: manager() });
    const res = await instance.get('/x');
    expect(res.status).toBe(200);
    expect(auths).toEqual(['Bearer tok-1', 'Bearer tok-2']);
    expect(p.calls).toBe(2);
  });

  test('a retried request that fails again rejects with that response’s error; never loops', async () => {
    const { instance, auths } = api((_a, n) => (n === 1 ? 401 : 401));
    const p = fakeProvider('r401-twice');
    attachTokenAuth(instance, { provider: p, manager: manager() });
    const err = await rejection(instance.get('/x'));
    expect(axios.isAxiosError(err)).toBe(true);
    expect((err as { response?: { status: number } }).response?.status).toBe(401);
    expect((err as { config?: { headers?: unknown } }).config).toBeDefined();
    expect(auths).toEqual(['Bearer tok-1', 'Bearer tok-2']);
    expect(p.calls).toBe(2);
  });

  test('a retried request failing with another status rejects with that (second) response', async () => {
    const { instance } = api((_a, n) => (n === 1 ? 401 : 500));
    attachTokenAuth(instance, { provider: fakeProvider('r401-500'), manager: manager() });
    const err = await rejection(instance.get('/x'));
    expect((err as { response?: { status: number } }).response?.status).toBe(500);
  });

  test('no replay for a request sent without a token (tokenAuth: false) or with the caller’s header', async () => {
    const { instance, auths } = api(() => 401);
    const p = fakeProvider('no-replay');
    attachTokenAuth(instance, { provider: p, manager: manager() });
    await rejection(instance.get('/a', { tokenAuth: false }));
    await rejection(instance.get('/b', { headers: { Authorization: 'Bearer mine' } }));
    expect(auths).toEqual([undefined, 'Bearer mine']);
    expect(p.calls).toBe(0);
  });

  test('replay after 401 resends a JSON POST body and its content type', async () => {
    const instance = axios.create({ baseURL: 'https://api.test' });
    const bodies: unknown[] = [];
    const types: (string | undefined)[] = [];
    new MockAdapter(instance).onPost('/items').reply((c) => {
      bodies.push(c.data);
      types.push(headerOf(c as InternalAxiosRequestConfig, 'Content-Type'));
      return bodies.length === 1 ? [401, {}] : [201, {}];
    });
    attachTokenAuth(instance, { provider: fakeProvider('post-replay'), manager: manager() });
    const res = await instance.post('/items', { a: 1, b: 'x' });
    expect(res.status).toBe(201);
    expect(bodies[1]).toEqual(bodies[0]);
    expect(JSON.parse(String(bodies[1]))).toEqual({ a: 1, b: 'x' });
    expect(types[1]).toMatch(/application\/json/);
  });

  test('replay after 401 against a real server resends a URLSearchParams body', async () => {
    const seen: string[] = [];
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        seen.push(
          `${req.headers.authorization} ${req.headers['content-type']} ${Buffer.concat(chunks).toString()}`,
        );
        res.writeHead(req.headers.authorization === 'Bearer tok-1' ? 401 : 200).end('{}');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    try {
      const instance = axios.create({ baseURL: `http://127.0.0.1:${port}` });
      attachTokenAuth(instance, { provider: fakeProvider('form-replay'), manager: manager() });
      await instance.post('/f', new URLSearchParams({ q: '1' }));
      expect(seen).toHaveLength(2);
      expect(seen[1]).toBe('Bearer tok-2 application/x-www-form-urlencoded;charset=utf-8 q=1');
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });

  test('401 invalidates only if still cached: a storm of 401s for one token costs one refresh', async () => {
    const { instance, auths } = api((a) => (a === 'Bearer tok-1' ? 401 : 200));
    const p = fakeProvider('storm');
    const m = manager();
    await m.getToken(p);
    attachTokenAuth(instance, { provider: p, manager: m });
    const results = await Promise.all(Array.from({ length: 10 }, (_v, i) => instance.get(`/x${i}`)));
    expect(results.every((r) => r.status === 200)).toBe(true);
    expect(p.calls).toBe(2);
    expect(auths.filter((a) => a === 'Bearer tok-2')).toHaveLength(10);
  });

  test('a late 401 for a token already replaced causes no refresh (compare-and-invalidate)', async () => {
    const p = fakeProvider('late');
    const m = manager();
    const release = deferred<void>();
    const instance = axios.create({ baseURL: 'https://api.test' });
    const auths: (string | undefined)[] = [];
    new MockAdapter(instance).onAny().reply(async (c) => {
      const a = headerOf(c as InternalAxiosRequestConfig, 'Authorization');
      auths.push(a);
      if (a === 'Bearer tok-1') {
        await release.promise;
        return [401, {}];
      }
      return [200, {}];
    });
    attachTokenAuth(instance, { provider: p, manager: m });
    const pending = instance.get('/x');
    await sleep(20);
    await m.getToken(p, { forceRefresh: true }); // tok-2 replaces tok-1 while the request is out
    release.resolve();
    const res = await pending;
    expect(res.status).toBe(200);
    expect(auths).toEqual(['Bearer tok-1', 'Bearer tok-2']);
    expect(p.calls).toBe(2);
  });

  test('provider function with 401: the chosen provider’s token is invalidated', async () => {
    const pa = fakeProvider('fa', (n) => ({ accessToken: `A${n}` }));
    const pb = fakeProvider('fb', (n) => ({ accessToken: `B${n}` }));
    const { instance, auths } = api((a) => (a === 'Bearer B1' ? 401 : 200));
    attachTokenAuth(instance, { provider: (c) => (c.url === '/b' ? pb : pa), manager: manager() });
    await instance.get('/a');
    await instance.get('/b');
    await instance.get('/a');
    expect(auths).toEqual(['Bearer A1', 'Bearer B1', 'Bearer B2', 'Bearer A1']);
  });

  test("a request's own signal aborts its wait for a token at once; the shared fetch goes on for others", async () => {
    const gate = deferred<void>();
    const p = fakeProvider('req-abort', async () => {
      await gate.promise;
      return {};
    });
    const { instance, auths } = api();
    attachTokenAuth(instance, { provider: p, manager: manager() });
    const ac = new AbortController();
    const mine = rejection(instance.get('/mine', { signal: ac.signal }));
    const other = instance.get('/other');
    await flush();
    const started = Date.now();
    ac.abort();
    const err = await mine;
    // Settled while the fetch is still held; the bound only rules out an end by some timer.
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(axios.isCancel(err)).toBe(true);
    gate.resolve();
    await other;
    expect(auths).toEqual(['Bearer tok-1']);
    expect(p.calls).toBe(1);
  });

  test('token fetch failure → the request rejects with TokenRequestError (and is not sent)', async () => {
    const s = await tokenServer(() => ({
      status: 401,
      body: { error: 'invalid_client', error_description: 'bad creds' },
    }));
    const { instance, auths } = api();
    attachTokenAuth(instance, {
      provider: clientCredentials({ tokenUrl: s.url, clientId: 'i', clientSecret: 's' }),
      manager: manager(),
    });
    const err = await rejection(instance.get('/x'));
    expect(err).toBeInstanceOf(TokenRequestError);
    expect((err as TokenRequestError).status).toBe(401);
    expect((err as TokenRequestError).code).toBe('invalid_client');
    expect(auths).toHaveLength(0);
  });

  test('a custom provider’s failure → the request rejects with TokenRequestError', async () => {
    const { instance } = api();
    attachTokenAuth(instance, {
      provider: fakeProvider('custom-fail', () => {
        throw new Error('backend /session/token down');
      }),
      manager: manager(),
    });
    const err = await rejection(instance.get('/x'));
    expect(err).toBeInstanceOf(TokenRequestError);
    expect((err as TokenRequestError).providerKey).toBe('custom-fail');
  });

  test('token fetch failure on the replay after 401 → TokenRequestError', async () => {
    const s = await tokenServer((_r, n) =>
      n === 1 ? okToken('first') : { status: 503, body: { error: 'temporarily_unavailable' } },
    );
    const { instance } = api((_a, n) => (n === 1 ? 401 : 200));
    attachTokenAuth(instance, {
      provider: clientCredentials({ tokenUrl: s.url, clientId: 'i', clientSecret: 's' }),
      manager: manager(),
    });
    const err = await rejection(instance.get('/x'));
    expect(err).toBeInstanceOf(TokenRequestError);
    expect((err as TokenRequestError).status).toBe(503);
  });

  test('end to end (quick start): token fetched once, cached, retried on 401', async () => {
    const s = await tokenServer((_r, n) => ({
      body: { access_token: `q${n}`, expires_at: Date.now() + 1_800_000 },
    }));
    const { instance, auths } = api((a, n) => (n === 2 && a === 'Bearer q1' ? 401 : 200));
    attachTokenAuth(instance, {
      provider: gigachat({ credentials: b64('a:b'), tokenUrl: s.url }),
      manager: manager(),
    });
    await instance.get('/models');
    await instance.get('/models');
    await instance.get('/models');
    expect(auths).toEqual(['Bearer q1', 'Bearer q1', 'Bearer q2', 'Bearer q2']);
    expect(s.requests).toHaveLength(2);
  });
});
