import { Redis } from 'ioredis';
import { createClient } from 'redis';
import type { RedisClient } from '../../src/redis-client.js';

export type RedisClientKind = 'ioredis' | 'node-redis';

export const REDIS_CLIENT_KINDS: readonly RedisClientKind[] = ['ioredis', 'node-redis'];

/** A connected client of either library, as an application would create it, and how to close it. */
export interface TestRedisClient {
  readonly kind: RedisClientKind;
  readonly client: RedisClient;
  /** Number of listeners on the client, over every event: the store must add none. */
  listeners(): number;
  /** Resolves once the client answers PING (after a restart, once it has reconnected). */
  ready(): Promise<void>;
  /** A raw command, for inspecting Redis from tests. */
  command(args: string[]): Promise<unknown>;
  close(): Promise<void>;
}

/**
 * Connects a client of `kind` to `url`, with a short reconnect delay so that tests of an outage
 * run fast. The application's usual `error` listener is added here (node-redis throws without one).
 */
export async function connectRedis(kind: RedisClientKind, url: string): Promise<TestRedisClient> {
  if (kind === 'ioredis') {
    const io = new Redis(url, { retryStrategy: () => 50, maxRetriesPerRequest: 1, lazyConnect: true });
    io.on('error', () => undefined);
    await io.connect();
    return {
      kind,
      client: io,
      listeners: () => io.eventNames().reduce((sum, name) => sum + io.listenerCount(name), 0),
      ready: () => until(async () => (await io.ping()) === 'PONG'),
      command: ([name = '', ...args]) => io.call(name, ...args),
      close: async () => {
        io.disconnect();
      },
    };
  }
  const node = createClient({ url, socket: { reconnectStrategy: () => 50 } });
  node.on('error', () => undefined);
  await node.connect();
  return {
    kind,
    client: node,
    listeners: () => node.eventNames().reduce((sum, name) => sum + node.listenerCount(name), 0),
    ready: () => until(async () => node.isReady && (await node.ping()) === 'PONG'),
    command: (args) => node.sendCommand(args),
    close: async () => {
      if (node.isOpen) node.destroy();
    },
  };
}

async function until(check: () => Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (await check()) return;
    } catch {
      // not yet
    }
    if (Date.now() > deadline) throw new Error('Redis client did not become ready');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
