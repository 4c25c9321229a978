/** Largest delay `setTimeout` accepts; longer ones fire at once. */
export const MAX_TIMER_DELAY_MS = 2_147_483_647;

/** `ms` as a timer may take it: longer delays are clamped instead of firing at once. */
export function timerDelay(ms: number): number {
  return Math.min(Math.max(0, ms), MAX_TIMER_DELAY_MS);
}

/**
 * Resolves after `ms` (clamped to 0..2^31−1). The timer does not keep a Node process alive unless
 * `keepAlive` is set: a back-off between attempts of a token request a caller awaits is part of that
 * request, like its socket, and a one-shot script must not exit in the middle of it.
 */
export function sleep(ms: number, signal?: AbortSignal, keepAlive = false): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, timerDelay(ms));
    if (!keepAlive) (timer as { unref?: () => void }).unref?.();
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Resolves on a later turn of the event loop (after pending I/O callbacks). Background work awaits
 * it between its steps, so no step holds up the requests of the app for long.
 *
 * It is not unref'd: it keeps a process alive only until it runs, at once, and a caller may be
 * waiting on the step that follows (one that joined a background refresh), which a process that
 * exits in between would cut off.
 */
export function yieldToEventLoop(): Promise<void> {
  return new Promise<void>((resolve) => {
    if (typeof setImmediate === 'function') setImmediate(resolve);
    else setTimeout(resolve, 0);
  });
}

/**
 * Calls `onTimeout` once `ms` (clamped) have passed and the events already waiting have been handled.
 * Timers run before the I/O of the same turn: an answer that came while this process was busy (a
 * cold burst) or frozen is read first, so the process's own lag is not taken for the other side's.
 * The timer does not keep a Node process alive; `clearTimeout` it once the answer is there.
 */
export function setLateTimeout(onTimeout: () => void, ms: number): ReturnType<typeof setTimeout> {
  const timer = setTimeout(() => void yieldToEventLoop().then(onTimeout), timerDelay(ms));
  (timer as { unref?: () => void }).unref?.();
  return timer;
}

/**
 * Keeps a Node process alive until `promise` settles: for a caller that waits on work whose own
 * waits do not (a background refresh it joined, in its back-off).
 *
 * One timeout, not an interval: that work ends within its deadline, long before 24 days, and fake
 * timers told to run all (`jest.runAllTimers()`) would take an interval for an endless loop.
 */
export function keepAliveUntilSettled(promise: Promise<unknown>): void {
  const timer = setTimeout(() => undefined, MAX_TIMER_DELAY_MS);
  const release = (): void => clearTimeout(timer);
  promise.then(release, release);
}

/** `performance.now`, where there is one (Node, browsers): it goes on counting when `Date.now` is set back. */
export function monotonicClock(): (() => number) | undefined {
  return typeof performance === 'undefined' ? undefined : () => performance.now();
}

/** `Date.now()` of whatever `Date` is current when called: fake timers replace `Date` itself. */
export function wallClock(): number {
  return Date.now();
}
