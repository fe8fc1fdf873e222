import { definePlugin, type CheckSuite } from '@fipsyard/plugin-api';
import { runChecks } from './runner.js';
import { opensslFipsSuite } from './suites/openssl-fips.js';

/** Runs an image's checks inside a running, network-less, capability-less container. */
export const fipsCheckPlugin = definePlugin({ name: 'fips-check', kind: 'test', run: runChecks });

/** The suites this package provides, by name. */
export const builtinSuites: readonly CheckSuite[] = [opensslFipsSuite];

export { opensslFipsSuite } from './suites/openssl-fips.js';
export { parseProviders, isFipsProvider } from './providers.js';
export type { ProviderInfo } from './providers.js';
export { unmetExpectation } from './expectations.js';
export { commandCheck } from './command-check.js';
export { plannedChecks } from './runner.js';
