import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { spawn } from 'node:child_process';
import { inspect } from 'node:util';
import axios, { type AxiosInstance, type InternalAxiosRequestConfig } from 'axios';
import MockAdapter from 'axios-mock-adapter';
import Redis from 'ioredis';
import {
  attachTokenAuth,
  bankOfGeorgia,
  brainysoft,
  chatlayer,
  clientCredentials,
  gigachat,
  parseTokenResponse,
  TokenManager,
  TokenRequestError,
  type Token,
  type TokenProvider,
  type TokenStore,
} from '../../src/index';
import { RedisTokenStore } from '../../src/redis';
import { BroadcastTokenStore } from '../../src/browser';
import { describeWithRedis, startRedisServer, type RedisServer } from '../support/redis-server';

// The public contract, checked from the outside: every case names the sentence it checks.

interface SeenRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
}

interface Reply {
  readonly status?: number;
  readonly headers?: Record<string, string>;
  readonly body?: string | object;
  readonly delayMs?: number;
  readonly hang?: boolean;
}

interface TestServer {
  readonly url: string;
  readonly requests: SeenRequest[];
  close(): Promise<void>;
}

const servers: TestServer[] = [];
let pathCounter = 0;

async function tokenServer(reply: (req: SeenRequest, n: number) => Reply): Promise<TestServer> {
  const requests: SeenRequest[] = [];
  const hanging = new Set<ServerResponse>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const seen: SeenRequest = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(seen);
      const r = reply(seen, requests.length);
      if (r.hang) {
        hanging.add(res);
        return;
      }
      const send = (): void => {
        const body = typeof r.body === 'string' ? r.body : JSON.stringify(r.body ?? {});
        const type = typeof r.body === 'string' ? 'text/plain' : 'application/json';
        res.writeHead(r.status ?? 200, { 'content-type': type, ...r.headers });
        res.end(body);
      };
      if (r.delayMs) setTimeout(send, r.delayMs);
      else send();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  pathCounter += 1;
  const ts: TestServer = {
    url: `http://127.0.0.1:${port}/oauth/token${pathCounter}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of hanging) res.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  servers.push(ts);
  return ts;
}

const managers: TokenManager[] = [];
function manager(options: ConstructorParameters<typeof TokenManager>[0] = {}): TokenManager {
  const m = new TokenManager(options);
  managers.push(m);
  return m;
}

afterEach(async () => {
  for (const m of managers.splice(0)) m.dispose();
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

const okToken = (accessToken = 'at-1', extra: object = {}): Reply => ({
  body: { access_token: accessToken, token_type: 'Bearer', expires_in: 300, ...extra },
});

function formDecode(s: string): string {
  return decodeURIComponent(s.replace(/\+/g, ' '));
}

function basicParts(header: string | undefined): [string, string] {
  expect(header).toMatch(/^Basic /);
  const decoded = Buffer.from(header!.slice(6), 'base64').toString('utf8');
  const i = decoded.indexOf(':');
  return [decoded.slice(0, i), decoded.slice(i + 1)];
}

/** An axios instance whose every request is answered by `reply` and recorded. */
function mockHttp(
  reply: (config: InternalAxiosRequestConfig) => [number, unknown, Record<string, string>?],
): {
  http: AxiosInstance;
  seen: InternalAxiosRequestConfig[];
} {
  const http = axios.create();
  const seen: InternalAxiosRequestConfig[] = [];
  new MockAdapter(http).onAny().reply((config) => {
    seen.push(config as InternalAxiosRequestConfig);
    return reply(config as InternalAxiosRequestConfig);
  });
  return { http, seen };
}

function headerOf(config: InternalAxiosRequestConfig, name: string): string | undefined {
  const h = config.headers as unknown as Record<string, unknown> & { get?: (n: string) => unknown };
  const v = typeof h.get === 'function' ? h.get(name) : h[name];
  return v == null ? undefined : String(v);
}

function bodyParams(config: InternalAxiosRequestConfig): URLSearchParams {
  const d: unknown = config.data;
  if (d instanceof URLSearchParams) return d;
  if (typeof d === 'string') return new URLSearchParams(d);
  return new URLSearchParams((d ?? {}) as Record<string, string>);
}

/** A provider under the test's control. */
function fakeProvider(
  key: string,
  make: (n: number) => Partial<Token> | Promise<Partial<Token>> = (n) => ({ accessToken: `tok-${n}` }),
): TokenProvider & { calls: number; signals: (AbortSignal | undefined)[] } {
  const p = {
    key,
    calls: 0,
    signals: [] as (AbortSignal | undefined)[],
    async fetchToken(ctx: { signal?: AbortSignal }): Promise<Token> {
      p.calls += 1;
      p.signals.push(ctx.signal);
      const t = await make(p.calls);
      return {
        accessToken: `tok-${p.calls}`,
        tokenType: 'Bearer',
        expiresAt: Date.now() + 600_000,
        raw: {},
        ...t,
      };
    },
  };
  return p;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const flush = async (): Promise<void> => {
  for (let i = 0; i < 10; i += 1) await Promise.resolve();
  await sleep(5);
};

function deferred<T>(): { promise: Promise<T>; resolve: (v: T) => void; reject: (e: unknown) => void } {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** An API instance on a mocked origin, recording the Authorization header of each request. */
function api(status: (auth: string | undefined, n: number) => number = () => 200): {
  instance: AxiosInstance;
  auths: (string | undefined)[];
  mock: MockAdapter;
} {
  const instance = axios.create({ baseURL: 'https://api.test/v1' });
  const auths: (string | undefined)[] = [];
  const mock = new MockAdapter(instance);
  mock.onAny().reply((config) => {
    const auth = headerOf(config as InternalAxiosRequestConfig, 'Authorization');
    auths.push(auth);
    const s = status(auth, auths.length);
    return [s, { ok: s < 400 }];
  });
  return { instance, auths, mock };
}

async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error('expected a rejection');
}

function b64(s: string): string {
  return Buffer.from(s, 'utf8').toString('base64');
}

function jwt(payload: object): string {
  const enc = (o: object): string => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${enc({ alg: 'none', typ: 'JWT' })}.${enc(payload)}.sig`;
}

// ---------------------------------------------------------------------------------------------
describe('Types', () => {
  test("Token.tokenType: 'Bearer' when the server says nothing", async () => {
    const s = await tokenServer(() => ({ body: { access_token: 'a', expires_in: 60 } }));
    const p = clientCredentials({ tokenUrl: s.url, clientId: 'id', clientSecret: 'sec' });
    const t = await manager().getToken(p);
    expect(t.tokenType).toBe('Bearer');
  });

  test('Token.expiresAt: absolute, epoch milliseconds; raw: the parsed response body (sessid, refresh_expires_in)', async () => {
    const s = await tokenServer(() => ({
      body: { access_token: 'a', expires_in: 120, sessid: 's-1', refresh_expires_in: 1800 },
    }));
    const before = Date.now();
    const t = await manager().getToken(
      clientCredentials({ tokenUrl: s.url, clientId: 'id', clientSecret: 'sec' }),
    );
    expect(t.expiresAt).toBeGreaterThanOrEqual(before + 120_000 - 50);
    expect(t.expiresAt).toBeLessThanOrEqual(Date.now() + 120_000);
    expect(t.raw).toMatchObject({ sessid: 's-1', refresh_expires_in: 1800 });
  });

  test('Any object of that shape is a provider: { key, fetchToken(ctx) } used by attachTokenAuth', async () => {
    const p = fakeProvider('frontend-session', () => ({ accessToken: 'from-backend' }));
    const { instance, auths } = api();
    attachTokenAuth(instance, { provider: p, manager: manager() });
    await instance.get('/x');
    expect(auths).toEqual(['Bearer from-backend']);
  });
});

// ---------------------------------------------------------------------------------------------
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

  test('key: never contains the secret', () => {
    const p = clientCredentials({
      tokenUrl: 'https://auth.test/t',
      clientId: 'kid',
      clientSecret: 'super-secret-xyz',
    });
    expect(typeof p.key).toBe('string');
    expect(p.key).not.toContain('super-secret-xyz');
  });

  test('key: derived from tokenUrl + clientId + scope + audience (equal settings share, each differs)', () => {
    const base = {
      tokenUrl: 'https://auth.test/t',
      clientId: 'kid',
      clientSecret: 's1',
      scope: 'a',
      audience: 'x',
    };
    const k = clientCredentials(base).key;
    expect(clientCredentials({ ...base }).key).toBe(k);
    expect(clientCredentials({ ...base, tokenUrl: 'https://auth.test/u' }).key).not.toBe(k);
    expect(clientCredentials({ ...base, clientId: 'other' }).key).not.toBe(k);
    expect(clientCredentials({ ...base, scope: 'b' }).key).not.toBe(k);
    expect(clientCredentials({ ...base, audience: 'y' }).key).not.toBe(k);
  });

  test('equal keys share one cached token: providers told apart by extraParams never send each other’s token', async () => {
    const s = await tokenServer((r, n) => okToken(`for-${new URLSearchParams(r.body).get('resource')}-${n}`));
    const m = manager();
    const apis = ['graph', 'vault'].map((resource) => {
      const instance = axios.create({ baseURL: `https://${resource}.test` });
      const auths: string[] = [];
      new MockAdapter(instance).onAny().reply((c) => {
        const a = String(headerOf(c as InternalAxiosRequestConfig, 'Authorization'));
        auths.push(a);
        return a.startsWith(`Bearer for-${resource}-`) ? [200, {}] : [401, {}];
      });
      const provider = clientCredentials({
        tokenUrl: s.url,
        clientId: 'app',
        clientSecret: 's',
        extraParams: { resource },
      });
      attachTokenAuth(instance, { provider, manager: m });
      return { instance, auths };
    });
    for (let i = 0; i < 2; i += 1) for (const { instance } of apis) await instance.get('/x');
    expect(apis[0]!.auths).toEqual(['Bearer for-graph-1', 'Bearer for-graph-1']);
    expect(apis[1]!.auths).toEqual(['Bearer for-vault-2', 'Bearer for-vault-2']);
    expect(s.requests).toHaveLength(2);
  });

  test('key: an explicit key option is the cache key', () => {
    const p = clientCredentials({
      tokenUrl: 'https://auth.test/t',
      clientId: 'i',
      clientSecret: 's',
      key: 'my-key',
    });
    expect(p.key).toBe('my-key');
  });

  test('http: an axios instance used for the token request itself', async () => {
    const { http, seen } = mockHttp(() => [200, { access_token: 'via-http', expires_in: 60 }]);
    const p = clientCredentials({ tokenUrl: 'https://auth.test/t', clientId: 'i', clientSecret: 's', http });
    expect((await manager().getToken(p)).accessToken).toBe('via-http');
    expect(seen[0]!.url).toContain('https://auth.test/t');
  });

  test('http: a config (such as headers/httpsAgent) accepted for the private instance', async () => {
    const s = await tokenServer(() => okToken('cfg'));
    const p = clientCredentials({
      tokenUrl: s.url,
      clientId: 'i',
      clientSecret: 's',
      http: { headers: { 'X-From-Config': 'yes' } },
    });
    expect((await manager().getToken(p)).accessToken).toBe('cfg');
    expect(s.requests[0]!.headers['x-from-config']).toBe('yes');
  });

  test('the token request never goes through the interceptors being attached (http: the attached instance)', async () => {
    const instance = axios.create({ baseURL: 'https://api.test' });
    const mock = new MockAdapter(instance);
    const tokenAuths: (string | undefined)[] = [];
    mock.onPost('https://auth.test/token').reply((c) => {
      tokenAuths.push(headerOf(c as InternalAxiosRequestConfig, 'Authorization'));
      return [200, { access_token: 'self', expires_in: 60 }];
    });
    mock.onGet('/x').reply(200, {});
    const p = clientCredentials({
      tokenUrl: 'https://auth.test/token',
      clientId: 'i',
      clientSecret: 's',
      http: instance,
    });
    attachTokenAuth(instance, { provider: p, manager: manager(), origins: '*' });
    await instance.get('/x');
    expect(tokenAuths).toHaveLength(1);
    expect(tokenAuths[0]).toMatch(/^Basic /);
  });
});

// ---------------------------------------------------------------------------------------------
describe('Presets', () => {
  const gigaResponse = (): [number, unknown] => [
    200,
    { access_token: 'g-tok', expires_at: Date.now() + 1_800_000 },
  ];

  test('gigachat: tokenUrl default https://ngw.devices.sberbank.ru:9443/api/v2/oauth', async () => {
    const { http, seen } = mockHttp(gigaResponse);
    await manager().getToken(gigachat({ credentials: b64('cid:csec'), http }));
    expect(seen[0]!.url).toBe('https://ngw.devices.sberbank.ru:9443/api/v2/oauth');
    expect(seen[0]!.method).toBe('post');
  });

  test("gigachat: scope default 'GIGACHAT_API_PERS', sent as form body scope=...", async () => {
    const { http, seen } = mockHttp(gigaResponse);
    await manager().getToken(gigachat({ credentials: b64('cid:csec'), http }));
    expect(bodyParams(seen[0]!).get('scope')).toBe('GIGACHAT_API_PERS');
  });

  test.each(['GIGACHAT_API_B2B', 'GIGACHAT_API_CORP'] as const)(
    'gigachat: scope %s accepted',
    async (scope) => {
      const { http, seen } = mockHttp(gigaResponse);
      await manager().getToken(gigachat({ credentials: b64('cid:csec'), scope, http }));
      expect(bodyParams(seen[0]!).get('scope')).toBe(scope);
    },
  );

  test("gigachat: authScheme default 'Basic' sends the authorization key as is", async () => {
    const { http, seen } = mockHttp(gigaResponse);
    const credentials = b64('cid:csec');
    await manager().getToken(gigachat({ credentials, http }));
    expect(headerOf(seen[0]!, 'Authorization')).toBe(`Basic ${credentials}`);
  });

  test("gigachat: authScheme 'Bearer'", async () => {
    const { http, seen } = mockHttp(gigaResponse);
    const credentials = b64('cid:csec');
    await manager().getToken(gigachat({ credentials, authScheme: 'Bearer', http }));
    expect(headerOf(seen[0]!, 'Authorization')).toBe(`Bearer ${credentials}`);
  });

  test('gigachat: clientId+clientSecret are encoded into the authorization key', async () => {
    const { http, seen } = mockHttp(gigaResponse);
    await manager().getToken(gigachat({ clientId: 'cid', clientSecret: 'csec', http }));
    expect(headerOf(seen[0]!, 'Authorization')).toBe(`Basic ${b64('cid:csec')}`);
  });

  test('gigachat: a fresh UUID v4 RqUID header per token request; Accept: application/json', async () => {
    const { http, seen } = mockHttp(gigaResponse);
    const m = manager();
    const p = gigachat({ credentials: b64('cid:csec'), http });
    await m.getToken(p);
    await m.getToken(p, { forceRefresh: true });
    const v4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;
    const ids = seen.map((c) => headerOf(c, 'RqUID'));
    expect(ids[0]).toMatch(v4);
    expect(ids[1]).toMatch(v4);
    expect(ids[0]).not.toBe(ids[1]);
    expect(headerOf(seen[0]!, 'Accept')).toMatch(/^application\/json/);
  });

  test('gigachat: accepts tokenUrl to override the default', async () => {
    const s = await tokenServer(() => ({ body: { access_token: 'g', expires_at: Date.now() + 600_000 } }));
    const t = await manager().getToken(gigachat({ credentials: b64('a:b'), tokenUrl: s.url }));
    expect(t.accessToken).toBe('g');
    expect(s.requests[0]!.headers.rquid).toBeDefined();
  });

  test('gigachat: key never reveals the credentials (client id, or a fingerprint)', () => {
    const credentials = b64('client-id-123:very-secret-456');
    const key = gigachat({ credentials }).key;
    expect(key).not.toContain(credentials);
    expect(key).not.toContain('very-secret-456');
    expect(gigachat({ credentials }).key).toBe(key);
    expect(gigachat({ credentials, scope: 'GIGACHAT_API_CORP' }).key).not.toBe(key);
  });

  test('brainysoft: tokenUrl https://{customerKey}-auth.brainysoft.ru/oauth/token, client_secret_post', async () => {
    const { http, seen } = mockHttp(() => [200, { access_token: 'b', expires_in: 60 }]);
    await manager().getToken(
      brainysoft({ customerKey: 'acme', clientId: 'bid', clientSecret: 'bsec', http }),
    );
    expect(seen[0]!.url).toBe('https://acme-auth.brainysoft.ru/oauth/token');
    const body = bodyParams(seen[0]!);
    expect(body.get('client_id')).toBe('bid');
    expect(body.get('client_secret')).toBe('bsec');
    expect(headerOf(seen[0]!, 'Authorization')).toBeUndefined();
  });

  test("brainysoft: authMethod 'client_secret_query'", async () => {
    const { http, seen } = mockHttp(() => [200, { access_token: 'b', expires_in: 60 }]);
    await manager().getToken(
      brainysoft({
        customerKey: 'acme',
        clientId: 'bid',
        clientSecret: 'bsec',
        authMethod: 'client_secret_query',
        http,
      }),
    );
    const c = seen[0]!;
    const u = new URL(axios.getUri(c));
    expect(u.searchParams.get('client_id')).toBe('bid');
    expect(u.searchParams.get('client_secret')).toBe('bsec');
    expect(u.searchParams.get('grant_type')).toBe('client_credentials');
  });

  test('brainysoft: tokenUrl instead of customerKey', async () => {
    const s = await tokenServer(() => okToken('bs'));
    const t = await manager().getToken(
      brainysoft({ tokenUrl: s.url, clientId: 'bid', clientSecret: 'bsec' }),
    );
    expect(t.accessToken).toBe('bs');
    expect(new URLSearchParams(s.requests[0]!.body).get('client_secret')).toBe('bsec');
  });

  test('chatlayer: default tokenUrl and client_secret_post', async () => {
    const { http, seen } = mockHttp(() => [200, { access_token: 'c', expires_in: 60 }]);
    await manager().getToken(chatlayer({ clientId: 'cid', clientSecret: 'csec', http }));
    expect(seen[0]!.url).toBe(
      'https://auth.prod.europe-west1.gc.chatlayer.ai/auth/realms/Chatlayer/protocol/openid-connect/token',
    );
    expect(bodyParams(seen[0]!).get('client_secret')).toBe('csec');
    expect(headerOf(seen[0]!, 'Authorization')).toBeUndefined();
  });

  test('bankOfGeorgia: default tokenUrl and client_secret_basic', async () => {
    const { http, seen } = mockHttp(() => [200, { access_token: 'g', expires_in: Date.now() + 600_000 }]);
    const t = await manager().getToken(bankOfGeorgia({ clientId: 'gid', clientSecret: 'gsec', http }));
    expect(seen[0]!.url).toBe('https://oauth2.bog.ge/auth/realms/bog/protocol/openid-connect/token');
    const [id, sec] = basicParts(headerOf(seen[0]!, 'Authorization'));
    expect([id, sec]).toEqual(['gid', 'gsec']);
    expect(bodyParams(seen[0]!).get('client_secret')).toBeNull();
    expect(t.accessToken).toBe('g');
  });

  test('presets accept tokenUrl to override the default (chatlayer, bankOfGeorgia)', async () => {
    const s = await tokenServer(() => okToken('o'));
    const m = manager();
    await m.getToken(chatlayer({ clientId: 'c', clientSecret: 'b', tokenUrl: s.url }));
    await m.getToken(bankOfGeorgia({ clientId: 'g', clientSecret: 'b', tokenUrl: s.url }));
    expect(s.requests).toHaveLength(2);
  });
});

// ---------------------------------------------------------------------------------------------
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

  test("a token body over 1 MiB is refused (code 'invalid_token_response')", async () => {
    const big = JSON.stringify({ access_token: 'x'.repeat(1024 * 1024 + 10), expires_in: 60 });
    const s = await tokenServer(() => ({ headers: { 'content-type': 'application/json' }, body: big }));
    const err = await rejection(
      manager().getToken(clientCredentials({ tokenUrl: s.url, clientId: 'i', clientSecret: 's' })),
    );
    expect(err).toBeInstanceOf(TokenRequestError);
    expect((err as TokenRequestError).code).toBe('invalid_token_response');
  });

  test('a body just under 1 MiB is accepted', async () => {
    const s = await tokenServer(() => ({
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ access_token: 'y'.repeat(1000 * 1000), expires_in: 60 }),
    }));
    const t = await manager().getToken(
      clientCredentials({ tokenUrl: s.url, clientId: 'i', clientSecret: 's' }),
    );
    expect(t.accessToken).toHaveLength(1000 * 1000);
  });

  test('Date header: clocks differing by more than 5 s move absolute expiries by (local − server)', async () => {
    const skew = 10 * 60_000; // the server is 10 minutes behind
    const s = await tokenServer(() => {
      const serverNow = Date.now() - skew;
      return {
        headers: { date: new Date(serverNow).toUTCString() },
        body: { access_token: 'd', expires_at: serverNow + 1_800_000 },
      };
    });
    const t = await manager().getToken(gigachat({ credentials: b64('a:b'), tokenUrl: s.url }));
    expect(Math.abs(t.expiresAt! - (Date.now() + 1_800_000))).toBeLessThan(3_000);
  });

  test('Date header: a difference of at most 5 s is noise (no correction)', async () => {
    const expiresAt = Date.now() + 1_800_000;
    const s = await tokenServer(() => ({
      headers: { date: new Date(Date.now() - 3_000).toUTCString() },
      body: { access_token: 'd', expires_at: expiresAt },
    }));
    const t = await manager().getToken(gigachat({ credentials: b64('a:b'), tokenUrl: s.url }));
    expect(t.expiresAt).toBe(expiresAt);
  });

  test('Date header: a relative expires_in is not moved', async () => {
    const s = await tokenServer(() => ({
      headers: { date: new Date(Date.now() - 3_600_000).toUTCString() },
      body: { access_token: 'd', expires_in: 600 },
    }));
    const t = await manager().getToken(
      clientCredentials({ tokenUrl: s.url, clientId: 'i', clientSecret: 's' }),
    );
    expect(Math.abs(t.expiresAt! - (Date.now() + 600_000))).toBeLessThan(2_000);
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
});

// ---------------------------------------------------------------------------------------------
describe('TokenManager', () => {
  test('one in-flight fetch per key, whatever the number of callers', async () => {
    const gate = deferred<void>();
    const p = fakeProvider('sf', async () => {
      await gate.promise;
      return {};
    });
    const m = manager();
    const all = Promise.all(Array.from({ length: 50 }, () => m.getToken(p)));
    await flush();
    gate.resolve();
    const tokens = await all;
    expect(p.calls).toBe(1);
    expect(new Set(tokens.map((t) => t.accessToken))).toEqual(new Set(['tok-1']));
  });

  test('equal keys share one cached token; different keys do not', async () => {
    const m = manager();
    const a1 = fakeProvider('same');
    const a2 = fakeProvider('same');
    const b = fakeProvider('other');
    await m.getToken(a1);
    await m.getToken(a2);
    await m.getToken(b);
    expect(a1.calls + a2.calls).toBe(1);
    expect(b.calls).toBe(1);
  });

  test('a failed fetch is not cached', async () => {
    const p = fakeProvider('fail-once', (n) => {
      if (n === 1) throw new Error('boom');
      return {};
    });
    const m = manager();
    await expect(m.getToken(p)).rejects.toThrow();
    const t = await m.getToken(p);
    expect(t.accessToken).toBe('tok-2');
  });

  test('fresh while now < expiresAt − min(refreshSkewMs, lifetime / 2): refreshSkewMs bound', async () => {
    let clock = 5_000_000;
    const p = fakeProvider('fresh-skew', () => ({ expiresAt: clock + 600_000 }));
    const m = manager({ now: () => clock, refreshSkewMs: 60_000 });
    await m.getToken(p);
    clock += 600_000 - 60_000 - 1;
    await m.getToken(p);
    await flush();
    expect(p.calls).toBe(1);
    clock += 2;
    await m.getToken(p);
    await flush();
    expect(p.calls).toBe(2);
  });

  test('fresh while ... lifetime / 2: a short-lived token is refreshed at half its life', async () => {
    let clock = 5_000_000;
    const p = fakeProvider('fresh-half', () => ({ expiresAt: clock + 20_000 }));
    const m = manager({ now: () => clock, refreshSkewMs: 60_000 });
    await m.getToken(p);
    clock += 9_999;
    await m.getToken(p);
    await flush();
    expect(p.calls).toBe(1);
    clock += 2;
    await m.getToken(p);
    await flush();
    expect(p.calls).toBe(2);
  });

  test('lifetime is expiresAt minus the time its token request was sent (a slow response counts)', async () => {
    let clock = 5_000_000;
    const sentAt = clock;
    const p = fakeProvider('lifetime-sent', async (n) => {
      if (n === 1) clock += 10_000; // the request takes 10 s on the manager's clock
      return { expiresAt: sentAt + 40_000 };
    });
    const m = manager({ now: () => clock, refreshSkewMs: 60_000 });
    await m.getToken(p);
    // lifetime 40 s from the send: fresh until sentAt + 20 s (received + 15 s would be wrong)
    clock = sentAt + 19_999;
    await m.getToken(p);
    await flush();
    expect(p.calls).toBe(1);
    clock = sentAt + 20_001;
    await m.getToken(p);
    await flush();
    expect(p.calls).toBe(2);
  });

  test('refreshSkewMs default 60 000', async () => {
    let clock = 5_000_000;
    const p = fakeProvider('skew-default', () => ({ expiresAt: clock + 3_600_000 }));
    const m = manager({ now: () => clock });
    await m.getToken(p);
    clock += 3_600_000 - 60_001;
    await m.getToken(p);
    await flush();
    expect(p.calls).toBe(1);
    clock += 2;
    await m.getToken(p);
    await flush();
    expect(p.calls).toBe(2);
  });

  test('defaultTtlMs default 300 000 (as in the constructor example)', async () => {
    let clock = 5_000_000;
    const p = fakeProvider('ttl-default', () => ({ expiresAt: null }));
    const m = manager({ now: () => clock });
    await m.getToken(p);
    clock += 300_000 - 60_001;
    await m.getToken(p);
    await flush();
    expect(p.calls).toBe(1);
    clock += 2;
    await m.getToken(p);
    await flush();
    expect(p.calls).toBe(2);
  });

  test('getToken(provider, { forceRefresh: true }) fetches even when fresh', async () => {
    const p = fakeProvider('force');
    const m = manager();
    await m.getToken(p);
    const t = await m.getToken(p, { forceRefresh: true });
    expect(p.calls).toBe(2);
    expect(t.accessToken).toBe('tok-2');
    expect((await m.getToken(p)).accessToken).toBe('tok-2');
  });

  test('getToken(provider, { signal }): an aborted signal ends that wait, the fetch goes on for others', async () => {
    const gate = deferred<void>();
    const p = fakeProvider('abort-wait', async () => {
      await gate.promise;
      return {};
    });
    const m = manager();
    const ac = new AbortController();
    const mine = m.getToken(p, { signal: ac.signal });
    const other = m.getToken(p);
    await flush();
    ac.abort();
    const started = Date.now();
    await expect(mine).rejects.toBeDefined();
    expect(Date.now() - started).toBeLessThan(100);
    gate.resolve();
    expect((await other).accessToken).toBe('tok-1');
    expect(p.calls).toBe(1);
  });

  test('invalidate(key) drops the cached token', async () => {
    const p = fakeProvider('inv');
    const m = manager();
    await m.getToken(p);
    await m.invalidate('inv');
    expect((await m.getToken(p)).accessToken).toBe('tok-2');
  });

  test('invalidate(key, accessToken): only if that is still the cached one', async () => {
    const p = fakeProvider('inv-cas');
    const m = manager();
    await m.getToken(p);
    await m.invalidate('inv-cas', 'not-the-cached-one');
    expect((await m.getToken(p)).accessToken).toBe('tok-1');
    await m.invalidate('inv-cas', 'tok-1');
    expect((await m.getToken(p)).accessToken).toBe('tok-2');
    expect(p.calls).toBe(2);
  });

  test('store: get/set(key, token, ttlMs)/delete, sync: the manager writes to it and reads from it', async () => {
    const map = new Map<string, Token>();
    const calls: string[] = [];
    const store: TokenStore = {
      get: (k) => {
        calls.push(`get:${k}`);
        return map.get(k);
      },
      set: (k, t, ttl) => {
        calls.push(`set:${k}`);
        expect(ttl).toBeGreaterThan(0);
        expect(ttl).toBeLessThanOrEqual(600_000);
        map.set(k, t);
      },
      delete: (k, at) => {
        calls.push(`delete:${k}:${at ?? ''}`);
        if (at === undefined || map.get(k)?.accessToken === at) map.delete(k);
      },
    };
    const p = fakeProvider('store-sync');
    const m = manager({ store });
    await m.getToken(p);
    expect(map.get('store-sync')?.accessToken).toBe('tok-1');
    await m.invalidate('store-sync', 'tok-1');
    expect(calls).toContain('delete:store-sync:tok-1');
    expect(map.has('store-sync')).toBe(false);
  });

  test('store: a token already in the store is used without a fetch (async store)', async () => {
    const seeded: Token = {
      accessToken: 'seeded',
      tokenType: 'Bearer',
      expiresAt: Date.now() + 600_000,
      raw: {},
    };
    const store: TokenStore = {
      get: async (k) => (k === 'store-async' ? seeded : undefined),
      set: async () => undefined,
      delete: async () => undefined,
    };
    const p = fakeProvider('store-async');
    const t = await manager({ store }).getToken(p);
    expect(t.accessToken).toBe('seeded');
    expect(p.calls).toBe(0);
  });

  test('store errors are caught: the manager keeps its own in-memory copy, one fetch, no failed request', async () => {
    const store: TokenStore = {
      get: () => {
        throw new Error('store down');
      },
      set: async () => {
        throw new Error('store down');
      },
      delete: () => {
        throw new Error('store down');
      },
    };
    const p = fakeProvider('store-down');
    const m = manager({ store });
    expect((await m.getToken(p)).accessToken).toBe('tok-1');
    expect((await m.getToken(p)).accessToken).toBe('tok-1');
    expect(p.calls).toBe(1);
    await m.invalidate('store-down', 'tok-1');
    expect((await m.getToken(p)).accessToken).toBe('tok-2');
  });

  test('store.singleFlight(key, fn): the manager routes its fetch through it and gets fn’s result', async () => {
    const map = new Map<string, Token>();
    const keys: string[] = [];
    const store: TokenStore = {
      get: (k) => map.get(k),
      set: (k, t) => void map.set(k, t),
      delete: (k) => void map.delete(k),
      singleFlight: async <T>(key: string, fn: () => Promise<T>): Promise<T> => {
        keys.push(key);
        return fn();
      },
    };
    const p = fakeProvider('sfl');
    const t = await manager({ store }).getToken(p);
    expect(keys).toEqual(['sfl']);
    expect(t.accessToken).toBe('tok-1');
  });

  test('singleFlight: fn first re-reads the store and returns a fresh token another holder just wrote', async () => {
    const map = new Map<string, Token>();
    const store: TokenStore = {
      get: (k) => map.get(k),
      set: (k, t) => void map.set(k, t),
      delete: (k) => void map.delete(k),
      singleFlight: async <T>(key: string, fn: () => Promise<T>): Promise<T> => {
        // another process wrote a token while this one waited for the lock
        map.set(key, {
          accessToken: 'other-process',
          tokenType: 'Bearer',
          expiresAt: Date.now() + 600_000,
          raw: {},
        });
        return fn();
      },
    };
    const p = fakeProvider('sfl-reread');
    const t = await manager({ store }).getToken(p);
    expect(t.accessToken).toBe('other-process');
    expect(p.calls).toBe(0);
  });

  test('singleFlight with forceRefresh: only a token different from the one being replaced counts', async () => {
    const map = new Map<string, Token>();
    const store: TokenStore = {
      get: (k) => map.get(k),
      set: (k, t) => void map.set(k, t),
      delete: (k) => void map.delete(k),
      singleFlight: async <T>(_key: string, fn: () => Promise<T>): Promise<T> => fn(),
    };
    const p = fakeProvider('sfl-force');
    const m = manager({ store });
    await m.getToken(p);
    const t = await m.getToken(p, { forceRefresh: true });
    expect(t.accessToken).toBe('tok-2');
    expect(p.calls).toBe(2);
  });

  test('singleFlight returns fn’s errors unchanged', async () => {
    const store: TokenStore = {
      get: () => undefined,
      set: () => undefined,
      delete: () => undefined,
      singleFlight: async <T>(_key: string, fn: () => Promise<T>): Promise<T> => fn(),
    };
    const boom = new Error('provider says no');
    const p = fakeProvider('sfl-err', () => {
      throw boom;
    });
    const err = await rejection(manager({ store }).getToken(p));
    expect(err).toBe(boom);
  });

  test('an error thrown before fn runs is a store failure: the manager runs fn locally', async () => {
    const store: TokenStore = {
      get: () => undefined,
      set: () => undefined,
      delete: () => undefined,
      singleFlight: async () => {
        throw new Error('lock service down');
      },
    };
    const p = fakeProvider('sfl-down');
    const t = await manager({ store }).getToken(p);
    expect(t.accessToken).toBe('tok-1');
    expect(p.calls).toBe(1);
  });

  test('onEvent: fetch and fetched (with expiresAt), with type and key', async () => {
    const events: Record<string, unknown>[] = [];
    const expiresAt = Date.now() + 600_000;
    const p = fakeProvider('ev', () => ({ expiresAt }));
    await manager({ onEvent: (e) => void events.push(e as unknown as Record<string, unknown>) }).getToken(p);
    expect(events.find((e) => e.type === 'fetch')).toMatchObject({ type: 'fetch', key: 'ev' });
    expect(events.find((e) => e.type === 'fetched')).toMatchObject({ type: 'fetched', key: 'ev', expiresAt });
  });

  test('onEvent: fetch_failed with the error', async () => {
    const events: Record<string, unknown>[] = [];
    const boom = new Error('nope');
    const p = fakeProvider('ev-fail', () => {
      throw boom;
    });
    await rejection(
      manager({ onEvent: (e) => void events.push(e as unknown as Record<string, unknown>) }).getToken(p),
    );
    const failed = events.find((e) => e.type === 'fetch_failed');
    expect(failed).toMatchObject({ type: 'fetch_failed', key: 'ev-fail' });
    // what a custom provider threw is reported as the TokenRequestError a request would see
    expect(failed!.error).toBeInstanceOf(Error);
    expect(String((failed!.error as Error).message)).toContain('nope');
  });

  test('onEvent: invalidated', async () => {
    const events: Record<string, unknown>[] = [];
    const p = fakeProvider('ev-inv');
    const m = manager({ onEvent: (e) => void events.push(e as unknown as Record<string, unknown>) });
    await m.getToken(p);
    await m.invalidate('ev-inv', 'tok-1');
    expect(events.find((e) => e.type === 'invalidated')).toMatchObject({
      type: 'invalidated',
      key: 'ev-inv',
    });
  });

  test('onEvent: retry (a request replayed after 401); events never carry a secret or a token', async () => {
    const events: Record<string, unknown>[] = [];
    const s = await tokenServer((_r, n) => okToken(`secret-token-${n}`));
    const m = manager({ onEvent: (e) => void events.push(e as unknown as Record<string, unknown>) });
    const { instance } = api((_a, n) => (n === 1 ? 401 : 200));
    attachTokenAuth(instance, {
      provider: clientCredentials({ tokenUrl: s.url, clientId: 'cid', clientSecret: 'client-secret-value' }),
      manager: m,
    });
    await instance.get('/x');
    expect(events.map((e) => e.type)).toEqual(
      expect.arrayContaining(['fetch', 'fetched', 'invalidated', 'retry']),
    );
    const text = inspect(events, { depth: 10 }) + JSON.stringify(events);
    expect(text).not.toContain('secret-token-');
    expect(text).not.toContain('client-secret-value');
  });

  test('a throwing onEvent does not break the request path', async () => {
    const p = fakeProvider('ev-throw');
    const m = manager({
      onEvent: () => {
        throw new Error('logger down');
      },
    });
    expect((await m.getToken(p)).accessToken).toBe('tok-1');
  });

  test('dispose() clears its cache', async () => {
    const p = fakeProvider('disp');
    const m = new TokenManager();
    await m.getToken(p);
    m.dispose();
    const m2 = manager();
    await m2.getToken(p);
    expect(p.calls).toBe(2);
  });

  test('timers never overflow (delays above 2^31−1 ms are clamped): no TimeoutOverflowWarning', async () => {
    const warnings: string[] = [];
    const onWarning = (w: Error): void => void warnings.push(w.name);
    process.on('warning', onWarning);
    try {
      const p = fakeProvider('far', () => ({ expiresAt: Date.now() + 40 * 86_400_000 }));
      const m = manager({ maxTtlMs: 60 * 86_400_000 } as ConstructorParameters<typeof TokenManager>[0]);
      await m.getToken(p);
      await sleep(50);
      await m.getToken(p);
      expect(p.calls).toBe(1);
      expect(warnings).not.toContain('TimeoutOverflowWarning');
    } finally {
      process.off('warning', onWarning);
    }
  });

  test('a process-wide default manager: two axios instances with equal provider settings share one token', async () => {
    const s = await tokenServer(() => okToken('shared'));
    const a = api();
    const b = api();
    attachTokenAuth(a.instance, {
      provider: clientCredentials({ tokenUrl: s.url, clientId: 'd', clientSecret: 'x' }),
    });
    attachTokenAuth(b.instance, {
      provider: clientCredentials({ tokenUrl: s.url, clientId: 'd', clientSecret: 'x' }),
    });
    await Promise.all([a.instance.get('/x'), b.instance.get('/y')]);
    await a.instance.get('/z');
    expect(s.requests).toHaveLength(1);
    expect([...a.auths, ...b.auths]).toEqual(['Bearer shared', 'Bearer shared', 'Bearer shared']);
  });
});

// ---------------------------------------------------------------------------------------------
describe('attachTokenAuth', () => {
  test('returns detach(): after it, requests carry no token', async () => {
    const { instance, auths } = api();
    const detach = attachTokenAuth(instance, { provider: fakeProvider('det'), manager: manager() });
    expect(typeof detach).toBe('function');
    await instance.get('/a');
    detach();
    await instance.get('/b');
    expect(auths).toEqual(['Bearer tok-1', undefined]);
  });

  test('provider: (config) => TokenProvider | undefined chooses per request; undefined sends no token', async () => {
    const { instance, auths } = api();
    const pa = fakeProvider('pa', () => ({ accessToken: 'A' }));
    const pb = fakeProvider('pb', () => ({ accessToken: 'B' }));
    attachTokenAuth(instance, {
      manager: manager(),
      provider: (config) =>
        config.url?.startsWith('/a') ? pa : config.url?.startsWith('/b') ? pb : undefined,
    });
    await instance.get('/a');
    await instance.get('/b');
    await instance.get('/public');
    expect(auths).toEqual(['Bearer A', 'Bearer B', undefined]);
  });

  test('manager: the given manager is used', async () => {
    const p = fakeProvider('own-manager');
    const m = manager();
    await m.getToken(p);
    const { instance, auths } = api();
    attachTokenAuth(instance, { provider: p, manager: m });
    await instance.get('/x');
    expect(p.calls).toBe(1);
    expect(auths).toEqual(['Bearer tok-1']);
  });

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

  test('origins default: relative URLs and the baseURL origin get the token; other origins do not', async () => {
    const { instance, auths } = api();
    attachTokenAuth(instance, { provider: fakeProvider('orig'), manager: manager() });
    await instance.get('/rel');
    await instance.get('https://api.test/abs');
    await instance.get('https://evil.test/steal');
    expect(auths).toEqual(['Bearer tok-1', 'Bearer tok-1', undefined]);
  });

  test('origins default without baseURL: a relative URL gets the token, an absolute one does not', async () => {
    const instance = axios.create();
    const auths: (string | undefined)[] = [];
    new MockAdapter(instance).onAny().reply((c) => {
      auths.push(headerOf(c as InternalAxiosRequestConfig, 'Authorization'));
      return [200, {}];
    });
    attachTokenAuth(instance, { provider: fakeProvider('orig-none'), manager: manager() });
    await instance.get('/rel');
    await instance.get('https://elsewhere.test/x');
    expect(auths).toEqual(['Bearer tok-1', undefined]);
  });

  test('origins: string[] of origins', async () => {
    const { instance, auths } = api();
    attachTokenAuth(instance, {
      provider: fakeProvider('orig-list'),
      manager: manager(),
      origins: ['https://partner.test'],
    });
    await instance.get('https://partner.test/x');
    await instance.get('https://evil.test/x');
    expect(auths[0]).toBe('Bearer tok-1');
    expect(auths[1]).toBeUndefined();
  });

  test("origins: '*' sends the token everywhere", async () => {
    const { instance, auths } = api();
    attachTokenAuth(instance, { provider: fakeProvider('orig-star'), manager: manager(), origins: '*' });
    await instance.get('https://anywhere.test/x');
    expect(auths).toEqual(['Bearer tok-1']);
  });

  test('header / scheme: custom header name and scheme', async () => {
    const instance = axios.create({ baseURL: 'https://api.test' });
    const seen: (string | undefined)[] = [];
    new MockAdapter(instance).onAny().reply((c) => {
      seen.push(headerOf(c as InternalAxiosRequestConfig, 'X-Api-Token'));
      return [200, {}];
    });
    attachTokenAuth(instance, {
      provider: fakeProvider('hdr'),
      manager: manager(),
      header: 'X-Api-Token',
      scheme: 'Token',
    });
    await instance.get('/x');
    expect(seen).toEqual(['Token tok-1']);
  });

  test("scheme default: the token's tokenType", async () => {
    const { instance, auths } = api();
    attachTokenAuth(instance, {
      provider: fakeProvider('tt', () => ({ tokenType: 'DPoP', accessToken: 'dp' })),
      manager: manager(),
    });
    await instance.get('/x');
    expect(auths).toEqual(['DPoP dp']);
  });

  test('per request { tokenAuth: false } sends no token (and fetches none)', async () => {
    const { instance, auths } = api();
    const p = fakeProvider('off');
    attachTokenAuth(instance, { provider: p, manager: manager() });
    await instance.get('/x', { tokenAuth: false });
    expect(auths).toEqual([undefined]);
    expect(p.calls).toBe(0);
  });

  test('per request { tokenAuth: { provider } } uses another provider', async () => {
    const { instance, auths } = api();
    const main = fakeProvider('main', () => ({ accessToken: 'MAIN' }));
    const other = fakeProvider('other-p', () => ({ accessToken: 'OTHER' }));
    attachTokenAuth(instance, { provider: main, manager: manager() });
    await instance.get('/x', { tokenAuth: { provider: other } });
    expect(auths).toEqual(['Bearer OTHER']);
    expect(main.calls).toBe(0);
  });

  test('a request that already carries the header (set by the caller) is sent as it is', async () => {
    const { instance, auths } = api();
    const p = fakeProvider('caller-wins');
    attachTokenAuth(instance, { provider: p, manager: manager() });
    await instance.get('/x', { headers: { Authorization: 'Bearer mine' } });
    expect(auths).toEqual(['Bearer mine']);
  });

  test('the caller wins also when its header is lower-case', async () => {
    const { instance, auths } = api();
    attachTokenAuth(instance, { provider: fakeProvider('caller-lc'), manager: manager() });
    await instance.get('/x', { headers: { authorization: 'Basic abc' } });
    expect(auths).toEqual(['Basic abc']);
  });

  test('attaching twice to the same instance throws a clear error (detach first)', () => {
    const { instance } = api();
    const detach = attachTokenAuth(instance, { provider: fakeProvider('twice'), manager: manager() });
    expect(() => attachTokenAuth(instance, { provider: fakeProvider('twice'), manager: manager() })).toThrow(
      /attach/i,
    );
    detach();
    expect(() =>
      attachTokenAuth(instance, { provider: fakeProvider('twice'), manager: manager() }),
    ).not.toThrow();
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
    expect(Date.now() - started).toBeLessThan(100);
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

// ---------------------------------------------------------------------------------------------
describe('Errors', () => {
  test("TokenRequestError extends Error, name 'TokenRequestError', providerKey", async () => {
    const s = await tokenServer(() => ({ status: 400, body: { error: 'invalid_request' } }));
    const p = clientCredentials({ tokenUrl: s.url, clientId: 'i', clientSecret: 's' });
    const err = (await rejection(manager().getToken(p))) as TokenRequestError;
    expect(err).toBeInstanceOf(Error);
    expect(err).toBeInstanceOf(TokenRequestError);
    expect(err.name).toBe('TokenRequestError');
    expect(err.providerKey).toBe(p.key);
    expect(err.status).toBe(400);
    expect(err.code).toBe('invalid_request');
  });

  test('code: GigaChat numeric code, description: GigaChat message', async () => {
    const s = await tokenServer(() => ({
      status: 401,
      body: { code: 6, message: "credentials doesn't match db data" },
    }));
    const err = (await rejection(
      manager().getToken(gigachat({ credentials: b64('a:b'), tokenUrl: s.url })),
    )) as TokenRequestError;
    expect(err.status).toBe(401);
    expect(String(err.code)).toBe('6');
    expect(err.description).toBe("credentials doesn't match db data");
  });

  test("code: 'invalid_token_response' for a 200 without an access token", async () => {
    const s = await tokenServer(() => ({ body: { token_type: 'Bearer', expires_in: 60 } }));
    const err = (await rejection(
      manager().getToken(clientCredentials({ tokenUrl: s.url, clientId: 'i', clientSecret: 's' })),
    )) as TokenRequestError;
    expect(err.code).toBe('invalid_token_response');
  });

  test("code: 'invalid_token_response' for a body that is not a token at all (HTML)", async () => {
    const s = await tokenServer(() => ({
      headers: { 'content-type': 'text/html' },
      body: '<html>login</html>',
    }));
    const err = (await rejection(
      manager().getToken(clientCredentials({ tokenUrl: s.url, clientId: 'i', clientSecret: 's' })),
    )) as TokenRequestError;
    expect(err).toBeInstanceOf(TokenRequestError);
    expect(err.code).toBe('invalid_token_response');
  });

  test("code: 'network_error' when the token endpoint cannot be reached", async () => {
    const s = await tokenServer(() => okToken());
    const url = s.url;
    await s.close();
    servers.splice(servers.indexOf(s), 1);
    const err = (await rejection(
      manager().getToken(clientCredentials({ tokenUrl: url, clientId: 'i', clientSecret: 's' })),
    )) as TokenRequestError;
    expect(err).toBeInstanceOf(TokenRequestError);
    expect(err.code).toBe('network_error');
    expect(err.status).toBeUndefined();
  });

  test('the message names the provider key, the endpoint and the status', async () => {
    const s = await tokenServer(() => ({ status: 401, body: { error: 'invalid_client' } }));
    const p = clientCredentials({ tokenUrl: s.url, clientId: 'i', clientSecret: 's' });
    const err = (await rejection(manager().getToken(p))) as TokenRequestError;
    expect(err.message).toContain(p.key);
    expect(err.message).toContain(new URL(s.url).host);
    expect(err.message).toContain(new URL(s.url).pathname);
    expect(err.message).toContain('401');
  });

  test('no client secret, Basic header or token in message, stack, properties, cause, toJSON() or inspect', async () => {
    const secret = 'S3cr3t-Client-Value';
    const s = await tokenServer(() => ({
      status: 400,
      body: { error: 'invalid_grant', error_description: 'nope' },
    }));
    const p = clientCredentials({ tokenUrl: s.url, clientId: 'cid', clientSecret: secret });
    const { instance } = api();
    attachTokenAuth(instance, { provider: p, manager: manager() });
    const err = (await rejection(instance.get('/x'))) as TokenRequestError;
    const basic = b64(`cid:${secret}`);
    const json = JSON.stringify(err);
    const texts = [err.message, err.stack ?? '', inspect(err, { depth: 10, showHidden: false }), json];
    const cause = (err as { cause?: unknown }).cause;
    if (cause) texts.push(inspect(cause, { depth: 10 }));
    for (const t of texts) {
      expect(t).not.toContain(secret);
      expect(t).not.toContain(basic);
    }
  });
});

// ---------------------------------------------------------------------------------------------
describeWithRedis('Shared stores: RedisTokenStore', () => {
  let server: RedisServer;
  let redisPort = 0;

  beforeAll(async () => {
    server = await startRedisServer();
    redisPort = server.port;
  });

  afterAll(async () => {
    await server.stop();
  });

  const clients: Redis[] = [];
  function client(): Redis {
    const c = new Redis({ port: redisPort });
    clients.push(c);
    return c;
  }
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => (c.status === 'ready' ? c.quit() : c.disconnect())));
  });

  test('RedisTokenStore(client, { prefix }): tokens stored as plain JSON under the prefix', async () => {
    const c = client();
    const store = new RedisTokenStore(c, { prefix: 'spec-json:' });
    const token: Token = {
      accessToken: 'redis-tok',
      tokenType: 'Bearer',
      expiresAt: Date.now() + 600_000,
      raw: {},
    };
    await store.set('k1', token, 600_000);
    const keys = await c.keys('spec-json:*');
    expect(keys.length).toBeGreaterThan(0);
    const values = await Promise.all(keys.map((k) => c.get(k)));
    const stored = values.map((v) => {
      try {
        return JSON.parse(v ?? '') as { accessToken?: string };
      } catch {
        return {};
      }
    });
    expect(stored.some((v) => v.accessToken === 'redis-tok')).toBe(true);
    expect((await store.get('k1'))?.accessToken).toBe('redis-tok');
  });

  test('RedisTokenStore: set with ttlMs sets a Redis expiry', async () => {
    const c = client();
    const store = new RedisTokenStore(c, { prefix: 'spec-ttl:' });
    await store.set(
      'k',
      { accessToken: 't', tokenType: 'Bearer', expiresAt: Date.now() + 5_000, raw: {} },
      5_000,
    );
    const [key] = await c.keys('spec-ttl:*');
    const pttl = await c.pttl(key!);
    expect(pttl).toBeGreaterThan(0);
    expect(pttl).toBeLessThanOrEqual(5_000);
  });

  test('RedisTokenStore: encryptionKey set → the stored value does not reveal the token', async () => {
    const c = client();
    const store = new RedisTokenStore(c, {
      prefix: 'spec-enc:',
      encryptionKey: Buffer.alloc(32, 7).toString('base64'),
    });
    await store.set(
      'k',
      { accessToken: 'enc-tok-xyz', tokenType: 'Bearer', expiresAt: Date.now() + 60_000, raw: {} },
      60_000,
    );
    const keys = await c.keys('spec-enc:*');
    const values = await Promise.all(keys.map((k) => c.get(k)));
    expect(values.join('')).not.toContain('enc-tok-xyz');
    expect((await store.get('k'))?.accessToken).toBe('enc-tok-xyz');
  });

  test('RedisTokenStore: delete(key, accessToken) is compare-and-delete', async () => {
    const c = client();
    const store = new RedisTokenStore(c, { prefix: 'spec-cad:' });
    await store.set(
      'k',
      { accessToken: 'keep', tokenType: 'Bearer', expiresAt: Date.now() + 60_000, raw: {} },
      60_000,
    );
    await store.delete('k', 'other');
    expect((await store.get('k'))?.accessToken).toBe('keep');
    await store.delete('k', 'keep');
    expect(await store.get('k')).toBeFalsy();
  });

  test('RedisTokenStore adds no listeners to the application’s client', async () => {
    const c = client();
    await c.ping();
    const before = c.eventNames().map((n) => `${String(n)}:${c.listenerCount(n)}`);
    const store = new RedisTokenStore(c, { prefix: 'spec-lst:', lockTtlMs: 5_000, timeoutMs: 1_000 });
    const p = fakeProvider('lst');
    await manager({ store }).getToken(p);
    const after = c.eventNames().map((n) => `${String(n)}:${c.listenerCount(n)}`);
    expect(after).toEqual(before);
  });

  test('RedisTokenStore: two processes (managers, clients) share one fetch via singleFlight', async () => {
    const gate = deferred<void>();
    let calls = 0;
    const make = (): TokenProvider => ({
      key: 'fleet',
      async fetchToken() {
        calls += 1;
        await gate.promise;
        return { accessToken: 'fleet-tok', tokenType: 'Bearer', expiresAt: Date.now() + 600_000, raw: {} };
      },
    });
    const m1 = manager({ store: new RedisTokenStore(client(), { prefix: 'spec-fleet:' }) });
    const m2 = manager({ store: new RedisTokenStore(client(), { prefix: 'spec-fleet:' }) });
    const a = m1.getToken(make());
    await sleep(100);
    const b = m2.getToken(make());
    await sleep(100);
    gate.resolve();
    const [ta, tb] = await Promise.all([a, b]);
    expect(ta.accessToken).toBe('fleet-tok');
    expect(tb.accessToken).toBe('fleet-tok');
    expect(calls).toBe(1);
  });

  test('RedisTokenStore: timeoutMs bounds every command: a dead Redis costs a fetch, never a failed request', async () => {
    const dead = new Redis({
      port: 1,
      lazyConnect: true,
      maxRetriesPerRequest: null,
      retryStrategy: () => null,
    });
    dead.on('error', () => undefined);
    clients.push(dead);
    const store = new RedisTokenStore(dead, { prefix: 'spec-dead:', timeoutMs: 200 });
    const p = fakeProvider('dead-redis');
    const started = Date.now();
    const t = await manager({ store }).getToken(p);
    expect(t.accessToken).toBe('tok-1');
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  test('RedisTokenStore works with a node-redis client too (JSON, compare-and-delete, no listeners added)', async () => {
    const { createClient } = await import('redis');
    const c = createClient({ url: `redis://127.0.0.1:${redisPort}` });
    c.on('error', () => undefined);
    await c.connect();
    try {
      const before = c.eventNames().map((n) => `${String(n)}:${c.listenerCount(n)}`);
      const store = new RedisTokenStore(c, { prefix: 'spec-node:' });
      const m = manager({ store });
      const p = fakeProvider('node-redis');
      await m.getToken(p);
      const keys = await c.keys('spec-node:*');
      const values = await Promise.all(keys.map((k) => c.get(k)));
      expect(
        values.some((v) => v !== null && (JSON.parse(v) as { accessToken?: string }).accessToken === 'tok-1'),
      ).toBe(true);
      await m.invalidate('node-redis', 'tok-1');
      expect(await store.get('node-redis')).toBeFalsy();
      expect(c.eventNames().map((n) => `${String(n)}:${c.listenerCount(n)}`)).toEqual(before);
    } finally {
      await c.quit();
    }
  });
});

describe('Shared stores: BroadcastTokenStore', () => {
  test('BroadcastTokenStore({ channel }): memory only; a token set in one tab reaches another tab', async () => {
    const channel = `spec-bc-${Date.now()}`;
    const s1 = new BroadcastTokenStore({ channel });
    const s2 = new BroadcastTokenStore({ channel });
    try {
      const p1 = fakeProvider('bc');
      const p2 = fakeProvider('bc');
      await manager({ store: s1 }).getToken(p1);
      await sleep(100);
      const t2 = await manager({ store: s2 }).getToken(p2);
      expect(t2.accessToken).toBe('tok-1');
      expect(p2.calls).toBe(0);
    } finally {
      (s1 as unknown as { close?: () => void }).close?.();
      (s2 as unknown as { close?: () => void }).close?.();
    }
  });

  test('BroadcastTokenStore: without navigator.locks it falls back to one fetch per tab (no hang)', async () => {
    const channel = `spec-bc2-${Date.now()}`;
    const s1 = new BroadcastTokenStore({ channel });
    try {
      const p = fakeProvider('bc2');
      const t = await manager({ store: s1 }).getToken(p);
      expect(t.accessToken).toBe('tok-1');
    } finally {
      (s1 as unknown as { close?: () => void }).close?.();
    }
  });

  test('BroadcastTokenStore: a tab opened later asks the other tabs before fetching (with navigator.locks)', async () => {
    const held = new Map<string, Promise<unknown>>();
    const locks = {
      async request<T>(name: string, _o: unknown, cb: () => Promise<T>): Promise<T> {
        while (held.has(name)) await held.get(name)!.catch(() => undefined);
        const run = cb();
        held.set(name, run);
        try {
          return await run;
        } finally {
          held.delete(name);
        }
      },
    };
    const g = globalThis as { navigator?: unknown };
    const had = Object.getOwnPropertyDescriptor(globalThis, 'navigator');
    Object.defineProperty(globalThis, 'navigator', { value: { locks }, configurable: true, writable: true });
    const channel = `spec-bc-late-${Date.now()}`;
    const s1 = new BroadcastTokenStore({ channel });
    let s2: BroadcastTokenStore | undefined;
    try {
      const p1 = fakeProvider('bc-late');
      await manager({ store: s1 }).getToken(p1);
      await sleep(50);
      s2 = new BroadcastTokenStore({ channel });
      const p2 = fakeProvider('bc-late');
      const t2 = await manager({ store: s2 }).getToken(p2);
      expect(t2.accessToken).toBe('tok-1');
      expect(p2.calls).toBe(0);
    } finally {
      s1.close();
      s2?.close();
      if (had) Object.defineProperty(globalThis, 'navigator', had);
      else delete g.navigator;
    }
  });
});

// ---------------------------------------------------------------------------------------------
describe('Edge cases of the same sentences', () => {
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

  test('required options: clientCredentials without clientSecret throws', () => {
    expect(() =>
      clientCredentials({ tokenUrl: 'https://a.test/t', clientId: 'i' } as unknown as Parameters<
        typeof clientCredentials
      >[0]),
    ).toThrow();
  });

  test('gigachat without credentials or id+secret throws', () => {
    expect(() => gigachat({} as unknown as Parameters<typeof gigachat>[0])).toThrow();
  });

  test('brainysoft without customerKey or tokenUrl throws', () => {
    expect(() =>
      brainysoft({ clientId: 'a', clientSecret: 'b' } as unknown as Parameters<typeof brainysoft>[0]),
    ).toThrow();
  });

  test('gigachat: form body content type', async () => {
    const { http, seen } = mockHttp(() => [200, { access_token: 'g', expires_at: Date.now() + 600_000 }]);
    await manager().getToken(gigachat({ credentials: b64('a:b'), http }));
    expect(headerOf(seen[0]!, 'Content-Type')).toMatch(/application\/x-www-form-urlencoded/);
    expect(String(seen[0]!.data)).toBe('scope=GIGACHAT_API_PERS');
  });

  test('Date header moves a JWT exp (absolute) too', async () => {
    const skew = 10 * 60_000;
    const s = await tokenServer(() => {
      const serverNow = Date.now() - skew;
      return {
        headers: { date: new Date(serverNow).toUTCString() },
        body: { access_token: jwt({ exp: Math.floor((serverNow + 1_800_000) / 1000) }) },
      };
    });
    const t = await manager().getToken(
      clientCredentials({ tokenUrl: s.url, clientId: 'i', clientSecret: 's' }),
    );
    expect(Math.abs(t.expiresAt! - (Date.now() + 1_800_000))).toBeLessThan(3_000);
  });

  test('Date header moves an older GigaChat exp (epoch s) too', async () => {
    const skew = 10 * 60_000;
    const s = await tokenServer(() => {
      const serverNow = Date.now() - skew;
      return {
        headers: { date: new Date(serverNow).toUTCString() },
        body: { tok: 'old', exp: Math.floor((serverNow + 1_800_000) / 1000) },
      };
    });
    const t = await manager().getToken(gigachat({ credentials: b64('a:b'), tokenUrl: s.url }));
    expect(Math.abs(t.expiresAt! - (Date.now() + 1_800_000))).toBeLessThan(3_000);
  });

  test('Date header moves an absolute expires_in (Bank of Georgia) too', async () => {
    const skew = -10 * 60_000; // the server is 10 minutes ahead
    const s = await tokenServer(() => {
      const serverNow = Date.now() - skew;
      return {
        headers: { date: new Date(serverNow).toUTCString() },
        body: { access_token: 'b', expires_in: serverNow + 1_800_000 },
      };
    });
    const t = await manager().getToken(bankOfGeorgia({ clientId: 'i', clientSecret: 's', tokenUrl: s.url }));
    expect(Math.abs(t.expiresAt! - (Date.now() + 1_800_000))).toBeLessThan(3_000);
  });

  test('a client whose clock is wrong by days still reads an epoch exp: the window applies to the moved value', async () => {
    // local clock is 2 days ahead of the server: exp (server +30 min) is "two days ago" locally
    const skew = 2 * 86_400_000;
    const s = await tokenServer(() => {
      const serverNow = Date.now() - skew;
      return {
        headers: { date: new Date(serverNow).toUTCString() },
        body: { tok: 'x', exp: Math.floor((serverNow + 1_800_000) / 1000) },
      };
    });
    const t = await manager().getToken(gigachat({ credentials: b64('a:b'), tokenUrl: s.url }));
    expect(Math.abs(t.expiresAt! - (Date.now() + 1_800_000))).toBeLessThan(3_000);
  });

  test('a chunked token body over 1 MiB is refused', async () => {
    const server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
      res.write('{"access_token":"');
      const chunk = 'x'.repeat(64 * 1024);
      for (let i = 0; i < 20; i += 1) res.write(chunk);
      res.end('","expires_in":60}');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    try {
      const err = await rejection(
        manager().getToken(
          clientCredentials({ tokenUrl: `http://127.0.0.1:${port}/big`, clientId: 'i', clientSecret: 's' }),
        ),
      );
      expect((err as TokenRequestError).code).toBe('invalid_token_response');
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });

  test('a gzip token body that inflates over 1 MiB is refused', async () => {
    const { gzipSync } = await import('node:zlib');
    const big = gzipSync(JSON.stringify({ access_token: 'x'.repeat(2 * 1024 * 1024), expires_in: 60 }));
    const server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
      res.end(big);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    try {
      const err = await rejection(
        manager().getToken(
          clientCredentials({ tokenUrl: `http://127.0.0.1:${port}/gz`, clientId: 'i', clientSecret: 's' }),
        ),
      );
      expect((err as TokenRequestError).code).toBe('invalid_token_response');
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });

  test('an error body over 1 MiB (e.g. 500 HTML) fails cleanly', async () => {
    const s = await tokenServer(() => ({
      status: 500,
      headers: { 'content-type': 'text/html' },
      body: 'e'.repeat(3 * 1024 * 1024),
    }));
    const err = (await rejection(
      manager().getToken(clientCredentials({ tokenUrl: s.url, clientId: 'i', clientSecret: 's' })),
    )) as TokenRequestError;
    expect(err).toBeInstanceOf(TokenRequestError);
    expect(err.status).toBe(500);
    expect(err.message.length).toBeLessThan(2_000);
  });

  test('maxTtlMs of the manager caps a custom provider’s far expiry', async () => {
    let clock = 1_000_000;
    const p = fakeProvider('cap-mgr', () => ({ expiresAt: clock + 365 * 86_400_000 }));
    const m = manager({ now: () => clock, maxTtlMs: 10_000, refreshSkewMs: 0 });
    await m.getToken(p);
    clock += 10_001;
    await m.getToken(p);
    await flush();
    expect(p.calls).toBe(2);
  });

  test('maxTtlMs default 24 h caps a custom provider’s far expiry', async () => {
    let clock = 1_000_000;
    const p = fakeProvider('cap-mgr-default', () => ({ expiresAt: clock + 365 * 86_400_000 }));
    const m = manager({ now: () => clock });
    await m.getToken(p);
    clock += 86_400_000;
    await m.getToken(p);
    await flush();
    expect(p.calls).toBe(2);
  });

  test('getToken with an already-aborted signal rejects without waiting', async () => {
    const gate = deferred<void>();
    const p = fakeProvider('pre-aborted', async () => {
      await gate.promise;
      return {};
    });
    const ac = new AbortController();
    ac.abort();
    await expect(manager().getToken(p, { signal: ac.signal })).rejects.toBeDefined();
    gate.resolve();
  });

  test('a failed fetch rejects every waiter', async () => {
    const gate = deferred<void>();
    const p = fakeProvider('fail-all', async () => {
      await gate.promise;
      throw new Error('down');
    });
    const m = manager();
    const all = Array.from({ length: 5 }, () => rejection(m.getToken(p)));
    gate.resolve();
    const errs = await Promise.all(all);
    expect(errs).toHaveLength(5);
    expect(p.calls).toBe(1);
  });

  test('singleFlight: concurrent callers in one process make one singleFlight call', async () => {
    let n = 0;
    const map = new Map<string, Token>();
    const store: TokenStore = {
      get: (k) => map.get(k),
      set: (k, t) => void map.set(k, t),
      delete: (k) => void map.delete(k),
      singleFlight: async <T>(_key: string, fn: () => Promise<T>): Promise<T> => {
        n += 1;
        await sleep(20);
        return fn();
      },
    };
    const p = fakeProvider('sfl-conc');
    const m = manager({ store });
    await Promise.all(Array.from({ length: 10 }, () => m.getToken(p)));
    expect(n).toBe(1);
    expect(p.calls).toBe(1);
  });

  test('singleFlight with forceRefresh: a different token another holder wrote is taken without a fetch', async () => {
    const map = new Map<string, Token>();
    let injectOther = false;
    const store: TokenStore = {
      get: (k) => map.get(k),
      set: (k, t) => void map.set(k, t),
      delete: (k) => void map.delete(k),
      singleFlight: async <T>(key: string, fn: () => Promise<T>): Promise<T> => {
        if (injectOther)
          map.set(key, {
            accessToken: 'by-other',
            tokenType: 'Bearer',
            expiresAt: Date.now() + 600_000,
            raw: {},
          });
        return fn();
      },
    };
    const p = fakeProvider('sfl-force-other');
    const m = manager({ store });
    await m.getToken(p);
    injectOther = true;
    const t = await m.getToken(p, { forceRefresh: true });
    expect(t.accessToken).toBe('by-other');
    expect(p.calls).toBe(1);
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

  test('origins default: another scheme or port of the baseURL host gets no token', async () => {
    const { instance, auths } = api();
    attachTokenAuth(instance, { provider: fakeProvider('orig-port'), manager: manager() });
    await instance.get('http://api.test/x');
    await instance.get('https://api.test:8443/x');
    await instance.get('https://api.test:443/x');
    expect(auths).toEqual([undefined, undefined, 'Bearer tok-1']);
  });

  test('origins default: a protocol-relative URL to another host gets no token', async () => {
    const { instance, auths } = api();
    attachTokenAuth(instance, { provider: fakeProvider('orig-proto'), manager: manager() });
    await instance.get('//evil.test/x');
    expect(auths).toEqual([undefined]);
  });

  test('origins default: a relative URL with a per-request baseURL to another origin gets no token', async () => {
    const { instance, auths } = api();
    attachTokenAuth(instance, { provider: fakeProvider('orig-req-base'), manager: manager() });
    await instance.get('/x', { baseURL: 'https://evil.test' });
    expect(auths).toEqual([undefined]);
  });

  test('origins: a list adds to relative URLs and the baseURL origin (README: besides them)', async () => {
    const { instance, auths } = api();
    attachTokenAuth(instance, {
      provider: fakeProvider('orig-list2'),
      manager: manager(),
      origins: ['https://partner.test'],
    });
    await instance.get('/rel');
    expect(auths).toEqual(['Bearer tok-1']);
  });
});

describe('Parsing, events and replays', () => {
  test('Token.scope from the response', () => {
    const t = parseTokenResponse({ access_token: 'a', expires_in: 60, scope: 'read write' });
    expect(t.scope).toBe('read write');
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

  test('a no-op compare-and-invalidate emits no invalidated event', async () => {
    const events: string[] = [];
    const p = fakeProvider('noop-inv');
    const m = manager({ onEvent: (e) => void events.push(e.type) });
    await m.getToken(p);
    await m.invalidate('noop-inv', 'stale');
    expect(events).not.toContain('invalidated');
  });

  test('retryOnStatus: [] disables the replay', async () => {
    const { instance, auths } = api(() => 401);
    attachTokenAuth(instance, { provider: fakeProvider('no-retry'), manager: manager(), retryOnStatus: [] });
    await rejection(instance.get('/x'));
    expect(auths).toHaveLength(1);
  });

  test('form-encoded error body is read (code)', async () => {
    const s = await tokenServer(() => ({
      status: 400,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'error=invalid_client&error_description=nope',
    }));
    const err = (await rejection(
      manager().getToken(clientCredentials({ tokenUrl: s.url, clientId: 'i', clientSecret: 's' })),
    )) as TokenRequestError;
    expect(err.code).toBe('invalid_client');
    expect(err.description).toBe('nope');
  });

  test('client_secret_query: the error message names the endpoint without the secret', async () => {
    const s = await tokenServer(() => ({ status: 401, body: { error: 'invalid_client' } }));
    const secret = 'QuerySecret-123456';
    const p = clientCredentials({
      tokenUrl: s.url,
      clientId: 'i',
      clientSecret: secret,
      authMethod: 'client_secret_query',
    });
    const err = (await rejection(manager().getToken(p))) as TokenRequestError;
    expect(err.message).toContain(new URL(s.url).pathname);
    expect(err.message + err.stack + inspect(err, { depth: 10 }) + JSON.stringify(err)).not.toContain(secret);
  });

  test('gigachat key given only credentials: the client id decoded from the key, never the secret', () => {
    const key = gigachat({ credentials: b64('0f8f8f8f-1111-2222-3333-444444444444:s3cr3t') }).key;
    expect(key).toContain('0f8f8f8f-1111-2222-3333-444444444444');
    expect(key).not.toContain('s3cr3t');
  });

  test('nothing the manager does keeps a Node process alive: one that fetched a token over HTTP exits', async () => {
    const s = await tokenServer(() => okToken('child'));
    const script = `
      const { TokenManager, clientCredentials } = require('./dist/index.cjs');
      const m = new TokenManager();
      m.getToken(clientCredentials({ tokenUrl: ${JSON.stringify(s.url)}, clientId: 'i', clientSecret: 's' })).then((t) => console.log('got', t.accessToken));
    `;
    const started = Date.now();
    const child = spawn(process.execPath, ['-e', script], { cwd: process.cwd() });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const code = await new Promise<number | null>((r) => child.on('exit', r));
    expect(out).toContain('got child');
    expect(code).toBe(0);
    expect(Date.now() - started).toBeLessThan(5_000);
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
});
