import type { PathSegment } from './document.js';
import { MATRIX_LISTS } from './matrix-scope.js';
import { closest } from './suggest.js';

/** Variants one declaration may expand to (GitHub Actions has the same limit per job). */
export const MAX_MATRIX_VARIANTS = 256;
/** Entries of an include or exclude list. */
const MAX_LIST_ENTRIES = 256;
const AXIS_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Axis name -> value, in the order the axes are declared. */
export type Values = Record<string, string>;
export type Obj = Record<string, unknown>;

/** How the matrix code reports, at paths of the pipeline file. */
export interface Reporter {
  error(at: PathSegment[], message: string, hint: string, key?: boolean): void;
  warning(at: PathSegment[], message: string, hint: string): void;
  errorCount(): number;
}

export function describe(values: Values): string {
  return Object.entries(values)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
}

/** Validates a `matrix:` block and lists its combinations, axes in declared order. */
export function readMatrix(key: string, block: unknown, report: Reporter): Values[] | undefined {
  const at = (...p: PathSegment[]): PathSegment[] => ['images', key, 'matrix', ...p];
  if (!isObj(block)) {
    report.error(at(), `"matrix:" of "${key}" must be a mapping of axis names to lists of values`, 'e.g. matrix: { PYTHON: ["3.11", "3.12"] }');
    return undefined;
  }
  const before = report.errorCount();
  const axes = new Map<string, string[]>();
  for (const [axis, list] of Object.entries(block)) {
    if ((MATRIX_LISTS as readonly string[]).includes(axis)) continue;
    const values = readAxis(key, axis, list, at, report);
    if (values) axes.set(axis, values);
  }
  const include = readEntries(key, 'include', block['include'], at, report);
  const exclude = readEntries(key, 'exclude', block['exclude'], at, report);
  if (report.errorCount() > before) return undefined;
  // Without axes, the include entries are the whole matrix; their keys are the axes.
  const axisNames = axes.size > 0 ? [...axes.keys()] : Object.keys(include[0]?.values ?? {});
  if (axisNames.length === 0) {
    report.error(at(), `matrix of "${key}" declares no axis`, 'give at least one axis with its values, e.g. matrix: { PYTHON: ["3.11", "3.12"] }', true);
    return undefined;
  }
  if (!entriesFit(key, axisNames, include, exclude, report)) return undefined;
  const sizes = [...axes.values()].map((v) => v.length);
  const product = sizes.reduce((a, b) => a * b, axes.size > 0 ? 1 : 0);
  if (product > MAX_MATRIX_VARIANTS * 16) {
    report.error(at(), `matrix of "${key}" has ${product} combinations (${sizes.join(' x ')}), more than the limit of ${MAX_MATRIX_VARIANTS}`, 'split the image into several declarations, or use fewer axes or values', true);
    return undefined;
  }
  const combinations = cartesian([...axes.entries()]);
  const kept = applyExclude(key, combinations, exclude, report);
  for (const entry of include) {
    const values = Object.fromEntries(axisNames.map((a) => [a, entry.values[a]!]));
    if (kept.some((c) => sameValues(c, values))) report.warning(entry.at, `include entry ${describe(values)} of "${key}" is already a combination of the matrix`, 'remove it; include adds combinations the axes do not produce');
    else kept.push(values);
  }
  if (kept.length === 0) {
    report.error(at(), `matrix of "${key}" leaves no combination: exclude drops them all`, 'remove or narrow an exclude entry', true);
    return undefined;
  }
  if (kept.length > MAX_MATRIX_VARIANTS) {
    report.error(at(), `matrix of "${key}" expands to ${kept.length} images, more than the limit of ${MAX_MATRIX_VARIANTS}`, 'split the image into several declarations, or drop combinations with exclude:', true);
    return undefined;
  }
  return kept;
}

/** One axis: a non-empty list of distinct plain values, as strings. */
function readAxis(key: string, axis: string, list: unknown, at: (...p: PathSegment[]) => PathSegment[], report: Reporter): string[] | undefined {
  if (!AXIS_NAME.test(axis)) {
    report.error(at(axis), `invalid matrix axis name "${axis}" in "${key}"`, 'axis names are letters, digits and "_", not starting with a digit: they are used as ${matrix.NAME}', true);
    return undefined;
  }
  if (!Array.isArray(list)) {
    report.error(at(axis), `matrix axis "${axis}" of "${key}" must be a list of values, not ${kindOf(list)}`, `write ${axis}: [a, b] or one "- value" per line`);
    return undefined;
  }
  if (list.length === 0) {
    report.error(at(axis), `matrix axis "${axis}" of "${key}" has no values`, `give it at least one value, e.g. ${axis}: [a, b], or remove the axis`);
    return undefined;
  }
  const values: string[] = [];
  let ok = true;
  list.forEach((v, i) => {
    if (!isPlain(v)) {
      report.error(at(axis, i), `value ${i + 1} of matrix axis "${axis}" of "${key}" is ${kindOf(v)}; matrix values are strings, numbers or booleans`, 'one axis holds plain values: to vary several settings together, use one axis per setting, or list whole combinations under include:');
      ok = false;
      return;
    }
    const s = String(v);
    if (values.includes(s)) {
      report.error(at(axis, i), `value "${s}" appears twice in matrix axis "${axis}" of "${key}"`, 'list each value once: two identical variants would build the same image');
      ok = false;
      return;
    }
    values.push(s);
  });
  return ok ? values : undefined;
}

interface Entry {
  values: Values;
  at: PathSegment[];
}

/** Entries of `include:` or `exclude:`: mappings of axis names to plain values. */
function readEntries(key: string, list: 'include' | 'exclude', raw: unknown, at: (...p: PathSegment[]) => PathSegment[], report: Reporter): Entry[] {
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) {
    report.error(at(list), `"${list}" of the matrix of "${key}" must be a list of mappings, not ${kindOf(raw)}`, `e.g. ${list}: [{ PYTHON: "3.11", FLAVOR: slim }]`);
    return [];
  }
  if (raw.length > MAX_LIST_ENTRIES) {
    report.error(at(list), `"${list}" of the matrix of "${key}" has ${raw.length} entries, more than the limit of ${MAX_LIST_ENTRIES}`, 'write the combinations as axes instead');
    return [];
  }
  const entries: Entry[] = [];
  raw.forEach((entry, i) => {
    if (!isObj(entry) || Object.keys(entry).length === 0 || !Object.values(entry).every(isPlain)) {
      report.error(at(list, i), `entry ${i + 1} of "${list}" in the matrix of "${key}" must map axis names to plain values`, `e.g. - { PYTHON: "3.11", FLAVOR: slim }`);
      return;
    }
    entries.push({ values: Object.fromEntries(Object.entries(entry).map(([k, v]) => [k, String(v)])), at: at(list, i) });
  });
  return entries;
}

/** Include entries give a value for every axis; exclude entries name only axes. */
function entriesFit(key: string, axes: readonly string[], include: readonly Entry[], exclude: readonly Entry[], report: Reporter): boolean {
  let ok = true;
  for (const [list, entries] of [['include', include], ['exclude', exclude]] as const) {
    for (const entry of entries) {
      for (const name of Object.keys(entry.values)) {
        if (axes.includes(name)) continue;
        const guess = closest(name, axes);
        report.error([...entry.at, name], `"${list}" entry of "${key}" names "${name}", which is not an axis of its matrix`, `${guess ? `did you mean "${guess}"? ` : ''}axes: ${axes.join(', ')}`, true);
        ok = false;
      }
      const missing = list === 'include' ? axes.filter((a) => !Object.hasOwn(entry.values, a)) : [];
      if (missing.length > 0) {
        report.error(entry.at, `"include" entry of "${key}" gives no value for ${missing.map((a) => `"${a}"`).join(', ')}`, `an include entry is one whole combination: give a value for every axis (${axes.join(', ')})`);
        ok = false;
      }
    }
  }
  return ok;
}

/** Every combination, the first axis varying slowest (as GitHub Actions orders jobs). */
function cartesian(axes: readonly [string, readonly string[]][]): Values[] {
  let out: Values[] = axes.length > 0 ? [{}] : [];
  for (const [axis, values] of axes) out = out.flatMap((c) => values.map((v) => ({ ...c, [axis]: v })));
  return out;
}

function applyExclude(key: string, combinations: Values[], exclude: readonly Entry[], report: Reporter): Values[] {
  let kept = combinations;
  for (const entry of exclude) {
    const matches = (c: Values) => Object.entries(entry.values).every(([a, v]) => c[a] === v);
    if (!combinations.some(matches)) report.warning(entry.at, `exclude entry ${describe(entry.values)} of "${key}" matches no combination`, 'check the values against the axes; exclude values are compared as text');
    kept = kept.filter((c) => !matches(c));
  }
  return kept;
}

function sameValues(a: Values, b: Values): boolean {
  return Object.keys(b).every((k) => a[k] === b[k]);
}

export function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isPlain(v: unknown): v is string | number | boolean {
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
}

function kindOf(v: unknown): string {
  if (v === null || v === undefined) return 'empty';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  return `${typeof v} ${JSON.stringify(v)}`;
}
