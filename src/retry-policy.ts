import { invalidOptions, TokenRequestError } from './errors.js';
import { MAX_TIMER_DELAY_MS, timerDelay } from './timers.js';

/**
 * How a failed token request is retried: network errors, timeouts, 408, 429 and 5xx are retried with
 * exponential backoff and full jitter, within a total deadline. Other 4xx answers are never retried.
 */
export interface RetryOptions {
  /** Attempts in all, the first included. Default 3. */
  attempts?: number | undefined;
  /** No attempt starts later than this many ms after the first one. Default 10 000. */
  deadlineMs?: number | undefined;
  /** Backoff before the second attempt is random in [0, baseDelayMs], doubling each time. Default 200. */
  baseDelayMs?: number | undefined;
  /** Upper bound of one backoff (a server's `Retry-After` is honoured beyond it). Default 5 000. */
  maxDelayMs?: number | undefined;
}

export type RetryPolicy = Readonly<{ [Name in keyof RetryOptions]-?: number }>;

export const DEFAULT_RETRY: RetryPolicy = Object.freeze({
  attempts: 3,
  deadlineMs: 10_000,
  baseDelayMs: 200,
  maxDelayMs: 5_000,
});

const NO_RETRY: RetryPolicy = Object.freeze({ ...DEFAULT_RETRY, attempts: 1 });
const RESOLVED = new WeakSet<object>([DEFAULT_RETRY, NO_RETRY]);

/**
 * Fills in the defaults; `false` means a single attempt.
 * @throws {TokenAuthConfigError} on a negative, non-finite or fractional value.
 */
export function resolveRetryPolicy(retry: RetryOptions | false | undefined): RetryPolicy {
  if (retry === false) return NO_RETRY;
  if (retry === undefined) return DEFAULT_RETRY;
  // Providers resolve their policy once; each token request passes it on as it is.
  if (RESOLVED.has(retry)) return retry as RetryPolicy;
  const policy = { ...DEFAULT_RETRY, ...definedOnly(retry) };
  if (!Number.isInteger(policy.attempts) || policy.attempts < 1) {
    throw invalidOptions('retry.attempts must be an integer of at least 1');
  }
  for (const name of ['deadlineMs', 'baseDelayMs', 'maxDelayMs'] as const) {
    if (!Number.isFinite(policy[name]) || policy[name] < 0) {
      throw invalidOptions(`retry.${name} must be a finite number of at least 0`);
    }
  }
  const resolved = Object.freeze(policy);
  RESOLVED.add(resolved);
  return resolved;
}

function definedOnly(retry: RetryOptions): Partial<RetryPolicy> {
  return Object.fromEntries(Object.entries(retry).filter(([, value]) => value !== undefined));
}

/** Whether an HTTP answer with this status is worth another attempt. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || (status >= 500 && status <= 599);
}

/**
 * Full-jitter backoff before attempt `failedAttempts + 1`: random in
 * [0, min(maxDelayMs, baseDelayMs × 2^(failedAttempts − 1))].
 */
export function backoffDelay(failedAttempts: number, policy: RetryPolicy, random: () => number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, failedAttempts - 1));
  return Math.min(Math.floor(random() * ceiling), MAX_TIMER_DELAY_MS);
}

/**
 * Milliseconds a `Retry-After` header asks to wait (delta seconds or an HTTP date), or `undefined`
 * when it is absent or unreadable.
 */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (text === '') return undefined;
  if (/^\d+$/.test(text)) return Math.min(Number(text) * 1000, MAX_TIMER_DELAY_MS);
  // An HTTP date names its day and month; `Date.parse` alone would read '-5' as a year.
  const date = /[a-z]/i.test(text) ? Date.parse(text) : Number.NaN;
  if (Number.isNaN(date)) return undefined;
  return timerDelay(date - now);
}

/**
 * Milliseconds the `Retry-After` of a token endpoint that answered a 408, 429 or 5xx asks to wait
 * before the next token request; 0 for any other failure.
 */
export function retryAfterOfFailure(error: unknown, now: number): number {
  if (!(error instanceof TokenRequestError) || error.status === undefined) return 0;
  if (!isRetryableStatus(error.status)) return 0;
  return parseRetryAfter(error.response?.headers['retry-after'], now) ?? 0;
}
