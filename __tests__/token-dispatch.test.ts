import { getEventListeners } from 'node:events';
import { Readable } from 'node:stream';
import axios, {
  AxiosError,
  AxiosHeaders,
  type AxiosAdapter,
  type AxiosResponse,
  type InternalAxiosRequestConfig,
} from 'axios';
import { TokenRequestError } from '../src/errors.js';
import { RequestTokenState } from '../src/request-token-state.js';
import type { AttachToken } from '../src/pending-request.js';
import { createTokenDispatch } from '../src/token-dispatch.js';
import type { TokenEvent } from '../src/token-events.js';
import { TokenManager } from '../src/token-manager.js';
import type { Token, TokenProvider } from '../src/token.js';
import { deferred, fakeProvider, token, type FakeProvider } from './support/fake-provider.js';

const attach: AttachToken = (config, provider, token, replayed) => {
  const value = `Bearer ${token.accessToken}`;
  config.headers.set('Authorization', value);
  config.tokenAuth = { state: new RequestTokenState(provider, replayed, value, token.accessToken) };
};

interface Harness {
  provider: FakeProvider;
  manager: TokenManager;
  events: TokenEvent[];
  dispatch: ReturnType<typeof createTokenDispatch>;
  /** Authorization header of every call of the inner adapter. */
  sent: unknown[];
  inner: AxiosAdapter;
}

/** An inner adapter that answers `statuses` in turn (then 200), rejecting as axios' `settle` does. */
function harness(statuses: number[] = []): Harness {
  const provider = fakeProvider();
  const events: TokenEvent[] = [];
  const manager = new TokenManager({ onEvent: (event) => events.push(event) });
  const sent: unknown[] = [];
  const inner: AxiosAdapter = (config) => {
    sent.push(config.headers.get('Authorization'));
    const status = statuses.shift() ?? 200;
    const response = {
      data: { status },
      status,
      statusText: '',
      headers: {},
      config,
      request: { _header: `GET / HTTP/1.1\r\nAuthorization: ${String(config.headers.get('Authorization'))}` },
    } as AxiosResponse;
    if (status < 400) return Promise.resolve(response);
    return Promise.reject(
      new AxiosError('Request failed', 'ERR_BAD_REQUEST', config, response.request, response),
    );
  };
  const dispatch = createTokenDispatch({
    manager,
    header: 'Authorization',
    retryOnStatus: new Set([401]),
    attach,
    sentAsIs: () => false,
  });
  return { provider, manager, events, dispatch, sent, inner };
}

function awaiting(
  provider: TokenProvider,
  extra: Partial<InternalAxiosRequestConfig> = {},
): InternalAxiosRequestConfig {
  return {
    headers: new AxiosHeaders(),
    tokenAuth: { state: new RequestTokenState(provider, false) },
    ...extra,
  } as InternalAxiosRequestConfig;
}

function carrying(provider: TokenProvider, token: Token): InternalAxiosRequestConfig {
  const config = { headers: new AxiosHeaders() } as InternalAxiosRequestConfig;
  attach(config, provider, token, false);
  return config;
}

describe('createTokenDispatch: wrapping', () => {
  it('reuses one wrapper per adapter and never wraps its own wrapper', () => {
    const { dispatch, inner } = harness();
    const wrapped = dispatch.wrap(inner);
    expect(dispatch.wrap(inner)).toBe(wrapped);
    expect(dispatch.wrap(wrapped)).toBe(wrapped);
    expect(dispatch.wrap(undefined)).not.toBe(wrapped);
  });

  it('returns an older wrapper as is once another adapter was wrapped (a resent config carries it)', () => {
    const { dispatch, inner } = harness();
    const wrapped = dispatch.wrap(inner);
    const other = dispatch.wrap(() => Promise.reject(new Error('other')));
    expect(other).not.toBe(wrapped);
    expect(dispatch.wrap(wrapped)).toBe(wrapped);
  });

  it('rethrows as it is what an adapter rejects with when it is no object', async () => {
    const { dispatch, provider } = harness();
    const config = carrying(provider, await provider.fetchToken({}));
    await expect(dispatch.wrap(() => Promise.reject('plain reason'))(config)).rejects.toBe('plain reason');
  });

  it('cancels the unread web stream of a 401 it replays, whatever its cancel rejects with', async () => {
    const { dispatch, provider } = harness();
    const cancel = jest.fn(() => Promise.reject(new Error('stream already closed')));
    let calls = 0;
    const streaming: AxiosAdapter = (config) => {
      calls += 1;
      const status = calls === 1 ? 401 : 200;
      const data = status === 401 ? { getReader: () => undefined, cancel } : 'ok';
      const response = { data, status, statusText: '', headers: {}, config } as AxiosResponse;
      return status === 200
        ? Promise.resolve(response)
        : Promise.reject(new AxiosError('Unauthorized', 'ERR_BAD_REQUEST', config, undefined, response));
    };
    const config = carrying(provider, await provider.fetchToken({}));
    await expect(dispatch.wrap(streaming)(config)).resolves.toMatchObject({ status: 200, data: 'ok' });
    expect(cancel).toHaveBeenCalledTimes(1);
    // The rejection of cancel() was consumed: jest would fail this test on an unhandled one.
    await new Promise((resolve) => setImmediate(resolve));
  });

  it('reuses one wrapper for equal adapter lists: axios copies its default list into every config', () => {
    const { dispatch } = harness();
    const wrapped = dispatch.wrap(['xhr', 'http', 'fetch']);
    expect(dispatch.wrap(['xhr', 'http', 'fetch'])).toBe(wrapped);
    expect(dispatch.wrap(['fetch'])).not.toBe(wrapped);
  });

  it('resolves an adapter list with axios when the request is sent', async () => {
    const { dispatch, provider } = harness();
    const config = awaiting(provider, { adapter: ['nonexistent-adapter'] as never });
    await expect(dispatch.wrap(['nonexistent-adapter'] as never)(config)).rejects.toThrow(
      /nonexistent-adapter/,
    );
  });

  it('passes a request the plugin does not handle straight through', async () => {
    const { dispatch, inner, sent, provider } = harness([401]);
    const config = {
      headers: new AxiosHeaders({ Authorization: 'Bearer callers' }),
    } as InternalAxiosRequestConfig;
    await expect(dispatch.wrap(inner)(config)).rejects.toMatchObject({ response: { status: 401 } });
    expect(sent).toEqual(['Bearer callers']);
    expect(provider.calls).toBe(0);
  });
});

describe('createTokenDispatch: a request awaiting its token', () => {
  it('gets the token when the adapter runs, then sends the request with it', async () => {
    const { dispatch, inner, sent, provider } = harness();
    const config = awaiting(provider);
    const response = await dispatch.wrap(inner)(config);
    expect(response.status).toBe(200);
    expect(sent).toEqual(['Bearer token-fake-1']);
    expect(config.tokenAuth && config.tokenAuth.state?.awaitingToken).toBe(false);
  });

  it('a failed token request: an AxiosError ERR_TOKEN_REQUEST whose cause is the token error', async () => {
    const { dispatch, inner, sent, provider } = harness();
    const tokenError = new TokenRequestError({ providerKey: 'fake', status: 503 });
    provider.next = () => Promise.reject(tokenError);
    const config = awaiting(provider);
    const error: unknown = await dispatch
      .wrap(inner)(config)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AxiosError);
    expect(error).toMatchObject({ code: 'ERR_TOKEN_REQUEST', cause: tokenError });
    expect((error as AxiosError).config).toBe(config);
    expect(dispatch.tokenFailureOf(error)).toBe(tokenError);
    expect(dispatch.tokenFailureOf(new AxiosError('other'))).toBeUndefined();
    expect(dispatch.tokenFailureOf(null)).toBeUndefined();
    expect(sent).toEqual([]);
  });

  it('a signal aborted by the provider as the fetch starts cancels the request at once, nothing sent', async () => {
    const { dispatch, inner, sent, provider } = harness();
    const controller = new AbortController();
    provider.next = () => {
      controller.abort();
      return new Promise<Token>(() => undefined);
    };
    const config = awaiting(provider, { signal: controller.signal });
    const error = (await dispatch
      .wrap(inner)(config)
      .catch((e: unknown) => e)) as AxiosError;
    expect(error.code).toBe('ERR_CANCELED');
    expect(provider.calls).toBe(1);
    expect(sent).toEqual([]);
  });

  it('an aborted wait: axios CanceledError carrying the config, nothing sent', async () => {
    const { dispatch, inner, sent, provider } = harness();
    provider.next = () => new Promise<Token>(() => undefined);
    const controller = new AbortController();
    const config = awaiting(provider, { signal: controller.signal });
    const pending = dispatch
      .wrap(inner)(config)
      .catch((e: unknown) => e);
    controller.abort();
    const error = (await pending) as AxiosError;
    expect(error.code).toBe('ERR_CANCELED');
    expect(error.config).toBe(config);
    expect(sent).toEqual([]);
  });

  it("a wait ended by the request's timeout or cancel token leaves no listener on its signal", async () => {
    const { dispatch, inner, provider } = harness();
    const gate = deferred<Token>();
    provider.next = () => gate.promise;
    const wrapped = dispatch.wrap(inner);
    const shutdown = new AbortController();
    const source = axios.CancelToken.source();
    const timedOut = wrapped(awaiting(provider, { signal: shutdown.signal, timeout: 5 })).catch(
      (e: unknown) => e,
    );
    const cancelled = wrapped(
      awaiting(provider, { signal: shutdown.signal, cancelToken: source.token }),
    ).catch((e: unknown) => e);
    source.cancel('navigated away');
    await expect(timedOut).resolves.toMatchObject({ code: 'ECONNABORTED' });
    await expect(cancelled).resolves.toMatchObject({ message: 'navigated away' });
    // The shared fetch still runs; the requests that gave up on it no longer listen to the signal.
    expect(getEventListeners(shutdown.signal, 'abort')).toHaveLength(0);
    gate.resolve(token('late', Date.now() + 60_000));
  });

  it('a burst of 200 waiting requests makes one getToken call; each request is sent with the token', async () => {
    const { dispatch, inner, sent, provider, manager } = harness();
    const getToken = jest.spyOn(manager, 'getToken');
    const wrapped = dispatch.wrap(inner);
    const responses = await Promise.all(Array.from({ length: 200 }, () => wrapped(awaiting(provider))));
    expect(responses.every((response) => response.status === 200)).toBe(true);
    expect(getToken).toHaveBeenCalledTimes(1);
    expect(provider.calls).toBe(1);
    expect(new Set(sent)).toEqual(new Set(['Bearer token-fake-1']));
    expect(sent).toHaveLength(200);
  });

  it("a burst's token request leaves with its first request, not after the burst is issued", async () => {
    const { dispatch, inner, provider } = harness();
    const wrapped = dispatch.wrap(inner);
    const burst = [wrapped(awaiting(provider))];
    expect(provider.calls).toBe(1);
    for (let i = 0; i < 99; i += 1) burst.push(wrapped(awaiting(provider)));
    expect(provider.calls).toBe(1);
    await Promise.all(burst);
    expect(provider.calls).toBe(1);
  });
});

describe('createTokenDispatch: replay after a 401', () => {
  it('drops the token, fetches once and replays once inside the adapter', async () => {
    const { dispatch, inner, sent, provider, manager, events } = harness([401]);
    const first = await manager.getToken(provider);
    const response = await dispatch.wrap(inner)(carrying(provider, first));
    expect(response.status).toBe(200);
    expect(sent).toEqual(['Bearer token-fake-1', 'Bearer token-fake-2']);
    expect(events.filter((event) => event.type === 'retry')).toEqual([
      { type: 'retry', key: 'fake', status: 401 },
    ]);
  });

  it('a replay that fails again rejects with its own error, scrubbed of the token', async () => {
    const { dispatch, inner, sent, provider, manager } = harness([401, 401]);
    const config = carrying(provider, await manager.getToken(provider));
    const error = (await dispatch
      .wrap(inner)(config)
      .catch((e: unknown) => e)) as AxiosError;
    expect(error.response?.status).toBe(401);
    expect(sent).toHaveLength(2);
    expect(error.config?.headers.get('Authorization')).toBeUndefined();
    expect(Object.keys(error)).not.toContain('request');
  });

  it('a late 401 for a token already replaced replays with the current token, without a fetch', async () => {
    const { dispatch, inner, sent, provider, manager } = harness([401]);
    const old = await manager.getToken(provider);
    const current = await manager.getToken(provider, { forceRefresh: true });
    await dispatch.wrap(inner)(carrying(provider, old));
    expect(sent).toEqual([`Bearer ${old.accessToken}`, `Bearer ${current.accessToken}`]);
    expect(provider.calls).toBe(2);
  });

  it('a stream body is not replayed: the 401 reaches the caller', async () => {
    const { dispatch, inner, sent, provider, manager } = harness([401]);
    const config = carrying(provider, await manager.getToken(provider));
    config.data = Readable.from(['body']);
    await expect(dispatch.wrap(inner)(config)).rejects.toMatchObject({ response: { status: 401 } });
    expect(sent).toHaveLength(1);
  });

  it('other statuses are not replayed', async () => {
    const { dispatch, inner, sent, provider, manager } = harness([403]);
    const config = carrying(provider, await manager.getToken(provider));
    await expect(dispatch.wrap(inner)(config)).rejects.toMatchObject({ response: { status: 403 } });
    expect(sent).toHaveLength(1);
    expect(config.headers.get('Authorization')).toBeUndefined();
  });
});
