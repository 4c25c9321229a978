import { invalidOptions, TokenFlightError } from './errors.js';
import { randomUUID } from './random-uuid.js';
import { redisCommands, type RedisClient, type RedisCommands } from './redis-client.js';
import { MAX_TIMER_DELAY_MS, sleep, timerDelay } from './timers.js';
import type { Token } from './token.js';
import { createTokenCipher, type EncryptionKey, type SealedValue, type TokenCipher } from './token-cipher.js';
import type { TokenStore } from './token-store.js';
import { isToken } from './token-shape.js';

/** Options of {@link RedisTokenStore}; every one has a default. */
export interface RedisTokenStoreOptions {
  /** Prepended to every key: `${prefix}token:${providerKey}`, `${prefix}lock:${providerKey}`. Default `'axios-token-flight:'`. */
  prefix?: string | undefined;
  /**
   * Lifetime of the fetch lock. A holder renews it while it fetches; a holder that died is replaced
   * once it lapses. Default 10 000.
   */
  lockTtlMs?: number | undefined;
  /** Longest wait for another process's fetch before fetching anyway. Default 15 000. */
  waitTimeoutMs?: number | undefined;
  /** Every Redis command fails after this long (the manager then goes on without Redis). Default 1 000. */
  timeoutMs?: number | undefined;
  /** Pause between two attempts to take the lock while another process holds it. Default 50. */
  pollIntervalMs?: number | undefined;
  /**
   * Encrypts stored tokens with AES-256-GCM (Web Crypto): 32 bytes, or their base64. Every process
   * sharing the store needs the same key.
   */
  encryptionKey?: EncryptionKey | undefined;
}

/**
 * What is stored, encrypted: a keyed fingerprint of the access token (first, as delete compares the
 * value's beginning) and the sealed token.
 */
interface EncryptedValue extends SealedValue {
  readonly h: string;
}

// Compare-and-delete in one step: nothing can write between the comparison and the DEL. A value
// this store wrote begins with its compared field (ARGV[3] is that beginning, written the way
// JSON.stringify writes it), so the comparison needs no JSON decoding: cjson cannot decode a lone
// UTF-16 surrogate or nesting deeper than 1 000 levels, which a token's raw body may hold. A value
// written otherwise (fields in another order) is decoded and compared field by field.
const DELETE_IF_FIELD_EQUALS = `
local value = redis.call('GET', KEYS[1])
if not value then return 0 end
if string.sub(value, 1, #ARGV[3]) == ARGV[3] then return redis.call('DEL', KEYS[1]) end
local ok, decoded = pcall(cjson.decode, value)
if ok and type(decoded) == 'table' and decoded[ARGV[1]] == ARGV[2] then
  return redis.call('DEL', KEYS[1])
end
return 0`;

/** How far a stored expiry may lie beyond its key's before it counts as written on another clock. */
const CLOCK_TOLERANCE_MS = 1_000;

const RELEASE_LOCK = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

const RENEW_LOCK = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0`;

/**
 * A {@link TokenStore} in Redis, shared by every process using the same Redis and prefix: one token
 * fetch per provider key for a whole fleet. Accepts an ioredis (v5+) or node-redis (v4+) client and
 * adds no listener to it. Every command is bounded by `timeoutMs`; when Redis is down, slow or
 * flushed, the manager goes on with its own memory and fetches directly.
 *
 * @example
 * const tokens = new TokenManager({ store: new RedisTokenStore(new Redis(process.env.REDIS_URL)) });
 */
export class RedisTokenStore implements TokenStore {
  readonly #redis: RedisCommands;
  readonly #prefix: string;
  readonly #lockTtlMs: number;
  readonly #waitTimeoutMs: number;
  readonly #pollIntervalMs: number;
  readonly #cipher: TokenCipher | undefined;

  constructor(client: RedisClient, options: RedisTokenStoreOptions = {}) {
    this.#prefix = options.prefix ?? 'axios-token-flight:';
    if (typeof this.#prefix !== 'string') {
      throw invalidOptions('RedisTokenStore prefix must be a string');
    }
    this.#lockTtlMs = positive('lockTtlMs', options.lockTtlMs, 10_000);
    this.#waitTimeoutMs = positive('waitTimeoutMs', options.waitTimeoutMs, 15_000);
    this.#pollIntervalMs = positive('pollIntervalMs', options.pollIntervalMs, 50);
    this.#redis = redisCommands(client, positive('timeoutMs', options.timeoutMs, 1_000));
    this.#cipher = options.encryptionKey === undefined ? undefined : createTokenCipher(options.encryptionKey);
  }

  async get(key: string): Promise<Token | undefined> {
    const redisKey = this.#tokenKey(key);
    const askedAt = Date.now();
    const { value, ttlMs } = await this.#redis.getWithTtl(redisKey);
    const decoded = value === null ? undefined : await this.#decode(value, redisKey);
    const token = decoded === undefined || ttlMs < 0 ? decoded : onThisClock(decoded, askedAt + ttlMs);
    return token === undefined || (token.expiresAt !== null && token.expiresAt <= Date.now())
      ? undefined
      : token;
  }

  async set(key: string, token: Token, ttlMs: number): Promise<void> {
    const redisKey = this.#tokenKey(key);
    // Never kept past the token's own expiry; no expiry and no finite ttl: the longest timer delay.
    const untilExpiry = token.expiresAt === null ? Infinity : token.expiresAt - Date.now();
    const keepMs = Math.min(ttlMs, untilExpiry, MAX_TIMER_DELAY_MS);
    if (!(keepMs > 0)) {
      await this.#redis.del(redisKey);
      return;
    }
    await this.#redis.set(redisKey, await this.#encode(token, redisKey), Math.ceil(keepMs));
  }

  async delete(key: string, accessToken?: string): Promise<boolean> {
    const redisKey = this.#tokenKey(key);
    if (accessToken === undefined) return this.#redis.del(redisKey);
    const [field, expected] =
      this.#cipher === undefined
        ? (['accessToken', accessToken] as const)
        : (['h', await this.#cipher.fingerprint(accessToken)] as const);
    // The field opens the value #encode writes; a JSON string ends at its closing quote, so no
    // other value of the field can share this beginning.
    const beginning = `{${JSON.stringify(field)}:${JSON.stringify(expected)},`;
    const args = [field, expected, beginning];
    return Number(await this.#redis.eval(DELETE_IF_FIELD_EQUALS, redisKey, args)) > 0;
  }

  /**
   * Runs `fn` while holding the fleet-wide lock of `key` (`SET NX PX`, renewed while `fn` runs,
   * released by owner). While another process holds it, takes it in turn once it is free, then
   * `fn` finds that process's token in the store. After `waitTimeoutMs` runs `fn` without the lock.
   * Redis errors before `fn` starts are thrown; `fn`'s result and errors are returned unchanged.
   */
  async singleFlight<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const lockKey = `${this.#prefix}lock:${key}`;
    const owner = randomUUID();
    // Counted on the monotonic clock: a wall clock set back must not stretch the wait by as much.
    const giveUpAt = performance.now() + this.#waitTimeoutMs;
    for (;;) {
      if (await this.#takeLock(lockKey, owner)) return this.#holding(lockKey, owner, fn);
      if (performance.now() >= giveUpAt) return fn();
      // Jittered, so that waiting processes do not ask in lockstep.
      await sleep(this.#pollIntervalMs * (0.5 + Math.random()));
    }
  }

  async #takeLock(lockKey: string, owner: string): Promise<boolean> {
    try {
      return await this.#redis.set(lockKey, owner, this.#lockTtlMs, true);
    } catch (error) {
      // A SET that timed out here still runs when a stalled server catches up: the release, sent
      // after it on the same connection, runs then too, so no lock without an owner holds the
      // other processes up for lockTtlMs.
      this.#release(lockKey, owner);
      throw error;
    }
  }

  #release(lockKey: string, owner: string): void {
    // Not awaited: a lock that cannot be released lapses after lockTtlMs.
    this.#redis.eval(RELEASE_LOCK, lockKey, [owner]).catch(() => undefined);
  }

  async #holding<T>(lockKey: string, owner: string, fn: () => Promise<T>): Promise<T> {
    const lockTtl = String(this.#lockTtlMs);
    const renewal = setInterval(
      () => {
        this.#redis.eval(RENEW_LOCK, lockKey, [owner, lockTtl]).catch(() => undefined);
      },
      timerDelay(Math.max(1, Math.floor(this.#lockTtlMs / 3))),
    );
    renewal.unref?.();
    try {
      return await fn();
    } finally {
      clearInterval(renewal);
      this.#release(lockKey, owner);
    }
  }

  #tokenKey(key: string): string {
    return `${this.#prefix}token:${key}`;
  }

  async #encode(token: Token, redisKey: string): Promise<string> {
    const plain: Token = {
      accessToken: token.accessToken,
      tokenType: token.tokenType,
      expiresAt: token.expiresAt,
      ...(token.scope === undefined ? {} : { scope: token.scope }),
      raw: token.raw,
    };
    const json = JSON.stringify(plain);
    if (this.#cipher === undefined) return json;
    const sealed = await this.#cipher.seal(json, redisKey);
    const value: EncryptedValue = { h: await this.#cipher.fingerprint(token.accessToken), ...sealed };
    return JSON.stringify(value);
  }

  /**
   * The token in a stored value. A value that is no token at all (garbage, an older shape) counts as
   * absent, so the next fetch overwrites it instead of every process fetching on its own until it
   * lapses; a token in the other mode (plain while a key is set, or the reverse) or one this key
   * cannot decrypt is a misconfiguration, and fails.
   */
  async #decode(value: string, redisKey: string): Promise<Token | undefined> {
    const parsed = parseJson(value);
    if (!isObject(parsed)) return undefined;
    const encrypted = parsed['v'] === 1;
    if (this.#cipher === undefined) {
      if (encrypted) throw invalidValue(redisKey, 'it is encrypted and no encryptionKey is set');
      return isToken(parsed) ? parsed : undefined;
    }
    if (!encrypted) {
      if (isToken(parsed)) throw invalidValue(redisKey, 'it is not encrypted but encryptionKey is set');
      return undefined;
    }
    const sealed = parsed as Partial<EncryptedValue>;
    if (typeof sealed.iv !== 'string' || typeof sealed.data !== 'string') return undefined;
    const opened = parseJson(await this.#cipher.open({ v: 1, iv: sealed.iv, data: sealed.data }, redisKey));
    return isToken(opened) ? opened : undefined;
  }
}

/**
 * `token` with an expiry on this machine's clock. Its `expiresAt` is on the clock of the process that
 * wrote it, which may run ahead of this one; the key's TTL, counted by Redis, is the clock every
 * process shares, and `set` never keeps a key past its token's expiry. Up to a second apart counts
 * as the same moment, so a token read back on the clock it was written with is returned as it was.
 */
function onThisClock(token: Token, keyExpiresAt: number): Token {
  return token.expiresAt !== null && token.expiresAt > keyExpiresAt + CLOCK_TOLERANCE_MS
    ? { ...token, expiresAt: keyExpiresAt }
    : token;
}

function positive(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw invalidOptions(`RedisTokenStore ${name} must be a positive number of ms`);
  }
  return value;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function invalidValue(redisKey: string, reason: string): TokenFlightError {
  return new TokenFlightError(
    `The value stored under "${redisKey}" is unusable: ${reason}`,
    'invalid_stored_token',
  );
}
