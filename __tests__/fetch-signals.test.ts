import { FetchSignals } from '../src/fetch-signals.js';

describe('FetchSignals', () => {
  it('knows a marked signal as the key it fetches for, and no other', () => {
    const signals = new FetchSignals();
    const a = new AbortController().signal;
    const b = new AbortController().signal;
    expect(signals.mark(a, 'a')).toBe(a);
    signals.mark(b, 'b');
    expect(signals.isFetching(a, 'a')).toBe(true);
    expect(signals.isFetching(a, 'b')).toBe(false);
    expect(signals.isFetching(b, 'b')).toBe(true);
    expect(signals.isFetching(new AbortController().signal, 'a')).toBe(false);
    expect(new FetchSignals().isFetching(a, 'a')).toBe(false);
  });

  it('hands the signal on as it is: it aborts with its flight, with the reason', () => {
    const lifetime = new AbortController();
    const signal = new FetchSignals().mark(lifetime.signal, 'a');
    const reason = new Error('disposed');
    lifetime.abort(reason);
    expect(signal.reason).toBe(reason);
  });
});
