import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import axios, { type AxiosInstance, type InternalAxiosRequestConfig } from 'axios';
import MockAdapter from 'axios-mock-adapter';
import { TokenManager, type Token, type TokenProvider } from '../../src/index.js';

export { deferred } from './fake-provider.js';

// The servers, fixtures and helpers of the public-contract suite (__tests__/integration/spec-contract/).
// Importing this module registers an afterEach that disposes the managers made by manager() and closes
// the servers started by tokenServer().

/** A request as the token server saw it. */
export interface SeenRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
}

/** What the token server answers: a JSON body for an object, text/plain for a string. */
export interface Reply {
  readonly status?: number;
  readonly headers?: Record<string, string>;
  readonly body?: string | object;
  readonly delayMs?: number;
  readonly hang?: boolean;
}

export interface TestServer {
  readonly url: string;
  readonly requests: SeenRequest[];
  close(): Promise<void>;
}

/** The servers closed after each test; a test that closes one itself takes it out. */
export const servers: TestServer[] = [];
let pathCounter = 0;

/** A loopback token endpoint answering each request with `reply` (n counts from 1) and recording it. */
export async function tokenServer(reply: (req: SeenRequest, n: number) => Reply): Promise<TestServer> {
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

/** A TokenManager disposed after the test. */
export function manager(options: ConstructorParameters<typeof TokenManager>[0] = {}): TokenManager {
  const m = new TokenManager(options);
  managers.push(m);
  return m;
}

afterEach(async () => {
  for (const m of managers.splice(0)) m.dispose();
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

export const okToken = (accessToken = 'at-1', extra: object = {}): Reply => ({
  body: { access_token: accessToken, token_type: 'Bearer', expires_in: 300, ...extra },
});

export function formDecode(s: string): string {
  return decodeURIComponent(s.replace(/\+/g, ' '));
}

/** The id and secret of a Basic header (checked to be one). */
export function basicParts(header: string | undefined): [string, string] {
  expect(header).toMatch(/^Basic /);
  const decoded = Buffer.from(header!.slice(6), 'base64').toString('utf8');
  const i = decoded.indexOf(':');
  return [decoded.slice(0, i), decoded.slice(i + 1)];
}

/** An axios instance whose every request is answered by `reply` and recorded. */
export function mockHttp(
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

export function headerOf(config: InternalAxiosRequestConfig, name: string): string | undefined {
  const h = config.headers as unknown as Record<string, unknown> & { get?: (n: string) => unknown };
  const v = typeof h.get === 'function' ? h.get(name) : h[name];
  return v == null ? undefined : String(v);
}

export function bodyParams(config: InternalAxiosRequestConfig): URLSearchParams {
  const d: unknown = config.data;
  if (d instanceof URLSearchParams) return d;
  if (typeof d === 'string') return new URLSearchParams(d);
  return new URLSearchParams((d ?? {}) as Record<string, string>);
}

/** A provider under the test's control. */
export function fakeProvider(
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

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
export const flush = async (): Promise<void> => {
  for (let i = 0; i < 10; i += 1) await Promise.resolve();
  await sleep(5);
};

/** An API instance on a mocked origin, recording the Authorization header of each request. */
export function api(status: (auth: string | undefined, n: number) => number = () => 200): {
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

/** What `p` rejects with; throws if it resolves. */
export async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error('expected a rejection');
}

export function b64(s: string): string {
  return Buffer.from(s, 'utf8').toString('base64');
}

/** An unsigned JWT carrying `payload`. */
export function jwt(payload: object): string {
  const enc = (o: object): string => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${enc({ alg: 'none', typ: 'JWT' })}.${enc(payload)}.sig`;
}
