import axios from 'axios';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { attachTokenAuth } from '../../src/attach-token-auth.js';
import { clientCredentials } from '../../src/client-credentials.js';
import { TokenManager } from '../../src/token-manager.js';
import type { TokenEvent } from '../../src/token-events.js';
import { DEFAULT_CLIENT, startAuthLab, type AuthLab } from '../support/auth-lab.js';

/**
 * The bounded load test (`npm run test:load`): 200 concurrent virtual users send 50 000 requests
 * through one axios instance while the authorization server issues 1-second tokens.
 */

const VIRTUAL_USERS = 200;
const REQUESTS = 50_000;
const LIFETIME_MS = 1000;
const MB = 1024 * 1024;

/** `global.gc` when node runs with `--expose-gc`, else the same function obtained at run time. */
function forcedGc(): () => void {
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (typeof exposed === 'function') return exposed;
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

async function settledHeap(gc: () => void): Promise<number> {
  for (let i = 0; i < 3; i += 1) {
    gc();
    await new Promise((resolve) => setImmediate(resolve));
  }
  return process.memoryUsage().heapUsed;
}

let lab: AuthLab;

beforeAll(async () => {
  lab = await startAuthLab({ tokenLifetimeMs: LIFETIME_MS });
});

afterAll(async () => {
  await lab.close();
});

test(`${VIRTUAL_USERS} virtual users, ${REQUESTS} requests, ${LIFETIME_MS} ms tokens`, async () => {
  const gc = forcedGc();
  const fetches: TokenEvent[] = [];
  // Default schedule: a 1 s token is refreshed in the background from half its lifetime, and requests
  // wait for a new one only in its last 250 ms.
  const manager = new TokenManager({
    onEvent: (event) => {
      if (event.type === 'fetch' || event.type === 'fetched') fetches.push(event);
    },
  });
  const api = axios.create({ baseURL: lab.apiUrl });
  attachTokenAuth(api, {
    manager,
    provider: clientCredentials({
      tokenUrl: lab.tokenUrl(),
      clientId: DEFAULT_CLIENT.clientId,
      clientSecret: DEFAULT_CLIENT.clientSecret,
    }),
  });

  // Warm up (module loading, sockets, JIT) before the heap baseline.
  await Promise.all(Array.from({ length: VIRTUAL_USERS }, (_, i) => api.get(`/warm/${i}`)));
  lab.resetStats();
  fetches.length = 0;
  const heapBefore = await settledHeap(gc);

  let next = 0;
  let succeeded = 0;
  let maxLatency = 0;
  const failures: unknown[] = [];
  const started = performance.now();
  const user = async (): Promise<void> => {
    while (next < REQUESTS) {
      const id = next;
      next += 1;
      try {
        const sentAt = performance.now();
        const response = await api.get(`/item/${id}`);
        maxLatency = Math.max(maxLatency, performance.now() - sentAt);
        if (response.status === 200) succeeded += 1;
      } catch (error) {
        if (failures.length < 5) failures.push(error);
      }
      // The lab logs every request; only its counters matter here.
      if (id % 1000 === 0) {
        lab.stats.apiRequestsLog.length = 0;
        lab.stats.tokenRequestsLog.length = 0;
      }
    }
  };
  await Promise.all(Array.from({ length: VIRTUAL_USERS }, user));
  const elapsedMs = performance.now() - started;

  lab.stats.apiRequestsLog.length = 0;
  lab.stats.tokenRequestsLog.length = 0;
  manager.dispose();
  const heapGrowth = (await settledHeap(gc)) - heapBefore;

  // A rotation replaces the token every half lifetime (the refresh point of short tokens): one token
  // request per rotation, plus the first. Requests take about 100 ms under this load, so a token
  // cannot serve its whole lifetime; `lifetimesElapsed` is reported for comparison.
  const rotations = Math.ceil(elapsedMs / (LIFETIME_MS / 2));
  const report = {
    requests: REQUESTS,
    virtualUsers: VIRTUAL_USERS,
    elapsedMs: Math.round(elapsedMs),
    requestsPerSecond: Math.round(REQUESTS / (elapsedMs / 1000)),
    succeeded,
    apiRequests: lab.stats.apiRequests,
    apiUnauthorized: lab.stats.apiUnauthorized,
    expiredTokenSeen: lab.stats.expiredTokenSeen,
    tokenRequests: lab.stats.tokenRequests,
    backgroundFetches: fetches.filter((event) => event.type === 'fetch' && event.background).length,
    rotations,
    maxFetchMs: Math.max(0, ...fetches.map((event) => (event.type === 'fetched' ? event.durationMs : 0))),
    maxLatencyMs: Math.round(maxLatency),
    lifetimesElapsed: Math.ceil(elapsedMs / LIFETIME_MS),
    heapGrowthMb: Number((heapGrowth / MB).toFixed(2)),
  };
  process.stdout.write(`\nload test: ${JSON.stringify(report)}\n`);

  expect(failures).toEqual([]);
  expect(succeeded).toBe(REQUESTS);
  expect(lab.stats.apiRequests).toBe(REQUESTS);
  expect(lab.stats.expiredTokenSeen).toBe(0);
  expect(lab.stats.apiUnauthorized).toBe(0);
  expect(lab.stats.tokenRequests).toBeLessThanOrEqual(rotations + 1);
  expect(heapGrowth).toBeLessThan(5 * MB);
  expect(elapsedMs).toBeLessThan(60_000);
});
