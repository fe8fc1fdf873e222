export { startLocalRegistry } from './local-registry.js';
export type { LocalRegistry, LocalRegistryOptions } from './local-registry.js';
export { startSecondEngine } from './second-engine.js';
export type { SecondEngine, SecondEngineOptions } from './second-engine.js';
export { freePort } from './processes.js';
