export { DockerRuntime, dockerConnection, splitReference } from './docker-runtime.js';
export type { DockerRuntimeOptions, DockerTls } from './docker-runtime.js';
export { hashContext, listContext, packContext } from './context.js';
export type { ContextEntry } from './context.js';
export { BuildStreamParser, isImageSourceError, redact } from './build-stream.js';
export {
  ProgressStreamParser,
  REGISTRY_AUTH_ENV,
  isDigest,
  isRegistryAuthError,
  isRegistryUnreachable,
  parsePinnedReference,
  registryAuthFromEnv,
  registryOf,
  registryTarget,
} from './registry.js';
export type { ProgressMessage } from './registry.js';
