import { request as httpRequest, type ServerResponse } from 'node:http';
import { clientCredentials } from '../../src/client-credentials.js';
import type { RetryOptions } from '../../src/retry-policy.js';
import { TokenManager } from '../../src/token-manager.js';
import type { TokenProvider } from '../../src/token.js';
import { expectTokenRequestError } from '../support/expect-token-request-error.js';
import { startLoopbackServer, type LoopbackServer } from '../support/loopback-server.js';

/**
 * The token request over a real socket, when the endpoint misbehaves below the level of HTTP
 * statuses: answers that trickle, stop half-way or never end.
 */

type Answer = (res: ServerResponse, attempt: number) => void;

let server: LoopbackServer;
let answer: Answer;
let attempts: number;
/** Sockets of token requests the server saw closed, by attempt. */
let closed: number[];

const TOKEN = JSON.stringify({ access_token: 'transport-token', token_type: 'Bearer', expires_in: 60 });

beforeAll(async () => {
  server = await startLoopbackServer((req, res) => {
    attempts += 1;
    const attempt = attempts;
    req.socket.once('close', () => closed.push(attempt));
    answer(res, attempt);
  });
});

afterAll(async () => {
  await server.close();
});

beforeEach(() => {
  attempts = 0;
  closed = [];
});

function provider(options: { timeoutMs?: number; retry?: RetryOptions | false } = {}): TokenProvider {
  return clientCredentials({
    tokenUrl: `${server.url}/token`,
    clientId: 'transport-client',
    clientSecret: 'transport-secret',
    retry: options.retry === false ? false : { baseDelayMs: 10, ...options.retry },
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
  });
}

/** Writes the headers of a 200, then `body` one byte every `everyMs`. */
function trickle(res: ServerResponse, body: string, everyMs: number): void {
  res.writeHead(200, { 'content-type': 'application/json' });
  let sent = 0;
  const next = (): void => {
    if (res.destroyed) return;
    if (sent === body.length) return void res.end();
    res.write(body[sent]);
    sent += 1;
    server.later(everyMs, next);
  };
  next();
}

const waitFor = async (condition: () => boolean): Promise<void> => {
  for (let i = 0; i < 200 && !condition(); i += 1) await new Promise((resolve) => setTimeout(resolve, 5));
};

describe('timeoutMs bounds the whole exchange', () => {
  test('a body trickled byte by byte past the timeout fails as a timeout, and its socket is closed', async () => {
    // Each byte comes well within the timeout, the whole body long after it.
    answer = (res) => trickle(res, `${TOKEN}${' '.repeat(100)}`, 40);
    const started = Date.now();
    const error = await expectTokenRequestError(provider({ timeoutMs: 300, retry: false }).fetchToken({}));
    expect(error).toMatchObject({ code: 'timeout', description: 'no answer within 300 ms' });
    expect(Date.now() - started).toBeLessThan(1500);
    await waitFor(() => closed.length === 1);
    expect(closed).toEqual([1]);
  });

  test('a trickled body is retried like any timeout, and a prompt answer then succeeds', async () => {
    answer = (res, attempt) => {
      if (attempt === 1) trickle(res, `${TOKEN}${' '.repeat(100)}`, 40);
      else res.writeHead(200, { 'content-type': 'application/json' }).end(TOKEN);
    };
    const token = await provider({ timeoutMs: 300 }).fetchToken({});
    expect(token.accessToken).toBe('transport-token');
    expect(attempts).toBe(2);
  });
});

describe('an answer that breaks off', () => {
  /** A 200 announcing more body than it sends, then the connection closes. */
  const breakOff: Answer = (res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(TOKEN.length + 50) });
    res.write(TOKEN.slice(0, 10));
    server.later(10, () => res.socket?.destroy());
  };

  test('a 200 whose connection closes half-way through the body is retried, and the next answer serves', async () => {
    answer = (res, attempt) => {
      if (attempt === 1) breakOff(res, attempt);
      else res.writeHead(200, { 'content-type': 'application/json' }).end(TOKEN);
    };
    const token = await provider().fetchToken({});
    expect(token.accessToken).toBe('transport-token');
    expect(attempts).toBe(2);
  });

  test('when every attempt breaks off, the error is a network error, not an unusable answer', async () => {
    answer = breakOff;
    const error = await expectTokenRequestError(provider().fetchToken({}));
    expect(error).toMatchObject({
      code: 'network_error',
      description: 'the answer broke off before its body was complete',
    });
    expect(attempts).toBe(3);
  });

  test('a 400 that breaks off is still the 400: not retried', async () => {
    answer = (res) => {
      res.writeHead(400, { 'content-type': 'application/json', 'content-length': '500' });
      res.write('{"error":"invalid_');
      server.later(10, () => res.socket?.destroy());
    };
    const error = await expectTokenRequestError(provider().fetchToken({}));
    expect(error.status).toBe(400);
    expect(attempts).toBe(1);
  });
});

describe("the server's Retry-After", () => {
  test('holds off the background refresh it answered, while the cached token serves on', async () => {
    // A 6 s token: the background refresh starts at 3 s, requests wait for a new token from 5 s.
    answer = (res, attempt) => {
      if (attempt === 1) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ access_token: 'first', expires_in: 6 }));
      } else {
        res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '60' });
        res.end('{"error":"slow_down"}');
      }
    };
    const manager = new TokenManager();
    const tokens = provider();
    const fetchedAt = Date.now();
    await manager.getToken(tokens);
    await new Promise((resolve) => setTimeout(resolve, 3050));
    // Until 4.4 s, by the clock rather than by a count of timers that a busy machine runs late: well
    // before requests would wait.
    do {
      expect(manager.peekToken(tokens)?.accessToken).toBe('first');
      await new Promise((resolve) => setTimeout(resolve, 50));
    } while (Date.now() - fetchedAt < 4_400);
    // One background refresh, answered 429; none again before the token runs out (its own back-off
    // alone would have tried again within a second).
    expect(attempts).toBe(2);
    manager.dispose();
  });

  const rateLimited: Answer = (res) => {
    res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '60' });
    res.end('{"error":"slow_down"}');
  };

  test('with failureCooldownMs set, holds every later caller off until then, with the same error', async () => {
    answer = rateLimited;
    const manager = new TokenManager({ failureCooldownMs: 2000 });
    const tokens = provider();
    const errors = [];
    for (let i = 0; i < 20; i += 1) errors.push(await manager.getToken(tokens).catch((e: unknown) => e));
    expect(attempts).toBe(1);
    expect(new Set(errors).size).toBe(1);
    const error = await expectTokenRequestError(Promise.reject(errors[0]));
    expect([error.status, error.code]).toEqual([429, 'slow_down']);
    manager.dispose();
  });

  test('without failureCooldownMs (the default), a failed fetch is not cached: each caller asks again', async () => {
    answer = rateLimited;
    const manager = new TokenManager();
    const tokens = provider();
    for (let i = 0; i < 3; i += 1) await manager.getToken(tokens).catch(() => undefined);
    expect(attempts).toBe(3);
    manager.dispose();
  });
});

describe('an HTTP proxy named in the environment', () => {
  let proxy: LoopbackServer;
  let proxied: string[];
  const saved = process.env.HTTP_PROXY;

  beforeAll(async () => {
    // A forward proxy: the request line names the absolute URL, which it fetches and relays.
    proxy = await startLoopbackServer((req, res, recorded) => {
      proxied.push(req.url ?? '');
      const onward = httpRequest(req.url ?? '', { method: req.method, headers: req.headers }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      onward.end(recorded.body);
    });
  });
  afterAll(async () => {
    await proxy.close();
  });
  beforeEach(() => {
    proxied = [];
    answer = (res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(TOKEN);
    };
    process.env.HTTP_PROXY = proxy.url;
  });
  afterEach(() => {
    if (saved === undefined) delete process.env.HTTP_PROXY;
    else process.env.HTTP_PROXY = saved;
  });

  test("carries the token request, as it carries the application's own requests", async () => {
    const token = await provider().fetchToken({});
    expect(token.accessToken).toBe('transport-token');
    expect(proxied).toEqual([`${server.url}/token`]);
  });

  test('is bypassed with http: { proxy: false }', async () => {
    const direct = clientCredentials({
      tokenUrl: `${server.url}/token`,
      clientId: 'transport-client',
      clientSecret: 'transport-secret',
      http: { proxy: false },
    });
    expect((await direct.fetchToken({})).accessToken).toBe('transport-token');
    expect(proxied).toEqual([]);
    expect(attempts).toBe(1);
  });
});
