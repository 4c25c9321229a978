import { num, spread } from '../format.js';
import { rotate, summarize } from '../stats.js';
import { burst, roundsFor, TOKEN_DELAY_MS, type BurstRun } from './burst.js';
import type { Check, Scenario } from './scenario.js';

/**
 * Scenario 4: a token is cached, the server revokes it, then K concurrent requests all get 401 for
 * that same token. Token requests (target 1), failures (target 0) and the time until all settle.
 */
export const storm: Scenario = {
  id: '401-storm',
  async run({ quick, contenders, log }) {
    const sizes = quick ? [100, 1000] : [10, 100, 1000, 10_000];
    const refreshing = contenders.filter((contender) => contender.refreshes);
    const rows: string[][] = [];
    const data: unknown[] = [];
    const checks: Check[] = [];
    for (const size of sizes) {
      const rounds = roundsFor(size, quick);
      const runs = new Map(refreshing.map((contender) => [contender, [] as BurstRun[]]));
      for (let round = 0; round < rounds; round += 1) {
        for (const contender of rotate(refreshing, round)) {
          const run = await burst(contender, size, async (lab, get) => {
            await get();
            lab.revokeAll();
          });
          runs.get(contender)!.push(run);
        }
      }
      for (const [contender, list] of runs) {
        const time = summarize(list.map((run) => run.ms));
        const tokenRequests = summarize(list.map((run) => run.tokenRequests));
        const failed = Math.max(...list.map((run) => run.failed));
        data.push({ contender: contender.id, size, rounds, timeMs: time, tokenRequests, failedMax: failed });
        rows.push([
          num(size),
          contender.name,
          `${num(tokenRequests.median)} (max ${num(tokenRequests.max)})`,
          spread(time, 1),
          num(time.p99, 1),
          num(failed),
        ]);
        if (contender.id === 'axios-token-flight') {
          checks.push({
            name: `401 storm K=${size}: 1 token request, no failure (target)`,
            ok: tokenRequests.max === 1 && failed === 0,
            detail: `token requests ${tokenRequests.min}–${tokenRequests.max}, failed ${failed}`,
            gate: false,
          });
        }
      }
      log(`401 storm: K=${size} done`);
    }
    return {
      id: '401-storm',
      title: '4. 401 storm (K concurrent 401s for one token)',
      method:
        `A client with a cached token; the server revokes it; K concurrent requests. Token endpoint delay ${TOKEN_DELAY_MS} ms. ` +
        'Raw axios is left out (it cannot renew a token). Time: median (min–max) and p99 over rounds.',
      table: [['K', 'contender', 'token requests', 'time ms', 'p99 ms', 'failed'], ...rows],
      data,
      checks,
    };
  },
};
