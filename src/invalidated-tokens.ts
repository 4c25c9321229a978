import { ExpirySweep } from './expiry-sweep.js';

interface Invalidation {
  readonly accessToken: string;
  readonly until: number;
}

/**
 * The token each key last had invalidated, so a store whose delete failed (a timeout, a Redis
 * without scripting) cannot hand it back. Each is remembered for `keepMs` (the longest lifetime the
 * manager gives a token); past that it could not be taken back anyway, and keys invalidated once
 * do not pile up.
 */
export class InvalidatedTokens {
  readonly #byKey = new Map<string, Invalidation>();
  readonly #sweep = new ExpirySweep<Invalidation>((invalidation) => invalidation.until);
  readonly #keepMs: number;
  readonly #now: () => number;

  constructor(keepMs: number, now: () => number) {
    this.#keepMs = keepMs;
    this.#now = now;
  }

  add(key: string, accessToken: string): void {
    const now = this.#now();
    this.#byKey.set(key, { accessToken, until: now + this.#keepMs });
    this.#sweep.written(this.#byKey, now);
  }

  /** Whether `accessToken` is the one last invalidated for `key`. */
  has(key: string, accessToken: string): boolean {
    const invalidation = this.#byKey.get(key);
    return invalidation !== undefined && invalidation.accessToken === accessToken;
  }

  clear(): void {
    this.#byKey.clear();
  }
}
