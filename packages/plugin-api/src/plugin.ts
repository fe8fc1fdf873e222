import type {
  CheckResult,
  CheckSpec,
  ImageSpec,
  Logger,
  PipelineSpec,
  Stage,
  StageKind,
  StageOutcome,
} from '@fipsyard/core';
import type { ContainerRuntime, EngineInfo, ImageInfo } from './runtime.js';

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
  exec(argv: string[], options?: { timeoutMs?: number }): Promise<ProbeOutput>;
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
}

/** One check: run it, return a verdict with its evidence. */
export interface CheckDefinition {
  id: string;
  title: string;
  run(probe: ProbeContext): Promise<Omit<CheckResult, 'id' | 'title' | 'suite'>>;
}

/** A named family of checks. */
export interface CheckSuite {
  name: string;
  description: string;
  checks(image: ImageSpec | undefined): CheckDefinition[];
}

export type { CheckSpec };
