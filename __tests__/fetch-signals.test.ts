import { FetchSignals } from '../src/fetch-signals.js';

describe('FetchSignals', () => {
  it('hands each fetch a signal of its own, known as the key it fetches for', () => {
    const signals = new FetchSignals();
    const lifetime = new AbortController().signal;
    const a = signals.start('a', lifetime);
    const b = signals.start('b', lifetime);
    expect(a.signal).not.toBe(b.signal);
    expect(signals.isFetching(a.signal, 'a')).toBe(true);
    expect(signals.isFetching(a.signal, 'b')).toBe(false);
    expect(signals.isFetching(lifetime, 'a')).toBe(false);
    expect(new FetchSignals().isFetching(a.signal, 'a')).toBe(false);
  });

  it('aborts with the lifetime, with its reason, until released', () => {
    const signals = new FetchSignals();
    const lifetime = new AbortController();
    const running = signals.start('a', lifetime.signal);
    const ended = signals.start('b', lifetime.signal);
    ended.release();
    const reason = new Error('disposed');
    lifetime.abort(reason);
    expect(running.signal.reason).toBe(reason);
    expect(ended.signal.aborted).toBe(false);
  });

  it('starts aborted for a lifetime that ended already', () => {
    const reason = new Error('disposed');
    const started = new FetchSignals().start('a', AbortSignal.abort(reason));
    expect(started.signal.reason).toBe(reason);
  });
});
