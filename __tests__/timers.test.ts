import { getEventListeners } from 'node:events';
import {
  keepAliveUntilSettled,
  MAX_TIMER_DELAY_MS,
  monotonicClock,
  setLateTimeout,
  sleep,
  yieldToEventLoop,
} from '../src/timers.js';

/** Whether `promise` has settled after the pending microtasks ran. */
async function settled(promise: Promise<unknown>): Promise<boolean> {
  let done = false;
  promise.then(
    () => (done = true),
    () => (done = true),
  );
  for (let i = 0; i < 5; i++) await Promise.resolve();
  return done;
}

describe('sleep', () => {
  afterEach(() => {
    jest.useRealTimers();
    jest.restoreAllMocks();
  });

  it('resolves after the delay', async () => {
    jest.useFakeTimers();
    const slept = sleep(1_000);
    jest.advanceTimersByTime(999);
    expect(await settled(slept)).toBe(false);
    jest.advanceTimersByTime(1);
    await expect(slept).resolves.toBeUndefined();
  });

  it('clamps delays above 2^31−1 ms instead of firing at once', async () => {
    expect(MAX_TIMER_DELAY_MS).toBe(2 ** 31 - 1);
    jest.useFakeTimers();
    const slept = sleep(30 * 86_400_000);
    jest.advanceTimersByTime(1_000);
    expect(await settled(slept)).toBe(false);
    jest.advanceTimersByTime(MAX_TIMER_DELAY_MS - 1_001);
    expect(await settled(slept)).toBe(false);
    jest.advanceTimersByTime(1);
    expect(await settled(slept)).toBe(true);
  });

  it.each([
    [2 ** 31, MAX_TIMER_DELAY_MS],
    [Number.POSITIVE_INFINITY, MAX_TIMER_DELAY_MS],
    [-5, 0],
    [250, 250],
  ])('passes %p ms to setTimeout as %p', async (ms, expected) => {
    const spy = jest.spyOn(globalThis, 'setTimeout');
    const controller = new AbortController();
    const slept = sleep(ms, controller.signal);
    expect(spy).toHaveBeenCalledTimes(1);
    expect(spy.mock.calls[0]?.[1]).toBe(expected);
    controller.abort();
    await slept.catch(() => undefined);
  });

  it('never keeps the process alive', async () => {
    const spy = jest.spyOn(globalThis, 'setTimeout');
    const controller = new AbortController();
    const slept = sleep(60_000, controller.signal);
    const timer = spy.mock.results[0]?.value as NodeJS.Timeout;
    expect(timer.hasRef()).toBe(false);
    controller.abort();
    await slept.catch(() => undefined);
  });

  it('rejects with the reason on abort and clears its timer', async () => {
    jest.useFakeTimers();
    const controller = new AbortController();
    const slept = sleep(60_000, controller.signal);
    expect(jest.getTimerCount()).toBe(1);
    const reason = new Error('stop');
    controller.abort(reason);
    await expect(slept).rejects.toBe(reason);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('rejects at once for an already aborted signal, without a timer', async () => {
    jest.useFakeTimers();
    const reason = new Error('already');
    await expect(sleep(10, AbortSignal.abort(reason))).rejects.toBe(reason);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('removes its abort listener once it resolves', async () => {
    jest.useFakeTimers();
    const controller = new AbortController();
    const slept = sleep(10, controller.signal);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1);
    jest.advanceTimersByTime(10);
    await slept;
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });
});

describe('yieldToEventLoop', () => {
  afterEach(() => {
    jest.restoreAllMocks();
  });

  it('resolves on a later turn: after the microtasks and after callbacks queued before it', async () => {
    const order: string[] = [];
    setImmediate(() => order.push('queued before'));
    const yielded = yieldToEventLoop().then(() => order.push('yielded'));
    expect(await settled(yielded)).toBe(false);
    await yielded;
    expect(order).toEqual(['queued before', 'yielded']);
  });

  it('keeps the process alive until it has run: a caller may wait on the step after it', async () => {
    const spy = jest.spyOn(global, 'setImmediate');
    const yielded = yieldToEventLoop();
    const immediate = spy.mock.results[0]?.value as NodeJS.Immediate;
    expect(immediate.hasRef()).toBe(true);
    await yielded;
  });

  it('falls back to a 0 ms timer where there is no setImmediate (browsers)', async () => {
    const original = global.setImmediate;
    const timeout = jest.spyOn(global, 'setTimeout');
    try {
      (global as { setImmediate?: unknown }).setImmediate = undefined;
      await yieldToEventLoop();
    } finally {
      global.setImmediate = original;
    }
    expect(timeout).toHaveBeenCalledWith(expect.any(Function), 0);
  });
});

describe('setLateTimeout', () => {
  it('calls back once the time is up, after what was already waiting when it fell due', async () => {
    const order: string[] = [];
    const fired = new Promise<void>((resolve) => {
      setLateTimeout(() => {
        order.push('timeout');
        resolve();
      }, 10);
    });
    // Busy past the due time while an answer waits: the timer is due first, the answer is read first.
    const busyUntil = Date.now() + 30;
    setImmediate(() => order.push('answer'));
    while (Date.now() < busyUntil);
    await fired;
    expect(order).toEqual(['answer', 'timeout']);
  });

  it('does not keep the process alive, and calls nothing once cleared', async () => {
    const onTimeout = jest.fn();
    const timer = setLateTimeout(onTimeout, 5);
    expect(timer.hasRef()).toBe(false);
    clearTimeout(timer);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(onTimeout).not.toHaveBeenCalled();
  });
});

describe('keepAliveUntilSettled', () => {
  afterEach(() => {
    jest.useRealTimers();
  });

  it.each([
    ['resolves', (): Promise<string> => Promise.resolve('token')],
    ['rejects', (): Promise<string> => Promise.reject(new Error('down'))],
  ])('holds one timer until the promise %s, then none', async (_, outcome) => {
    jest.useFakeTimers();
    let settle!: () => void;
    const promise = new Promise<void>((resolve) => (settle = resolve)).then(outcome);
    keepAliveUntilSettled(promise);
    expect(jest.getTimerCount()).toBe(1);
    settle();
    await promise.catch(() => undefined);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('holds nothing that fake timers told to run all timers take for an endless loop', () => {
    jest.useFakeTimers();
    keepAliveUntilSettled(new Promise<void>(() => undefined));
    expect(() => jest.runAllTimers()).not.toThrow();
    expect(jest.getTimerCount()).toBe(0);
  });
});

describe('monotonicClock', () => {
  it('counts on performance.now, which a wall clock set back does not move', () => {
    const clock = monotonicClock();
    expect(clock).toBeDefined();
    const spy = jest.spyOn(Date, 'now').mockReturnValue(0);
    try {
      const before = clock!();
      expect(Math.abs(before - performance.now())).toBeLessThan(50);
      expect(clock!()).toBeGreaterThanOrEqual(before);
    } finally {
      spy.mockRestore();
    }
  });

  it('is absent where there is no performance object', () => {
    const saved = globalThis.performance;
    Object.defineProperty(globalThis, 'performance', {
      value: undefined,
      configurable: true,
      writable: true,
    });
    try {
      expect(monotonicClock()).toBeUndefined();
    } finally {
      Object.defineProperty(globalThis, 'performance', { value: saved, configurable: true, writable: true });
    }
  });
});
