import { formatDiagnostic } from '@fipsyard/core';
import type { EnvConfig } from '../config.js';
import { loadOrThrow } from '../load.js';
import type { Output } from '../output.js';

/** `fipsyard validate FILE`: the same checks as `run`, without running anything. */
export async function validateCommand(file: string, vars: Record<string, string>, cfg: EnvConfig, out: Output, root?: string): Promise<number> {
  const { spec, warnings } = await loadOrThrow(file, cfg.env, vars, root);
  for (const w of warnings) out.err(formatDiagnostic(w));
  const checks = spec.images.reduce((n, i) => n + i.checks.length, 0);
  out.line(`${file}: valid (${spec.images.length} images, ${checks} check entries${warnings.length ? `, ${warnings.length} warnings` : ''})`);
  return 0;
}
