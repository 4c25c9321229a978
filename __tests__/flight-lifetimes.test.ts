import { FlightLifetimes } from '../src/flight-lifetimes.js';

describe('FlightLifetimes', () => {
  it('runs each flight with a signal of its own and returns its own promise', async () => {
    const lifetimes = new FlightLifetimes();
    const seen: AbortSignal[] = [];
    const first = Promise.resolve('a');
    const running = lifetimes.run('a', (lifetime) => {
      seen.push(lifetime);
      return first;
    });
    expect(running).toBe(first);
    await lifetimes.run('a', async (lifetime) => {
      seen.push(lifetime);
    });
    expect(seen[0]).not.toBe(seen[1]);
    expect(seen.every((signal) => !signal.aborted)).toBe(true);
  });

  it('aborts every running flight with the reason, and none that settled', async () => {
    const lifetimes = new FlightLifetimes();
    let settled: AbortSignal | undefined;
    await lifetimes.run('a', async (lifetime) => {
      settled = lifetime;
    });
    let failedOne: AbortSignal | undefined;
    await lifetimes
      .run('b', async (lifetime) => {
        failedOne = lifetime;
        throw new Error('no token');
      })
      .catch(() => undefined);
    const running: AbortSignal[] = [];
    const pending = [1, 2, 3].map((index) =>
      lifetimes.run(`k${index}`, (lifetime) => {
        running.push(lifetime);
        return new Promise<never>((_resolve, reject) => {
          lifetime.addEventListener('abort', () => reject(lifetime.reason as Error));
        });
      }),
    );
    const reason = new DOMException('disposed', 'AbortError');
    lifetimes.abortAll(reason);
    await expect(Promise.all(pending)).rejects.toBe(reason);
    expect(running.map((signal) => signal.reason)).toEqual([reason, reason, reason]);
    expect(settled?.aborted).toBe(false);
    expect(failedOne?.aborted).toBe(false);
  });

  it('aborts a flight once: a flight started after abortAll is not aborted by it', async () => {
    const lifetimes = new FlightLifetimes();
    lifetimes.abortAll(new Error('first'));
    let later: AbortSignal | undefined;
    const running = lifetimes.run('a', (lifetime) => {
      later = lifetime;
      return new Promise<void>((resolve) => setTimeout(resolve, 5));
    });
    expect(later?.aborted).toBe(false);
    await running;
    lifetimes.abortAll(new Error('second'));
    expect(later?.aborted).toBe(false);
  });

  it('knows a lifetime as the flight of its key, and no other signal or key', async () => {
    const lifetimes = new FlightLifetimes();
    let a: AbortSignal | undefined;
    let b: AbortSignal | undefined;
    await lifetimes.run('a', async (lifetime) => {
      a = lifetime;
      expect(lifetimes.isLifetimeOf(lifetime, 'a')).toBe(true);
    });
    await lifetimes.run('b', async (lifetime) => {
      b = lifetime;
    });
    expect(lifetimes.isLifetimeOf(a as AbortSignal, 'a')).toBe(true);
    expect(lifetimes.isLifetimeOf(a as AbortSignal, 'b')).toBe(false);
    expect(lifetimes.isLifetimeOf(b as AbortSignal, 'b')).toBe(true);
    expect(lifetimes.isLifetimeOf(new AbortController().signal, 'a')).toBe(false);
    expect(new FlightLifetimes().isLifetimeOf(a as AbortSignal, 'a')).toBe(false);
  });
});
