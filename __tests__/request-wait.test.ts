import axios, { AxiosError, CanceledError, type InternalAxiosRequestConfig } from 'axios';
import { RequestWait, type AdapterSpec, type WaitEnder } from '../src/request-wait.js';

const config = (extra: Partial<InternalAxiosRequestConfig> = {}): InternalAxiosRequestConfig =>
  ({ headers: new axios.AxiosHeaders(), url: '/x', ...extra }) as InternalAxiosRequestConfig;

function waiter(): WaitEnder & { reasons: AxiosError[] } {
  const reasons: AxiosError[] = [];
  return { reasons, endWait: (reason) => void reasons.push(reason) };
}

describe('RequestWait', () => {
  afterEach(() => {
    jest.useRealTimers();
  });

  it('is not needed when only the signal (or nothing) can end the wait', () => {
    expect(RequestWait.needed(config())).toBe(false);
    expect(RequestWait.needed(config({ timeout: 0 }))).toBe(false);
    expect(RequestWait.needed(config({ signal: new AbortController().signal }))).toBe(false);
    expect(RequestWait.needed(config({ timeout: 1 }))).toBe(true);
    expect(RequestWait.needed(config({ cancelToken: axios.CancelToken.source().token }))).toBe(true);
  });

  it('tells the waiter axios’ own timeout error once timeout runs out', () => {
    jest.useFakeTimers();
    const told = waiter();
    new RequestWait(config({ timeout: 300 }), told, 'http');
    jest.advanceTimersByTime(299);
    expect(told.reasons).toEqual([]);
    jest.advanceTimersByTime(1);
    expect(told.reasons).toHaveLength(1);
    expect(told.reasons[0]).toBeInstanceOf(AxiosError);
    expect(told.reasons[0]).toMatchObject({ code: 'ECONNABORTED', message: 'timeout of 300ms exceeded' });
  });

  it('honours timeoutErrorMessage and clarifyTimeoutError', () => {
    jest.useFakeTimers();
    const told = waiter();
    new RequestWait(
      config({ timeout: 10, timeoutErrorMessage: 'too slow', transitional: { clarifyTimeoutError: true } }),
      told,
      'http',
    );
    jest.advanceTimersByTime(10);
    expect(told.reasons[0]).toMatchObject({ code: 'ETIMEDOUT', message: 'too slow' });
  });

  it.each<[string, AdapterSpec, string]>([
    ['the fetch adapter by name', 'fetch', 'ETIMEDOUT'],
    ['a list that resolves to fetch', ['fetch', 'http'], 'ETIMEDOUT'],
    ['axios’ fetch adapter as a function', axios.getAdapter('fetch'), 'ETIMEDOUT'],
    ['the http adapter', ['xhr', 'http', 'fetch'], 'ECONNABORTED'],
    ['an adapter of the app’s own', () => Promise.reject(new Error('unused')), 'ECONNABORTED'],
    ['an adapter this environment lacks', 'xhr', 'ECONNABORTED'],
  ])('times out with the code %s would reject with', (_name, adapter, code) => {
    jest.useFakeTimers();
    const told = waiter();
    new RequestWait(config({ timeout: 20 }), told, adapter);
    jest.advanceTimersByTime(20);
    expect(told.reasons[0]).toMatchObject({ code, message: 'timeout of 20ms exceeded' });
  });

  it('tells the waiter the cancel token’s CanceledError, at once for one cancelled already', async () => {
    const source = axios.CancelToken.source();
    const told = waiter();
    new RequestWait(config({ cancelToken: source.token }), told, 'http');
    source.cancel('user left');
    await new Promise((resolve) => setImmediate(resolve)); // a cancel token tells its listeners on a microtask
    expect(told.reasons).toHaveLength(1);
    expect(told.reasons[0]).toBeInstanceOf(CanceledError);
    expect(told.reasons[0]?.message).toBe('user left');

    const early = waiter();
    new RequestWait(config({ cancelToken: source.token }), early, 'http');
    expect(early.reasons).toEqual([told.reasons[0]]);
  });

  it('leaves no subscription or timer behind once ended', async () => {
    jest.useFakeTimers();
    const source = axios.CancelToken.source();
    const told = waiter();
    const wait = new RequestWait(config({ cancelToken: source.token, timeout: 1_000 }), told, 'http');
    expect(jest.getTimerCount()).toBe(1);
    wait.end();
    expect(jest.getTimerCount()).toBe(0);
    source.cancel('late');
    await Promise.resolve();
    await Promise.resolve();
    expect(told.reasons).toEqual([]);
  });
});
