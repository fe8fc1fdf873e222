export { openssl3Suite } from './suite.js';
export { parseProviders, isFipsProvider } from './providers.js';
export type { ProviderInfo } from './providers.js';
export { parseVersionDirs, fipsModuleInclude, corruptModuleMac } from './config.js';
