import { getEventListeners } from 'node:events';
import { abortable, followSignal } from '../src/abortable.js';
import { deferred } from './support/fake-provider.js';
import { collectUnhandledRejections } from './support/unhandled-rejections.js';

describe('abortable', () => {
  it('returns the promise itself without a signal', () => {
    const promise = Promise.resolve(1);
    expect(abortable(promise, undefined)).toBe(promise);
  });

  it('settles with the promise when the signal never aborts', async () => {
    const controller = new AbortController();
    await expect(abortable(Promise.resolve('value'), controller.signal)).resolves.toBe('value');
    const failure = new Error('boom');
    await expect(abortable(Promise.reject(failure), controller.signal)).rejects.toBe(failure);
  });

  it('rejects at once with the reason of an already aborted signal', async () => {
    const reason = new Error('gone');
    const gate = deferred<string>();
    await expect(abortable(gate.promise, AbortSignal.abort(reason))).rejects.toBe(reason);
  });

  it('rejects with an AbortError when the signal aborts without a reason', async () => {
    const controller = new AbortController();
    const waiting = abortable(deferred<string>().promise, controller.signal);
    controller.abort();
    await expect(waiting).rejects.toMatchObject({ name: 'AbortError' });
    const bare = { aborted: true, reason: undefined } as unknown as AbortSignal;
    await expect(abortable(deferred<string>().promise, bare)).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('rejects as soon as the signal aborts while the shared promise goes on for others', async () => {
    const controller = new AbortController();
    const gate = deferred<string>();
    const reason = new Error('caller gave up');
    const mine = abortable(gate.promise, controller.signal);
    const other = abortable(gate.promise, new AbortController().signal);
    controller.abort(reason);
    await expect(mine).rejects.toBe(reason);
    gate.resolve('token');
    await expect(other).resolves.toBe('token');
    await expect(gate.promise).resolves.toBe('token');
  });

  it('ignores a later failure of the promise once aborted', async () => {
    const controller = new AbortController();
    const gate = deferred<string>();
    const waiting = abortable(gate.promise, controller.signal);
    controller.abort(new Error('first'));
    gate.reject(new Error('second'));
    await expect(waiting).rejects.toThrow('first');
  });

  it('leaves no listener on a long-lived signal', async () => {
    const controller = new AbortController();
    for (let i = 0; i < 20; i++) await abortable(Promise.resolve(i), controller.signal);
    await abortable(Promise.reject(new Error('x')), controller.signal).catch(() => undefined);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);

    const pending = abortable(deferred<string>().promise, controller.signal);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1);
    controller.abort();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  it('with a signal already aborted, leaves the rejection of the promise it drops handled', async () => {
    const unhandled = await collectUnhandledRejections(async () => {
      const gate = deferred<string>();
      await expect(abortable(gate.promise, AbortSignal.abort())).rejects.toMatchObject({
        name: 'AbortError',
      });
      gate.reject(new Error('nobody listens'));
      await new Promise((resolve) => setImmediate(resolve));
    });
    expect(unhandled).toEqual([]);
  });
});

describe('followSignal', () => {
  it('aborts with its parent, with the same reason, until released', () => {
    const parent = new AbortController();
    const followed = followSignal(parent.signal);
    parent.abort('gone');
    expect(followed.controller.signal.reason).toBe('gone');

    const other = new AbortController();
    const released = followSignal(other.signal);
    released.release();
    other.abort('gone');
    expect(released.controller.signal.aborted).toBe(false);
  });

  it('starts aborted under an aborted parent, and follows nothing without one', () => {
    expect(followSignal(AbortSignal.abort('early')).controller.signal.reason).toBe('early');
    const alone = followSignal(undefined);
    alone.release();
    expect(alone.controller.signal.aborted).toBe(false);
  });
});
