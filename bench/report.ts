import { cpus, totalmem } from 'node:os';
import type { Check, ScenarioResult } from './scenarios/scenario.js';

/** The machine the numbers come from. */
export interface Machine {
  readonly cpu: string;
  readonly cores: number;
  readonly memoryGiB: number;
  readonly node: string;
  readonly platform: string;
  readonly axios: string;
}

export function describeMachine(axiosVersion: string): Machine {
  const list = cpus();
  return {
    cpu: list[0]?.model.trim() ?? 'unknown',
    cores: list.length,
    memoryGiB: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    axios: axiosVersion,
  };
}

export function markdownTable(rows: readonly (readonly string[])[]): string {
  const [head = [], ...body] = rows;
  const line = (cells: readonly string[]): string =>
    `| ${cells.map((cell) => cell.replace(/\|/g, '\\|')).join(' | ')} |`;
  return [line(head), line(head.map(() => '---')), ...body.map(line)].join('\n');
}

/** The whole run as markdown: machine, one table per scenario, the checks. */
export function markdownReport(machine: Machine, quick: boolean, results: readonly ScenarioResult[]): string {
  const parts = [
    `Machine: ${machine.cpu} (${machine.cores} cores, ${machine.memoryGiB} GiB), Node ${machine.node}, ` +
      `${machine.platform}, axios ${machine.axios}. Mode: ${quick ? '--quick' : 'full'}.`,
  ];
  for (const result of results) {
    parts.push(`### ${result.title}\n\n${result.method}\n\n${markdownTable(result.table)}`);
  }
  const checks = results.flatMap((result) => result.checks);
  if (checks.length > 0) {
    parts.push(
      `### Checks\n\n${markdownTable([
        ['check', 'result', 'measured'],
        ...checks.map((check) => [check.name, verdict(check), check.detail]),
      ])}`,
    );
  }
  return parts.join('\n\n');
}

function verdict(check: Check): string {
  if (check.ok) return 'pass';
  return check.gate ? 'FAIL' : 'missed';
}
