export { DockerRuntime, dockerConnection, splitReference } from './docker-runtime.js';
export type { DockerRuntimeOptions } from './docker-runtime.js';
export { listContext, packContext } from './context.js';
export type { ContextEntry } from './context.js';
export { BuildStreamParser, isImageSourceError, redact } from './build-stream.js';
