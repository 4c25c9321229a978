import { invalidOptions, TokenFlightError } from './errors.js';
import { setLateTimeout } from './timers.js';

/**
 * The part of an ioredis (v5+) client this library uses. Structural, so that ioredis is never
 * imported: users without Redis load nothing of it.
 */
export interface IoRedisClient {
  readonly status: string;
  call(command: string, ...args: (string | number)[]): Promise<unknown>;
}

/** The part of a node-redis (v4+) client this library uses. */
export interface NodeRedisClient {
  readonly isOpen: boolean;
  readonly isReady: boolean;
  sendCommand(args: string[]): Promise<unknown>;
}

/** An ioredis or node-redis client, connected (or connecting) by the application. */
export type RedisClient = IoRedisClient | NodeRedisClient;

/** The few commands the Redis token store sends, each bounded by a timeout. */
export interface RedisCommands {
  /** `GET` and `PTTL` of `key` in one step: its value, and the ms it has left (negative: none set). */
  getWithTtl(key: string): Promise<{ value: string | null; ttlMs: number }>;
  /** `SET key value PX ttlMs` (with `onlyIfAbsent`, also `NX`); resolves to whether it was written. */
  set(key: string, value: string, ttlMs: number, onlyIfAbsent?: boolean): Promise<boolean>;
  /** Resolves to whether the key existed. */
  del(key: string): Promise<boolean>;
  /** `EVAL script 1 key ...args`. */
  eval(script: string, key: string, args: readonly string[]): Promise<unknown>;
}

const GET_WITH_TTL = `return {redis.call('GET', KEYS[1]), redis.call('PTTL', KEYS[1])}`;

// ioredis queues commands while it reconnects; failing at once keeps requests fast during an outage.
const IOREDIS_DOWN = new Set(['reconnecting', 'close', 'end']);

/**
 * Wraps an ioredis or node-redis client. No listener is added to it and nothing else is changed.
 * Every command fails after `timeoutMs`, and at once while the client is known to be disconnected;
 * errors carry no command arguments (they may hold a token).
 * @throws {TokenAuthConfigError} when `client` is neither.
 */
export function redisCommands(client: RedisClient, timeoutMs: number): RedisCommands {
  const send = sender(client);
  const run = async (command: string, ...args: string[]): Promise<unknown> => {
    if (!send.usable()) {
      throw new TokenFlightError(
        `Redis ${command} not sent: the client is disconnected`,
        'redis_unavailable',
      );
    }
    try {
      const reply = await withTimeout(send.command(command, args), timeoutMs, command);
      send.succeeded();
      return reply;
    } catch (error) {
      if (error instanceof TokenFlightError) throw error;
      throw new TokenFlightError(`Redis ${command} failed: ${describe(error, args)}`, 'redis_error');
    }
  };

  return {
    async getWithTtl(key) {
      const reply = await run('EVAL', GET_WITH_TTL, '1', key);
      const [value, ttlMs] = Array.isArray(reply) ? (reply as unknown[]) : [];
      return {
        value: value === null || value === undefined ? null : text(value),
        ttlMs: Number(ttlMs ?? -2),
      };
    },
    async set(key, value, ttlMs, onlyIfAbsent = false) {
      const args = [key, value, 'PX', String(Math.max(1, Math.ceil(ttlMs)))];
      if (onlyIfAbsent) args.push('NX');
      return (await run('SET', ...args)) !== null;
    },
    async del(key) {
      return Number(await run('DEL', key)) > 0;
    },
    eval(script, key, args) {
      return run('EVAL', script, '1', key, ...args);
    },
  };
}

interface Sender {
  command(command: string, args: string[]): Promise<unknown>;
  usable(): boolean;
  succeeded(): void;
}

function sender(client: RedisClient): Sender {
  const candidate = client as Partial<IoRedisClient & NodeRedisClient> | null | undefined;
  // ioredis also has a `sendCommand` (taking a Command object): test for it first.
  if (typeof candidate?.call === 'function' && typeof candidate.status === 'string') {
    const io = client as IoRedisClient;
    return {
      command: (command, args) => io.call(command, ...args),
      usable: () => !IOREDIS_DOWN.has(io.status),
      succeeded: () => undefined,
    };
  }
  if (typeof candidate?.sendCommand === 'function' && typeof candidate.isOpen === 'boolean') {
    const node = client as NodeRedisClient;
    // While connecting for the first time node-redis is not ready either; only a client that was
    // ready once and is not now is known to be down.
    let wasReady = false;
    return {
      command: (command, args) => node.sendCommand([command, ...args]),
      usable: () => {
        if (node.isReady) wasReady = true;
        return node.isOpen && (node.isReady || !wasReady);
      },
      succeeded: () => {
        wasReady = true;
      },
    };
  }
  throw invalidOptions('RedisTokenStore needs an ioredis (v5+) or node-redis (v4+) client instance');
}

function withTimeout<T>(promise: Promise<T>, timeoutMs: number, command: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setLateTimeout(() => {
      reject(new TokenFlightError(`Redis ${command} timed out after ${timeoutMs} ms`, 'redis_timeout'));
    }, timeoutMs);
    // The late settlement of a timed-out command is consumed here, never left unhandled.
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

/** The error's message without any of the command's arguments, or string inside a JSON one (it may be a token). */
function describe(error: unknown, args: readonly string[]): string {
  const source = error as { message?: unknown } | null;
  let message = typeof source?.message === 'string' ? source.message : 'unknown error';
  const secrets = new Set<string>();
  for (const arg of args) collectStrings(arg, secrets, true);
  for (const secret of [...secrets].sort((a, b) => b.length - a.length)) {
    message = message.split(secret).join('[REDACTED]');
  }
  return message.length > 300 ? `${message.slice(0, 300)}…` : message;
}

function collectStrings(value: unknown, into: Set<string>, parse: boolean): void {
  if (typeof value === 'string') {
    if (value.length >= 6) into.add(value);
    if (!parse || !value.startsWith('{')) return;
    try {
      collectStrings(JSON.parse(value), into, false);
    } catch {
      // not JSON
    }
  } else if (typeof value === 'object' && value !== null) {
    for (const each of Object.values(value)) collectStrings(each, into, false);
  }
}

function text(reply: unknown): string {
  if (typeof reply === 'string') return reply;
  if (reply instanceof Uint8Array) return new TextDecoder().decode(reply);
  return String(reply);
}
