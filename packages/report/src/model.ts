import type { CacheHit, CheckResult, MatrixOrigin, PipelineSpec, Plan, RunStatus, StageKind, StageOutcome } from '@fipsyard/core';

/** What the report is made from: a finished run as the store knows it. */
export interface RunSnapshot {
  runId: string;
  status: RunStatus | 'running';
  pipeline: PipelineSpec;
  plan: Plan;
  createdAt: string;
  finishedAt?: string;
  host?: Record<string, unknown>;
  stages: StageSnapshot[];
  toolVersion: string;
}

export interface StageSnapshot {
  id: string;
  state: string;
  worker?: string;
  attempt?: number;
  startedAt?: string;
  finishedAt?: string;
  outcome?: StageOutcome;
  reason?: string;
}

/** report.json. Fields named in docs/report.md are stable; others may be added. */
export interface RunReport {
  reportVersion: 1;
  tool: { name: 'fipsyard'; version: string };
  runId: string;
  pipeline: string;
  pipelineName: string;
  pipelineSha256: string;
  status: RunStatus;
  startedAt: string;
  finishedAt: string;
  host: Record<string, unknown>;
  /** `cached` counts succeeded stages whose result was reused (they are in `succeeded` too). */
  summary: { images: number; stages: Record<ReportStageStatus, number> & { cached: number }; checks: Record<CheckResult['status'], number> & { waived: number } };
  stages: ReportStage[];
  images: ReportImage[];
}

export type ReportStageStatus = 'succeeded' | 'failed' | 'skipped';

export interface ReportStage {
  id: string;
  kind: StageKind;
  image: string;
  status: ReportStageStatus;
  reason?: string;
  worker: string | null;
  attempts: number;
  startedAt: string | null;
  finishedAt: string | null;
  durationMs: number | null;
  /** Set when the failure came from Docker or a registry, not the image. */
  infrastructure?: boolean;
  /** Succeeded only after a retry. */
  flaky?: boolean;
  /** Nothing was built or checked: the result of an earlier run with the same inputs was reused. */
  cached?: CacheHit;
  /** Last lines of output, for failed builds. */
  log?: string[];
}

export interface ReportImage {
  name: string;
  tags: string[];
  /** Tags applied: only after every check passed. */
  tagged: string[];
  imageId: string | null;
  parent: string | null;
  parentImageId: string | null;
  /** Registry mode: the digest pushed, the reference pinned by it, and the tags pushed after the checks passed. */
  registry?: { digest: string; pinned: string; pushed: string[] };
  /** Ancestors, nearest first, with the image IDs built in this run. */
  parentChain: { name: string; imageId: string | null }[];
  /** Labels of the built image. */
  labels: Record<string, string>;
  /** Line of the pipeline file where the image is declared. */
  line: number | null;
  /** Present when the image is a variant of a `matrix:` declaration: which one, with which values. */
  matrix?: MatrixOrigin;
  status: ReportStageStatus;
  checks: ReportCheck[];
}

export type ReportCheck = CheckResult;
