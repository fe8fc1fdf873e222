export { StageExecutor } from './executor.js';
export type { StageExecutorDeps } from './executor.js';
export { submitRun, followRun, cancelRun, snapshotRun } from './controller.js';
export type { ControllerDeps, RunSubmission, FollowOptions } from './controller.js';
export { fanOut } from './observer.js';
export type { RunObserver } from './observer.js';
export { hostFacts } from './host.js';
export { defaultPlugins, defaultSuites, knownSuiteNames } from './defaults.js';
export { newRunId } from './run-id.js';
