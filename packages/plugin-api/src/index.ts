export type {
  ContainerRuntime,
  EngineInfo,
  BuildRequest,
  BuildResult,
  ImageInfo,
  IdleContainerRequest,
  ContainerHandle,
  PathStat,
  ExecRequest,
  ExecResult,
  RegistryAuth,
  PushOptions,
  PushedImage,
  PullOptions,
  PulledImage,
} from './runtime.js';
export type { StageContext, StagePlugin, BuildIndex, ProbeContext, ProbeOutput, CheckDefinition, CheckSuite, CheckVerdict } from './plugin.js';
export { evidenceOf, NOT_RUNNABLE, unrunnable, metadataVerdict, firstLine } from './probe-kit.js';
export { matchWithin, matchPattern, compilePattern, slowPatternReason, PATTERN_TIME_LIMIT_MS } from './pattern-match.js';
export type { PatternOutcome } from './pattern-match.js';
export { definePlugin, defineSuite } from './define.js';
export { LABELS } from './labels.js';
