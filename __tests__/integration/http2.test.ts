import axios, { type AxiosInstance } from 'axios';
import { inspect } from 'node:util';
import { attachTokenAuth } from '../../src/attach-token-auth.js';
import { clientCredentials } from '../../src/client-credentials.js';
import { TokenRequestError } from '../../src/errors.js';
import type { Token, TokenProvider } from '../../src/token.js';
import { TokenManager } from '../../src/token-manager.js';
import { respond, startHttp2Server, type Http2LoopbackServer } from '../support/http2-server.js';

/** The plugin on axios' `httpVersion: 2` (cleartext HTTP/2), for the API and for the token request. */

const CLIENT_SECRET = 'h2-client-secret-5f1c';

/** Hands out `h2-token-1`, `h2-token-2`, ... after `delayMs`. */
function countingProvider(delayMs = 20): TokenProvider & { calls: number } {
  const provider = {
    key: 'h2-counting',
    calls: 0,
    fetchToken: async (): Promise<Token> => {
      provider.calls += 1;
      const accessToken = `h2-token-${provider.calls}`;
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      return { accessToken, tokenType: 'Bearer', expiresAt: Date.now() + 3_600_000, raw: {} };
    },
  };
  return provider;
}

function renderings(value: unknown): string[] {
  const error = value as { toJSON?: () => unknown };
  return [
    inspect(value),
    inspect(value, { showHidden: true, depth: Infinity }),
    JSON.stringify(value),
    JSON.stringify(error.toJSON?.()),
    String((value as Error).stack),
  ];
}

let server: Http2LoopbackServer;
let refused: Set<string>;
let manager: TokenManager;

beforeAll(async () => {
  server = await startHttp2Server(() => {});
});

afterAll(() => server.close());

beforeEach(() => {
  server.requests.length = 0;
  refused = new Set();
  server.handler = (stream, request) => {
    const status = refused.has(String(request.headers.authorization)) ? 401 : 200;
    respond(stream, status, { ok: status === 200 });
  };
  manager = new TokenManager();
});

afterEach(() => manager.dispose());

function attached(provider: TokenProvider, config: Parameters<typeof axios.create>[0] = {}): AxiosInstance {
  const api = axios.create({ baseURL: server.url, httpVersion: 2, ...config });
  attachTokenAuth(api, { provider, manager });
  return api;
}

const sentTokens = (): unknown[] => server.requests.map((request) => request.headers.authorization);

describe('the API over HTTP/2', () => {
  test('a cold burst makes one token request and every request carries the token', async () => {
    const provider = countingProvider();
    const api = attached(provider);
    const responses = await Promise.all(Array.from({ length: 10 }, () => api.get('/v1')));
    expect(responses.map((response) => response.status)).toEqual(Array(10).fill(200));
    expect(provider.calls).toBe(1);
    expect(new Set(sentTokens())).toEqual(new Set(['Bearer h2-token-1']));
  });

  test('a 401 is replayed once with a fresh token; a second one rejects, without the token', async () => {
    const provider = countingProvider();
    const api = attached(provider);
    refused.add('Bearer h2-token-1');
    expect((await api.get('/v1')).status).toBe(200);
    expect(sentTokens()).toEqual(['Bearer h2-token-1', 'Bearer h2-token-2']);
    refused.add('Bearer h2-token-2').add('Bearer h2-token-3');
    const error: unknown = await api.get('/v1').catch((e: unknown) => e);
    if (!axios.isAxiosError(error)) throw new Error('expected an axios error');
    expect(error.response?.status).toBe(401);
    expect(sentTokens().slice(2)).toEqual(['Bearer h2-token-2', 'Bearer h2-token-3']);
    expect(provider.calls).toBe(3);
    for (const text of renderings(error)) expect(text).not.toContain('h2-token');
    expect(error.config?.headers.has('Authorization')).toBe(false);
    // The HTTP/2 stream is the request and the response at once; still readable.
    expect(error.request).toBe(error.response?.request);
    expect((error.request as { sentHeaders?: Record<string, string> }).sentHeaders?.Authorization).toBe(
      'Bearer h2-token-3',
    );
  });

  test('axios `redact` and the scrubbing combine: a header of the caller is redacted, ours is gone', async () => {
    const api = attached(countingProvider(), { redact: ['authorization', 'x-secret'] });
    refused.add('Bearer h2-token-1').add('Bearer h2-token-2');
    const error: unknown = await api
      .get('/v1', { headers: { 'X-Secret': 'caller-value-1234' } })
      .catch((e: unknown) => e);
    if (!axios.isAxiosError(error)) throw new Error('expected an axios error');
    const json = error.toJSON() as { config: { headers: Record<string, unknown> } };
    expect(json.config.headers['X-Secret']).toBe('[REDACTED ****]');
    expect(json.config.headers.Authorization).toBeUndefined();
    for (const text of renderings(error)) expect(text).not.toContain('h2-token');
  });

  test('a 401 answered as a stream is released and replayed', async () => {
    const provider = countingProvider();
    const api = attached(provider);
    refused.add('Bearer h2-token-1');
    const response = await api.get<NodeJS.ReadableStream>('/v1', { responseType: 'stream' });
    let text = '';
    for await (const chunk of response.data) text += String(chunk);
    expect(JSON.parse(text)).toEqual({ ok: true });
    expect(sentTokens()).toEqual(['Bearer h2-token-1', 'Bearer h2-token-2']);
  });

  test('an aborted signal, a signal aborting the wait and a timeout end the wait for a token', async () => {
    const provider = countingProvider(2_000);
    const api = attached(provider);
    const aborted = AbortSignal.abort();
    const early: unknown = await api.get('/v1', { signal: aborted }).catch((e: unknown) => e);
    expect(axios.isCancel(early)).toBe(true);
    expect(provider.calls).toBe(0);
    const started = Date.now();
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 30);
    const cancelled: unknown = await api.get('/v1', { signal: controller.signal }).catch((e: unknown) => e);
    expect(axios.isCancel(cancelled)).toBe(true);
    const timedOut: unknown = await api.get('/v1', { timeout: 30 }).catch((e: unknown) => e);
    expect(axios.isAxiosError(timedOut) && timedOut.code).toBe('ECONNABORTED');
    expect(Date.now() - started).toBeLessThan(1_500);
    expect(provider.calls).toBe(1);
    expect(server.requests).toHaveLength(0);
  });

  test('a request aborted on the wire rejects without the token', async () => {
    server.handler = () => {};
    const api = attached(countingProvider(1));
    const controller = new AbortController();
    const pending = api.get('/v1', { signal: controller.signal }).catch((e: unknown) => e);
    setTimeout(() => controller.abort(), 100);
    const error = await pending;
    expect(axios.isCancel(error)).toBe(true);
    for (const text of renderings(error)) expect(text).not.toContain('h2-token');
  });
});

describe('the token request over HTTP/2', () => {
  function provider(path: string, attempts = 1): TokenProvider {
    return clientCredentials({
      tokenUrl: `${server.url}${path}`,
      clientId: 'h2-client',
      clientSecret: CLIENT_SECRET,
      http: { httpVersion: 2, redact: ['authorization', 'data'] },
      retry: { attempts, baseDelayMs: 1 },
    });
  }

  let cut: boolean;

  beforeEach(() => {
    cut = false;
    server.handler = (stream, request) => {
      if (request.path === '/token') {
        respond(stream, 200, { access_token: 'h2-token-a', token_type: 'bearer', expires_in: 60 });
      } else if (request.path === '/refusing') {
        respond(stream, 401, {
          error: 'invalid_client',
          error_description: `no ${String(request.headers.authorization)} ${request.body}`,
        });
      } else if (request.path === '/cut-once' && !cut) {
        cut = true;
        stream.respond({ ':status': 200, 'content-type': 'application/json' });
        stream.write('{"access_token":"h2-tok');
        setTimeout(() => stream.session?.destroy(), 20);
      } else if (request.path === '/cut-once') {
        respond(stream, 200, { access_token: 'h2-token-b', token_type: 'bearer', expires_in: 60 });
      } else if (request.path === '/large') {
        respond(stream, 200, 'x'.repeat(2 * 1024 * 1024));
      } else {
        respond(stream, 200, { authorization: request.headers.authorization });
      }
    };
  });

  test('fetches the token and attaches it', async () => {
    const api = attached(provider('/token'));
    expect((await api.get('/v1')).data).toEqual({ authorization: 'Bearer h2-token-a' });
  });

  test('wrong credentials reject with a TokenRequestError naming neither secret nor Basic value', async () => {
    const api = attached(provider('/refusing'));
    const error: unknown = await api.get('/v1').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TokenRequestError);
    expect(error).toMatchObject({ status: 401, code: 'invalid_client' });
    const basic = Buffer.from(`h2-client:${CLIENT_SECRET}`).toString('base64');
    for (const text of renderings(error)) {
      expect(text).not.toContain(CLIENT_SECRET);
      expect(text).not.toContain(basic);
    }
  });

  test('an answer over the size limit names its status, as over HTTP/1', async () => {
    const api = attached(provider('/large'));
    const error: unknown = await api.get('/v1').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TokenRequestError);
    expect(error).toMatchObject({ status: 200, code: 'invalid_token_response' });
  });

  test('a success whose connection is lost half-way is a network error, retried', async () => {
    const api = attached(provider('/cut-once', 2));
    expect((await api.get('/v1')).data).toEqual({ authorization: 'Bearer h2-token-b' });
    expect(server.requests.filter((request) => request.path === '/cut-once')).toHaveLength(2);
    // Not retried, the error says what it was.
    cut = false;
    manager.dispose();
    manager = new TokenManager();
    const error: unknown = await attached(provider('/cut-once'))
      .get('/v1')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TokenRequestError);
    expect(error).toMatchObject({ status: 200, code: 'network_error' });
  });
});
