export {
  ExitCode,
  FipsyardError,
  PipelineInvalidError,
  UsageError,
  InfrastructureError,
  CancelledError,
  isFipsyardError,
  isInfrastructureError,
  describeError,
  formatDiagnostic,
  formatLocation,
} from './errors.js';
export type { Diagnostic, SourceLocation, Service, FipsyardErrorOptions } from './errors.js';
export type {
  PipelineSpec,
  ImageSpec,
  MatrixOrigin,
  CheckSpec,
  SuiteCheckSpec,
  CommandCheckSpec,
  FileCheckSpec,
  EnvCheckSpec,
  MetadataCheckSpec,
  CustomCheckSpec,
  CheckMeta,
  WaiverSpec,
  PluginRef,
  OutputExpectation,
  PatternSpec,
} from './spec.js';
export { stageId } from './plan.js';
export { stageRequirements, sortRequirements, requirementsKey, satisfies, formatLabels, unschedulableReason, labelProblem, LABEL_NAME, LABEL_VALUE } from './requirements.js';
export type { Requirements } from './requirements.js';
export type { Plan, Stage, StageKind } from './plan.js';
export { checkFails } from './results.js';
export type {
  CheckResult,
  CheckStatus,
  StageStatus,
  RunStatus,
  BuildOutput,
  TestOutput,
  StageOutput,
  StageOutcome,
  CacheHit,
} from './results.js';
export { canonicalJson, contentKey } from './hash.js';
export { silentLogger } from './logger.js';
export type { Logger, LogContext, LogLevel } from './logger.js';
