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
} from './runtime.js';
export type { StageContext, StagePlugin, ProbeContext, ProbeOutput, CheckDefinition, CheckSuite } from './plugin.js';
export { definePlugin, defineSuite } from './define.js';
export { LABELS } from './labels.js';
