import { inspect } from 'node:util';
import { runInNewContext } from 'node:vm';
import { expectTokenRequestError } from './support/expect-token-request-error.js';
import axios, { type AxiosHeaders, type AxiosInstance } from 'axios';
import MockAdapter from 'axios-mock-adapter';
import { TokenRequestError } from '../src/errors.js';
import {
  createTokenHttp,
  requestToken,
  type RequestTokenHooks,
  type TokenHttpRequest,
} from '../src/token-request.js';

const SECRET = 's3cr:et%+ /é-very-SECRET';
const FORM_SECRET = new URLSearchParams([['', SECRET]]).toString().slice(1);
const BASIC = 'czNjcjpldCUrIC/DqS12ZXJ5LVNFQ1JFVA==';
const TOKEN_URL = 'https://auth.example.com/oauth/token';

let http: AxiosInstance;
let mock: MockAdapter;

beforeEach(() => {
  http = axios.create();
  mock = new MockAdapter(http);
});

function request(overrides: Partial<TokenHttpRequest> = {}): TokenHttpRequest {
  return {
    providerKey: 'test-provider',
    tokenUrl: TOKEN_URL,
    headers: { Authorization: `Basic ${BASIC}` },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_secret: SECRET }),
    http,
    timeoutMs: 1000,
    secrets: [SECRET, BASIC],
    ...overrides,
  };
}

function hooks(extra: Omit<RequestTokenHooks, 'sleep'> = {}): RequestTokenHooks & { sleep: jest.Mock } {
  return { random: () => 0.5, ...extra, sleep: jest.fn(async () => undefined) };
}

const failure = expectTokenRequestError;

const okBody = JSON.stringify({ access_token: 'the-token', token_type: 'bearer', expires_in: 300 });

describe('the request sent', () => {
  it('posts a form with JSON accepted, text response, no redirects, bounded size and the timeout', async () => {
    const controller = new AbortController();
    mock.onPost().reply(200, okBody, { 'content-type': 'application/json' });
    const token = await requestToken(request({ timeoutMs: 1234 }), { signal: controller.signal });
    expect(token).toMatchObject({ accessToken: 'the-token', tokenType: 'Bearer' });
    const sent = mock.history.post[0]!;
    expect(sent.url).toBe(TOKEN_URL);
    expect(sent.method).toBe('post');
    expect(sent.headers?.['Content-Type']).toBe('application/x-www-form-urlencoded');
    expect(sent.headers?.['Accept']).toBe('application/json');
    expect(sent.headers?.['Authorization']).toBe(`Basic ${BASIC}`);
    expect(sent.data).toBe(`grant_type=client_credentials&client_secret=${FORM_SECRET}`);
    expect(sent.responseType).toBe('text');
    expect(sent.maxRedirects).toBe(0);
    expect(sent.maxContentLength).toBe(1_048_576);
    expect(sent.maxBodyLength).toBe(1_048_576);
    expect(sent.timeout).toBe(1234);
    expect(sent.signal).toBeInstanceOf(AbortSignal);
    expect(sent.validateStatus?.(500)).toBe(true);
  });

  it('appends query parameters and sends an empty body without a form', async () => {
    mock.onPost().reply(200, okBody);
    await requestToken(
      request({
        tokenUrl: `${TOKEN_URL}?tenant=a`,
        body: undefined,
        query: new URLSearchParams({ grant_type: 'client_credentials', scope: 'a b' }),
      }),
    );
    expect(mock.history.post[0]!.url).toBe(`${TOKEN_URL}?tenant=a&grant_type=client_credentials&scope=a+b`);
    expect(mock.history.post[0]!.data).toBe('');
  });

  it('lets caller headers replace the defaults whatever their case', async () => {
    mock.onPost().reply(200, okBody);
    await requestToken(request({ headers: { accept: 'application/vnd.token+json' } }));
    const headers = Object.entries((mock.history.post[0]!.headers as unknown as AxiosHeaders).toJSON());
    expect(headers.filter(([name]) => name.toLowerCase() === 'accept')).toEqual([
      [expect.stringMatching(/^accept$/i), 'application/vnd.token+json'],
    ]);
  });

  it('reads the answer as received now, corrected by the Date header', async () => {
    const now = 1_700_000_000_000;
    mock.onPost().reply(200, JSON.stringify({ access_token: 'a', expires_at: now + 1_800_000 }), {
      'content-type': 'application/json',
      date: new Date(now - 600_000).toUTCString(),
    });
    const token = await requestToken(request(), {}, hooks({ now: () => now }));
    // The server's clock is 10 minutes behind: its epoch is moved 10 minutes later.
    expect(token.expiresAt).toBe(now + 1_800_000 + 600_000);
  });

  it('compares the Date header with the clock when the answer came, and counts lifetimes from the send', async () => {
    const sent = 1_700_000_000_000;
    let now = sent;
    const slowEndpoint = (body: Record<string, unknown>) =>
      axios.create({
        adapter: async (config) => {
          now += 7000; // the endpoint takes 7 s; both clocks agree
          return {
            data: JSON.stringify(body),
            status: 200,
            statusText: 'OK',
            headers: { 'content-type': 'application/json', date: new Date(now).toUTCString() },
            config,
          };
        },
      });
    const absolute = await requestToken(
      request({ http: slowEndpoint({ access_token: 'a', expires_at: sent + 3_600_000 }) }),
      {},
      hooks({ now: () => now }),
    );
    // Not moved 7 s earlier as if the server's clock ran behind.
    expect(absolute.expiresAt).toBe(sent + 3_600_000);
    now = sent;
    const relative = await requestToken(
      request({ http: slowEndpoint({ access_token: 'a', expires_in: 3600 }) }),
      {},
      hooks({ now: () => now }),
    );
    expect(relative.expiresAt).toBe(sent + 3_600_000);
  });

  it('parses a form-encoded 200 by its content type', async () => {
    mock
      .onPost()
      .reply(200, 'access_token=abc&expires_in=60', { 'content-type': 'application/x-www-form-urlencoded' });
    const now = 1_700_000_000_000;
    const token = await requestToken(request(), {}, hooks({ now: () => now }));
    expect(token).toMatchObject({ accessToken: 'abc', expiresAt: now + 60_000 });
  });
});

describe('createTokenHttp', () => {
  it('uses a given instance, and a new private one otherwise', () => {
    expect(createTokenHttp(http)).toBe(http);
    const fromConfig = createTokenHttp({ timeout: 5, headers: { 'X-A': '1' } });
    expect(fromConfig).not.toBe(axios);
    expect(fromConfig.defaults.timeout).toBe(5);
    const fresh = createTokenHttp(undefined);
    expect(fresh).not.toBe(axios);
    expect(fresh).not.toBe(createTokenHttp(undefined));
  });

  it('leaves out an Authorization of the global axios defaults, unless the http config names one', () => {
    axios.defaults.headers.common.Authorization = 'Bearer app';
    try {
      const fresh = createTokenHttp({ timeout: 5 });
      expect(fresh.defaults.headers.common['Authorization']).toBeUndefined();
      const own = createTokenHttp({ headers: { Authorization: 'Basic own' } });
      expect(own.defaults.headers['Authorization']).toBe('Basic own');
    } finally {
      delete axios.defaults.headers.common.Authorization;
    }
  });
});

describe('insecure URLs', () => {
  it.each([
    'http://auth.example.com/token',
    'ftp://auth.example.com/token',
    'data:text/plain,x',
    'not a url',
  ])('refuses %s before sending anything', async (tokenUrl) => {
    mock.onPost().reply(200, okBody);
    const error = await failure(requestToken(request({ tokenUrl })));
    expect(error.code).toBe('insecure_token_url');
    expect(mock.history.post).toHaveLength(0);
  });

  it.each([
    'http://127.0.0.1:8080/token',
    'http://localhost/token',
    'http://[::1]:9/token',
    'http://127.3.2.1/t',
  ])('allows loopback %s', async (tokenUrl) => {
    mock.onPost().reply(200, okBody);
    await expect(requestToken(request({ tokenUrl }))).resolves.toMatchObject({ accessToken: 'the-token' });
  });

  it('allows any http URL with allowInsecureHttp', async () => {
    mock.onPost().reply(200, okBody);
    await requestToken(request({ tokenUrl: 'http://auth.example.com/token', allowInsecureHttp: true }));
    expect(mock.history.post).toHaveLength(1);
  });
});

describe('errors', () => {
  it('maps 401 invalid_client with its description, and keeps a redacted response', async () => {
    mock
      .onPost()
      .reply(401, JSON.stringify({ error: 'invalid_client', error_description: `Bad secret ${SECRET}` }), {
        'Content-Type': 'application/json',
        'Set-Cookie': 'session=abc',
        'X-Echo': `Basic ${BASIC}`,
        'WWW-Authenticate': 'Basic realm="token"',
      });
    const error = await failure(requestToken(request({ retry: false })));
    expect(error).toMatchObject({ status: 401, code: 'invalid_client', providerKey: 'test-provider' });
    expect(error.description).toBe('Bad secret [REDACTED]');
    expect(error.message).toContain('401');
    expect(error.message).toContain(TOKEN_URL);
    expect(error.response?.status).toBe(401);
    expect(error.response?.headers).toEqual({
      'content-type': 'application/json',
      'x-echo': 'Basic [REDACTED]',
      'www-authenticate': 'Basic realm="token"',
    });
    expect(error.response?.body).toContain('Bad secret [REDACTED]');
    expect(Object.keys(error)).not.toContain('response');
  });

  it('maps GigaChat {code, message}', async () => {
    mock.onPost().reply(400, JSON.stringify({ code: 1, message: 'scope data format invalid' }), {
      'content-type': 'application/json',
    });
    const error = await failure(requestToken(request()));
    expect(error).toMatchObject({ status: 400, code: '1', description: 'scope data format invalid' });
  });

  it('leaves the code undefined when a 500 answers HTML', async () => {
    mock.onPost().reply(500, '<html><body>Internal error</body></html>', { 'content-type': 'text/html' });
    const error = await failure(requestToken(request({ retry: false })));
    expect(error.status).toBe(500);
    expect(error.code).toBeUndefined();
    expect(error.response?.body).toBe('<html><body>Internal error</body></html>');
  });

  it('refuses a redirect rather than following it', async () => {
    mock.onPost().reply(302, '', { location: 'https://elsewhere.example.com/' });
    const error = await failure(requestToken(request()));
    expect(error.status).toBe(302);
    expect(mock.history.post).toHaveLength(1);
  });

  it('maps a 200 carrying error to a failure', async () => {
    mock
      .onPost()
      .reply(200, JSON.stringify({ error: 'invalid_scope' }), { 'content-type': 'application/json' });
    const error = await failure(requestToken(request()));
    expect(error.code).toBe('invalid_scope');
  });

  it("maps a timeout to 'timeout'", async () => {
    mock.onPost().timeout();
    const error = await failure(requestToken(request({ retry: false })));
    expect(error.code).toBe('timeout');
    expect(error.status).toBeUndefined();
  });

  it('bounds the whole exchange by the timeout, whatever the adapter counts', async () => {
    // As axios in Node once the headers are in: only a signal ends an answer that keeps trickling.
    const endless = axios.create({
      adapter: (config) =>
        new Promise((_resolve, reject) => {
          config.signal?.addEventListener?.('abort', () => reject(new axios.CanceledError()));
        }),
    });
    const started = Date.now();
    const error = await failure(requestToken(request({ http: endless, timeoutMs: 50, retry: false })));
    expect(error).toMatchObject({ code: 'timeout', description: 'no answer within 50 ms' });
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('bounds the exchange by the timeout also when the adapter ignores the signal (a mock that never answers)', async () => {
    mock.onPost().reply(() => new Promise(() => undefined));
    const started = Date.now();
    const error = await failure(requestToken(request({ timeoutMs: 50, retry: false })));
    expect(error).toMatchObject({ code: 'timeout', description: 'no answer within 50 ms' });
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('tries again at once when its time ran out while the process was frozen', async () => {
    // The thread sleeps through the whole attempt and past the deadline, as under `kill -STOP`.
    const freeze = (ms: number): void => {
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
    };
    mock.onPost().replyOnce(() => {
      setTimeout(() => freeze(1500), 10);
      return new Promise(() => undefined);
    });
    mock.onPost().reply(200, okBody);
    const token = await requestToken(request({ timeoutMs: 100, retry: { deadlineMs: 500 } }));
    expect(token.accessToken).toBe('the-token');
    expect(mock.history.post).toHaveLength(2);
  });

  it('still times out after a freeze when the attempt after it gets no answer either', async () => {
    mock.onPost().replyOnce(() => {
      setTimeout(() => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1500), 10);
      return new Promise(() => undefined);
    });
    mock.onPost().reply(() => new Promise(() => undefined));
    const error = await failure(requestToken(request({ timeoutMs: 100, retry: { deadlineMs: 500 } })));
    expect(error).toMatchObject({ code: 'timeout' });
    // The deadline starts again once only; the attempts stay bounded by the retry policy (3).
    expect(mock.history.post.length).toBeLessThanOrEqual(3);
  });

  it('ends at once when its signal aborts, though the adapter ignores the signal', async () => {
    const controller = new AbortController();
    const reason = new Error('disposed');
    mock.onPost().reply(() => {
      setTimeout(() => controller.abort(reason), 10);
      return new Promise(() => undefined);
    });
    await expect(requestToken(request({ timeoutMs: 60_000 }), { signal: controller.signal })).rejects.toBe(
      reason,
    );
  });

  it('retries a 200 whose body broke off, as a network error', async () => {
    let calls = 0;
    const brokenOnce = axios.create({
      adapter: async (config) => {
        calls += 1;
        const response = {
          data: calls === 1 ? undefined : okBody,
          status: 200,
          statusText: 'OK',
          headers: {},
          config,
        };
        if (calls === 1)
          throw new axios.AxiosError('stream has been aborted', 'ERR_BAD_RESPONSE', config, {}, response);
        return response;
      },
    });
    const h = hooks();
    await expect(requestToken(request({ http: brokenOnce }), {}, h)).resolves.toMatchObject({
      accessToken: 'the-token',
    });
    expect(calls).toBe(2);
  });

  it("maps a network error to 'network_error'", async () => {
    mock.onPost().networkError();
    const error = await failure(requestToken(request({ retry: false })));
    expect(error.code).toBe('network_error');
  });

  it('rejects with the reason of an already aborted signal, sending nothing', async () => {
    const reason = new Error('gone');
    mock.onPost().reply(200, okBody);
    await expect(requestToken(request(), { signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
    expect(mock.history.post).toHaveLength(0);
  });

  it('rejects with the reason of a signal aborted during the request', async () => {
    const controller = new AbortController();
    const reason = new Error('no longer needed');
    mock.onPost().reply(() => {
      controller.abort(reason);
      return [200, okBody];
    });
    await expect(requestToken(request(), { signal: controller.signal })).rejects.toBe(reason);
  });

  it('rejects with the reason of a signal aborted during a backoff', async () => {
    const controller = new AbortController();
    const reason = new Error('stop');
    mock.onPost().reply(503);
    const sleep = jest.fn(async () => {
      controller.abort(reason);
      throw reason;
    });
    await expect(requestToken(request(), { signal: controller.signal }, { sleep })).rejects.toBe(reason);
    expect(mock.history.post).toHaveLength(1);
  });
});

describe('retries', () => {
  it('retries a 5xx and returns the next success (2 calls)', async () => {
    mock.onPost().replyOnce(502).onPost().reply(200, okBody);
    const h = hooks();
    await expect(requestToken(request(), {}, h)).resolves.toMatchObject({ accessToken: 'the-token' });
    expect(mock.history.post).toHaveLength(2);
    // Full jitter: random 0.5 of baseDelayMs 200.
    expect(h.sleep).toHaveBeenCalledWith(100, undefined, true);
  });

  it('waits on a timer that keeps nothing alive when no caller awaits the token (background refresh)', async () => {
    mock.onPost().replyOnce(502).onPost().reply(200, okBody);
    const h = hooks();
    await requestToken(request(), { background: true }, h);
    expect(h.sleep).toHaveBeenCalledWith(100, undefined, false);
  });

  it('sends a background refresh on a later turn of the event loop, a foreground one at once', async () => {
    for (const background of [false, true]) {
      const events: string[] = [];
      const answering = axios.create({
        adapter: async (config) => {
          events.push('sent');
          return { data: okBody, status: 200, statusText: 'OK', headers: {}, config };
        },
      });
      setImmediate(() => events.push('next turn'));
      await requestToken(request({ http: answering }), { background }, hooks());
      await new Promise((resolve) => setImmediate(resolve));
      expect(events).toEqual(background ? ['next turn', 'sent'] : ['sent', 'next turn']);
    }
  });

  it('does not take up a background answer whose refresh was cancelled while it waited for its turn', async () => {
    const controller = new AbortController();
    const answering = axios.create({
      adapter: async (config) => {
        // The answer is in; the manager is disposed before the next turn reads it.
        setImmediate(() => controller.abort(new Error('disposed')));
        return { data: okBody, status: 200, statusText: 'OK', headers: {}, config };
      },
    });
    await expect(
      requestToken(request({ http: answering }), { background: true, signal: controller.signal }, hooks()),
    ).rejects.toThrow('disposed');
  });

  it('doubles the backoff ceiling each attempt, up to maxDelayMs', async () => {
    mock.onPost().reply(503);
    const h = hooks({ random: () => 1 });
    await failure(
      requestToken(request({ retry: { attempts: 5, baseDelayMs: 100, maxDelayMs: 300 } }), {}, h),
    );
    expect(h.sleep.mock.calls.map(([ms]) => ms)).toEqual([100, 200, 300, 300]);
    expect(mock.history.post).toHaveLength(5);
  });

  it('throws the last error when attempts run out', async () => {
    mock.onPost().replyOnce(500).onPost().replyOnce(502).onPost().replyOnce(503).onPost().reply(200, okBody);
    const error = await failure(requestToken(request(), {}, hooks()));
    expect(error.status).toBe(503);
    expect(mock.history.post).toHaveLength(3);
  });

  it('retries timeouts, network errors and 408', async () => {
    mock
      .onPost()
      .timeoutOnce()
      .onPost()
      .networkErrorOnce()
      .onPost()
      .replyOnce(408)
      .onPost()
      .reply(200, okBody);
    await requestToken(request({ retry: { attempts: 4 } }), {}, hooks());
    expect(mock.history.post).toHaveLength(4);
  });

  it('waits the Retry-After seconds of a 429', async () => {
    mock.onPost().replyOnce(429, '', { 'retry-after': '3' }).onPost().reply(200, okBody);
    const h = hooks();
    await requestToken(request(), {}, h);
    expect(h.sleep).toHaveBeenCalledWith(3000, undefined, true);
    expect(mock.history.post).toHaveLength(2);
  });

  it('waits until the Retry-After HTTP date', async () => {
    const now = Date.parse('2025-01-01T00:00:00Z');
    mock
      .onPost()
      .replyOnce(429, '', { 'retry-after': new Date(now + 4000).toUTCString() })
      .onPost()
      .reply(200, okBody);
    const h = hooks({ now: () => now });
    await requestToken(request(), {}, h);
    expect(h.sleep).toHaveBeenCalledWith(4000, undefined, true);
  });

  it('gives up at once when Retry-After would pass the deadline', async () => {
    mock.onPost().replyOnce(429, '', { 'retry-after': '60' }).onPost().reply(200, okBody);
    const h = hooks();
    const error = await failure(requestToken(request(), {}, h));
    expect(error.status).toBe(429);
    expect(h.sleep).not.toHaveBeenCalled();
    expect(mock.history.post).toHaveLength(1);
  });

  it('gives up when a backoff would pass the deadline', async () => {
    mock.onPost().reply(500);
    const h = hooks({ random: () => 1 });
    await failure(requestToken(request({ retry: { deadlineMs: 50, baseDelayMs: 100 } }), {}, h));
    expect(h.sleep).not.toHaveBeenCalled();
    expect(mock.history.post).toHaveLength(1);
  });

  it('gives up with the last error when a backoff ends past the deadline (a busy loop, a sleep)', async () => {
    let clock = 0;
    mock.onPost().replyOnce(503, '', { 'retry-after': '2' }).onPost().reply(200, okBody);
    const late = jest.fn(async (ms: number) => {
      clock += ms + 60_000;
    });
    const error = await failure(requestToken(request(), {}, { now: () => clock, sleep: late }));
    expect(error.status).toBe(503);
    expect(late).toHaveBeenCalledTimes(1);
    expect(mock.history.post).toHaveLength(1);
  });

  it('shortens later attempts to what is left of the deadline', async () => {
    let clock = 0;
    mock.onPost().replyOnce(() => {
      clock += 700;
      return [503];
    });
    mock.onPost().reply(200, okBody);
    await requestToken(
      request({ timeoutMs: 5000, retry: { deadlineMs: 1000 } }),
      {},
      hooks({ now: () => clock }),
    );
    expect(mock.history.post.map((sent) => sent.timeout)).toEqual([5000, 300]);
  });

  it.each([400, 401, 403, 404, 422])('never retries %i', async (status) => {
    mock.onPost().reply(status, JSON.stringify({ error: 'invalid_request' }));
    const h = hooks();
    const error = await failure(requestToken(request(), {}, h));
    expect(error.status).toBe(status);
    expect(mock.history.post).toHaveLength(1);
    expect(h.sleep).not.toHaveBeenCalled();
  });

  it('sends once with retry: false', async () => {
    mock.onPost().reply(500);
    await failure(requestToken(request({ retry: false }), {}, hooks()));
    expect(mock.history.post).toHaveLength(1);
  });

  it('uses real, short sleeps by default', async () => {
    mock.onPost().replyOnce(503).onPost().reply(200, okBody);
    await requestToken(request({ retry: { baseDelayMs: 5 } }));
    expect(mock.history.post).toHaveLength(2);
  });
});

describe('no secret leaks', () => {
  const forms = [SECRET, FORM_SECRET, encodeURIComponent(SECRET), BASIC];

  function expectNoSecret(error: TokenRequestError): void {
    const dumps = [
      JSON.stringify(error),
      String(error),
      error.stack ?? '',
      inspect(error, { depth: Infinity, showHidden: true }),
      inspect(error.cause, { depth: Infinity, showHidden: true }),
      JSON.stringify(error.cause ?? null),
      inspect(error.response, { depth: Infinity, showHidden: true }),
    ];
    for (const dump of dumps) for (const form of forms) expect(dump).not.toContain(form);
  }

  const echo = `error=invalid_client&error_description=${FORM_SECRET}+${encodeURIComponent(BASIC)}`;
  it.each<[string, (m: MockAdapter) => void]>([
    ['401', (m) => m.onPost().reply(401, echo, { 'x-secret': SECRET, 'set-cookie': `s=${SECRET}` })],
    [
      '500 HTML',
      (m) => m.onPost().reply(500, `<pre>${SECRET} ${BASIC}</pre>`, { 'content-type': 'text/html' }),
    ],
    [
      '200 with error',
      (m) => m.onPost().reply(200, JSON.stringify({ error: SECRET, error_description: BASIC })),
    ],
    ['200 unusable', (m) => m.onPost().reply(200, `<html>${SECRET}</html>`, { 'content-type': 'text/html' })],
    ['timeout', (m) => m.onPost().timeout()],
    ['network error', (m) => m.onPost().networkError()],
  ])('%s', async (_kind, arrange) => {
    arrange(mock);
    const error = await failure(requestToken(request({ retry: false })));
    expectNoSecret(error);
  });

  it('query-string secrets', async () => {
    mock.onPost().reply(400, `bad ${SECRET}`);
    const query = new URLSearchParams({ client_secret: SECRET });
    const error = await failure(requestToken(request({ body: undefined, query })));
    expectNoSecret(error);
    expect(error.endpoint).toBe(TOKEN_URL);
  });
});

describe('answers of an `http` instance that does not hand back text', () => {
  /** An instance whose adapter answers `status` with `data` and `headers` as they are. */
  function answering(status: number, data: unknown, headers: unknown = {}): AxiosInstance {
    return axios.create({
      adapter: async (config) => ({ status, statusText: '', data, headers: headers as AxiosHeaders, config }),
    });
  }

  const circular: Record<string, unknown> = { error: 'invalid_client' };
  circular['self'] = circular;

  it.each<[string, unknown, string]>([
    [
      'a Buffer',
      Buffer.from(`{"error":"invalid_client","note":"${SECRET}"}`),
      '{"error":"invalid_client","note":"[REDACTED]"}',
    ],
    [
      'an ArrayBuffer',
      new TextEncoder().encode('{"error":"invalid_client"}').buffer,
      '{"error":"invalid_client"}',
    ],
    [
      'a parsed object',
      { error: 'invalid_client', note: SECRET },
      '{"error":"invalid_client","note":"[REDACTED]"}',
    ],
    ['an object JSON cannot write', circular, ''],
    ['nothing', null, ''],
    ['a function, which JSON does not write', () => undefined, ''],
  ])('keeps the body of an error answer given as %s as text, redacted', async (_name, data, body) => {
    const error = await failure(requestToken(request({ http: answering(400, data), retry: false })));
    expect(error.response?.body).toBe(body);
  });

  it('keeps the body of an error answer given as an ArrayBuffer of another realm, as its code was read from it', async () => {
    const bytes = [...Buffer.from('{"error":"invalid_client","error_description":"no such client"}')];
    const foreign = runInNewContext('new Uint8Array(bytes).buffer', { bytes }) as ArrayBuffer;
    const error = await failure(requestToken(request({ http: answering(400, foreign), retry: false })));
    expect(error).toMatchObject({ code: 'invalid_client', description: 'no such client' });
    expect(error.response?.body).toBe('{"error":"invalid_client","error_description":"no such client"}');
  });

  it('cuts a long error body at 16 KiB', async () => {
    const error = await failure(
      requestToken(request({ http: answering(400, 'x'.repeat(20_000)), retry: false })),
    );
    expect(error.response?.body).toBe(`${'x'.repeat(16_384)}…`);
  });

  it('keeps list headers joined, and drops empty ones and headers that are no object', async () => {
    const listed = await failure(
      requestToken(
        request({ http: answering(400, '', { 'x-list': ['a', 'b'], 'x-none': null }), retry: false }),
      ),
    );
    expect(listed.response?.headers).toEqual({ 'x-list': 'a, b' });
    const odd = await failure(
      requestToken(request({ http: answering(400, '', 'not headers'), retry: false })),
    );
    expect(odd.response).toMatchObject({ status: 400, headers: {} });
  });

  it('reports what a failing adapter threw, not being an axios error, as a network error with its cause', async () => {
    const thrown = new Error('adapter broke');
    const http = axios.create({ adapter: () => Promise.reject(thrown) });
    const error = await failure(requestToken(request({ http, retry: false })));
    expect(error).toMatchObject({ code: 'network_error', status: undefined, cause: thrown });
  });

  it('sends only the default headers when the request names none', async () => {
    mock.onPost().reply(200, okBody, { 'content-type': 'application/json' });
    await requestToken(request({ headers: undefined }));
    const { Accept, 'Content-Type': contentType, Authorization } = mock.history.post[0]!.headers ?? {};
    expect([Accept, contentType, Authorization]).toEqual([
      'application/json',
      'application/x-www-form-urlencoded',
      undefined,
    ]);
  });
});
