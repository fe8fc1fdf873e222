export type CheckStatus = 'pass' | 'fail' | 'warn' | 'skip';
export type StageStatus = 'succeeded' | 'failed' | 'skipped';
export type RunStatus = 'passed' | 'failed' | 'cancelled';

/** What one check found, with the evidence behind it. */
export interface CheckResult {
  id: string;
  title: string;
  status: CheckStatus;
  reason?: string;
  /** The argv executed, or empty when the check read image metadata only. */
  command: string[];
  exitCode: number | null;
  stdout: string;
  stderr: string;
  durationMs: number;
  /** Which suite produced it (`openssl-fips`, `custom`...). */
  suite: string;
  /** `information` results never fail a run. */
  severity?: 'required' | 'information';
  startedAt?: string;
  finishedAt?: string;
}

/** What a build stage hands to its dependents. */
export interface BuildOutput {
  imageId: string;
  parentImageId?: string;
  /** Last lines of the build log. */
  logTail: string[];
}

export interface TestOutput {
  imageId: string;
  checks: CheckResult[];
  /** Tags applied after every check passed. */
  tagged: string[];
}

export type StageOutput = { kind: 'build'; build: BuildOutput } | { kind: 'test'; test: TestOutput };

/** The outcome a stage handler returns. */
export interface StageOutcome {
  status: 'succeeded' | 'failed';
  reason?: string;
  /** Set when the failure came from the environment (Docker, registry), not from the image. */
  infrastructure?: boolean;
  output?: StageOutput;
  /** Last lines of log output, for failures. */
  log?: string[];
}

export function checkFails(c: CheckResult): boolean {
  return c.status === 'fail' && c.severity !== 'information';
}
