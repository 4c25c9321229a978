import type { Contender } from '../contenders/contender.js';
import { bytes, num } from '../format.js';
import { createLab } from '../in-process-adapter.js';
import { collectGarbage } from '../stats.js';
import { TokenManager } from '../../src/token-manager.js';
import type { Token, TokenProvider } from '../../src/token.js';
import type { Check, Scenario } from './scenario.js';

const BASELINE_REQUESTS = 10_000;
const KEYS = 10_000;

/**
 * Scenario 5: retained heap after many requests compared with after 10 000 (after full GCs), and the
 * heap each cached provider key costs this package's TokenManager.
 */
export const memory: Scenario = {
  id: 'memory',
  async run({ quick, contenders, log }) {
    if ((globalThis as { gc?: unknown }).gc === undefined) throw new Error('run node with --expose-gc');
    const total = quick ? 100_000 : 1_000_000;
    const rows: string[][] = [];
    const data: unknown[] = [];
    const checks: Check[] = [];
    for (const contender of contenders) {
      const growth = await heapGrowth(contender, total);
      data.push({
        contender: contender.id,
        requests: total,
        baselineRequests: BASELINE_REQUESTS,
        growthBytes: growth,
      });
      rows.push([contender.name, `${num(total)} vs ${num(BASELINE_REQUESTS)}`, bytes(growth)]);
      log(`memory: ${contender.id} done`);
      if (contender.id === 'axios-token-flight') {
        checks.push({
          name: 'memory: heap growth < 2 MB (target)',
          ok: growth < 2 * 1024 * 1024,
          detail: bytes(growth),
          gate: false,
        });
      }
    }
    const perKey = await heapPerKey();
    data.push({ contender: 'axios-token-flight', keys: KEYS, bytesPerKey: perKey });
    return {
      id: 'memory',
      title: '5. Memory',
      method:
        `Heap used after full GCs, once after ${num(BASELINE_REQUESTS)} sequential requests and again after ` +
        `${num(total)}, per contender. Per cached provider key: a TokenManager given ${num(KEYS)} providers ` +
        `(32-character tokens); this package: ${bytes(perKey)} per key (token, cache entry, default in-memory store).`,
      table: [['contender', 'requests', 'heap growth'], ...rows],
      data,
      checks,
    };
  },
};

async function heapGrowth(contender: Contender, total: number): Promise<number> {
  const client = contender.create(createLab());
  for (let i = 0; i < BASELINE_REQUESTS; i += 1) await client.http.get('/resource');
  collectGarbage();
  const before = process.memoryUsage().heapUsed;
  for (let i = BASELINE_REQUESTS; i < total; i += 1) await client.http.get('/resource');
  collectGarbage();
  const after = process.memoryUsage().heapUsed;
  client.dispose();
  return after - before;
}

async function heapPerKey(): Promise<number> {
  const providers: TokenProvider[] = Array.from({ length: KEYS }, (_, i) => ({
    key: `provider-${i}`,
    fetchToken: async (): Promise<Token> => ({
      accessToken: `${String(i).padStart(8, '0')}${'x'.repeat(24)}`,
      tokenType: 'Bearer',
      expiresAt: Date.now() + 3_600_000,
      raw: {},
    }),
  }));
  const manager = new TokenManager();
  // Warm the code paths so their one-off allocations are not counted per key.
  await manager.getToken({ key: 'warm', fetchToken: providers[0]!.fetchToken });
  collectGarbage();
  const before = process.memoryUsage().heapUsed;
  for (let i = 0; i < KEYS; i += 1000)
    await Promise.all(providers.slice(i, i + 1000).map((p) => manager.getToken(p)));
  collectGarbage();
  const after = process.memoryUsage().heapUsed;
  manager.dispose();
  return (after - before) / KEYS;
}
