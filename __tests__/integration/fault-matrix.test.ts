import axios, { type AxiosInstance } from 'axios';
import { attachTokenAuth } from '../../src/attach-token-auth.js';
import { clientCredentials } from '../../src/client-credentials.js';
import { TokenRequestError } from '../../src/errors.js';
import type { RetryOptions } from '../../src/retry-policy.js';
import { TokenManager } from '../../src/token-manager.js';
import type { TokenProvider } from '../../src/token.js';
import type { TokenEvent } from '../../src/token-events.js';
import {
  DEFAULT_CLIENT,
  startAuthLab,
  startEchoServer,
  type AuthLab,
  type EchoServer,
  type TokenFault,
} from '../support/auth-lab.js';
import { send, startLoopbackServer } from '../support/loopback-server.js';

/**
 * Section 4 of the reliability work: each failure of the token endpoint or the API, against a real
 * loopback server. Every row checks the outcome, the number of token requests, and that nothing is
 * left pending (no unhandled rejection; servers, sockets and timers closed: `--detectOpenHandles`).
 */

let lab: AuthLab;
let manager: TokenManager;
let events: TokenEvent[];
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown): void => {
  unhandled.push(reason);
};

beforeAll(async () => {
  process.on('unhandledRejection', onUnhandled);
  lab = await startAuthLab({ tokenLifetimeMs: 60_000 });
});

afterAll(async () => {
  await lab.close();
  process.off('unhandledRejection', onUnhandled);
});

beforeEach(() => {
  lab.resetStats();
  lab.setTokenFault(null);
  lab.setApiFault(null);
  lab.setTokenDelay(0);
  lab.setTokenLifetime(60_000);
  events = [];
  manager = new TokenManager({ onEvent: (event) => events.push(event) });
  unhandled.length = 0;
});

afterEach(async () => {
  manager.dispose();
  // Let any late settlement surface before checking that none went unhandled.
  await new Promise((resolve) => setImmediate(resolve));
  expect(unhandled).toEqual([]);
});

function provider(options: { timeoutMs?: number; retry?: RetryOptions | false } = {}): TokenProvider {
  return clientCredentials({
    tokenUrl: lab.tokenUrl(),
    clientId: DEFAULT_CLIENT.clientId,
    clientSecret: DEFAULT_CLIENT.clientSecret,
    // Short back-off so the matrix runs quickly; Retry-After still rules where a server sends it.
    retry: { baseDelayMs: 20, ...options.retry },
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
  });
}

function api(tokens: TokenProvider = provider(), origins: readonly string[] = []): AxiosInstance {
  const instance = axios.create({ baseURL: lab.apiUrl });
  attachTokenAuth(instance, { provider: tokens, manager, origins });
  return instance;
}

async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('token endpoint faults', () => {
  test('hangs past the timeout: a timeout error after every attempt timed out', async () => {
    lab.setTokenFault({ kind: 'hang' });
    const error = await failure(api(provider({ timeoutMs: 150 })).get('/x'));
    expect(error).toBeInstanceOf(TokenRequestError);
    expect(error).toMatchObject({ code: 'timeout' });
    expect(lab.stats.tokenRequests).toBe(3);
    expect(lab.stats.apiRequests).toBe(0);
  });

  test('resets the connection: a network error after 3 attempts', async () => {
    lab.setTokenFault({ kind: 'down' });
    const error = await failure(api().get('/x'));
    expect(error).toBeInstanceOf(TokenRequestError);
    expect(error).toMatchObject({ code: 'network_error' });
    expect(lab.stats.tokenRequests).toBe(3);
  });

  test('resets the connection once: the retry succeeds', async () => {
    lab.setTokenFault({ kind: 'times', count: 1, fault: { kind: 'down' } });
    const response = await api().get('/x');
    expect(response.status).toBe(200);
    expect(lab.stats.tokenRequests).toBe(2);
  });

  test('500: retried, then the 500 rejects', async () => {
    lab.setTokenFault({ kind: 'status', status: 500 });
    const error = await failure(api().get('/x'));
    expect(error).toBeInstanceOf(TokenRequestError);
    expect(error).toMatchObject({ status: 500, code: 'server_error' });
    expect(lab.stats.tokenRequests).toBe(3);
  });

  test('500 once: the retry succeeds', async () => {
    lab.setTokenFault({ kind: 'times', count: 1, fault: { kind: 'status', status: 500 } });
    await expect(api().get('/x')).resolves.toMatchObject({ status: 200 });
    expect(lab.stats.tokenRequests).toBe(2);
  });

  test('503 with Retry-After: 1 is retried after a second', async () => {
    lab.setTokenFault({
      kind: 'times',
      count: 1,
      fault: { kind: 'status', status: 503, headers: { 'Retry-After': '1' } },
    });
    await expect(api().get('/x')).resolves.toMatchObject({ status: 200 });
    expect(lab.stats.tokenRequests).toBe(2);
    const [first, second] = lab.stats.tokenRequestsLog;
    // The back-off alone would be at most 20 ms: only Retry-After explains the wait.
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(990);
  });

  test('429 with an HTTP-date Retry-After is retried at that date', async () => {
    // Two seconds ahead, truncated to the second by the format: a wait of 1 to 2 s.
    const retryAt = new Date(Date.now() + 2000).toUTCString();
    lab.setTokenFault({
      kind: 'times',
      count: 1,
      fault: {
        kind: 'status',
        status: 429,
        body: '{"error":"slow_down"}',
        headers: { 'Retry-After': retryAt },
      },
    });
    await expect(api().get('/x')).resolves.toMatchObject({ status: 200 });
    expect(lab.stats.tokenRequests).toBe(2);
    const [first, second] = lab.stats.tokenRequestsLog;
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(900);
    expect(second!.at).toBeGreaterThanOrEqual(Date.parse(retryAt) - 10);
  });

  test('429 whose Retry-After is past the deadline fails at once with the 429', async () => {
    lab.setTokenFault({ kind: 'status', status: 429, headers: { 'Retry-After': '3600' } });
    const error = await failure(api().get('/x'));
    expect(error).toMatchObject({ status: 429 });
    expect(lab.stats.tokenRequests).toBe(1);
  });

  test.each<[string, TokenFault]>([
    ['an HTML error page', { kind: 'html' }],
    ['invalid JSON', { kind: 'invalid-json' }],
    ['an empty body', { kind: 'empty' }],
    ['200 without access_token', { kind: 'no-access-token' }],
  ])('%s: invalid_token_response, not retried', async (_name, fault) => {
    lab.setTokenFault(fault);
    const error = await failure(api().get('/x'));
    expect(error).toBeInstanceOf(TokenRequestError);
    expect(error).toMatchObject({ code: 'invalid_token_response', providerKey: expect.any(String) });
    expect(lab.stats.tokenRequests).toBe(1);
    expect(lab.stats.apiRequests).toBe(0);
  });

  test('a bad secret (401 invalid_client) is not retried', async () => {
    const bad = clientCredentials({
      tokenUrl: lab.tokenUrl(),
      clientId: 'lab-client',
      clientSecret: 'wrong-secret',
    });
    const error = await failure(api(bad).get('/x'));
    expect(error).toMatchObject({ status: 401, code: 'invalid_client' });
    expect(lab.stats.tokenRequests).toBe(1);
  });

  test.each([0, -30])('expires_in %p: the token is used once, never cached', async (value) => {
    lab.setTokenFault({ kind: 'expires-in', value });
    const tokens = provider();
    const first = await manager.getToken(tokens);
    expect(first.expiresAt).toBeLessThanOrEqual(Date.now());
    await manager.getToken(tokens);
    expect(lab.stats.tokenRequests).toBe(2);
    // The lab means it: the token is expired at the API too, so the request (and its one replay) get 401.
    lab.resetStats();
    const error = await failure(api(tokens).get('/x'));
    expect(axios.isAxiosError(error) && error.response?.status).toBe(401);
    expect(lab.stats.tokenRequests).toBe(2);
    expect(lab.stats.apiRequests).toBe(2);
  });

  test('expires_in 0: concurrent callers still share the one fetch', async () => {
    lab.setTokenFault({ kind: 'expires-in', value: 0 });
    lab.setTokenDelay(50);
    const tokens = provider();
    const all = await Promise.all(Array.from({ length: 20 }, () => manager.getToken(tokens)));
    expect(new Set(all.map((token) => token.accessToken)).size).toBe(1);
    expect(lab.stats.tokenRequests).toBe(1);
  });

  test('expires_in as a numeric string is read as seconds', async () => {
    lab.setTokenFault({ kind: 'expires-in', value: '120' });
    const tokens = provider();
    const sent = Date.now();
    const token = await manager.getToken(tokens);
    expect(token.expiresAt).toBeGreaterThanOrEqual(sent + 119_000);
    expect(token.expiresAt).toBeLessThanOrEqual(Date.now() + 120_000);
    await api(tokens).get('/x');
    expect(lab.stats.tokenRequests).toBe(1);
  });

  test.each<[string, unknown]>([
    ['a non-numeric string', 'soon'],
    ['null', null],
    ['10^13 (an epoch too far ahead to believe)', 1e13],
  ])('expires_in %s: the manager default lifetime applies', async (_name, value) => {
    lab.setTokenFault({ kind: 'expires-in', value });
    const tokens = provider();
    const sent = Date.now();
    const token = await manager.getToken(tokens);
    // defaultTtlMs: 300 000.
    expect(token.expiresAt).toBeGreaterThanOrEqual(sent + 300_000);
    expect(token.expiresAt).toBeLessThanOrEqual(Date.now() + 300_000);
    const response = await api(tokens).get('/x');
    expect(response.status).toBe(200);
    expect(lab.stats.tokenRequests).toBe(1);
  });

  test('a token response that arrives after every waiting caller aborted is kept for the next caller', async () => {
    lab.setTokenDelay(200);
    const instance = api();
    const controllers = Array.from({ length: 5 }, () => new AbortController());
    const pending = controllers.map((controller) => instance.get('/x', { signal: controller.signal }));
    await sleep(30);
    for (const controller of controllers) controller.abort();
    const outcomes = await Promise.allSettled(pending);
    for (const outcome of outcomes) {
      expect(outcome.status).toBe('rejected');
      expect(axios.isCancel((outcome as PromiseRejectedResult).reason)).toBe(true);
    }
    expect(lab.stats.apiRequests).toBe(0);
    // The shared fetch goes on; its token serves the next request without another token request.
    await waitFor(() => events.some((event) => event.type === 'fetched'));
    lab.setTokenDelay(0);
    await expect(instance.get('/y')).resolves.toMatchObject({ status: 200 });
    expect(lab.stats.tokenRequests).toBe(1);
  });
});

describe('API faults', () => {
  test('a 401 storm while a refresh is already in flight causes no further token request', async () => {
    const tokens = provider();
    const instance = api(tokens);
    await instance.get('/warm');
    lab.revokeAll();
    lab.setTokenDelay(150);
    const refresh = manager.getToken(tokens, { forceRefresh: true });
    const responses = await Promise.all(Array.from({ length: 30 }, (_, i) => instance.get(`/storm/${i}`)));
    await refresh;
    expect(responses.every((response) => response.status === 200)).toBe(true);
    expect(lab.stats.tokenRequests).toBe(2);
    expect(lab.stats.apiUnauthorized).toBe(30);
    expect(events.filter((event) => event.type === 'retry')).toHaveLength(30);
  });

  test('a 401 on the retried request rejects with that 401, after one refresh', async () => {
    const instance = api();
    await instance.get('/warm');
    lab.setApiFault('always-401');
    const error = await failure(instance.get('/x'));
    expect(axios.isAxiosError(error) && error.response?.status).toBe(401);
    expect(lab.stats.tokenRequests).toBe(2);
    expect(lab.stats.apiRequests).toBe(3);
  });

  test('403 rejects with the 403 and invalidates nothing', async () => {
    const instance = api();
    await instance.get('/warm');
    lab.setApiFault('403');
    const error = await failure(instance.get('/x'));
    expect(axios.isAxiosError(error) && error.response?.status).toBe(403);
    expect(lab.stats.tokenRequests).toBe(1);
    expect(lab.stats.apiRequests).toBe(2);
    expect(events.some((event) => event.type === 'invalidated' || event.type === 'retry')).toBe(false);
  });

  test('a network error from the API rejects as it is and invalidates nothing', async () => {
    const gone = await startEchoServer();
    await gone.close();
    const instance = api(provider(), [gone.url]);
    await instance.get('/warm');
    const error = await failure(instance.get(`${gone.url}/x`));
    expect(axios.isAxiosError(error) && error.response).toBe(undefined);
    expect(axios.isAxiosError(error) && error.code).toBe('ECONNREFUSED');
    expect(lab.stats.tokenRequests).toBe(1);
    expect(events.some((event) => event.type === 'invalidated' || event.type === 'retry')).toBe(false);
  });

  describe('a redirect to another origin', () => {
    let echo: EchoServer;
    beforeAll(async () => {
      echo = await startEchoServer();
    });
    afterAll(async () => {
      await echo.close();
    });

    test('is followed without the Authorization header', async () => {
      const response = await api().get('/redirect', { params: { to: `${echo.url}/landing` } });
      expect(response.status).toBe(200);
      expect(response.data).toMatchObject({ ok: true, path: '/landing' });
      expect(echo.requests).toHaveLength(1);
      expect(echo.requests[0]!.headers['authorization']).toBeUndefined();
      // The token did go to the API's own origin, for the first hop.
      expect(lab.stats.apiRequestsLog[0]!.headers['authorization']).toMatch(/^Bearer \S+$/);
      expect(lab.stats.tokenRequests).toBe(1);
    });

    // What the token never reached says nothing of it: the token is kept and the request not replayed.
    test('a 401 from the other origin, which got no token, drops nothing and is not replayed', async () => {
      const refusing = await startLoopbackServer((_req, res) => send(res, 401, { error: 'login' }));
      try {
        const instance = api();
        await instance.get('/warm');
        const error = await failure(instance.get('/redirect', { params: { to: `${refusing.url}/login` } }));
        expect(axios.isAxiosError(error) && error.response?.status).toBe(401);
        expect(lab.stats.tokenRequests).toBe(1);
        expect(events.some((event) => event.type === 'invalidated' || event.type === 'retry')).toBe(false);
      } finally {
        await refusing.close();
      }
    });

    const customHeaderApi = (origins: readonly string[] = []): AxiosInstance => {
      const instance = axios.create({ baseURL: lab.apiUrl });
      attachTokenAuth(instance, { provider: provider(), manager, header: 'X-Api-Key', origins });
      return instance;
    };

    test('drops a token carried in another header (X-Api-Key), which axios itself would forward', async () => {
      const response = await customHeaderApi().get('/redirect', { params: { to: `${echo.url}/landing` } });
      expect(response.status).toBe(200);
      expect(echo.requests.at(-1)!.path).toBe('/landing');
      expect(echo.requests.at(-1)!.headers['x-api-key']).toBeUndefined();
      expect(lab.stats.apiRequestsLog[0]!.headers['x-api-key']).toMatch(/^Bearer \S+$/);
    });

    test('keeps it on a redirect to an origin the token may go to, and runs the application hook too', async () => {
      const hops: string[] = [];
      const response = await customHeaderApi([echo.url]).get('/redirect', {
        params: { to: `${echo.url}/landing` },
        beforeRedirect: (options: Record<string, unknown>) => {
          hops.push(String(options['href']));
        },
      });
      expect(response.status).toBe(200);
      expect(hops).toEqual([`${echo.url}/landing`]);
      expect(echo.requests.at(-1)!.headers['x-api-key']).toMatch(/^Bearer \S+$/);
    });
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await sleep(5);
  }
}
