import { BackgroundRefreshes } from '../src/background-refreshes.js';
import type { Token } from '../src/token.js';

const token: Token = { accessToken: 'at', tokenType: 'Bearer', expiresAt: null, raw: {} };

function deferred(): {
  promise: Promise<Token>;
  resolve: (value: Token) => void;
  reject: (error: unknown) => void;
} {
  let resolve!: (value: Token) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<Token>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('BackgroundRefreshes', () => {
  it('knows a flight as running until it settles, then reports a success', async () => {
    const refreshes = new BackgroundRefreshes();
    const flight = deferred();
    const ended = jest.fn();
    refreshes.track('k', flight.promise, ended);
    expect(refreshes.isRunning('k', flight.promise)).toBe(true);
    expect(refreshes.isRunning('other', flight.promise)).toBe(false);
    expect(refreshes.isRunning('k', Promise.resolve(token))).toBe(false);
    flight.resolve(token);
    await flight.promise;
    await Promise.resolve();
    expect(refreshes.isRunning('k', flight.promise)).toBe(false);
    expect(ended).toHaveBeenCalledWith(false, undefined);
  });

  it('reports a failure with its error, and is no longer running when told', async () => {
    const refreshes = new BackgroundRefreshes();
    const flight = deferred();
    const failure = new Error('endpoint down');
    let runningWhenTold: boolean | undefined;
    const ended = jest.fn(() => {
      runningWhenTold = refreshes.isRunning('k', flight.promise);
    });
    refreshes.track('k', flight.promise, ended);
    flight.reject(failure);
    await flight.promise.catch(() => undefined);
    await Promise.resolve();
    expect(ended).toHaveBeenCalledWith(true, failure);
    expect(runningWhenTold).toBe(false);
  });

  it('an earlier flight that settles late leaves the later one of the same key running', async () => {
    const refreshes = new BackgroundRefreshes();
    const [first, second] = [deferred(), deferred()];
    refreshes.track('k', first.promise, () => undefined);
    refreshes.track('k', second.promise, () => undefined);
    first.resolve(token);
    await first.promise;
    await Promise.resolve();
    expect(refreshes.isRunning('k', second.promise)).toBe(true);
    expect(refreshes.isRunning('k', first.promise)).toBe(false);
  });
});
