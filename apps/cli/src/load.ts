import { PipelineInvalidError, type Diagnostic, type PipelineSpec } from '@fipsyard/core';
import { knownSuiteNames } from '@fipsyard/engine';
import { loadPipelineFile } from '@fipsyard/pipeline';

/** Loads a pipeline file or throws PipelineInvalidError with every diagnostic. */
export function loadOrThrow(file: string, env: Record<string, string | undefined>, vars: Record<string, string>): { spec: PipelineSpec; warnings: Diagnostic[] } {
  const r = loadPipelineFile(file, { env, vars, knownSuites: knownSuiteNames });
  if (!r.value) throw new PipelineInvalidError([...r.errors, ...r.warnings]);
  return { spec: r.value, warnings: r.warnings };
}
