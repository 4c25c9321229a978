/**
 * One process of a fleet sharing tokens through Redis: started by the fleet test with
 * `fork(file, { execArgv: ['--import', 'tsx'] })`, driven over IPC (see `FleetCommand`).
 */
import axios from 'axios';
import { attachTokenAuth } from '../../src/attach-token-auth.js';
import { clientCredentials } from '../../src/client-credentials.js';
import { RedisTokenStore } from '../../src/redis-token-store.js';
import type { TokenEvent } from '../../src/token-events.js';
import { TokenManager } from '../../src/token-manager.js';
import { connectRedis, type RedisClientKind } from './redis-clients.js';

/** What the fleet test sends; every command is answered with a `FleetReply` of the same `id`. */
export type FleetCommand =
  | { id: number; type: 'burst'; scenario: string; requests: number }
  | { id: number; type: 'events'; scenario: string }
  | { id: number; type: 'ready' };

export type FleetReply = { id: number; result: unknown } | { id: number; error: string };

/** Sent by the worker on its own: once connected, and when its manager starts a token request. */
export type FleetNotice = { type: 'started'; pid: number } | { type: 'fetch'; pid: number; scenario: string };

export interface BurstResult {
  ok: number;
  failed: string[];
}

export interface FleetWorkerEnv {
  REDIS_URL: string;
  REDIS_CLIENT: RedisClientKind;
  REDIS_PREFIX: string;
  TOKEN_URL: string;
  API_URL: string;
  CLIENT_ID: string;
  CLIENT_SECRET: string;
  LOCK_TTL_MS: string;
  TIMEOUT_MS: string;
}

const env = process.env as unknown as FleetWorkerEnv;
const send = (message: FleetReply | FleetNotice): void => {
  process.send?.(message);
};

const redis = await connectRedis(env.REDIS_CLIENT, env.REDIS_URL);

interface Scenario {
  readonly request: (path: string) => Promise<unknown>;
  readonly events: TokenEvent[];
}

const scenarios = new Map<string, Scenario>();

function scenario(name: string): Scenario {
  let existing = scenarios.get(name);
  if (existing !== undefined) return existing;
  const events: TokenEvent[] = [];
  const store = new RedisTokenStore(redis.client, {
    prefix: env.REDIS_PREFIX,
    lockTtlMs: Number(env.LOCK_TTL_MS),
    timeoutMs: Number(env.TIMEOUT_MS),
    pollIntervalMs: 20,
  });
  const manager = new TokenManager({
    store,
    onEvent: (event) => {
      events.push(event);
      if (event.type === 'fetch') send({ type: 'fetch', pid: process.pid, scenario: name });
    },
  });
  const api = axios.create({ baseURL: env.API_URL });
  attachTokenAuth(api, {
    manager,
    provider: clientCredentials({
      key: name,
      tokenUrl: env.TOKEN_URL,
      clientId: env.CLIENT_ID,
      clientSecret: env.CLIENT_SECRET,
      retry: false,
    }),
  });
  existing = { request: (path) => api.get(path), events };
  scenarios.set(name, existing);
  return existing;
}

async function run(command: FleetCommand): Promise<unknown> {
  switch (command.type) {
    case 'burst': {
      const { request } = scenario(command.scenario);
      const outcomes = await Promise.allSettled(
        Array.from({ length: command.requests }, (_, index) => request(`/${command.scenario}/${index}`)),
      );
      const failed = outcomes.flatMap((outcome) =>
        outcome.status === 'rejected' ? [String((outcome.reason as Error)?.message ?? outcome.reason)] : [],
      );
      const result: BurstResult = { ok: outcomes.length - failed.length, failed };
      return result;
    }
    case 'events':
      return scenario(command.scenario).events.map((event) => event.type);
    case 'ready':
      await redis.ready();
      return true;
  }
}

process.on('message', (command: FleetCommand) => {
  run(command).then(
    (result) => send({ id: command.id, result }),
    (error: unknown) => send({ id: command.id, error: String(error) }),
  );
});
process.on('disconnect', () => {
  void redis.close().finally(() => process.exit(0));
});
send({ type: 'started', pid: process.pid });
