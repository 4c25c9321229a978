import { getEventListeners } from 'node:events';
import axios, { AxiosError, CanceledError, type InternalAxiosRequestConfig } from 'axios';
import { requestWait } from '../src/request-wait.js';

const config = (extra: Partial<InternalAxiosRequestConfig> = {}): InternalAxiosRequestConfig =>
  ({ headers: new axios.AxiosHeaders(), url: '/x', ...extra }) as InternalAxiosRequestConfig;

describe('requestWait', () => {
  afterEach(() => {
    jest.useRealTimers();
  });

  it('is not needed when only the signal (or nothing) can end the wait', () => {
    expect(requestWait(config())).toBeUndefined();
    expect(requestWait(config({ timeout: 0 }))).toBeUndefined();
    expect(requestWait(config({ signal: new AbortController().signal }))).toBeUndefined();
  });

  it('aborts with axios’ own timeout error once timeout runs out', () => {
    jest.useFakeTimers();
    const wait = requestWait(config({ timeout: 300 }));
    jest.advanceTimersByTime(299);
    expect(wait?.signal.aborted).toBe(false);
    jest.advanceTimersByTime(1);
    const reason = wait?.signal.reason as AxiosError;
    expect(reason).toBeInstanceOf(AxiosError);
    expect(reason.code).toBe('ECONNABORTED');
    expect(reason.message).toBe('timeout of 300ms exceeded');
  });

  it('honours timeoutErrorMessage and clarifyTimeoutError', () => {
    jest.useFakeTimers();
    const wait = requestWait(
      config({
        timeout: 10,
        timeoutErrorMessage: 'too slow',
        transitional: { clarifyTimeoutError: true },
      }),
    );
    jest.advanceTimersByTime(10);
    expect(wait?.signal.reason).toMatchObject({ code: 'ETIMEDOUT', message: 'too slow' });
  });

  it('aborts with the cancel token’s CanceledError, and follows the request’s own signal', async () => {
    const source = axios.CancelToken.source();
    const wait = requestWait(config({ cancelToken: source.token }));
    source.cancel('user left');
    await new Promise((resolve) => setImmediate(resolve)); // a cancel token tells its listeners on a microtask
    expect(wait?.signal.reason).toBeInstanceOf(CanceledError);
    expect((wait?.signal.reason as Error).message).toBe('user left');

    const own = new AbortController();
    const followed = requestWait(config({ signal: own.signal, timeout: 60_000 }));
    const reason = new Error('stop');
    own.abort(reason);
    expect(followed?.signal.reason).toBe(reason);
    followed?.end();
  });

  it('starts aborted for a signal aborted already', () => {
    const own = new AbortController();
    own.abort(new Error('early'));
    const wait = requestWait(config({ signal: own.signal, timeout: 1_000 }));
    expect(wait?.signal.aborted).toBe(true);
    wait?.end();
  });

  it('leaves no listener, subscription or timer behind once ended', async () => {
    jest.useFakeTimers();
    const own = new AbortController();
    const source = axios.CancelToken.source();
    const wait = requestWait(config({ signal: own.signal, cancelToken: source.token, timeout: 1_000 }));
    expect(getEventListeners(own.signal, 'abort')).toHaveLength(1);
    expect(jest.getTimerCount()).toBe(1);
    wait?.end();
    expect(getEventListeners(own.signal, 'abort')).toHaveLength(0);
    expect(jest.getTimerCount()).toBe(0);
    source.cancel('late');
    own.abort();
    await Promise.resolve();
    await Promise.resolve();
    expect(wait?.signal.aborted).toBe(false);
  });
});
