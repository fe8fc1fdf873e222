import type { Logger } from '@fipsyard/core';
import { autoLabels } from '@fipsyard/engine';

/**
 * The labels a worker of this process advertises: the automatic ones (arch, os, fips-host), then
 * FIPSYARD_WORKER_LABELS, then `--label`, later ones winning. Overriding an automatic label is
 * allowed (e.g. a fips-host whose kernel flag this process cannot read) but logged.
 */
export function workerLabels(engine: { architecture: string } | undefined, fromEnv: Record<string, string>, fromFlags: Record<string, string>, log: Logger): Record<string, string> {
  const auto = autoLabels(engine);
  const given = { ...fromEnv, ...fromFlags };
  for (const [k, v] of Object.entries(given)) {
    if (auto[k] !== undefined && auto[k] !== v) log.warn(`label ${k}=${v} overrides the detected ${k}=${auto[k]}`);
  }
  return { ...auto, ...given };
}
