import { notifyListener, type TokenEvent } from '../src/token-events.js';
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
});
