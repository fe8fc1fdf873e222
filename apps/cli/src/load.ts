import { PipelineInvalidError, type Diagnostic, type PipelineSpec } from '@fipsyard/core';
import { defaultSuites, loadPluginSuites, mergeSuites } from '@fipsyard/engine';
import { loadPipelineFile } from '@fipsyard/pipeline';

/**
 * Loads a pipeline file or throws PipelineInvalidError with every diagnostic. Suites come from the
 * built-ins and the plugins the file names, so unknown suites and waivers are caught before a run.
 */
export async function loadOrThrow(file: string, env: Record<string, string | undefined>, vars: Record<string, string>, root?: string): Promise<{ spec: PipelineSpec; warnings: Diagnostic[] }> {
  const base = { env, vars, ...(root ? { root } : {}) };
  const first = loadPipelineFile(file, base);
  let suites = [...defaultSuites];
  if (first.value?.plugins?.length) suites = [...mergeSuites(defaultSuites, await loadPluginSuites(first.value.plugins)).values()];
  const r = loadPipelineFile(file, {
    ...base,
    knownSuites: suites.map((s) => s.name),
    suiteCheckIds: Object.fromEntries(suites.map((s) => [s.name, s.checkIds])),
  });
  if (!r.value) throw new PipelineInvalidError([...r.errors, ...r.warnings]);
  return { spec: r.value, warnings: r.warnings };
}
