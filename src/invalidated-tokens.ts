import { ExpirySweep } from './expiry-sweep.js';

/** How long past its known expiry an invalidated token is still refused. */
const EXPIRY_MARGIN_MS = 60_000;

interface Invalidation {
  readonly until: number;
}

/**
 * The tokens each key had invalidated, so a store whose delete failed (a timeout, a Redis without
 * scripting) cannot hand one back. Not only the last one: a late 401 for an older token must not
 * make the manager forget the newer one still in the store. Each is remembered for `keepMs` (the
 * longest lifetime the manager gives a token); past that it could not be taken back anyway, and
 * keys invalidated once do not pile up.
 */
export class InvalidatedTokens {
  readonly #tokens = new Map<string, Invalidation>();
  readonly #sweep = new ExpirySweep<Invalidation>((invalidation) => invalidation.until);
  readonly #keepMs: number;
  readonly #now: () => number;

  constructor(keepMs: number, now: () => number) {
    this.#keepMs = keepMs;
    this.#now = now;
  }

  /**
   * `expiresAt`, when known, shortens the memory: no store hands a token back once it expired (a
   * copy read elsewhere may state a slightly later expiry, hence the margin), and under a stream of
   * 401s, one per request, `keepMs` of them would pile up.
   */
  add(key: string, accessToken: string, expiresAt = Infinity): void {
    const now = this.#now();
    const until = Math.min(now + this.#keepMs, expiresAt + EXPIRY_MARGIN_MS);
    this.#tokens.set(entryKey(key, accessToken), { until });
    this.#sweep.written(this.#tokens, now);
  }

  /** Whether `accessToken` was invalidated for `key`. */
  has(key: string, accessToken: string): boolean {
    return this.#tokens.has(entryKey(key, accessToken));
  }

  clear(): void {
    this.#tokens.clear();
  }
}

/** One map entry per key and token; the key's length first, so no two pairs join alike. */
function entryKey(key: string, accessToken: string): string {
  return `${key.length}:${key}${accessToken}`;
}
