import type { StageKind } from '@fipsyard/core';
import type { CheckSuite, StagePlugin } from '@fipsyard/plugin-api';
import { dockerBuildPlugin } from '@fipsyard/plugin-docker-build';
import { builtinSuites, fipsCheckPlugin } from '@fipsyard/plugin-fips-check';

/** The plugins a worker uses unless told otherwise. */
export const defaultPlugins: Record<StageKind, StagePlugin> = { build: dockerBuildPlugin, test: fipsCheckPlugin };
export const defaultSuites: readonly CheckSuite[] = builtinSuites;
export const knownSuiteNames: readonly string[] = builtinSuites.map((s) => s.name);
