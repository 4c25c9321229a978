import { runSeed } from '../support/interleaving-run.js';

/**
 * Randomized runs of the plugin and the manager under concurrency, each reproducible by its seed:
 * `INTERLEAVINGS_SEEDS=5000 INTERLEAVINGS_FROM=1 npx jest __tests__/integration/interleavings.test.ts`
 * runs more, `INTERLEAVINGS_TRACE=1` prints the trace of a failing seed, `INTERLEAVINGS_STATS=1` what
 * the seeds covered. An unhandled rejection fails the test through jest itself.
 */
const FROM = Number(process.env['INTERLEAVINGS_FROM'] ?? 1);
const SEEDS = Number(process.env['INTERLEAVINGS_SEEDS'] ?? 500);
/**
 * Seeds beyond the default range that once caught a defect (a token brought back from the store, a
 * fetched token sent before its waiters got it, an invalidated token taken back after a late 401, a
 * replay whose abort waited for the store). They depend on the harness: after changing it, pick
 * again those that fail without the fixes.
 */
const REMEMBERED = process.env['INTERLEAVINGS_SEEDS'] === undefined ? [606, 952, 1968, 3462] : [];

beforeAll(() => {
  jest.useFakeTimers({ doNotFake: ['setImmediate', 'clearImmediate', 'nextTick', 'queueMicrotask'] });
});

afterAll(() => {
  jest.useRealTimers();
});

it(
  `keeps every invariant over ${SEEDS + REMEMBERED.length} seeded interleavings`,
  async () => {
    const failures: string[] = [];
    const totals: Record<string, number> = {};
    const seeds = [...Array.from({ length: SEEDS }, (_, index) => FROM + index), ...REMEMBERED];
    for (const seed of seeds) {
      const result = await runSeed(seed);
      for (const [name, value] of Object.entries(result.stats)) totals[name] = (totals[name] ?? 0) + value;
      if (result.violations.length === 0) continue;
      failures.push(`seed ${seed}:\n  ${result.violations.slice(0, 5).join('\n  ')}`);
      if (process.env['INTERLEAVINGS_TRACE'] !== undefined) failures.push(result.trace.join('\n'));
      if (failures.length >= 10) break;
    }
    if (process.env['INTERLEAVINGS_STATS'] !== undefined) console.log(totals);
    expect(failures).toEqual([]);
  },
  Math.max(60_000, SEEDS * 100),
);
