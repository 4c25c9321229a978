import { fork, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { DEFAULT_CLIENT, startAuthLab, type AuthLab } from '../support/auth-lab.js';
import type { RedisClientKind } from '../support/redis-clients.js';
import type {
  BurstResult,
  FleetCommand,
  FleetNotice,
  FleetReply,
  FleetWorkerEnv,
} from '../support/redis-fleet-worker.js';
import { describeWithRedis, startRedisServer, type RedisServer } from '../support/redis-server.js';

const WORKER = join(__dirname, '..', 'support', 'redis-fleet-worker.ts');
const REQUESTS = 50;
const LOCK_TTL_MS = 1_000;
const KINDS: readonly RedisClientKind[] = ['ioredis', 'node-redis'];

type Command = FleetCommand extends infer C ? (C extends { id: number } ? Omit<C, 'id'> : never) : never;

/** A forked fleet process and a typed way to call it. */
class Worker {
  readonly #child: ChildProcess;
  readonly #pending = new Map<
    number,
    { resolve: (value: unknown) => void; reject: (error: Error) => void }
  >();
  readonly #onNotice: (worker: Worker, notice: FleetNotice) => void;
  #nextId = 1;
  readonly started: Promise<void>;
  readonly exited: Promise<void>;

  constructor(
    readonly kind: RedisClientKind,
    env: FleetWorkerEnv,
    onNotice: (worker: Worker, notice: FleetNotice) => void,
  ) {
    this.#onNotice = onNotice;
    this.#child = fork(WORKER, [], {
      execArgv: ['--import', 'tsx'],
      env: { ...process.env, ...env },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    this.started = new Promise((resolve, reject) => {
      this.#child.once('exit', (code) => reject(new Error(`fleet worker exited early (${code})`)));
      this.#child.on('message', (message: FleetReply | FleetNotice) => {
        if ('id' in message) {
          const pending = this.#pending.get(message.id);
          this.#pending.delete(message.id);
          if ('error' in message) pending?.reject(new Error(message.error));
          else pending?.resolve(message.result);
          return;
        }
        if (message.type === 'started') resolve();
        this.#onNotice(this, message);
      });
    });
    this.exited = new Promise((resolve) => {
      this.#child.once('exit', () => {
        for (const pending of this.#pending.values()) pending.reject(new Error('fleet worker exited'));
        this.#pending.clear();
        resolve();
      });
    });
  }

  get alive(): boolean {
    return this.#child.exitCode === null && this.#child.signalCode === null;
  }

  call<T>(command: Command): Promise<T> {
    const id = this.#nextId++;
    return new Promise<T>((resolve, reject) => {
      this.#pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.#child.send({ ...command, id } as FleetCommand);
    });
  }

  burst(scenario: string): Promise<BurstResult> {
    return this.call({ type: 'burst', scenario, requests: REQUESTS });
  }

  events(scenario: string): Promise<string[]> {
    return this.call({ type: 'events', scenario });
  }

  kill(): Promise<void> {
    this.#child.kill('SIGKILL');
    return this.exited;
  }

  async stop(): Promise<void> {
    if (!this.alive) return;
    this.#child.disconnect();
    const timer = setTimeout(() => this.#child.kill('SIGKILL'), 2_000);
    await this.exited;
    clearTimeout(timer);
  }
}

describeWithRedis('a fleet of 8 processes sharing tokens through a real redis-server', () => {
  let redis: RedisServer;
  let lab: AuthLab;
  let workers: Worker[] = [];
  const fetchListeners = new Set<(worker: Worker, notice: FleetNotice) => void>();

  const living = (): Worker[] => workers.filter((worker) => worker.alive);
  const burstAll = (scenario: string): Promise<BurstResult[]> =>
    Promise.all(living().map((worker) => worker.burst(scenario)));
  const expectAllOk = (results: BurstResult[]): void => {
    expect(results.flatMap((result) => result.failed)).toEqual([]);
    expect(results.map((result) => result.ok)).toEqual(results.map(() => REQUESTS));
  };

  beforeAll(async () => {
    [redis, lab] = await Promise.all([startRedisServer(), startAuthLab()]);
    const env: FleetWorkerEnv = {
      REDIS_URL: redis.url,
      REDIS_CLIENT: 'ioredis',
      REDIS_PREFIX: `fleet-${randomUUID()}:`,
      TOKEN_URL: lab.tokenUrl(),
      API_URL: lab.apiUrl,
      CLIENT_ID: DEFAULT_CLIENT.clientId,
      CLIENT_SECRET: DEFAULT_CLIENT.clientSecret,
      LOCK_TTL_MS: String(LOCK_TTL_MS),
      // Generous: on a loaded machine a healthy Redis can take longer than 300 ms to answer; a stopped
      // one is refused at once, which is what the outage cases need.
      TIMEOUT_MS: '2000',
    };
    // Half the fleet on each client library: both must interoperate on the same keys.
    workers = Array.from({ length: 8 }, (_, index) => {
      const kind = KINDS[index % KINDS.length]!;
      return new Worker(kind, { ...env, REDIS_CLIENT: kind }, (worker, notice) => {
        for (const listener of fetchListeners) listener(worker, notice);
      });
    });
    await Promise.all(workers.map((worker) => worker.started));
  }, 30_000);

  afterAll(async () => {
    await Promise.all(workers.map((worker) => worker.stop()));
    await lab?.close();
    await redis?.stop();
  });

  beforeEach(() => {
    lab.setTokenDelay(0);
    lab.resetStats();
  });

  it('cold cache, 8 × 50 concurrent requests: one token request in all', async () => {
    lab.setTokenDelay(100);
    expectAllOk(await burstAll('cold'));
    expect(lab.stats.tokenRequests).toBe(1);
    expect(lab.stats.apiRequests).toBe(8 * REQUESTS);
  });

  it('a 401 for the same token in every process: one refresh in all', async () => {
    expectAllOk(await burstAll('storm'));
    lab.resetStats();
    lab.revokeAll();
    expectAllOk(await burstAll('storm'));
    expect(lab.stats.apiUnauthorized).toBe(8 * REQUESTS);
    expect(lab.stats.tokenRequests).toBe(1);
  });

  it('redis-server stops: no request fails, one warning per process; it restarts: sharing resumes', async () => {
    expectAllOk(await burstAll('outage'));
    expect(lab.stats.tokenRequests).toBe(1);

    await redis.stop();
    lab.resetStats();
    lab.revokeAll();
    expectAllOk(await burstAll('outage'));
    // Without Redis every process fetches for itself, once.
    expect(lab.stats.tokenRequests).toBe(8);
    for (const events of await Promise.all(living().map((worker) => worker.events('outage')))) {
      expect(events.filter((type) => type === 'store_error')).toHaveLength(1);
    }

    await redis.restart();
    await Promise.all(living().map((worker) => worker.call({ type: 'ready' })));
    lab.resetStats();
    lab.revokeAll();
    expectAllOk(await burstAll('outage'));
    expect(lab.stats.tokenRequests).toBe(1);
    for (const events of await Promise.all(living().map((worker) => worker.events('outage')))) {
      expect(events.filter((type) => type === 'store_error')).toHaveLength(1);
      expect(events.filter((type) => type === 'store_recovered')).toHaveLength(1);
    }
  });

  it('the lock holder is killed mid-fetch: another process completes within lockTtlMs + one fetch', async () => {
    const slowFetchMs = 5_000;
    const fetchMs = 200;
    lab.setTokenDelay(slowFetchMs);
    const holder = new Promise<Worker>((resolve) => {
      const listener = (worker: Worker, notice: FleetNotice): void => {
        if (notice.type !== 'fetch' || notice.scenario !== 'killed') return;
        fetchListeners.delete(listener);
        resolve(worker);
      };
      fetchListeners.add(listener);
    });
    const bursts = living().map((worker) =>
      worker.burst('killed').then(
        (result) => ({ worker, result }),
        () => ({ worker, result: undefined }),
      ),
    );
    const victim = await holder;
    // Wait until the holder's token request is in flight at the server.
    while (lab.stats.tokenRequests === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    lab.setTokenDelay(fetchMs);
    const killedAt = Date.now();
    await victim.kill();

    const outcomes = await Promise.all(bursts);
    const elapsed = Date.now() - killedAt;
    const survivors = outcomes.filter((outcome) => outcome.worker !== victim);
    expect(survivors).toHaveLength(7);
    expectAllOk(survivors.map((outcome) => outcome.result!));
    // The killed holder's request, then exactly one more.
    expect(lab.stats.tokenRequests).toBe(2);
    // Bounded by the lock's lifetime and one fetch (plus scheduling slack on a busy machine), far
    // below the slow fetch the dead holder started and the 15 s waitTimeoutMs.
    expect(elapsed).toBeLessThan(LOCK_TTL_MS + fetchMs + 1_500);
  });
});
