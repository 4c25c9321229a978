import { request as httpRequest } from 'node:http';
import axios, { type AxiosInstance } from 'axios';
import axiosRetry from 'axios-retry';
import { setupCache, type AxiosCacheInstance } from 'axios-cache-interceptor';
import { attachTokenAuth } from '../../src/attach-token-auth.js';
import { clientCredentials, type ClientCredentialsOptions } from '../../src/client-credentials.js';
import { TokenRequestError } from '../../src/errors.js';
import { TokenManager } from '../../src/token-manager.js';
import type { TokenProvider } from '../../src/token.js';
import { DEFAULT_CLIENT, startAuthLab, type AuthLab } from '../support/auth-lab.js';
import {
  send,
  startLoopbackServer,
  type LoopbackServer,
  type RecordedRequest,
} from '../support/loopback-server.js';

/**
 * A loopback front of the lab's protected API that answers 503 to the first `failures[path]`
 * attempts at a path, and records the Authorization header of every attempt.
 */
interface FlakyApi {
  url: string;
  failures: Map<string, number>;
  attempts: RecordedRequest[];
  close(): Promise<void>;
}

async function startFlakyApi(lab: AuthLab): Promise<FlakyApi> {
  const failures = new Map<string, number>();
  const attempts: RecordedRequest[] = [];
  const server: LoopbackServer = await startLoopbackServer(async (_req, res, recorded) => {
    attempts.push(recorded);
    const left = failures.get(recorded.path) ?? 0;
    if (left > 0) {
      failures.set(recorded.path, left - 1);
      return send(res, 503, { error: 'unavailable' });
    }
    const target = new URL(`${lab.url}${recorded.path}`);
    await new Promise<void>((resolve, reject) => {
      const forwarded = httpRequest(
        target,
        { method: recorded.method, headers: { authorization: recorded.headers['authorization'] ?? '' } },
        (answer) => {
          const chunks: Buffer[] = [];
          answer.on('data', (chunk: Buffer) => chunks.push(chunk));
          answer.on('end', () => {
            send(res, answer.statusCode ?? 502, Buffer.concat(chunks).toString('utf8'), {
              'Content-Type': String(answer.headers['content-type'] ?? 'application/json'),
            });
            resolve();
          });
        },
      );
      forwarded.on('error', reject);
      forwarded.end();
    });
  });
  return { url: server.url, failures, attempts, close: () => server.close() };
}

type Order =
  | 'cache, auth, retry'
  | 'auth, retry, cache'
  | 'cache, retry, auth'
  | 'retry, auth, cache'
  | 'retry, cache, auth'
  | 'auth, cache, retry';

interface Stack {
  api: AxiosCacheInstance;
  manager: TokenManager;
  provider: TokenProvider;
  retries: number;
  retriesByAxiosRetry: number;
}

let lab: AuthLab;
let flaky: FlakyApi;

beforeAll(async () => {
  lab = await startAuthLab({ tokenLifetimeMs: 600_000 });
  flaky = await startFlakyApi(lab);
});

afterAll(async () => {
  await flaky.close();
  await lab.close();
});

beforeEach(() => {
  lab.resetStats();
  lab.setApiFault(null);
  flaky.failures.clear();
  flaky.attempts.length = 0;
});

function build(order: Order, providerOptions: Partial<ClientCredentialsOptions> = {}): Stack {
  const instance: AxiosInstance = axios.create({ baseURL: `${flaky.url}/api` });
  const stack = {
    manager: new TokenManager({
      onEvent: (event) => {
        if (event.type === 'retry') stack.retries += 1;
      },
    }),
    provider: clientCredentials({
      tokenUrl: lab.tokenUrl(),
      clientId: DEFAULT_CLIENT.clientId,
      clientSecret: DEFAULT_CLIENT.clientSecret,
      ...providerOptions,
    }),
    retries: 0,
    retriesByAxiosRetry: 0,
  } as Stack;
  let api = instance as AxiosCacheInstance;
  const plugins = {
    auth: () => attachTokenAuth(instance, { provider: stack.provider, manager: stack.manager }),
    retry: () =>
      axiosRetry(instance, {
        retries: 3,
        retryDelay: () => 10,
        onRetry: () => {
          stack.retriesByAxiosRetry += 1;
        },
      }),
    cache: () => {
      api = setupCache(instance, { ttl: 60_000 });
    },
  };
  for (const name of order.split(', ') as (keyof typeof plugins)[]) plugins[name]();
  stack.api = api;
  return stack;
}

const ORDERS: Order[] = [
  'cache, auth, retry',
  'auth, retry, cache',
  'cache, retry, auth',
  'retry, auth, cache',
  'retry, cache, auth',
  'auth, cache, retry',
];

function bearerOf(request: RecordedRequest | undefined): string | undefined {
  return /^Bearer (\S+)$/.exec(request?.headers['authorization'] ?? '')?.[1];
}

describe.each(ORDERS)('attachTokenAuth with axios-retry and axios-cache-interceptor (%s)', (order) => {
  it('attaches the token to every attempt axios-retry makes', async () => {
    const { api } = build(order);
    flaky.failures.set('/api/flaky', 2);
    const response = await api.get('/flaky', { cache: false });
    expect(response.status).toBe(200);
    expect(flaky.attempts).toHaveLength(3);
    const tokens = flaky.attempts.map(bearerOf);
    expect(tokens.every((token) => token !== undefined)).toBe(true);
    expect(new Set(tokens).size).toBe(1);
    expect(lab.stats.tokenRequests).toBe(1);
  });

  it('attaches the token to cache misses; a cached response makes no request at all', async () => {
    const stack = build(order);
    const first = await stack.api.get('/cached');
    expect(first.cached).toBe(false);
    expect(bearerOf(flaky.attempts[0])).toBeDefined();
    const second = await stack.api.get('/cached');
    expect(second.cached).toBe(true);
    expect(flaky.attempts).toHaveLength(1);
    expect(lab.stats.tokenRequests).toBe(1);
    const other = await stack.api.get('/other');
    expect(other.cached).toBe(false);
    expect(bearerOf(flaky.attempts[1])).toBe(bearerOf(flaky.attempts[0]));
    expect(lab.stats.tokenRequests).toBe(1);
  });

  it('concurrent identical GETs: one API request, one token request', async () => {
    const { api } = build(order);
    const responses = await Promise.all(Array.from({ length: 10 }, () => api.get('/same')));
    expect(responses.every((response) => response.status === 200)).toBe(true);
    expect(flaky.attempts).toHaveLength(1);
    expect(lab.stats.tokenRequests).toBe(1);
  });

  it('a revoked token: one refresh and one replay, not doubled by axios-retry', async () => {
    const stack = build(order);
    await stack.api.get('/warm', { cache: false });
    lab.revokeAll();
    flaky.attempts.length = 0;
    const response = await stack.api.get('/after-revoke', { cache: false });
    expect(response.status).toBe(200);
    expect(flaky.attempts).toHaveLength(2);
    expect(bearerOf(flaky.attempts[1])).not.toBe(bearerOf(flaky.attempts[0]));
    expect(stack.retries).toBe(1);
    expect(stack.retriesByAxiosRetry).toBe(0);
    expect(lab.stats.tokenRequests).toBe(2);
  });

  it('a revoked token on concurrent cacheable GETs: one refresh, one replay, every caller answered', async () => {
    const stack = build(order);
    await stack.api.get('/warm', { cache: false });
    lab.revokeAll();
    lab.resetStats();
    flaky.attempts.length = 0;
    const responses = await Promise.all(Array.from({ length: 5 }, () => stack.api.get('/revoked-cacheable')));
    expect(responses.map((response) => response.status)).toEqual([200, 200, 200, 200, 200]);
    expect(flaky.attempts).toHaveLength(2);
    expect(stack.retries).toBe(1);
    expect(lab.stats.tokenRequests).toBe(1);
    const again = await stack.api.get('/revoked-cacheable');
    expect(again.cached).toBe(true);
  });

  it('a 401 that persists is replayed once, then rejected: no loop with axios-retry', async () => {
    const stack = build(order);
    lab.setApiFault('always-401');
    const error: unknown = await stack.api.get('/always-401', { cache: false }).catch((e: unknown) => e);
    expect(axios.isAxiosError(error) && error.response?.status).toBe(401);
    expect(flaky.attempts).toHaveLength(2);
    expect(stack.retries).toBe(1);
    expect(stack.retriesByAxiosRetry).toBe(0);
  });

  it('a 503 then a revoked token: axios-retry retries the 503, the plugin replays the 401, once each', async () => {
    const stack = build(order);
    await stack.api.get('/warm', { cache: false });
    lab.revokeAll();
    flaky.attempts.length = 0;
    flaky.failures.set('/api/mixed', 1);
    const response = await stack.api.get('/mixed', { cache: false });
    expect(response.status).toBe(200);
    expect(flaky.attempts).toHaveLength(3);
    expect(stack.retriesByAxiosRetry).toBe(1);
    expect(stack.retries).toBe(1);
    expect(lab.stats.tokenRequests).toBe(2);
  });
});

describe('with an axios-retry that also retries 401s', () => {
  function stackRetrying401(authFirst: boolean): { api: AxiosInstance; retries: () => number } {
    const api = axios.create({ baseURL: `${flaky.url}/api` });
    let retries = 0;
    const manager = new TokenManager({
      onEvent: (event) => {
        if (event.type === 'retry') retries += 1;
      },
    });
    const provider = clientCredentials({
      tokenUrl: lab.tokenUrl(),
      clientId: DEFAULT_CLIENT.clientId,
      clientSecret: DEFAULT_CLIENT.clientSecret,
    });
    const auth = () => attachTokenAuth(api, { provider, manager });
    // A retryCondition that also retries 401s, as some applications configure it.
    const retry = () =>
      axiosRetry(api, {
        retries: 3,
        retryDelay: () => 10,
        retryCondition: (error) =>
          error.response?.status === 401 || axiosRetry.isNetworkOrIdempotentRequestError(error),
      });
    if (authFirst) {
      auth();
      retry();
    } else {
      retry();
      auth();
    }
    return { api, retries: () => retries };
  }

  it.each([true, false])(
    'the plugin replays a revoked token before axios-retry sees the 401: 2 attempts (attached first: %s)',
    async (authFirst) => {
      const { api, retries } = stackRetrying401(authFirst);
      await api.get('/warm');
      lab.revokeAll();
      flaky.attempts.length = 0;
      await expect(api.get('/revoked')).resolves.toMatchObject({ status: 200 });
      expect(flaky.attempts).toHaveLength(2);
      expect(retries()).toBe(1);
    },
  );
});

describe('the recommended order: setupCache, then attachTokenAuth, then axiosRetry', () => {
  const noRetries = { retry: false } as const;

  it('a response served from the cache makes no token request, even with no token cached', async () => {
    const stack = build('cache, auth, retry');
    await stack.api.get('/cached-cold');
    stack.manager.dispose();
    lab.resetStats();
    const again = await stack.api.get('/cached-cold');
    expect(again.cached).toBe(true);
    expect(lab.stats.tokenRequests).toBe(0);
    await stack.api.get('/cache-miss');
    expect(lab.stats.tokenRequests).toBe(1);
    expect(bearerOf(flaky.attempts.at(-1))).toBeDefined();
  });

  it('a failed token request rejects with TokenRequestError and leaves the cache usable', async () => {
    const stack = build('cache, auth, retry', noRetries);
    lab.setTokenFault({ kind: 'status', status: 503 });
    const errors = await Promise.all(
      Array.from({ length: 3 }, () => stack.api.get('/after-outage').catch((error: unknown) => error)),
    );
    for (const error of errors) {
      expect(error).toBeInstanceOf(TokenRequestError);
      expect(error).toMatchObject({ status: 503 });
    }
    expect(flaky.attempts).toHaveLength(0);
    expect(stack.retriesByAxiosRetry).toBe(0);
    lab.setTokenFault(null);
    const recovered = await stack.api.get('/after-outage');
    expect(recovered.status).toBe(200);
    expect(recovered.cached).toBe(false);
    expect((await stack.api.get('/after-outage')).cached).toBe(true);
  });

  it('an aborted wait for a token rejects with axios CanceledError and leaves the cache usable', async () => {
    const stack = build('cache, auth, retry');
    lab.setTokenDelay(300);
    const controller = new AbortController();
    const pending = stack.api.get('/aborted', { signal: controller.signal }).catch((error: unknown) => error);
    setTimeout(() => controller.abort(), 20);
    expect(axios.isCancel(await pending)).toBe(true);
    lab.setTokenDelay(0);
    expect((await stack.api.get('/aborted')).status).toBe(200);
  });
});
