export { loadPipelineFile, loadPipelineText, nodeFiles, projectRoot } from './load.js';
export type { LoadOptions, LoadResult } from './load.js';
export type { RegexChecker, RegexVerdict } from './regex-safety.js';
export { planStages, dependentsOf } from './planner.js';
export { interpolate } from './interpolate.js';
export type { VariableSources } from './interpolate.js';
export { pipelineJsonSchema, IMAGE_NAME } from './schema.js';
export { firstFromUses } from './rules.js';
export type { FileProbe } from './rules.js';
