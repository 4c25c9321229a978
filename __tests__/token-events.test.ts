import { runInNewContext } from 'node:vm';
import { notifyListener, type TokenEvent, type TokenEventListener } from '../src/token-events.js';
import { collectUnhandledRejections } from './support/unhandled-rejections.js';

const event: TokenEvent = { type: 'invalidated', key: 'k' };

describe('notifyListener', () => {
  it('hands the event to the listener', () => {
    const seen: TokenEvent[] = [];
    notifyListener((received) => seen.push(received), event);
    expect(seen).toEqual([event]);
  });

  it('ignores a listener that throws, or rejects when async, leaving no unhandled rejection', async () => {
    const unhandled = await collectUnhandledRejections(async () => {
      expect(() =>
        notifyListener(() => {
          throw new Error('broken logger');
        }, event),
      ).not.toThrow();
      notifyListener(async () => {
        throw new Error('metrics endpoint down');
      }, event);
      await new Promise((resolve) => setImmediate(resolve));
    });
    expect(unhandled).toEqual([]);
  });

  it('ignores the rejection of a promise from another realm, or of any thenable, too', async () => {
    const ForeignPromise = runInNewContext('Promise') as PromiseConstructor;
    expect(ForeignPromise).not.toBe(Promise);
    let thenableHandled = false;
    const unhandled = await collectUnhandledRejections(async () => {
      notifyListener(() => ForeignPromise.reject(new Error('listener of an iframe failed')), event);
      notifyListener(
        () => ({
          then: (_resolve: unknown, reject: unknown) => {
            thenableHandled = typeof reject === 'function';
          },
        }),
        event,
      );
      await new Promise((resolve) => setImmediate(resolve));
    });
    expect(unhandled).toEqual([]);
    expect(thenableHandled).toBe(true);
  });

  it('types a listener as one that may return a promise, as an async one does', () => {
    // Lint rules such as no-misused-promises reject an async function where `void` is expected.
    const notVoid: [ReturnType<TokenEventListener>] extends [void] ? false : true = true;
    const listeners: TokenEventListener[] = [(received) => [received].push(received), async () => {}];
    expect(notVoid).toBe(true);
    expect(listeners[1]!(event)).toBeInstanceOf(Promise);
  });
});
