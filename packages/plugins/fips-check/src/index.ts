import { definePlugin } from '@fipsyard/plugin-api';
import { runChecks } from './runner.js';

/** Runs an image's checks inside a running, network-less, capability-less container. */
export const fipsCheckPlugin = definePlugin({ name: 'fips-check', kind: 'test', run: runChecks });

export { unmetExpectation } from './expectations.js';
export { commandCheck } from './command-check.js';
export { customCheck, fileCheck, envCheck, metadataCheck } from './custom-checks.js';
export { plannedChecks, runChecks } from './runner.js';
export { applyWaivers } from './waivers.js';
