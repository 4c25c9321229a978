import { Readable } from 'node:stream';
import axios, {
  AxiosError,
  type AxiosHeaders,
  type AxiosInstance,
  type AxiosRequestConfig,
  type AxiosResponse,
  type InternalAxiosRequestConfig,
} from 'axios';
import MockAdapter from 'axios-mock-adapter';
import { attachTokenAuth } from '../src/attach-token-auth.js';
import { TokenAuthConfigError, TokenRequestError } from '../src/errors.js';
import type { TokenEvent } from '../src/token-events.js';
import { TokenManager } from '../src/token-manager.js';
import type { TokenProvider } from '../src/token.js';
import { heldStore } from './support/held-store.js';
import { deferred, fakeProvider, token, type FakeProvider } from './support/fake-provider.js';

interface Setup {
  api: AxiosInstance;
  mock: MockAdapter;
  provider: FakeProvider;
  manager: TokenManager;
  events: TokenEvent[];
  detach: () => void;
}

function setup(options: { baseURL?: string; delayMs?: number } = {}): Setup {
  const api = axios.create({ baseURL: options.baseURL ?? 'https://api.example.com/v1' });
  const mock = new MockAdapter(api);
  const provider = fakeProvider(options.delayMs === undefined ? {} : { delayMs: options.delayMs });
  const events: TokenEvent[] = [];
  const manager = new TokenManager({ onEvent: (e) => events.push(e) });
  const detach = attachTokenAuth(api, { provider, manager });
  return { api, mock, provider, manager, events, detach };
}

/** Answers 200 when the request carries one of `valid`, else 401; records every Authorization header. */
function guardedApi(mock: MockAdapter, valid: () => readonly string[], seen: unknown[] = []): unknown[] {
  mock.onAny().reply((config) => {
    const header = config.headers?.Authorization;
    seen.push(header);
    return valid().some((t) => header === `Bearer ${t}`)
      ? [200, { ok: true }]
      : [401, { error: 'invalid_token' }];
  });
  return seen;
}

describe('attachTokenAuth: attaching', () => {
  it('sets Authorization: <tokenType> <accessToken> on every request', async () => {
    const { api, mock } = setup();
    const seen = guardedApi(mock, () => ['token-fake-1']);
    await api.get('/models');
    await api.post('/chat', { q: 1 });
    expect(seen).toEqual(['Bearer token-fake-1', 'Bearer token-fake-1']);
  });

  it('turns 200 concurrent cold requests into one token fetch', async () => {
    const { api, mock, provider } = setup({ delayMs: 5 });
    guardedApi(mock, () => ['token-fake-1']);
    const responses = await Promise.all(Array.from({ length: 200 }, (_, i) => api.get(`/items/${i}`)));
    expect(responses.every((r) => r.status === 200)).toBe(true);
    expect(provider.calls).toBe(1);
  });

  it('uses the header and scheme options', async () => {
    const api = axios.create();
    const mock = new MockAdapter(api);
    attachTokenAuth(api, {
      provider: fakeProvider(),
      manager: new TokenManager(),
      header: 'X-Api-Token',
      scheme: 'Token',
    });
    mock.onGet('/x').reply((config) => [200, { header: config.headers?.['X-Api-Token'] }]);
    await expect(api.get('/x')).resolves.toMatchObject({ data: { header: 'Token token-fake-1' } });
  });

  it('sends no token with tokenAuth: false', async () => {
    const { api, mock, provider } = setup();
    const seen = guardedApi(mock, () => []);
    await expect(api.get('/public', { tokenAuth: false })).rejects.toMatchObject({
      response: { status: 401 },
    });
    expect(seen).toEqual([undefined]);
    expect(provider.calls).toBe(0);
  });

  it('uses the provider given per request', async () => {
    const { api, mock, provider } = setup();
    const other = fakeProvider({ key: 'other' });
    const seen = guardedApi(mock, () => ['token-other-1']);
    await api.get('/x', { tokenAuth: { provider: other } });
    expect(seen).toEqual(['Bearer token-other-1']);
    expect([provider.calls, other.calls]).toEqual([0, 1]);
  });

  it('lets a provider selector choose per request, or send nothing', async () => {
    const api = axios.create();
    const mock = new MockAdapter(api);
    const admin = fakeProvider({ key: 'admin' });
    attachTokenAuth(api, {
      manager: new TokenManager(),
      provider: (config) => (config.url?.startsWith('/admin') === true ? admin : undefined),
    });
    const seen = guardedApi(mock, () => ['token-admin-1']);
    await api.get('/admin/users');
    await expect(api.get('/public')).rejects.toMatchObject({ response: { status: 401 } });
    expect(seen).toEqual(['Bearer token-admin-1', undefined]);
  });

  it('leaves a header the caller set alone and never replays it', async () => {
    const { api, mock, provider } = setup();
    const seen = guardedApi(mock, () => []);
    await expect(api.get('/x', { headers: { Authorization: 'Basic abc' } })).rejects.toMatchObject({
      response: { status: 401 },
    });
    expect(seen).toEqual(['Basic abc']);
    expect(provider.calls).toBe(0);
  });

  it('sends a provider’s own token request through this instance as it is when it carries the signal it was given', async () => {
    const api = axios.create({ baseURL: 'https://app.example.com' });
    const mock = new MockAdapter(api);
    const seen: unknown[] = [];
    mock.onPost('/session/token').reply((config) => {
      seen.push(config.headers?.Authorization);
      return [200, { token: 'from-session' }];
    });
    mock.onGet('/data').reply((config) => {
      seen.push(config.headers?.Authorization);
      return [200, {}];
    });
    const manager = new TokenManager();
    const provider: TokenProvider = {
      key: 'session',
      async fetchToken({ signal }) {
        const { data } = await api.post<{ token: string }>('/session/token', null, signal ? { signal } : {});
        return token(data.token, Date.now() + 60_000);
      },
    };
    attachTokenAuth(api, { provider, manager });
    await api.get('/data');
    expect(seen).toEqual([undefined, 'Bearer from-session']);
    manager.dispose();
  });

  it('still sends a token with a provider’s request made for another key (a token exchange), whatever signal it carries', async () => {
    const sts = axios.create({ baseURL: 'https://sts.example.com' });
    const seenBySts: unknown[] = [];
    new MockAdapter(sts).onPost('/exchange').reply((config) => {
      seenBySts.push(config.headers?.Authorization);
      return [200, { token: 'exchanged' }];
    });
    const manager = new TokenManager();
    // The first token is what the token service asks for; the second is got by exchanging it.
    attachTokenAuth(sts, { provider: fakeProvider({ key: 'sts' }), manager });
    const exchanged: TokenProvider = {
      key: 'exchanged',
      async fetchToken({ signal }) {
        const { data } = await sts.post<{ token: string }>('/exchange', null, signal ? { signal } : {});
        return token(data.token, Date.now() + 60_000);
      },
    };
    const api = axios.create({ baseURL: 'https://app.example.com' });
    const seenByApi: unknown[] = [];
    new MockAdapter(api).onGet('/data').reply((config) => {
      seenByApi.push(config.headers?.Authorization);
      return [200, {}];
    });
    attachTokenAuth(api, { provider: exchanged, manager });
    await api.get('/data');
    expect(seenBySts).toEqual(['Bearer token-sts-1']);
    expect(seenByApi).toEqual(['Bearer exchanged']);
    manager.dispose();
  });

  it('rejects with the TokenRequestError when the token cannot be fetched, without calling the API', async () => {
    const { api, mock, provider } = setup();
    const refused = new TokenRequestError({ providerKey: 'fake', status: 401, code: 'invalid_client' });
    provider.next = async () => {
      throw refused;
    };
    const seen = guardedApi(mock, () => []);
    await expect(api.get('/x')).rejects.toBe(refused);
    expect(seen).toEqual([]);
  });

  it('refuses to attach twice, and attaches again after detach', async () => {
    const { api, mock, detach } = setup();
    expect(() => attachTokenAuth(api, { provider: fakeProvider() })).toThrow(TokenAuthConfigError);
    detach();
    detach();
    const seen = guardedApi(mock, () => ['token-fake-1']);
    await api.get('/x').catch(() => undefined);
    expect(seen).toEqual([undefined]);
    const again = attachTokenAuth(api, { provider: fakeProvider(), manager: new TokenManager() });
    await api.get('/x');
    expect(seen).toEqual([undefined, 'Bearer token-fake-1']);
    again();
  });

  it('refuses to attach twice when the other copy of the package (its other build) attached first', () => {
    let other: typeof import('../src/attach-token-auth.js') | undefined;
    jest.isolateModules(() => {
      other = jest.requireActual<typeof import('../src/attach-token-auth.js')>('../src/attach-token-auth.js');
    });
    const api = axios.create();
    const detach = other!.attachTokenAuth(api, { provider: fakeProvider(), manager: new TokenManager() });
    expect(() => attachTokenAuth(api, { provider: fakeProvider(), manager: new TokenManager() })).toThrow(
      TokenAuthConfigError,
    );
    detach();
    attachTokenAuth(api, { provider: fakeProvider(), manager: new TokenManager() })();
  });

  it('refuses options without a provider', () => {
    expect(() => attachTokenAuth(axios.create(), {} as never)).toThrow(/needs a provider/);
  });

  it('refuses missing options with the same clear error', () => {
    expect(() => attachTokenAuth(axios.create(), undefined as never)).toThrow(
      expect.objectContaining({
        name: 'TokenAuthConfigError',
        message: expect.stringMatching(/needs a provider/),
      }),
    );
  });

  it('refuses a provider without a key: such providers would share one token', () => {
    const keyless = { fetchToken: async () => token('service-a', null) } as unknown as FakeProvider;
    expect(() => attachTokenAuth(axios.create(), { provider: keyless, manager: new TokenManager() })).toThrow(
      expect.objectContaining({ name: 'TokenAuthConfigError', code: 'invalid_options' }),
    );
  });

  it('fails a request whose chosen provider has no key, sending nothing', async () => {
    const api = axios.create({ baseURL: 'https://api.example.com/v1' });
    const mock = new MockAdapter(api);
    const seen = guardedApi(mock, () => []);
    const keyless = { key: '', fetchToken: async () => token('service-a', null) };
    attachTokenAuth(api, { provider: () => keyless, manager: new TokenManager() });
    await expect(api.get('/x')).rejects.toBeInstanceOf(TokenAuthConfigError);
    expect(seen).toEqual([]);
  });

  it('refuses options of the wrong kind before attaching anything', () => {
    const api = axios.create();
    expect(() => attachTokenAuth(api, { provider: fakeProvider(), header: 'Api Key' })).toThrow(
      expect.objectContaining({ name: 'TokenAuthConfigError', code: 'invalid_options' }),
    );
    // Nothing was attached: a correct call still succeeds.
    attachTokenAuth(api, { provider: fakeProvider(), manager: new TokenManager() })();
  });
});

describe('attachTokenAuth: origins', () => {
  const cases: Array<{ name: string; config: AxiosRequestConfig; expected: boolean }> = [
    { name: 'a relative URL', config: { url: '/x' }, expected: true },
    {
      name: 'an absolute URL on the baseURL origin',
      config: { url: 'https://api.example.com/other' },
      expected: true,
    },
    {
      name: 'an absolute URL on another origin',
      config: { url: 'https://evil.example.net/steal' },
      expected: false,
    },
    {
      name: 'a protocol-relative URL on another origin',
      config: { url: '//evil.example.net/x' },
      expected: false,
    },
    {
      name: 'another port of the same host',
      config: { url: 'https://api.example.com:8443/x' },
      expected: false,
    },
    {
      name: 'a per-request baseURL on another origin',
      config: { baseURL: 'https://evil.example.net', url: '/x' },
      expected: false,
    },
    { name: 'an allowed extra origin', config: { url: 'https://files.example.com/f' }, expected: true },
  ];
  it.each(cases)('$name → token sent: $expected', async ({ config, expected }) => {
    const api = axios.create({ baseURL: 'https://api.example.com/v1' });
    const mock = new MockAdapter(api);
    attachTokenAuth(api, {
      provider: fakeProvider(),
      manager: new TokenManager(),
      origins: ['https://files.example.com'],
    });
    const seen = guardedApi(mock, () => ['token-fake-1']);
    await api.request(config).catch(() => undefined);
    expect(seen[0] !== undefined).toBe(expected);
  });

  it("sends to every origin with origins: '*'", async () => {
    const api = axios.create();
    const mock = new MockAdapter(api);
    attachTokenAuth(api, { provider: fakeProvider(), manager: new TokenManager(), origins: '*' });
    const seen = guardedApi(mock, () => ['token-fake-1']);
    await api.get('https://anywhere.example.org/x');
    expect(seen).toEqual(['Bearer token-fake-1']);
  });
});

describe('attachTokenAuth: 401 handling', () => {
  it('drops the token the request carried, fetches once and replays once', async () => {
    const { api, mock, provider, events } = setup();
    let valid = ['token-fake-2'];
    const seen = guardedApi(mock, () => valid);
    const response = await api.get('/x');
    expect(response.status).toBe(200);
    expect(seen).toEqual(['Bearer token-fake-1', 'Bearer token-fake-2']);
    expect(provider.calls).toBe(2);
    expect(events.filter((e) => e.type === 'retry')).toEqual([{ type: 'retry', key: 'fake', status: 401 }]);
    valid = [];
  });

  it('never replays with the token that got the 401 while the store is still writing that token', async () => {
    const written = deferred<void>();
    const store = heldStore({ set: written.promise });
    const api = axios.create({ baseURL: 'https://api.example.com/v1' });
    const mock = new MockAdapter(api);
    // The API refuses the first token at once (revoked, or not yet known to it).
    const seen = guardedApi(mock, () => ['token-fake-2']);
    const provider = fakeProvider();
    attachTokenAuth(api, { provider, manager: new TokenManager({ store }) });
    const cold = api.get('/a');
    await new Promise((resolve) => setImmediate(resolve));
    const during = api.get('/b');
    await new Promise((resolve) => setTimeout(resolve, 5));
    written.resolve();
    const statuses = await Promise.all(
      [cold, during].map((r) =>
        r.then(
          (x) => x.status,
          (e: AxiosError) => e.response?.status,
        ),
      ),
    );
    expect(statuses).toEqual([200, 200]);
    expect(seen.filter((header) => header === 'Bearer token-fake-1').length).toBeLessThanOrEqual(2);
    expect(provider.calls).toBe(2);
  });

  it('makes exactly two attempts against an API that always answers 401, then rejects with that 401', async () => {
    const { api, mock, provider } = setup();
    const seen = guardedApi(mock, () => []);
    const error = await api.get('/x').catch((e: unknown) => e);
    expect(axios.isAxiosError(error) && error.response?.status).toBe(401);
    expect(seen).toHaveLength(2);
    expect(provider.calls).toBe(2);
  });

  it('turns 100 simultaneous 401s for one token into one refresh', async () => {
    const { api, mock, provider, manager } = setup({ delayMs: 5 });
    await manager.getToken(provider);
    const seen = guardedApi(mock, () => ['token-fake-2']);
    const responses = await Promise.all(Array.from({ length: 100 }, () => api.get('/x')));
    expect(responses.every((r) => r.status === 200)).toBe(true);
    expect(provider.calls).toBe(2);
    expect(seen.filter((h) => h === 'Bearer token-fake-1')).toHaveLength(100);
  });

  it('replays a late 401 (for a token already replaced) with the current token, fetching nothing', async () => {
    const { api, mock, provider, manager } = setup();
    const gate = deferred<void>();
    let first = true;
    const seen: unknown[] = [];
    mock.onAny().reply(async (config) => {
      seen.push(config.headers?.Authorization);
      if (first) {
        first = false;
        await gate.promise; // answered only after the token was rotated
        return [401, {}];
      }
      return [200, {}];
    });
    const slow = api.get('/slow');
    await new Promise((resolve) => setImmediate(resolve));
    await manager.getToken(provider, { forceRefresh: true }); // token-fake-2 replaces token-fake-1
    gate.resolve();
    await expect(slow).resolves.toMatchObject({ status: 200 });
    expect(seen).toEqual(['Bearer token-fake-1', 'Bearer token-fake-2']);
    expect(provider.calls).toBe(2);
  });

  it('replays with the provider the selector chose for the request, not an earlier one of the same key', async () => {
    const api = axios.create({ baseURL: 'https://api.example.com/v1' });
    const mock = new MockAdapter(api);
    let valid = ['old-1'];
    const seen = guardedApi(mock, () => valid);
    // A secret rotated: the selector now returns a new provider of the same key, whose token is still cached.
    const old = fakeProvider({ key: 'tenant' });
    old.next = async (call) => {
      if (call === 1) return token('old-1', Date.now() + 300_000);
      throw new TokenRequestError({
        providerKey: 'tenant',
        endpoint: 'https://auth',
        status: 401,
        code: 'invalid_client',
      });
    };
    const rotated = fakeProvider({ key: 'tenant' });
    rotated.next = async (call) => token(`new-${call}`, Date.now() + 300_000);
    let current: TokenProvider = old;
    attachTokenAuth(api, { provider: () => current, manager: new TokenManager() });
    await api.get('/a');
    // The old secret no longer works, and the API refuses the tokens issued for it.
    [current, valid] = [rotated, ['new-1']];
    await expect(api.get('/b')).resolves.toMatchObject({ status: 200 });
    expect(seen).toEqual(['Bearer old-1', 'Bearer old-1', 'Bearer new-1']);
    expect(rotated.calls).toBe(1);
  });

  it('does not replay on 403, on network errors, or on statuses outside retryOnStatus', async () => {
    const { api, mock, provider } = setup();
    mock.onGet('/forbidden').reply(403);
    mock.onGet('/down').networkError();
    mock.onGet('/teapot').reply(418);
    await expect(api.get('/forbidden')).rejects.toMatchObject({ response: { status: 403 } });
    await expect(api.get('/down')).rejects.toMatchObject({ message: 'Network Error' });
    await expect(api.get('/teapot')).rejects.toMatchObject({ response: { status: 418 } });
    expect(provider.calls).toBe(1);
    expect(mock.history.get).toHaveLength(3);
  });

  it('replays on the statuses given in retryOnStatus', async () => {
    const api = axios.create();
    const mock = new MockAdapter(api);
    const provider = fakeProvider();
    attachTokenAuth(api, { provider, manager: new TokenManager(), retryOnStatus: [401, 419] });
    mock.onGet('/x').replyOnce(419).onGet('/x').reply(200);
    await expect(api.get('/x')).resolves.toMatchObject({ status: 200 });
    expect(provider.calls).toBe(2);
  });

  it('replays a JSON body unchanged', async () => {
    const { api, mock } = setup();
    const bodies: unknown[] = [];
    mock.onPost('/x').reply((config) => {
      bodies.push(config.data);
      return bodies.length === 1 ? [401] : [200];
    });
    await api.post('/x', { question: 'ünïcode', n: 1 });
    expect(bodies).toEqual(['{"question":"ünïcode","n":1}', '{"question":"ünïcode","n":1}']);
  });

  it('does not replay a stream body: rejects with the 401', async () => {
    const { api, mock, provider } = setup();
    mock.onPost('/upload').reply(401);
    const error = await api.post('/upload', Readable.from(['chunk'])).catch((e: unknown) => e);
    expect(axios.isAxiosError(error) && error.response?.status).toBe(401);
    expect(mock.history.post).toHaveLength(1);
    expect(provider.calls).toBe(1);
  });

  it('keeps the token out of the serialised config', async () => {
    const { api, mock } = setup();
    mock.onGet('/x').reply(500);
    const error = await api.get('/x').catch((e: unknown) => e);
    expect(axios.isAxiosError(error)).toBe(true);
    const config = (error as { config: AxiosRequestConfig }).config;
    expect(JSON.stringify(config.tokenAuth)).not.toContain('token-fake-1');
  });
});

describe('attachTokenAuth: abort', () => {
  it('cancels a request whose signal aborts while it waits for a token; others still get it', async () => {
    const { api, mock, provider } = setup();
    const gate = deferred<ReturnType<typeof token>>();
    provider.next = () => gate.promise;
    guardedApi(mock, () => ['shared']);
    const controller = new AbortController();
    const aborted = api.get('/a', { signal: controller.signal });
    const other = api.get('/b');
    await new Promise((resolve) => setImmediate(resolve));
    controller.abort();
    const error = await aborted.catch((e: unknown) => e);
    expect(axios.isCancel(error)).toBe(true);
    gate.resolve(token('shared', null));
    await expect(other).resolves.toMatchObject({ status: 200 });
    expect(provider.calls).toBe(1);
    expect(mock.history.get.map((c) => c.url)).toEqual(['/b']);
  });

  it('cancels a request whose legacy cancelToken fires while it waits for a token', async () => {
    const { api, mock, provider } = setup();
    const gate = deferred<ReturnType<typeof token>>();
    provider.next = () => gate.promise;
    guardedApi(mock, () => ['shared']);
    const source = axios.CancelToken.source();
    const canceled = api.get('/a', { cancelToken: source.token });
    const other = api.get('/b');
    await new Promise((resolve) => setImmediate(resolve));
    source.cancel('navigated away');
    const error = await canceled.catch((e: unknown) => e);
    expect(axios.isCancel(error) && error.message).toBe('navigated away');
    gate.resolve(token('shared', null));
    await expect(other).resolves.toMatchObject({ status: 200 });
    expect(provider.calls).toBe(1);
    expect(mock.history.get.map((c) => c.url)).toEqual(['/b']);
  });

  it("fails a request with axios' timeout error when its timeout runs out while it waits for a token", async () => {
    const { api, mock, provider } = setup();
    const gate = deferred<ReturnType<typeof token>>();
    provider.next = () => gate.promise;
    guardedApi(mock, () => ['shared']);
    const started = Date.now();
    const timedOut = api.get('/a', { timeout: 50 }).catch((e: unknown) => e);
    const clarified = api
      .get('/b', { timeout: 50, transitional: { clarifyTimeoutError: true } })
      .catch((e: unknown) => e);
    const other = api.get('/c');
    await expect(timedOut).resolves.toMatchObject({
      code: 'ECONNABORTED',
      message: 'timeout of 50ms exceeded',
    });
    await expect(clarified).resolves.toMatchObject({ code: 'ETIMEDOUT' });
    expect(Date.now() - started).toBeLessThan(1_000);
    gate.resolve(token('shared', null));
    await expect(other).resolves.toMatchObject({ status: 200 });
    expect(provider.calls).toBe(1);
    expect(mock.history.get.map((c) => c.url)).toEqual(['/c']);
  });
  it('gives a request whose signal aborted already no cached token: its CanceledError holds the config', async () => {
    const api = axios.create({ baseURL: 'https://api.example.com/v1' });
    const mock = new MockAdapter(api);
    guardedApi(mock, () => ['token-fake-1']);
    // Registered first, so it runs before the plugin's; older axios runs no response interceptor at all here.
    const seen: unknown[] = [];
    api.interceptors.response.use(undefined, (error: unknown) => {
      seen.push((error as AxiosError).config?.headers.get('Authorization'));
      throw error;
    });
    attachTokenAuth(api, { provider: fakeProvider(), manager: new TokenManager() });
    await api.get('/warm');
    const error = await api.get('/a', { signal: AbortSignal.abort() }).catch((e: unknown) => e);
    expect(axios.isCancel(error)).toBe(true);
    expect(seen).toEqual([undefined]);
    expect(mock.history.get).toHaveLength(1);
  });

  it('does not replay a request whose cancelToken fired while its first attempt was answered 401', async () => {
    const { api, mock, provider } = setup();
    const source = axios.CancelToken.source();
    mock.onAny().reply(() => {
      source.cancel('navigated away');
      return [401, { error: 'invalid_token' }];
    });
    const error = await api
      .get('/a', { cancelToken: source.token, timeout: 60_000 })
      .catch((e: unknown) => e);
    expect(axios.isCancel(error) && error.message).toBe('navigated away');
    expect(mock.history.get).toHaveLength(1);
    expect(provider.calls).toBe(1);
  });

  it('ends at once the replay wait of a request aborted while the store still deletes the refused token', async () => {
    const deleted = deferred<void>();
    // A slow shared store: the compare-and-delete takes until the test lets it end.
    const store = heldStore({ delete: deleted.promise });
    const api = axios.create({ baseURL: 'https://api.example.com/v1' });
    const mock = new MockAdapter(api);
    guardedApi(mock, () => ['token-fake-2']);
    const provider = fakeProvider();
    const renewed = deferred<ReturnType<typeof token>>();
    provider.next = (call) => (call === 1 ? Promise.resolve(token('token-fake-1', null)) : renewed.promise);
    attachTokenAuth(api, { provider, manager: new TokenManager({ store }) });
    const controller = new AbortController();
    const aborted = api.get('/a', { signal: controller.signal }).catch((e: unknown) => e);
    const timedOut = api.get('/b', { timeout: 50 }).catch((e: unknown) => e);
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(mock.history.get).toHaveLength(2); // both got their 401
    controller.abort();
    const soon = (settled: Promise<unknown>): Promise<unknown> =>
      Promise.race([settled, new Promise((resolve) => setTimeout(() => resolve('still pending'), 500))]);
    expect(axios.isCancel(await soon(aborted))).toBe(true);
    await expect(soon(timedOut)).resolves.toMatchObject({ code: 'ECONNABORTED' });
    expect(provider.calls).toBe(2);
    renewed.resolve(token('token-fake-2', null));
    deleted.resolve();
  });
});

describe('attachTokenAuth: alongside other interceptors', () => {
  it('a request an earlier-registered interceptor held until its token ran out leaves with a new one', async () => {
    let now = 1_700_000_000_000;
    const api = axios.create({ baseURL: 'https://api.example.com/v1' });
    const mock = new MockAdapter(api);
    const seen = guardedApi(mock, () => ['token-fake-1', 'token-fake-2']);
    let hold = false;
    // Registered before attachTokenAuth, so axios runs it after the plugin has set the header.
    api.interceptors.request.use(async (config) => {
      if (hold) now += 290_000; // a queue that held the request past the token's usable life
      return config;
    });
    const provider = fakeProvider({ now: () => now, lifetimeMs: 300_000 });
    attachTokenAuth(api, { provider, manager: new TokenManager({ now: () => now }) });
    await api.get('/x');
    hold = true;
    await api.get('/x');
    expect(seen).toEqual(['Bearer token-fake-1', 'Bearer token-fake-2']);
    expect(provider.calls).toBe(2);
  });

  it('sends a header that an interceptor running after ours set as it is, and never replays it', async () => {
    const api = axios.create({ baseURL: 'https://api.example.com/v1' });
    const mock = new MockAdapter(api);
    // Registered first, so it runs after ours.
    api.interceptors.request.use((config) => {
      if (config.url?.startsWith('/admin') === true) config.headers.set('Authorization', 'Basic YWRtaW4=');
      if (config.url === '/basic') config.auth = { username: 'admin', password: 'x' };
      return config;
    });
    const events: TokenEvent[] = [];
    const manager = new TokenManager({ onEvent: (e) => events.push(e) });
    const provider = fakeProvider();
    attachTokenAuth(api, { provider, manager });
    const seen = guardedApi(mock, () => ['token-fake-1']);
    await expect(api.get('/admin/cold')).rejects.toMatchObject({ response: { status: 401 } });
    await api.get('/warm');
    await expect(api.get('/admin/warm')).rejects.toMatchObject({ response: { status: 401 } });
    // axios' own adapters turn `auth` into the Authorization header.
    await expect(api.get('/basic')).rejects.toMatchObject({ response: { status: 401 } });
    expect(seen).toEqual(['Basic YWRtaW4=', 'Bearer token-fake-1', 'Basic YWRtaW4=', undefined]);
    expect(provider.calls).toBe(1);
    expect(events.map((e) => e.type)).toEqual(['fetch', 'fetched']);
  });

  it('sends a header that a transformRequest of the app set as it is, and never replays it', async () => {
    const builtIn = [axios.defaults.transformRequest ?? []].flat();
    const api = axios.create({
      baseURL: 'https://api.example.com/v1',
      transformRequest: [
        (data: unknown, headers: AxiosHeaders) => {
          if (headers.get('X-Admin') === '1') headers.set('Authorization', 'Basic YWRtaW4=');
          return data;
        },
        ...builtIn,
      ],
    });
    const mock = new MockAdapter(api);
    const provider = fakeProvider();
    attachTokenAuth(api, { provider, manager: new TokenManager() });
    const seen = guardedApi(mock, () => ['token-fake-1']);
    await api.get('/warm');
    await expect(api.get('/admin', { headers: { 'X-Admin': '1' } })).rejects.toMatchObject({
      response: { status: 401 },
    });
    await api.get('/again');
    expect(seen).toEqual(['Bearer token-fake-1', 'Basic YWRtaW4=', 'Bearer token-fake-1']);
    expect(provider.calls).toBe(1);
  });

  it('sends no token to another origin that an interceptor running after ours points the request to', async () => {
    const api = axios.create({ baseURL: 'https://api.example.com/v1' });
    const mock = new MockAdapter(api);
    // Registered first, so it runs after ours.
    api.interceptors.request.use((config) => {
      if (config.url?.startsWith('/files') === true) config.url = `https://cdn.example.org${config.url}`;
      return config;
    });
    const provider = fakeProvider();
    attachTokenAuth(api, { provider, manager: new TokenManager() });
    const seen = guardedApi(mock, () => ['token-fake-1']);
    await expect(api.get('/files/cold')).rejects.toMatchObject({ response: { status: 401 } });
    await api.get('/warm');
    await expect(api.get('/files/warm')).rejects.toMatchObject({ response: { status: 401 } });
    expect(seen).toEqual([undefined, 'Bearer token-fake-1', undefined]);
    expect(provider.calls).toBe(1);
  });

  it('decides on the config as other request interceptors leave it', async () => {
    const { api, mock, manager, provider } = setup();
    await manager.getToken(provider); // cached: the synchronous path would apply if ours were alone
    api.interceptors.request.use(async (config) => {
      if (config.url === '/redirected') config.url = 'https://elsewhere.example.org/x';
      return config;
    });
    const seen = guardedApi(mock, () => ['token-fake-1']);
    await api.get('/kept');
    await api.get('/redirected').catch(() => undefined);
    expect(seen).toEqual(['Bearer token-fake-1', undefined]);
  });

  it('a resent config that no longer gets a token (another origin) leaves without the one set before', async () => {
    const { api, mock } = setup();
    const seen: unknown[] = [];
    mock.onAny().reply((config) => {
      seen.push([config.url, config.headers?.Authorization]);
      return [200, {}];
    });
    const first = await api.get('/x');
    await api.request({ ...first.config, url: 'https://elsewhere.example.net/y' });
    expect(seen).toEqual([
      ['/x', 'Bearer token-fake-1'],
      ['https://elsewhere.example.net/y', undefined],
    ]);
  });

  it('keeps the multipart boundary a FormData request names, and pins one where it names none', async () => {
    const { api, mock } = setup();
    const types: unknown[] = [];
    mock.onAny().reply((config) => {
      types.push(config.headers?.['Content-Type']);
      return [200, {}];
    });
    const form = new FormData();
    form.append('field', 'value');
    await api.post('/upload', form, {
      headers: { 'Content-Type': 'multipart/form-data; boundary=caller-chosen-boundary' },
    });
    await api.post('/upload', form);
    expect(types[0]).toBe('multipart/form-data; boundary=caller-chosen-boundary');
    expect(types[1]).toMatch(/^multipart\/form-data; boundary=axios-token-flight-[0-9a-f]{32}$/);
  });

  it('registers one synchronous request interceptor: axios skips its promise chain', async () => {
    const { api, mock, manager, provider } = setup();
    await manager.getToken(provider);
    const handlers = (
      api.interceptors.request as unknown as { handlers: Array<{ synchronous: boolean } | null> }
    ).handlers;
    expect(handlers).toHaveLength(1);
    expect(handlers[0]?.synchronous).toBe(true);
    const seen = guardedApi(mock, () => ['token-fake-1']);
    await Promise.allSettled([api.get('/a'), api.get('/b', { tokenAuth: false })]);
    expect(seen).toEqual(['Bearer token-fake-1', undefined]);
  });

  it('a cached token is on the request for interceptors that run after ours', async () => {
    const api = axios.create({ baseURL: 'https://api.example.com/v1' });
    const mock = new MockAdapter(api);
    const seenByInterceptor: unknown[] = [];
    api.interceptors.request.use((config) => {
      seenByInterceptor.push(config.headers.get('Authorization'));
      return config;
    });
    const provider = fakeProvider();
    const manager = new TokenManager();
    attachTokenAuth(api, { provider, manager });
    guardedApi(mock, () => ['token-fake-1']);
    await api.get('/cold');
    await api.get('/warm');
    // The first request took its token when dispatched; the second found it cached.
    expect(seenByInterceptor).toEqual([undefined, 'Bearer token-fake-1']);
  });

  it('a request answered without the adapter (as a response cache does) asks for no token', async () => {
    const api = axios.create({ baseURL: 'https://api.example.com/v1' });
    const mock = new MockAdapter(api);
    // Registered first, so it runs after ours, as axios-cache-interceptor does when set up first.
    api.interceptors.request.use((config) => {
      if (config.url === '/cached') {
        config.adapter = () =>
          Promise.resolve({ data: 'from cache', status: 200, statusText: 'OK', headers: {}, config });
      }
      return config;
    });
    const provider = fakeProvider();
    attachTokenAuth(api, { provider, manager: new TokenManager() });
    const seen = guardedApi(mock, () => ['token-fake-1']);
    await expect(api.get('/cached')).resolves.toMatchObject({ data: 'from cache' });
    expect(provider.calls).toBe(0);
    await api.get('/fresh');
    expect(seen).toEqual(['Bearer token-fake-1']);
    expect(provider.calls).toBe(1);
  });

  it('a request with its own adapter gets the token, waits for it and is replayed after a 401', async () => {
    const { api, provider } = setup();
    const seen: unknown[] = [];
    const own = (config: InternalAxiosRequestConfig): Promise<AxiosResponse> => {
      seen.push(config.headers.get('Authorization'));
      const status = seen.length === 1 ? 401 : 200;
      const response = { data: null, status, statusText: '', headers: {}, config };
      return status === 200
        ? Promise.resolve(response)
        : Promise.reject(new AxiosError('Unauthorized', 'ERR_BAD_REQUEST', config, undefined, response));
    };
    await expect(api.get('/own', { adapter: own })).resolves.toMatchObject({ status: 200 });
    expect(seen).toEqual(['Bearer token-fake-1', 'Bearer token-fake-2']);
    expect(provider.calls).toBe(2);
  });

  it('a config sent before and resent with no token (another origin, a header of the caller) is neither replayed nor drops the token', async () => {
    const { api, provider, events } = setup();
    const seen: unknown[] = [];
    // Answers like axios' own adapters: the response keeps the very config the adapter was given.
    api.defaults.adapter = (config) => {
      seen.push([config.url, config.headers.get('Authorization')]);
      const status = config.url === '/page' ? 200 : 401;
      const response = { data: null, status, statusText: '', headers: {}, config };
      return status === 200
        ? Promise.resolve(response)
        : Promise.reject(new AxiosError('Unauthorized', 'ERR_BAD_REQUEST', config, undefined, response));
    };
    const page = await api.get('/page');
    await expect(
      api.request({ ...page.config, url: 'https://other.example.org/next' }),
    ).rejects.toMatchObject({
      response: { status: 401 },
    });
    await expect(
      api.request({ ...page.config, url: '/admin', headers: { Authorization: 'Basic YWRtaW46eA==' } }),
    ).rejects.toMatchObject({ response: { status: 401 } });
    expect(seen).toEqual([
      ['/page', 'Bearer token-fake-1'],
      ['https://other.example.org/next', undefined],
      ['/admin', 'Basic YWRtaW46eA=='],
    ]);
    expect(provider.calls).toBe(1);
    expect(events.map((e) => e.type)).toEqual(['fetch', 'fetched']);
  });

  it('a provider selector that throws fails the request with its error; nothing is sent', async () => {
    const api = axios.create({ baseURL: 'https://api.example.com/v1' });
    const mock = new MockAdapter(api);
    const seen = guardedApi(mock, () => ['token-fake-1']);
    const broken = new Error('selector bug');
    attachTokenAuth(api, {
      provider: () => {
        throw broken;
      },
    });
    await expect(api.get('/x')).rejects.toBe(broken);
    expect(seen).toEqual([]);
  });

  it('a failed token request reaches the caller as TokenRequestError, not as the inner AxiosError', async () => {
    const { api, mock, provider } = setup();
    guardedApi(mock, () => ['token-fake-1']);
    const seenByLaterHandler: unknown[] = [];
    // Registered after attach: this handler runs after ours.
    api.interceptors.response.use(undefined, (error: unknown) => {
      seenByLaterHandler.push(error);
      throw error;
    });
    const failure = new TokenRequestError({ providerKey: 'fake', status: 503 });
    provider.next = () => Promise.reject(failure);
    await expect(api.get('/x')).rejects.toBe(failure);
    expect(seenByLaterHandler).toEqual([failure]);
    expect(mock.history.get).toHaveLength(0);
  });

  it('response interceptors registered before attach see an AxiosError whose cause is the token error', async () => {
    const api = axios.create({ baseURL: 'https://api.example.com/v1' });
    const mock = new MockAdapter(api);
    guardedApi(mock, () => ['token-fake-1']);
    const seen: unknown[] = [];
    api.interceptors.response.use(undefined, (error: unknown) => {
      seen.push(error);
      throw error;
    });
    const provider = fakeProvider();
    const failure = new TokenRequestError({ providerKey: 'fake', status: 503 });
    provider.next = () => Promise.reject(failure);
    attachTokenAuth(api, { provider, manager: new TokenManager() });
    await expect(api.get('/x')).rejects.toBe(failure);
    expect(seen).toHaveLength(1);
    expect(axios.isAxiosError(seen[0])).toBe(true);
    expect(seen[0]).toMatchObject({ code: 'ERR_TOKEN_REQUEST', cause: failure });
  });

  it.each([
    ['an Error', new Error('the session backend said no'), 'the session backend said no'],
    ['a string', 'the session backend said no', 'the session backend said no'],
    ['undefined', undefined, undefined],
  ])('wraps what a custom provider threw (%s) in a TokenRequestError', async (_, thrown, description) => {
    const api = axios.create({ baseURL: 'https://api.example.com/v1' });
    const mock = new MockAdapter(api);
    guardedApi(mock, () => ['token-fake-1']);
    const provider = fakeProvider({ key: 'session' });
    provider.next = () => Promise.reject(thrown);
    attachTokenAuth(api, { provider, manager: new TokenManager() });
    const error = await api.get('/x').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TokenRequestError);
    expect(error).toMatchObject({ name: 'TokenRequestError', providerKey: 'session', description });
    if (description !== undefined) expect((error as Error).message).toContain(description);
    expect(mock.history.get).toHaveLength(0);
  });

  const noFailure = (): TokenRequestError | undefined => undefined;
  it.each<[string, () => AxiosRequestConfig, () => TokenRequestError | undefined]>([
    ['its timeout runs out', () => ({ timeout: 50 }), noFailure],
    ['its signal aborts', () => ({ signal: AbortSignal.timeout(50) }), noFailure],
    [
      'the new token cannot be fetched',
      () => ({}),
      () => new TokenRequestError({ providerKey: 'f', status: 503 }),
    ],
  ])(
    'a replay whose wait for a new token ends (%s) shows interceptors registered before attach no token',
    async (_, requestConfig, failure) => {
      const api = axios.create({ baseURL: 'https://api.example.com/v1' });
      const mock = new MockAdapter(api);
      guardedApi(mock, () => []);
      // As a logger registered before attach would write it, while the error passes.
      const logged: string[] = [];
      api.interceptors.response.use(undefined, (error: AxiosError) => {
        logged.push(JSON.stringify(error.toJSON()));
        throw error;
      });
      const provider = fakeProvider();
      provider.next = (call) => {
        if (call === 1) return Promise.resolve(token('first-token', null));
        const error = failure();
        return error === undefined ? new Promise(() => undefined) : Promise.reject(error);
      };
      attachTokenAuth(api, { provider, manager: new TokenManager() });
      await api.get('/x', requestConfig()).catch(() => undefined);
      expect(mock.history.get).toHaveLength(1);
      expect(logged).toHaveLength(1);
      expect(logged[0]).not.toContain('first-token');
    },
  );

  it('rejects a request still waiting when its manager is disposed with a TokenRequestError', async () => {
    const api = axios.create({ baseURL: 'https://api.example.com/v1' });
    const mock = new MockAdapter(api);
    guardedApi(mock, () => ['token-fake-1']);
    const provider = fakeProvider();
    provider.next = () => new Promise(() => undefined);
    const manager = new TokenManager();
    attachTokenAuth(api, { provider, manager });
    const waiting = api.get('/x').catch((e: unknown) => e);
    await new Promise((resolve) => setImmediate(resolve));
    manager.dispose();
    const error = await waiting;
    expect(error).toBeInstanceOf(TokenRequestError);
    expect((error as TokenRequestError).cause).toMatchObject({ name: 'AbortError' });
    expect(mock.history.get).toHaveLength(0);
  });

  it('sends a request made right after dispose with a token of its own fetch', async () => {
    const api = axios.create({ baseURL: 'https://api.example.com/v1' });
    const mock = new MockAdapter(api);
    guardedApi(mock, () => ['token-fake-2']);
    const provider = fakeProvider();
    const first = deferred<ReturnType<typeof token>>();
    provider.next = (call) =>
      call === 1 ? first.promise : Promise.resolve(token(`token-fake-${call}`, null));
    const manager = new TokenManager();
    attachTokenAuth(api, { provider, manager });
    const waiting = api.get('/x').catch((e: unknown) => e);
    manager.dispose();
    // Issued after dispose(), while the aborted fetch's rejection has not reached the first request yet.
    const after = await api.get('/y');
    expect(after.status).toBe(200);
    expect(provider.calls).toBe(2);
    await expect(waiting).resolves.toBeInstanceOf(TokenRequestError);
  });
});
