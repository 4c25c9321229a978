import { startExchangeDeadline } from '../src/exchange-deadline.js';

describe('startExchangeDeadline', () => {
  test('aborts its signal once the time ran out, and says so', async () => {
    const deadline = startExchangeDeadline(20, undefined);
    expect(deadline.signal.aborted).toBe(false);
    await new Promise((resolve) => deadline.signal.addEventListener('abort', resolve));
    expect(deadline.expired).toBe(true);
    expect(deadline.stalled).toBe(false);
    expect((deadline.signal.reason as DOMException).name).toBe('TimeoutError');
  });

  test('says it stalled when its time ran out while the thread did not run', async () => {
    const deadline = startExchangeDeadline(20, undefined);
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1200);
    await new Promise((resolve) => deadline.signal.addEventListener('abort', resolve));
    expect(deadline.expired).toBe(true);
    expect(deadline.stalled).toBe(true);
  });

  test("follows the caller's signal with its reason, without counting as expired", () => {
    const controller = new AbortController();
    const deadline = startExchangeDeadline(10_000, controller.signal);
    const reason = new Error('gone');
    controller.abort(reason);
    expect(deadline.signal.reason).toBe(reason);
    expect(deadline.expired).toBe(false);
    deadline.clear();
  });

  test('starts aborted for a signal aborted already', () => {
    const reason = new Error('gone before');
    const deadline = startExchangeDeadline(10_000, AbortSignal.abort(reason));
    expect(deadline.signal.reason).toBe(reason);
    deadline.clear();
  });

  test('clear() stops the timer and lets go of the signal', async () => {
    const controller = new AbortController();
    const deadline = startExchangeDeadline(10, controller.signal);
    deadline.clear();
    controller.abort();
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(deadline.signal.aborted).toBe(false);
    expect(deadline.expired).toBe(false);
  });
});
