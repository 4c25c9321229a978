import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { contenders } from './contenders/index.js';
import { describeMachine, markdownReport } from './report.js';
import { bundleSize } from './scenarios/bundle-size.js';
import { coldBurst } from './scenarios/cold-burst.js';
import { hotPath } from './scenarios/hot-path.js';
import { memory } from './scenarios/memory.js';
import { rotation } from './scenarios/rotation.js';
import type { Scenario, ScenarioResult } from './scenarios/scenario.js';
import { storm } from './scenarios/storm.js';

/**
 * npm run bench [-- --quick] [-- --only=hot-path,cold-burst]
 *
 * Runs every scenario with the contenders interleaved in this process, prints a markdown report and
 * writes bench/results.json. With --quick (for CI, under a minute) it exits with 1 when a gate fails:
 * more than one token request in a cold burst, or a hot-path ratio to raw axios below 0.90.
 */
const SCENARIOS: readonly Scenario[] = [hotPath, coldBurst, rotation, storm, memory, bundleSize];

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const only = args
  .find((arg) => arg.startsWith('--only='))
  ?.slice('--only='.length)
  .split(',');
const selected = only === undefined ? SCENARIOS : SCENARIOS.filter((scenario) => only.includes(scenario.id));
const log = (line: string): void => void process.stderr.write(`${line}\n`);

const axiosPackage = createRequire(import.meta.url).resolve('axios/package.json');
const machine = describeMachine(
  (JSON.parse(readFileSync(axiosPackage, 'utf8')) as { version: string }).version,
);
const startedAt = new Date();
const results: ScenarioResult[] = [];
for (const scenario of selected) {
  const begun = performance.now();
  results.push(await scenario.run({ quick, contenders, log }));
  log(`${scenario.id}: ${((performance.now() - begun) / 1000).toFixed(1)} s`);
}

const checks = results.flatMap((result) => result.checks);
const failedGates = checks.filter((check) => check.gate && !check.ok);
writeFileSync(
  fileURLToPath(new URL('results.json', import.meta.url)),
  `${JSON.stringify(
    {
      machine,
      mode: quick ? 'quick' : 'full',
      startedAt: startedAt.toISOString(),
      durationS: Math.round((Date.now() - startedAt.getTime()) / 100) / 10,
      scenarios: Object.fromEntries(
        results.map(({ id, title, method, data }) => [id, { title, method, data }]),
      ),
      checks,
    },
    null,
    2,
  )}\n`,
);
process.stdout.write(`${markdownReport(machine, quick, results)}\n`);
if (failedGates.length > 0) {
  log(`\nFailed: ${failedGates.map((check) => `${check.name} (${check.detail})`).join('; ')}`);
  process.exitCode = 1;
}
