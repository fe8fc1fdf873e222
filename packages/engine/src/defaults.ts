import type { StageKind } from '@fipsyard/core';
import { defineSuite, type CheckSuite, type StagePlugin } from '@fipsyard/plugin-api';
import { al2Suite, elSuite } from '@fipsyard/checks-el';
import { hostSuite } from '@fipsyard/checks-host';
import { moduleStatusSuite } from '@fipsyard/checks-module-status';
import { openssl3Suite } from '@fipsyard/checks-openssl3';
import { autoSuite, goSuite, javaSuite, nodeSuite, pythonSuite, rubySuite } from '@fipsyard/checks-runtimes';
import { dockerBuildPlugin } from '@fipsyard/plugin-docker-build';
import { fipsCheckPlugin } from '@fipsyard/plugin-fips-check';

/** The plugins a worker uses unless told otherwise. */
export const defaultPlugins: Record<StageKind, StagePlugin> = { build: dockerBuildPlugin, test: fipsCheckPlugin };

/** `fips`: what every FIPS image should prove, the default of `fipsyard check` with `auto`. */
export const fipsSuite = defineSuite({
  name: 'fips',
  description: 'openssl3 + module-status + host',
  includes: ['openssl3', 'module-status', 'host'],
  checkIds: [...openssl3Suite.checkIds, ...moduleStatusSuite.checkIds, ...hostSuite.checkIds],
  expand: () => [],
});

export const defaultSuites: readonly CheckSuite[] = [fipsSuite, openssl3Suite, moduleStatusSuite, hostSuite, al2Suite, elSuite, nodeSuite, pythonSuite, javaSuite, goSuite, rubySuite, autoSuite];
export const knownSuiteNames: readonly string[] = defaultSuites.map((s) => s.name);
