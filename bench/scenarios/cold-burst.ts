import { num, spread } from '../format.js';
import { rotate, summarize } from '../stats.js';
import { burst, roundsFor, TOKEN_DELAY_MS, tokenRoundTrip, type BurstRun } from './burst.js';
import type { Check, Scenario } from './scenario.js';

const SIZES = [1, 10, 100, 1000, 10_000];

/**
 * Scenario 2: N concurrent requests on an empty cache. Token requests made (target: exactly 1) and
 * the time to settle all of them, next to raw axios plus one token round-trip.
 */
export const coldBurst: Scenario = {
  id: 'cold-burst',
  async run({ quick, contenders, log }) {
    const rows: string[][] = [];
    const data: unknown[] = [];
    const checks: Check[] = [];
    const allRoundTrips: number[] = [];
    for (const size of SIZES) {
      const rounds = roundsFor(size, quick);
      const runs = new Map(contenders.map((contender) => [contender, [] as BurstRun[]]));
      const roundTrips: number[] = [];
      for (let round = 0; round < rounds; round += 1) {
        roundTrips.push(await tokenRoundTrip());
        for (const contender of rotate(contenders, round)) {
          runs.get(contender)!.push(await burst(contender, size, async () => undefined));
        }
      }
      const rawRuns = runs.get(contenders[0]!)!;
      const floor = summarize(rawRuns.map((run) => run.ms));
      const roundTrip = summarize(roundTrips);
      allRoundTrips.push(...roundTrips);
      for (const [contender, list] of runs) {
        const time = summarize(list.map((run) => run.ms));
        const tokenRequests = summarize(list.map((run) => run.tokenRequests));
        const failed = Math.max(...list.map((run) => run.failed));
        const budget = contender.refreshes ? floor.median + roundTrip.median : floor.median;
        // Each round runs every contender back to back: its own floor cancels the machine's drift between rounds.
        const paired = summarize(
          list.map(
            (run, round) => run.ms / (rawRuns[round]!.ms + (contender.refreshes ? roundTrips[round]! : 0)),
          ),
        );
        data.push({
          contender: contender.id,
          size,
          rounds,
          timeMs: time,
          tokenRequests,
          failedMax: failed,
          budgetMs: budget,
          pairedRatio: paired,
          tokenRoundTripMs: roundTrip,
        });
        rows.push([
          num(size),
          contender.name,
          contender.refreshes ? `${num(tokenRequests.median)} (max ${num(tokenRequests.max)})` : '—',
          spread(time, 1),
          num(time.p99, 1),
          contender.refreshes ? `${paired.median.toFixed(2)}` : '—',
          contender.refreshes ? `${(time.median / budget).toFixed(2)}` : '—',
          num(failed),
        ]);
        if (contender.id === 'axios-token-flight') {
          checks.push({
            name: `cold burst N=${size}: exactly 1 token request`,
            ok: tokenRequests.max === 1 && tokenRequests.min === 1 && failed === 0,
            detail: `token requests ${tokenRequests.min}–${tokenRequests.max}, failed ${failed}`,
            gate: true,
          });
          checks.push({
            name: `cold burst N=${size}: within 10 % of raw axios + one fetch (target)`,
            ok: paired.median <= 1.1,
            detail: `paired ${paired.median.toFixed(2)}; medians ${time.median.toFixed(1)} ms vs ${budget.toFixed(1)} ms`,
            gate: false,
          });
        }
      }
      log(`cold burst: N=${size} done`);
    }
    return {
      id: 'cold-burst',
      title: '2. Cold burst (empty cache, N concurrent requests)',
      method:
        `A fresh client per run; the token endpoint answers after ${TOKEN_DELAY_MS} ms. Rounds per N: ` +
        SIZES.map((size) => `${num(size)}: ${roundsFor(size, quick)}`).join(', ') +
        '. Time: median (min–max) and p99 over rounds. The floor is raw axios plus one token round-trip, ' +
        'both measured in every round; "vs floor (paired)" = median over rounds of the time / that round\'s ' +
        'floor (each round runs every contender back to back, so drift of the machine between rounds ' +
        'cancels; the target check uses it), "vs floor (medians)" = median time / (raw median + round-trip ' +
        'median). The round-trip: a fresh axios instance posting the ' +
        `grant to the same endpoint (median ${summarize(allRoundTrips).median.toFixed(2)} ms).`,
      table: [
        [
          'N',
          'contender',
          'token requests',
          'time ms',
          'p99 ms',
          'vs floor (paired)',
          'vs floor (medians)',
          'failed',
        ],
        ...rows,
      ],
      data,
      checks,
    };
  },
};
