import { TokenRequestError } from './errors.js';
import { ExpirySweep } from './expiry-sweep.js';
import { retryAfterOfFailure } from './retry-policy.js';

const CREDENTIAL_FAILURE_STATUSES = new Set([400, 401, 403]);

/**
 * The opt-in cool-down after a credentials failure: for `durationMs`, callers of that key get the
 * same error without a new token request, so a broken secret cannot hammer the token endpoint at
 * request rate. A 408, 429 or 5xx with `Retry-After` holds them off until then instead. With a
 * duration of 0 (the default) it remembers nothing.
 */
export class FailureCooldown {
  readonly #durationMs: number;
  readonly #now: () => number;
  readonly #failures = new Map<
    string,
    { readonly error: unknown; readonly since: number; readonly until: number }
  >();
  readonly #sweep = new ExpirySweep<{ readonly until: number }>((failure) => failure.until);

  constructor(durationMs: number, now: () => number) {
    this.#durationMs = durationMs;
    this.#now = now;
  }

  /** The error to answer `key`'s callers with while its cool-down lasts, else `undefined`. */
  active(key: string): { error: unknown } | undefined {
    const failure = this.#failures.get(key);
    if (failure === undefined) return undefined;
    const now = this.#now();
    // A clock stepped back (NTP, a user) must not stretch the cool-down by the size of the step.
    if (now >= failure.since && now < failure.until) return failure;
    this.#failures.delete(key);
    return undefined;
  }

  /** Records a failed fetch of `key`: a credentials failure or a `Retry-After` starts a cool-down. */
  failed(key: string, error: unknown): void {
    if (this.#durationMs === 0) return;
    const now = this.#now();
    const durationMs = isCredentialsFailure(error) ? this.#durationMs : retryAfterOfFailure(error, now);
    if (durationMs === 0) return;
    this.#failures.set(key, { error, since: now, until: now + durationMs });
    this.#sweep.written(this.#failures, now);
  }

  succeeded(key: string): void {
    this.#failures.delete(key);
  }

  clear(): void {
    this.#failures.clear();
  }
}

/** A 400, 401 or 403 from the token endpoint, or a token URL refused as insecure. */
function isCredentialsFailure(error: unknown): boolean {
  return (
    error instanceof TokenRequestError &&
    ((error.status !== undefined && CREDENTIAL_FAILURE_STATUSES.has(error.status)) ||
      error.code === 'insecure_token_url')
  );
}
