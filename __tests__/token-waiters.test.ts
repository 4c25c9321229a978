import { TokenManager } from '../src/token-manager.js';
import { createTokenWaiters, type TokenWaiter, type WaitForToken } from '../src/token-waiters.js';
import type { Token, TokenProvider } from '../src/token.js';
import { deferred, fakeProvider, token } from './support/fake-provider.js';

function setup(options: { key?: string } = {}) {
  const manager = new TokenManager();
  const getToken = jest.spyOn(manager, 'getToken');
  const provider = fakeProvider(options);
  const gate = deferred<Token>();
  provider.next = () => gate.promise;
  const waitForToken = createTokenWaiters(manager);
  return { manager, getToken, provider, gate, waitForToken, wait: promised(waitForToken) };
}

/** The waiters' callbacks as a promise, which most cases read more easily. */
function promised(waitForToken: WaitForToken) {
  return (provider: TokenProvider, signal: AbortSignal | undefined): Promise<Token> =>
    new Promise((resolve, reject) => waitForToken(provider, signal, { onToken: resolve, onError: reject }));
}

/** A waiter that records what it was told. */
function recorder(): TokenWaiter & { told: string[] } {
  const told: string[] = [];
  return {
    told,
    onToken: (t) => told.push(`token ${t.accessToken}`),
    onError: (e) => told.push(`error ${(e as Error).message}`),
  };
}

describe('createTokenWaiters', () => {
  it('lets 1 000 concurrent waiters of one key share one getToken call and one fetch', async () => {
    const { getToken, provider, gate, wait } = setup();
    const waits = Array.from({ length: 1000 }, () => wait(provider, undefined));
    expect(getToken).toHaveBeenCalledTimes(1);
    gate.resolve(token('shared', Date.now() + 60_000));
    const tokens = await Promise.all(waits);
    expect(new Set(tokens.map((each) => each.accessToken))).toEqual(new Set(['shared']));
    expect(provider.calls).toBe(1);
  });

  it('answers a cached token at once, without calling getToken', async () => {
    const { manager, getToken, provider, gate, wait } = setup();
    gate.resolve(token('cached', Date.now() + 60_000));
    await manager.getToken(provider);
    getToken.mockClear();
    await expect(wait(provider, undefined)).resolves.toMatchObject({ accessToken: 'cached' });
    expect(getToken).not.toHaveBeenCalled();
  });

  it('rejects every waiter with the error of the fetch they shared', async () => {
    const { provider, gate, wait } = setup();
    const waits = [wait(provider, undefined), wait(provider, undefined), wait(provider, undefined)];
    const failure = new Error('token endpoint down');
    gate.reject(failure);
    const outcomes = await Promise.allSettled(waits);
    expect(outcomes).toEqual(Array.from({ length: 3 }, () => ({ status: 'rejected', reason: failure })));
  });

  it('starts a new group once the last one settled: a later wait is not answered by an old failure', async () => {
    const { getToken, provider, wait } = setup();
    provider.next = () => Promise.reject(new Error('first fetch failed'));
    await expect(wait(provider, undefined)).rejects.toThrow('first fetch failed');
    provider.next = undefined;
    await expect(wait(provider, undefined)).resolves.toMatchObject({ accessToken: 'token-fake-2' });
    expect(getToken).toHaveBeenCalledTimes(2);
  });

  it("ends only the aborted waiter's wait; the others still get the token", async () => {
    const { provider, gate, wait } = setup();
    const controller = new AbortController();
    const reason = new Error('caller gave up');
    const aborted = wait(provider, controller.signal);
    const others = [wait(provider, undefined), wait(provider, new AbortController().signal)];
    controller.abort(reason);
    await expect(aborted).rejects.toBe(reason);
    gate.resolve(token('after-abort', Date.now() + 60_000));
    await expect(Promise.all(others)).resolves.toMatchObject([
      { accessToken: 'after-abort' },
      { accessToken: 'after-abort' },
    ]);
    expect(provider.calls).toBe(1);
  });

  it('rejects at once with the reason of a signal that was already aborted', async () => {
    const { provider, wait } = setup();
    const reason = new Error('already gone');
    await expect(wait(provider, AbortSignal.abort(reason))).rejects.toBe(reason);
  });

  it('keeps one group per provider key', async () => {
    const { manager, wait } = setup();
    const first = fakeProvider({ key: 'first' });
    const second = fakeProvider({ key: 'second' });
    const getToken = jest.spyOn(manager, 'getToken');
    const tokens = await Promise.all([
      wait(first, undefined),
      wait(second, undefined),
      wait(first, undefined),
      wait(second, undefined),
    ]);
    expect(tokens.map((each) => each.accessToken)).toEqual([
      'token-first-1',
      'token-second-1',
      'token-first-1',
      'token-second-1',
    ]);
    expect(getToken).toHaveBeenCalledTimes(2);
  });

  it('tells a waiter of a cached token before returning', async () => {
    const { manager, provider, gate, waitForToken } = setup();
    gate.resolve(token('cached', Date.now() + 60_000));
    await manager.getToken(provider);
    const waiter = recorder();
    waitForToken(provider, undefined, waiter);
    expect(waiter.told).toEqual(['token cached']);
  });

  it('tells an aborted waiter once, with the reason, and not again when the token arrives', async () => {
    const { provider, gate, waitForToken, wait } = setup();
    const controller = new AbortController();
    const waiter = recorder();
    waitForToken(provider, controller.signal, waiter);
    controller.abort(new Error('gave up'));
    controller.signal.dispatchEvent(new Event('abort'));
    gate.resolve(token('late', Date.now() + 60_000));
    await wait(provider, undefined);
    expect(waiter.told).toEqual(['error gave up']);
  });

  it('tells a waiter whose signal aborts while the fetch starts at once, not when the fetch ends', async () => {
    const controller = new AbortController();
    const manager = new TokenManager({
      onEvent: (event) => {
        if (event.type === 'fetch') controller.abort(new Error('gave up during the start'));
      },
    });
    const provider = fakeProvider();
    const gate = deferred<Token>();
    provider.next = () => gate.promise;
    const waiter = recorder();
    createTokenWaiters(manager)(provider, controller.signal, waiter);
    expect(waiter.told).toEqual(['error gave up during the start']);
    gate.resolve(token('late', Date.now() + 60_000));
    await new Promise((resolve) => setImmediate(resolve));
    expect(waiter.told).toEqual(['error gave up during the start']);
  });

  it('stops listening to the signal of a waiter that got its token', async () => {
    const { provider, gate, waitForToken } = setup();
    const controller = new AbortController();
    const removed = jest.spyOn(controller.signal, 'removeEventListener');
    const waiter = recorder();
    waitForToken(provider, controller.signal, waiter);
    gate.resolve(token('shared', Date.now() + 60_000));
    await new Promise((resolve) => setImmediate(resolve));
    expect(waiter.told).toEqual(['token shared']);
    expect(removed).toHaveBeenCalledWith('abort', expect.any(Function));
    controller.abort(new Error('after the token'));
    expect(waiter.told).toEqual(['token shared']);
  });

  it('still tells the other waiters when one of them throws', async () => {
    const { provider, gate, waitForToken, wait } = setup();
    waitForToken(provider, undefined, {
      onToken: () => {
        throw new Error('faulty waiter');
      },
      onError: () => undefined,
    });
    const other = wait(provider, undefined);
    gate.resolve(token('shared', Date.now() + 60_000));
    await expect(other).resolves.toMatchObject({ accessToken: 'shared' });
  });

  it('starts a new group for a waiter that comes after dispose(), not the group of the aborted fetch', async () => {
    const { manager, getToken, provider, wait } = setup();
    const early = wait(provider, undefined).catch((error: unknown) => error);
    manager.dispose();
    provider.next = () => Promise.resolve(token('after-dispose', Date.now() + 60_000));
    await expect(wait(provider, undefined)).resolves.toMatchObject({ accessToken: 'after-dispose' });
    await expect(early).resolves.toMatchObject({ name: 'AbortError' });
    expect(getToken).toHaveBeenCalledTimes(2);
    // The old group's end does not forget the new one: a third waiter gets the cached token.
    await expect(wait(provider, undefined)).resolves.toMatchObject({ accessToken: 'after-dispose' });
    expect(provider.calls).toBe(2);
  });

  it('fetches again for waiters that come after the token they shared was invalidated', async () => {
    const { manager, provider, gate, wait } = setup();
    const early = wait(provider, undefined);
    gate.resolve(token('old', Date.now() + 60_000));
    await expect(early).resolves.toMatchObject({ accessToken: 'old' });
    await manager.invalidate(provider.key, 'old');
    provider.next = undefined;
    await expect(wait(provider, undefined)).resolves.toMatchObject({ accessToken: 'token-fake-2' });
  });
});
