import { band, num } from '../format.js';
import { createLab } from '../in-process-adapter.js';
import { Sample, collectGarbage, rotate, summarize } from '../stats.js';
import type { Scenario } from './scenario.js';

/** Below this ratio to raw axios, `--quick` fails. */
export const HOT_PATH_GATE = 0.9;
/** The target: at most 3 % overhead over raw axios. */
export const HOT_PATH_TARGET = 0.97;

/**
 * Scenario 1: requests per second with the token cached, through an adapter that answers on a
 * microtask (so interceptor overhead is all that differs). Contenders run in short batches, in a
 * rotated order, round after round; the ratio to raw axios is taken within each round.
 */
export const hotPath: Scenario = {
  id: 'hot-path',
  async run({ quick, contenders, log }) {
    // Short batches, many rounds: each round's ratio compares contenders within a few milliseconds,
    // so load from other processes hits them alike.
    const rounds = quick ? 120 : 500;
    const batch = 200;
    const warmup = 5000;
    const clients = contenders.map((contender) => ({
      contender,
      client: contender.create(createLab()),
      latencies: new Sample(),
      rates: [] as number[],
      ratios: [] as number[],
    }));
    for (const { client } of clients) {
      for (let i = 0; i < warmup; i += 1) await client.http.get('/resource');
    }
    const floor = clients[0]!;
    for (let round = 0; round < rounds; round += 1) {
      if (round % 50 === 0) collectGarbage();
      const rates = new Map<(typeof clients)[number], number>();
      for (const entry of rotate(clients, round)) {
        const { http } = entry.client;
        const started = performance.now();
        let previous = started;
        for (let i = 0; i < batch; i += 1) {
          await http.get('/resource');
          const now = performance.now();
          entry.latencies.push(now - previous);
          previous = now;
        }
        rates.set(entry, batch / ((previous - started) / 1000));
      }
      const floorRate = rates.get(floor)!;
      for (const [entry, rate] of rates) {
        entry.rates.push(rate);
        entry.ratios.push(rate / floorRate);
      }
      if ((round + 1) % 50 === 0) log(`hot path: round ${round + 1}/${rounds}`);
    }
    for (const { client } of clients) client.dispose();

    const results = clients.map(({ contender, latencies, rates, ratios }) => ({
      contender: contender.id,
      name: contender.name,
      requestsPerSecond: summarize(rates),
      ratioToRaw: summarize(ratios),
      latencyUs: summarize(latencies.values().map((ms) => ms * 1000)),
    }));
    const ours = results.find((result) => result.contender === 'axios-token-flight');
    const best = Math.max(...results.slice(1).map((result) => result.ratioToRaw.median));
    const checks =
      ours === undefined
        ? []
        : [
            {
              name: 'hot path: ratio to raw axios ≥ 0.90',
              ok: ours.ratioToRaw.median >= HOT_PATH_GATE,
              detail: `median ratio ${ours.ratioToRaw.median.toFixed(3)}`,
              gate: true,
            },
            {
              name: 'hot path: ratio to raw axios ≥ 0.97 (target)',
              ok: ours.ratioToRaw.median >= HOT_PATH_TARGET,
              detail: `median ratio ${ours.ratioToRaw.median.toFixed(3)}`,
              gate: false,
            },
            {
              name: 'hot path: not slower than any contender (target)',
              ok: ours.ratioToRaw.median >= best - 0.01,
              detail: `ours ${ours.ratioToRaw.median.toFixed(3)}, best ${best.toFixed(3)}`,
              gate: false,
            },
          ];
    return {
      id: 'hot-path',
      title: '1. Hot path (token cached)',
      method:
        `${rounds} rounds × ${num(batch)} sequential requests per contender, interleaved in a rotated order; ` +
        'the ratio is taken within each round. Ratio: median (p10–p90 over rounds); latency p50 / p99 over every request.',
      table: [
        ['contender', 'req/s', 'ratio to raw axios', 'p50 µs', 'p99 µs'],
        ...results.map((result) => [
          result.name,
          num(result.requestsPerSecond.median),
          band(result.ratioToRaw, 3),
          num(result.latencyUs.median, 1),
          num(result.latencyUs.p99, 1),
        ]),
      ],
      data: results,
      checks,
    };
  },
};
