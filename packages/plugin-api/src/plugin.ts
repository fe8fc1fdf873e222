import type {
  CheckResult,
  ImageSpec,
  Logger,
  PipelineSpec,
  Stage,
  StageKind,
  StageOutcome,
} from '@fipsyard/core';
import type { ContainerRuntime, EngineInfo, ImageInfo, PathStat } from './runtime.js';

/** What every stage handler gets. */
export interface StageContext {
  runId: string;
  stage: Stage;
  image: ImageSpec;
  pipeline: PipelineSpec;
  /** Outputs of finished stages this one may read, e.g. the parent's image ID. */
  parentImageId?: string;
  /** Image ID produced by this image's build stage (test stages only). */
  builtImageId?: string;
  runtime: ContainerRuntime;
  logger: Logger;
  /** Build output, on its own channel. */
  buildLog(line: string): void;
  signal: AbortSignal;
  /** Labels every container or image created for this stage must carry. */
  labels: Record<string, string>;
  /** Check suites known to this worker, by name. */
  suites: ReadonlyMap<string, CheckSuite>;
  /** The clock (waiver expiry). Default: the system clock. */
  now?: () => Date;
  /** The tool's version: an input of the build cache key. */
  toolVersion?: string;
  /** False with `--no-cache` or FIPSYARD_CACHE=off: build and check again instead of reusing. */
  useCache?: boolean;
  /** False with `--no-cache`: the engine must not use its layer cache either. */
  engineCache?: boolean;
  /**
   * Where build cache keys point to image IDs, shared by the workers of a Redis. Without it the
   * build plugin asks the engine for an image with the key's label (slower with many images).
   */
  buildIndex?: BuildIndex;
}

/** Build cache key → image ID. A pointer only: the image must be checked to exist and match. */
export interface BuildIndex {
  get(key: string): Promise<string | undefined>;
  set(key: string, imageId: string): Promise<void>;
}

/** A worker plugin that performs one kind of stage. */
export interface StagePlugin {
  name: string;
  kind: StageKind;
  run(ctx: StageContext): Promise<StageOutcome>;
}

/** What a check sees: the running container, the image's metadata, and the host. */
export interface ProbeContext {
  /** Runs an argv in the container; never through a shell unless the argv is one. */
  exec(argv: string[], options?: { timeoutMs?: number; env?: Record<string, string> }): Promise<ProbeOutput>;
  /** A path's metadata, or undefined when absent. Needs no shell in the image. */
  stat(path: string): Promise<PathStat | undefined>;
  /** A file's bytes (symlinks followed), or undefined when absent. Needs no shell. */
  readFile(path: string, maxBytes?: number): Promise<Buffer | undefined>;
  /** Writes a scratch file (e.g. under /tmp) for a probe. */
  writeFile(path: string, content: Buffer | string, mode?: number): Promise<void>;
  /** The first `name` on the image's PATH, or undefined. Needs no shell. */
  which(name: string): Promise<string | undefined>;
  image: ImageInfo;
  engine: EngineInfo;
  signal: AbortSignal;
}

export interface ProbeOutput {
  command: string[];
  exitCode: number | null;
  stdout: string;
  stderr: string;
  durationMs: number;
  timedOut: boolean;
  /** Output was cut at the capture limit (1 MiB per stream). */
  truncated?: boolean;
}

/** What a check returns: a verdict with its evidence. */
export type CheckVerdict = Omit<CheckResult, 'id' | 'title' | 'suite' | 'origin' | 'controls' | 'rationale' | 'waived' | 'startedAt' | 'finishedAt'>;

/** One check: run it, return a verdict with its evidence. */
export interface CheckDefinition {
  id: string;
  title: string;
  /** Default `required`. */
  severity?: 'required' | 'information';
  controls?: string[];
  rationale?: string;
  run(probe: ProbeContext): Promise<CheckVerdict>;
}

/** A named family of checks; a plugin module exports these. */
export interface CheckSuite {
  name: string;
  description: string;
  /** Other suites run as part of this one (e.g. `fips` = openssl3 + module-status + host). */
  includes?: readonly string[];
  /** Every check id the suite may produce, so waivers naming them can be validated. */
  checkIds: readonly string[];
  /** The checks for this image; may look into the container first (e.g. `auto`). */
  expand(probe: ProbeContext, options: Record<string, unknown>): CheckDefinition[] | Promise<CheckDefinition[]>;
}
