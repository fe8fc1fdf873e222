import type { ImageSpec } from './spec.js';
import type { StageKind } from './plan.js';

/**
 * Worker labels a stage needs, label -> exact value (`{ "fips-host": "true" }`). Workers advertise
 * labels; a stage goes only to a worker whose labels include every pair.
 */
export type Requirements = Record<string, string>;

/** Label names: letters, digits, `.`, `_`, `-`, `/`; they end up in queue names and messages. */
export const LABEL_NAME = /^[A-Za-z0-9][A-Za-z0-9._/-]{0,62}$/;
/** Label values: no `,` `=` or spaces, so `a=b,c=d` lists stay unambiguous. */
export const LABEL_VALUE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;

/** What a stage of `image` requires: builds the image's own `requires`; tests also every check's. */
export function stageRequirements(image: Pick<ImageSpec, 'requires' | 'checks'>, kind: StageKind): Requirements {
  const out: Requirements = { ...(image.requires ?? {}) };
  if (kind === 'test') for (const c of image.checks) Object.assign(out, c.requires ?? {});
  return sortRequirements(out);
}

export function sortRequirements(r: Requirements): Requirements {
  return Object.fromEntries(Object.entries(r).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** A stable text of a requirement set: `fips-host=true,zone=a`; `''` for none. */
export function requirementsKey(r: Requirements): string {
  return Object.entries(sortRequirements(r))
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}

/** Whether a worker with `labels` may take a stage requiring `r`. */
export function satisfies(labels: Readonly<Record<string, string>>, r: Requirements): boolean {
  return Object.entries(r).every(([k, v]) => labels[k] === v);
}

/** `{arch=amd64, fips-host=false}`, for messages. */
export function formatLabels(labels: Readonly<Record<string, string>>): string {
  return `{${requirementsKey(labels).replace(/,/g, ', ')}}`;
}

/** Why no worker can take a stage requiring `r`, naming the workers seen and their labels. */
export function unschedulableReason(r: Requirements, workers: readonly { name: string; labels: Readonly<Record<string, string>> }[]): string {
  const seen = workers.length ? workers.map((w) => `${w.name} ${formatLabels(w.labels)}`).join(', ') : 'none';
  return `no worker offers ${requirementsKey(r).replace(/,/g, ', ')} (workers seen: ${seen})`;
}

/** Problems with a `name=value` label (undefined when fine), shared by the CLI and the pipeline rules. */
export function labelProblem(name: string, value: string): string | undefined {
  if (!LABEL_NAME.test(name)) return `label name "${name}" must start with a letter or digit and use only letters, digits, ".", "_", "-", "/" (at most 63 characters)`;
  if (!LABEL_VALUE.test(value)) return `label value "${value}" of "${name}" must start with a letter or digit and use only letters, digits, ".", "_", "-" (at most 63 characters)`;
  return undefined;
}
