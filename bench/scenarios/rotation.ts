import type { Contender } from '../contenders/contender.js';
import { num } from '../format.js';
import { createLab, type TokenRequestRecord } from '../in-process-adapter.js';
import { Sample, collectGarbage, rotate, summarize, type Summary } from '../stats.js';
import { rotationFloor } from './rotation-floor.js';
import type { Check, Scenario } from './scenario.js';

const LIFETIME_S = 1;
const TOKEN_DELAY_MS = 20;
const WORKERS = 8;
/** Token requests closer than this belong to one rotation. */
const SAME_ROTATION_MS = 100;

interface RotationRun {
  readonly during: Float64Array;
  readonly outside: Float64Array;
  readonly tokenRequests: number;
  readonly rotations: number;
  readonly failed: number;
  readonly unauthorized: number;
  readonly requests: number;
}

/**
 * Scenario 3: steady closed-loop traffic (8 concurrent callers) while tokens expire every second.
 * A request counts as "during rotation" when its lifetime overlaps a token request at the server.
 */
export const rotation: Scenario = {
  id: 'rotation',
  async run({ quick, contenders, log }) {
    const durationMs = quick ? 2100 : 6000;
    const rounds = quick ? 1 : 5;
    // The floor runs interleaved with the others: it tells how much of a p99 rise any token request costs.
    const refreshing = [...contenders.filter((contender) => contender.refreshes), rotationFloor];
    const runs = new Map(refreshing.map((contender) => [contender, [] as RotationRun[]]));
    for (let round = 0; round < rounds; round += 1) {
      for (const contender of rotate(refreshing, round)) {
        runs.get(contender)!.push(await steadyTraffic(contender, durationMs));
        log(`rotation: ${contender.id} round ${round + 1}/${rounds}`);
      }
    }
    const rows: string[][] = [];
    const data: unknown[] = [];
    const checks: Check[] = [];
    const p99Ratio = (list: readonly RotationRun[]): number =>
      summarize(concat(list.map((run) => run.during))).p99 /
      summarize(concat(list.map((run) => run.outside))).p99;
    const floorRatio = p99Ratio(runs.get(rotationFloor)!);
    for (const [contender, list] of runs) {
      const during = summarize(concat(list.map((run) => run.during)));
      const outside = summarize(concat(list.map((run) => run.outside)));
      const tokenRequests = list.reduce((sum, run) => sum + run.tokenRequests, 0);
      const rotations = list.reduce((sum, run) => sum + run.rotations, 0);
      const failed = list.reduce((sum, run) => sum + run.failed, 0);
      const unauthorized = list.reduce((sum, run) => sum + run.unauthorized, 0);
      const requests = list.reduce((sum, run) => sum + run.requests, 0);
      const perRotation = tokenRequests / Math.max(1, rotations);
      data.push({
        contender: contender.id,
        duringMs: during,
        outsideMs: outside,
        tokenRequests,
        rotations,
        failed,
        unauthorized,
        requests,
      });
      rows.push([
        contender.name,
        ms(outside, 'median'),
        ms(outside, 'p99'),
        ms(during, 'median'),
        ms(during, 'p99'),
        `${(during.p99 / outside.p99).toFixed(2)}`,
        perRotation.toFixed(2),
        num(unauthorized),
        num(failed),
      ]);
      if (contender.id === 'axios-token-flight') {
        checks.push({
          name: 'rotation: p99 during rotation within 10 % of p99 outside (target)',
          ok: during.p99 <= outside.p99 * 1.1,
          detail: `${during.p99.toFixed(3)} ms vs ${outside.p99.toFixed(3)} ms (floor ${floorRatio.toFixed(2)})`,
          gate: false,
        });
        checks.push({
          name: 'rotation: 1 token request per rotation, no failure (target)',
          ok: perRotation === 1 && failed === 0,
          detail: `${tokenRequests} token requests in ${rotations} rotations, failed ${failed}`,
          gate: false,
        });
      }
    }
    return {
      id: 'rotation',
      title: '3. Rotation (tokens expire every second)',
      method:
        `${WORKERS} callers in a closed loop for ${num(durationMs)} ms per contender and round (${rounds} round(s), ` +
        `rotated order); tokens live ${LIFETIME_S} s, the token endpoint answers after ${TOKEN_DELAY_MS} ms, the API ` +
        'on the next macrotask (like a socket). A rotation is a group of token requests less than ' +
        `${SAME_ROTATION_MS} ms apart; "during" = requests whose lifetime overlaps one. Latencies in ms. ` +
        'The floor row is raw axios whose static header a bare axios token request (`JSON.parse` of the ' +
        'answer, nothing else) replaces halfway through each lifetime: the p99 rise that sending and ' +
        'reading any token request on the same event loop costs.',
      table: [
        [
          'contender',
          'p50 outside',
          'p99 outside',
          'p50 during',
          'p99 during',
          'p99 during / outside',
          'token requests per rotation',
          '401s',
          'failed',
        ],
        ...rows,
      ],
      data,
      checks,
    };
  },
};

async function steadyTraffic(contender: Contender, durationMs: number): Promise<RotationRun> {
  const lab = createLab({ tokenLifetimeS: LIFETIME_S, tokenDelayMs: TOKEN_DELAY_MS, answer: 'macrotask' });
  const client = contender.create(lab);
  await client.http.get('/resource');
  lab.resetCounters();
  collectGarbage();
  const starts = new Sample();
  const ends = new Sample();
  let failed = 0;
  const stopAt = performance.now() + durationMs;
  const worker = async (): Promise<void> => {
    while (performance.now() < stopAt) {
      const started = performance.now();
      try {
        await client.http.get('/resource');
      } catch {
        failed += 1;
      }
      starts.push(started);
      ends.push(performance.now());
    }
  };
  await Promise.all(Array.from({ length: WORKERS }, worker));
  client.dispose();
  const windows = rotationWindows(lab.tokenLog);
  const during = new Sample();
  const outside = new Sample();
  const startValues = starts.values();
  const endValues = ends.values();
  for (let i = 0; i < startValues.length; i += 1) {
    const start = startValues[i]!;
    const end = endValues[i]!;
    const overlaps = windows.some(([from, to]) => start <= to && end >= from);
    (overlaps ? during : outside).push(end - start);
  }
  return {
    during: Float64Array.from(during.values()),
    outside: Float64Array.from(outside.values()),
    tokenRequests: lab.tokenRequests,
    rotations: windows.length,
    failed,
    unauthorized: lab.unauthorized,
    requests: startValues.length,
  };
}

function rotationWindows(log: readonly TokenRequestRecord[]): [number, number][] {
  const sorted = [...log].sort((a, b) => a.receivedAt - b.receivedAt);
  const windows: [number, number][] = [];
  for (const record of sorted) {
    const last = windows[windows.length - 1];
    if (last !== undefined && record.receivedAt - last[1] < SAME_ROTATION_MS)
      last[1] = Math.max(last[1], record.answeredAt);
    else windows.push([record.receivedAt, record.answeredAt]);
  }
  return windows;
}

function concat(arrays: readonly Float64Array[]): Float64Array {
  const out = new Float64Array(arrays.reduce((sum, array) => sum + array.length, 0));
  let offset = 0;
  for (const array of arrays) {
    out.set(array, offset);
    offset += array.length;
  }
  return out;
}

function ms(summary: Summary, field: 'median' | 'p99'): string {
  return num(summary[field], 3);
}
