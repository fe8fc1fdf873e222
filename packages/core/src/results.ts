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
  /** The image whose pipeline entry declared the check (this one, or an ancestor). */
  origin?: string;
  controls?: string[];
  rationale?: string;
  /** The verdict depends on the host (its kernel), not only on the image. */
  hostDependent?: boolean;
  /** A waiver that accepted this failure or skip. */
  waived?: { reason: string; expires: string };
  startedAt?: string;
  finishedAt?: string;
}

/** What a build stage hands to its dependents. */
export interface BuildOutput {
  imageId: string;
  parentImageId?: string;
  /** Registry mode: the manifest digest pushed, and the reference pinned by it (`reg/repo@sha256:…`). */
  digest?: string;
  pinned?: string;
  /** Last lines of the build log. */
  logTail: string[];
}

export interface TestOutput {
  imageId: string;
  /** The image's configuration as checked: tags, labels, user, entrypoint... */
  image?: { repoTags: string[]; labels: Record<string, string>; user: string; entrypoint: string[]; cmd: string[]; created: string };
  checks: CheckResult[];
  /** Tags applied after every check passed. */
  tagged: string[];
  /** Registry mode: tags pushed to the registry after every check passed (`reg/repo:tag`). */
  pushed?: string[];
}

export type StageOutput = { kind: 'build'; build: BuildOutput } | { kind: 'test'; test: TestOutput };

/** The outcome a stage handler returns. */
export interface StageOutcome {
  status: 'succeeded' | 'failed';
  reason?: string;
  /** Set when the failure came from the environment (Docker, registry), not from the image. */
  infrastructure?: boolean;
  /** An infrastructure failure that a retry would not cure (e.g. a refused tag). Default: retry. */
  retryable?: boolean;
  output?: StageOutput;
  /** Last lines of log output, for failures. */
  log?: string[];
  /** Succeeded only after a retry (a worker died, the environment failed once). */
  flaky?: boolean;
  /** The result of an earlier run was reused: nothing was built or checked again. */
  cached?: CacheHit;
}

/** Where a reused (cached) stage result comes from. */
export interface CacheHit {
  /** The input hash the stage was looked up by (`sha256:…`). */
  key: string;
  /** The run that built the image or checked it. */
  runId?: string;
  /** When that run built or checked it (ISO 8601). */
  at?: string;
  /** Where that run wrote its evidence, when the controller recorded it. */
  evidenceDir?: string;
}

/** Whether a result fails its image: a required, unwaived `fail`. */
export function checkFails(c: CheckResult): boolean {
  return c.status === 'fail' && c.severity !== 'information' && c.waived === undefined;
}
