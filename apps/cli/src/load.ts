import { PipelineInvalidError, type Diagnostic, type PipelineSpec } from '@fipsyard/core';
import { defaultSuites, loadPluginSuites, mergeSuites } from '@fipsyard/engine';
import type { CheckSuite } from '@fipsyard/plugin-api';
import { loadPipelineFile } from '@fipsyard/pipeline';

/**
 * Loads a pipeline file or throws PipelineInvalidError with every diagnostic. Suites come from the
 * built-ins and the plugins the file names, so unknown suites and waivers are caught before a run.
 */
export async function loadOrThrow(file: string, env: Record<string, string | undefined>, vars: Record<string, string>, root?: string): Promise<{ spec: PipelineSpec; warnings: Diagnostic[] }> {
  const base = { env, vars, ...(root ? { root } : {}) };
  const withSuites = (suites: readonly CheckSuite[]) => ({
    ...base,
    knownSuites: suites.map((s) => s.name),
    suiteCheckIds: Object.fromEntries(suites.map((s) => [s.name, s.checkIds])),
  });
  // Most files name no plugin: one pass with the built-in suites is enough.
  let r = loadPipelineFile(file, withSuites(defaultSuites));
  if (!r.value?.plugins?.length) {
    // Invalid, and perhaps only because a plugin's suites were not known yet: find the plugins.
    const plugins = r.value ? [] : (loadPipelineFile(file, base).value?.plugins ?? []);
    if (plugins.length) r = loadPipelineFile(file, withSuites([...mergeSuites(defaultSuites, await loadPluginSuites(plugins)).values()]));
  } else {
    r = loadPipelineFile(file, withSuites([...mergeSuites(defaultSuites, await loadPluginSuites(r.value.plugins)).values()]));
  }
  if (!r.value) throw new PipelineInvalidError([...r.errors, ...r.warnings]);
  return { spec: r.value, warnings: r.warnings };
}
