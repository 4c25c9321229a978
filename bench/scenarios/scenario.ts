import type { Contender } from '../contenders/contender.js';

/** What every scenario is given. */
export interface ScenarioContext {
  readonly quick: boolean;
  readonly contenders: readonly Contender[];
  /** Progress lines, on stderr. */
  log(line: string): void;
}

/** A pass/fail condition of `--quick` (and of the targets). */
export interface Check {
  readonly name: string;
  readonly ok: boolean;
  readonly detail: string;
  /** Whether a failure makes the run exit non-zero. */
  readonly gate: boolean;
}

export interface ScenarioResult {
  readonly id: string;
  readonly title: string;
  /** What was measured and how, one paragraph of markdown. */
  readonly method: string;
  /** Table rows: the first row holds the column names. */
  readonly table: readonly (readonly string[])[];
  readonly data: unknown;
  readonly checks: readonly Check[];
}

export interface Scenario {
  readonly id: string;
  run(context: ScenarioContext): Promise<ScenarioResult>;
}
