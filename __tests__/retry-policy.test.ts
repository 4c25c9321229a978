import { TokenAuthConfigError, TokenRequestError } from '../src/errors.js';
import {
  backoffDelay,
  DEFAULT_RETRY,
  isRetryableStatus,
  parseRetryAfter,
  resolveRetryPolicy,
  retryAfterOfFailure,
} from '../src/retry-policy.js';

it('has the documented defaults', () => {
  expect(resolveRetryPolicy(undefined)).toEqual({
    attempts: 3,
    deadlineMs: 10_000,
    baseDelayMs: 200,
    maxDelayMs: 5_000,
  });
  expect(resolveRetryPolicy({ attempts: 5, deadlineMs: undefined })).toEqual({
    ...DEFAULT_RETRY,
    attempts: 5,
  });
  expect(resolveRetryPolicy(false).attempts).toBe(1);
});

it.each([
  { attempts: 0 },
  { attempts: 1.5 },
  { deadlineMs: -1 },
  { baseDelayMs: Number.NaN },
  { maxDelayMs: Infinity },
])('refuses %o', (retry) => expect(() => resolveRetryPolicy(retry)).toThrow(TokenAuthConfigError));

it('retries 408, 429 and 5xx only', () => {
  expect([408, 429, 500, 502, 503, 599].every(isRetryableStatus)).toBe(true);
  expect([200, 301, 400, 401, 403, 404, 409, 422, 600].some(isRetryableStatus)).toBe(false);
});

it('draws a full-jitter backoff under a doubling, capped ceiling', () => {
  const policy = { ...DEFAULT_RETRY, baseDelayMs: 100, maxDelayMs: 1000 };
  expect([1, 2, 3, 4, 5].map((n) => backoffDelay(n, policy, () => 0.999999))).toEqual([
    99, 199, 399, 799, 999,
  ]);
  expect(backoffDelay(3, policy, () => 0)).toBe(0);
  expect(backoffDelay(2000, { ...policy, maxDelayMs: 1e12 }, () => 1)).toBe(2_147_483_647);
});

it('reads Retry-After as seconds or an HTTP date', () => {
  const now = Date.parse('2025-03-01T12:00:00Z');
  expect(parseRetryAfter('   ', now)).toBeUndefined();
  expect(parseRetryAfter('120', now)).toBe(120_000);
  expect(parseRetryAfter(' 0 ', now)).toBe(0);
  expect(parseRetryAfter('Sat, 01 Mar 2025 12:00:30 GMT', now)).toBe(30_000);
  expect(parseRetryAfter('Sat, 01 Mar 2025 11:00:00 GMT', now)).toBe(0);
  expect(parseRetryAfter('99999999999', now)).toBe(2_147_483_647);
  expect(parseRetryAfter(undefined, now)).toBeUndefined();
  expect(parseRetryAfter('soon', now)).toBeUndefined();
  expect(parseRetryAfter('-5', now)).toBeUndefined();
});

it("reads the Retry-After of a failed token request's 408, 429 or 5xx only", () => {
  const now = Date.parse('2025-03-01T12:00:00Z');
  const failed = (status: number, retryAfter?: string): TokenRequestError =>
    new TokenRequestError({
      providerKey: 'k',
      status,
      response: { status, headers: retryAfter === undefined ? {} : { 'retry-after': retryAfter }, body: '' },
    });
  expect(retryAfterOfFailure(failed(429, '30'), now)).toBe(30_000);
  expect(retryAfterOfFailure(failed(503, 'Sat, 01 Mar 2025 12:01:00 GMT'), now)).toBe(60_000);
  expect(retryAfterOfFailure(failed(408, '5'), now)).toBe(5000);
  expect(retryAfterOfFailure(failed(503), now)).toBe(0);
  expect(retryAfterOfFailure(failed(400, '30'), now)).toBe(0);
  expect(retryAfterOfFailure(new TokenRequestError({ providerKey: 'k', code: 'timeout' }), now)).toBe(0);
  expect(retryAfterOfFailure(Object.assign(new Error('x'), { status: 429 }), now)).toBe(0);
});
