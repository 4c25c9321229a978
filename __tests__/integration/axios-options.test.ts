import axios, { type AxiosInstance } from 'axios';
import { Agent, createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { attachTokenAuth } from '../../src/attach-token-auth.js';
import type { Token, TokenProvider } from '../../src/token.js';
import type { TokenEvent } from '../../src/token-events.js';
import { TokenManager } from '../../src/token-manager.js';

/** axios' own request options (`auth`, `validateStatus`, ...) on a real socket. */

/** A resource server that answers 401 to the `Authorization` values in `refused`. */
interface Api {
  url: string;
  headers: IncomingHttpHeaders[];
  refused: Set<string>;
  /** Writes the answer itself when set; return true when it did. */
  answer: ((res: ServerResponse, refused: boolean) => boolean) | undefined;
  close(): Promise<void>;
}

async function startApi(): Promise<Api> {
  const api: Omit<Api, 'url' | 'close'> = { headers: [], refused: new Set(), answer: undefined };
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      api.headers.push(req.headers);
      const refused = api.refused.has(req.headers.authorization ?? '');
      if (api.answer?.(res, refused) === true) return;
      res.writeHead(refused ? 401 : 200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ authorization: req.headers.authorization ?? null }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return Object.assign(api, {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  });
}

/** Hands out `t1`, `t2`, ... */
function countingProvider(): TokenProvider & { calls: number } {
  const provider = {
    key: 'counting',
    calls: 0,
    fetchToken: (): Promise<Token> => {
      provider.calls += 1;
      return Promise.resolve({
        accessToken: `t${provider.calls}`,
        tokenType: 'Bearer',
        expiresAt: Date.now() + 3_600_000,
        raw: {},
      });
    },
  };
  return provider;
}

/** Reads a response stream of either adapter to its end. */
async function drain(body: NodeJS.ReadableStream | ReadableStream): Promise<void> {
  if ('getReader' in body) {
    const reader = body.getReader();
    while (!(await reader.read()).done);
    return;
  }
  for await (const chunk of body) void chunk;
}

let api: Api;
let manager: TokenManager;
let events: TokenEvent[];
let provider: ReturnType<typeof countingProvider>;
let client: AxiosInstance;

beforeAll(async () => {
  api = await startApi();
});

afterAll(() => api.close());

beforeEach(() => {
  api.headers.length = 0;
  api.refused.clear();
  api.answer = undefined;
  events = [];
  manager = new TokenManager({ onEvent: (event) => events.push(event) });
  provider = countingProvider();
  client = axios.create({ baseURL: api.url });
  attachTokenAuth(client, { provider, manager });
});

afterEach(() => manager.dispose());

describe.each(['http', 'fetch'] as const)('with the %s adapter', (adapter) => {
  test('a timeout while the request waits for its token has the code of this adapter’s own timeout', async () => {
    // axios' own: the API holds its answer past the timeout.
    api.answer = (res) => {
      setTimeout(() => res.writeHead(200).end('{}'), 300).unref();
      return true;
    };
    const own: unknown = await axios
      .get(`${api.url}/slow`, { adapter, timeout: 50 })
      .catch((error: unknown) => error);
    api.answer = undefined;
    // Ours: the token is what takes too long.
    const slow = new TokenManager();
    const waiting = axios.create({ baseURL: api.url, adapter });
    attachTokenAuth(waiting, {
      manager: slow,
      provider: {
        key: 'slow',
        fetchToken: ({ signal }) =>
          new Promise<Token>((_resolve, reject) =>
            signal?.addEventListener('abort', () => reject(signal.reason)),
          ),
      },
    });
    const ours: unknown = await waiting.get('/x', { timeout: 50 }).catch((error: unknown) => error);
    slow.dispose();
    expect(axios.isAxiosError(own)).toBe(true);
    expect(axios.isAxiosError(ours)).toBe(true);
    const { code, message } = own as { code: string; message: string };
    expect(code).toBe(adapter === 'fetch' ? 'ETIMEDOUT' : 'ECONNABORTED');
    expect(ours).toMatchObject({ code, message });
    expect(api.headers.filter((headers) => headers.authorization !== undefined)).toEqual([]);
  });

  test.each([
    ['an Error', new Error('the page was closed')],
    ['AbortSignal.timeout', new DOMException('The operation was aborted due to timeout', 'TimeoutError')],
    ['a string', 'user left'],
  ])(
    'an abort with %s while the request waits for its token gives this adapter’s own CanceledError',
    async (_name, reason) => {
      // axios' own: the signal aborts while the API holds its answer.
      api.answer = (res) => {
        setTimeout(() => res.writeHead(200).end('{}'), 300).unref();
        return true;
      };
      const before = new AbortController();
      const ownRequest = axios.get(`${api.url}/slow`, { adapter, signal: before.signal });
      setTimeout(() => before.abort(reason), 20);
      const own: unknown = await ownRequest.catch((error: unknown) => error);
      api.answer = undefined;
      // Ours: it aborts while the token is on its way.
      const slow = new TokenManager();
      const waiting = axios.create({ baseURL: api.url, adapter });
      attachTokenAuth(waiting, {
        manager: slow,
        provider: { key: 'slow', fetchToken: () => new Promise<Token>(() => undefined) },
      });
      const during = new AbortController();
      const oursRequest = waiting.get('/x', { signal: during.signal });
      setTimeout(() => during.abort(reason), 20);
      const ours: unknown = await oursRequest.catch((error: unknown) => error);
      slow.dispose();
      expect(axios.isCancel(own)).toBe(true);
      expect(axios.isCancel(ours)).toBe(true);
      const { code, message } = own as { code: string; message: string };
      expect(ours).toMatchObject({ code, message });
      expect(api.headers.filter((headers) => headers.authorization !== undefined)).toEqual([]);
    },
  );

  test('a request with `auth` is sent with its Basic credentials; a 401 for them leaves the token alone', async () => {
    await client.get('/warm', { adapter });
    api.refused.add(`Basic ${Buffer.from('user:pass').toString('base64')}`);
    const error: unknown = await client
      .get('/basic', { adapter, auth: { username: 'user', password: 'pass' } })
      .catch((e: unknown) => e);
    expect(axios.isAxiosError(error) && error.response?.status).toBe(401);
    expect(api.headers.map((headers) => headers.authorization)).toEqual(['Bearer t1', 'Basic dXNlcjpwYXNz']);
    expect(provider.calls).toBe(1);
    expect(events.some((event) => event.type === 'invalidated' || event.type === 'retry')).toBe(false);
  });

  test('a 401 answered as a stream is let go of before the replay: its connection is not held', async () => {
    await client.get('/warm', { adapter });
    api.refused.add('Bearer t1');
    // A body too large to sit in the socket's buffers: unread, it holds its connection.
    let released: (value: string) => void = () => {};
    const firstClosed = new Promise<string>((resolve) => (released = resolve));
    api.answer = (res, refused) => {
      if (!refused) return false;
      res.socket?.once('close', () => released('released'));
      res.writeHead(401, { 'Content-Type': 'text/plain' });
      res.end('x'.repeat(1 << 22));
      return true;
    };
    const httpAgent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const response = await client.get<NodeJS.ReadableStream | ReadableStream>('/stream', {
        adapter,
        httpAgent,
        responseType: 'stream',
      });
      expect(response.status).toBe(200);
      expect(api.headers.map((headers) => headers.authorization)).toEqual([
        'Bearer t1',
        'Bearer t1',
        'Bearer t2',
      ]);
      const unread = await Promise.race([
        firstClosed,
        new Promise((resolve) => setTimeout(resolve, 2000, 'held')),
      ]);
      expect(unread).toBe('released');
      await drain(response.data);
    } finally {
      httpAgent.destroy();
    }
  });

  test('a 401 that validateStatus accepts still drops the token and is replayed once', async () => {
    await client.get('/warm', { adapter });
    api.refused.add('Bearer t1');
    const response = await client.get('/accepting', { adapter, validateStatus: () => true });
    expect(response.status).toBe(200);
    expect(api.headers.map((headers) => headers.authorization)).toEqual([
      'Bearer t1',
      'Bearer t1',
      'Bearer t2',
    ]);
    expect(provider.calls).toBe(2);
    // A replay answered 401 again is handed over, as validateStatus lets it through: never a loop.
    api.refused.add('Bearer t2').add('Bearer t3');
    const again = await client.get('/accepting', { adapter, validateStatus: () => true });
    expect(again.status).toBe(401);
    expect(api.headers.slice(3).map((headers) => headers.authorization)).toEqual(['Bearer t2', 'Bearer t3']);
    expect(provider.calls).toBe(3);
  });
});

describe('an answer larger than maxContentLength', () => {
  const bigRefusal = (res: ServerResponse, refused: boolean): boolean => {
    if (!refused) return false;
    res.writeHead(401, { 'Content-Type': 'text/html' });
    res.end(`<html>${'x'.repeat(64 * 1024)}</html>`);
    return true;
  };

  test('a 401 whose body axios refuses for its size still drops the token and is replayed (http adapter)', async () => {
    await client.get('/warm', { adapter: 'http' });
    api.refused.add('Bearer t1');
    api.answer = bigRefusal;
    const response = await client.get('/x', { adapter: 'http', maxContentLength: 4096 });
    expect(response.data).toEqual({ authorization: 'Bearer t2' });
    expect(provider.calls).toBe(2);
    expect(events.filter((event) => event.type === 'retry')).toEqual([
      { type: 'retry', key: 'counting', status: 401 },
    ]);
    // The token dropped stays dropped: the next request goes with the new one.
    await client.get('/after', { adapter: 'http', maxContentLength: 4096 });
    expect(api.headers.map((headers) => headers.authorization)).toEqual([
      'Bearer t1',
      'Bearer t1',
      'Bearer t2',
      'Bearer t2',
    ]);
  });

  test('a replay refused for its size too is the caller’s error, sent twice only', async () => {
    await client.get('/warm', { adapter: 'http' });
    api.refused.add('Bearer t1').add('Bearer t2');
    api.answer = bigRefusal;
    const error: unknown = await client
      .get('/x', { adapter: 'http', maxContentLength: 4096 })
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({
      code: 'ERR_BAD_RESPONSE',
      message: 'maxContentLength size of 4096 exceeded',
    });
    expect(api.headers).toHaveLength(3);
    expect(provider.calls).toBe(2);
  });

  test('another status refused for its size is not replayed', async () => {
    await client.get('/warm', { adapter: 'http' });
    api.answer = (res) => {
      res.writeHead(403, { 'Content-Type': 'text/html' });
      res.end('x'.repeat(64 * 1024));
      return true;
    };
    await expect(client.get('/x', { adapter: 'http', maxContentLength: 4096 })).rejects.toMatchObject({
      code: 'ERR_BAD_RESPONSE',
    });
    expect(api.headers).toHaveLength(2);
    expect(provider.calls).toBe(1);
  });
});
