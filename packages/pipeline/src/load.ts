import { createHash } from 'node:crypto';
import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { isMap, isPair, isScalar, isSeq, type Pair, type Scalar } from 'yaml';
import type { CheckMeta, CheckSpec, CustomCheckSpec, Diagnostic, ImageSpec, MatrixOrigin, OutputExpectation, PatternSpec, PipelineSpec } from '@fipsyard/core';
import { MAX_FILE_BYTES, SourceDocument, type Locator, type PathSegment } from './document.js';
import { fastParse, NotFast } from './fast-parse.js';
import { prescan } from './prescan.js';
import { interpolate, type VariableSources } from './interpolate.js';
import { expandMatrices } from './matrix.js';
import { matrixScopes, misplacedMatrixRefs, type MatrixScope } from './matrix-scope.js';
import { catastrophic, judgePatterns, recheckChecker, type PatternSite, type RegexChecker, type RegexVerdict } from './regex-safety.js';
import { RULES, type FileProbe, type RuleContext } from './rules.js';
import { pipelineSchema, type RawCheck, type RawExpect, type RawImage, type RawPipeline } from './schema.js';
import { issuesToDiagnostics } from './zod-issues.js';

export interface LoadOptions {
  /** Environment variables visible to `${VAR}`; the app passes `process.env`. Default: none. */
  env?: Record<string, string | undefined>;
  /** `--var NAME=VALUE` overrides. Default: none. */
  vars?: Record<string, string>;
  /** Built-in suites the workers provide; unknown names are errors. Default: not checked. */
  knownSuites?: readonly string[];
  /** Check ids each suite can produce, so waivers naming them can be checked. Default: not checked. */
  suiteCheckIds?: Readonly<Record<string, readonly string[]>>;
  /** "Today", for waiver expiry. Default: the clock. */
  now?: Date;
  /**
   * Build contexts and Dockerfiles must stay inside this directory (symlinks resolved). Default:
   * the git repository holding the pipeline file, else the file's own directory.
   */
  root?: string;
  /** File-system access for rules. Default: the real file system. */
  files?: FileProbe;
  /**
   * Judges the patterns whose shape does not prove them safe from catastrophic backtracking.
   * Default: recheck.
   */
  regexChecker?: RegexChecker;
  /**
   * Try the fast parser first for files that turn out valid (fast-parse.ts). Default true; false
   * always takes the located path (tests compare the two).
   */
  fastPath?: boolean;
}

export interface LoadResult {
  value?: PipelineSpec;
  errors: Diagnostic[];
  warnings: Diagnostic[];
}

/** The nearest directory holding `.git`, walking up from `dir`; `dir` itself when there is none. */
export function projectRoot(dir: string): string {
  for (let d = path.resolve(dir); ; d = path.dirname(d)) {
    if (existsSync(path.join(d, '.git'))) return d;
    if (path.dirname(d) === d) return path.resolve(dir);
  }
}

export const nodeFiles: FileProbe = {
  realpath: (p) => {
    try {
      // One realpath(3) call instead of an lstat per path component: rules resolve two paths per image.
      return realpathSync.native(p);
    } catch {
      return undefined;
    }
  },
  isDirectory: (p) => statSync(p, { throwIfNoEntry: false })?.isDirectory() ?? false,
  isFile: (p) => statSync(p, { throwIfNoEntry: false })?.isFile() ?? false,
  readText: (p) => {
    try {
      return readFileSync(p, 'utf8');
    } catch {
      return undefined;
    }
  },
};

/** Reads, validates and normalizes a pipeline file. Never throws for bad input. */
export function loadPipelineFile(file: string, options: LoadOptions = {}): LoadResult {
  const abs = path.resolve(file);
  const stat = statSync(abs, { throwIfNoEntry: false });
  if (!stat || !stat.isFile()) {
    return fail({ file: abs, line: 1, col: 1 }, `cannot read pipeline file ${abs}: ${stat ? 'not a regular file' : 'no such file'}`, 'give the path of a pipeline .yaml file, e.g. pipelines/fips.yaml');
  }
  if (stat.size > MAX_FILE_BYTES) {
    return fail({ file: abs, line: 1, col: 1 }, `pipeline file is ${stat.size} bytes, more than the limit of ${MAX_FILE_BYTES}`, 'a pipeline file describes images, it does not contain them; split or trim it');
  }
  const bytes = readFileSync(abs);
  return loadPipelineText(abs, bytes.toString('utf8'), options, createHash('sha256').update(bytes).digest('hex'));
}

export function loadPipelineText(file: string, text: string, options: LoadOptions = {}, sha256?: string): LoadResult {
  if (Buffer.byteLength(text) > MAX_FILE_BYTES) {
    return fail({ file, line: 1, col: 1 }, `pipeline file is larger than the limit of ${MAX_FILE_BYTES} bytes`, 'split or trim it');
  }
  const refused = prescan(file, text);
  if (refused) return { errors: [refused], warnings: [] };
  const digest = sha256 ?? createHash('sha256').update(text).digest('hex');
  if (options.fastPath === false) return loadLocated(file, text, options, digest);
  // Both ways judge the same patterns: a pattern the checker could not decide in its time limit
  // must not cost that time twice.
  const once = { ...options, regexChecker: askedOnce(options.regexChecker ?? recheckChecker) };
  return loadFast(file, text, once, digest) ?? loadLocated(file, text, once, digest);
}

function askedOnce(checker: RegexChecker): RegexChecker {
  const verdicts = new Map<string, RegexVerdict>();
  return (source, flags, timeoutMs) => {
    const key = `${flags}/${source}`;
    let verdict = verdicts.get(key);
    if (verdict === undefined) verdicts.set(key, (verdict = checker(source, flags, timeoutMs)));
    return verdict;
  };
}

/**
 * A valid file without anything unusual, read by the fast parser (fast-parse.ts); undefined when
 * it must go the located way: it is not that simple, or something (even a warning) is reported.
 */
function loadFast(file: string, text: string, options: LoadOptions, sha256: string): LoadResult | undefined {
  try {
    const { raw, locator } = fastParse(file, text, { overrides: options.vars ?? {}, env: options.env ?? {}, defaults: {} });
    const errors: Diagnostic[] = [];
    const warnings: Diagnostic[] = [];
    const result = validate(file, raw, locator, undefined, options, sha256, errors, warnings);
    return result.errors.length === 0 && result.warnings.length === 0 ? result : undefined;
  } catch (err) {
    if (err instanceof NotFast) return undefined;
    throw err;
  }
}

/** The located way: every node keeps its position, so every problem is reported where it is written. */
function loadLocated(file: string, text: string, options: LoadOptions, sha256: string): LoadResult {
  const { source, errors: parseDiagnostics } = SourceDocument.parse(file, text);
  const errors = parseDiagnostics.filter((d) => d.severity === 'error');
  const warnings = parseDiagnostics.filter((d) => d.severity === 'warning');
  if (errors.length > 0) return { errors, warnings };

  // Keep going after variable errors: one pass shows every problem of the file.
  errors.push(...interpolateDocument(source, options));

  let raw: unknown;
  try {
    raw = source.doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    return fail({ file, line: 1, col: 1 }, `YAML: ${err instanceof Error ? err.message : String(err)}`, 'do not use aliases to build large documents');
  }
  return validate(file, raw, source, source, options, sha256, errors, warnings);
}

/**
 * From the document's plain value to the spec: matrix expansion, schema, normalization, pattern
 * safety, rules. `located` is the positioned document (undefined on the fast path, which gives up
 * on the first schema problem instead of placing it).
 */
function validate(file: string, raw: unknown, source: Locator, located: SourceDocument | undefined, options: LoadOptions, sha256: string, errors: Diagnostic[], warnings: Diagnostic[]): LoadResult {
  // Matrix images become their variants here, so the schema and the rules see plain images; every
  // message about a variant points into its declaration.
  const expansion = expandMatrices(raw, source);
  errors.push(...expansion.errors);
  warnings.push(...expansion.warnings);
  const declared = declaredPath(expansion.origins);
  const parsed = pipelineSchema.safeParse(expansion.raw);
  if (!parsed.success || expansion.errors.length > 0) {
    if (!located) throw new NotFast('schema');
    // A declaration dropped for its matrix is no missing image: "declare at least one image" would mislead.
    const issues = parsed.success ? [] : parsed.error.issues.filter((i) => !(expansion.dropped.length > 0 && i.path.length === 1 && i.path[0] === 'images'));
    errors.push(...issuesToDiagnostics(issues, located, expansion.raw, declared));
    return finish(errors, warnings);
  }

  const sites: PatternSite[] = [];
  const spec = normalize(file, parsed.data, sha256, source, errors, expansion.origins, sites);
  const judged = judgePatterns(sites, options.regexChecker);
  errors.push(...judged.errors);
  warnings.push(...judged.warnings);

  const ctx: RuleContext = {
    spec,
    source,
    files: options.files ?? nodeFiles,
    join: (...p) => path.join(...p),
    report: ({ at, key, ...d }) => (d.severity === 'error' ? errors : warnings).push({ ...d, location: source.locate(declared(at), key ? { key } : {}), path: declared(at).join('.') }),
    ...(options.knownSuites ? { knownSuites: options.knownSuites } : {}),
    ...(options.suiteCheckIds ? { suiteCheckIds: options.suiteCheckIds } : {}),
    now: options.now ?? new Date(),
    root: options.root ?? projectRoot(path.dirname(file)),
  };
  for (const rule of RULES) rule(ctx);
  return errors.length > 0 ? finish(errors, warnings) : { value: spec, ...finish(errors, warnings) };
}

/** Sorted by location, each message once: the variants of a matrix image share their declaration. */
function finish(errors: Diagnostic[], warnings: Diagnostic[]): { errors: Diagnostic[]; warnings: Diagnostic[] } {
  const once = (list: Diagnostic[]) => {
    const seen = new Set<string>();
    const out = list.filter((d) => {
      const id = `${d.location?.line}:${d.location?.col}:${d.message}`;
      return !seen.has(id) && Boolean(seen.add(id));
    });
    sortByLocation(out);
    return out;
  };
  return { errors: once(errors), warnings: once(warnings) };
}

/** Maps a path through a matrix variant (`images.tools-curl...`) to its declaration (`images.tools...`). */
function declaredPath(origins: ReadonlyMap<string, MatrixOrigin>): (at: readonly PathSegment[]) => PathSegment[] {
  return (at) => {
    const origin = at[0] === 'images' && typeof at[1] === 'string' ? origins.get(at[1]) : undefined;
    return origin ? ['images', origin.declaredAs, ...at.slice(2)] : [...at];
  };
}

function fail(location: Diagnostic['location'], message: string, hint: string): LoadResult {
  return { errors: [{ severity: 'error', message, hint, ...(location ? { location } : {}) }], warnings: [] };
}

/** Substitutes variables in every string value (not keys), `variables:` first, in order. */
function interpolateDocument(source: SourceDocument, options: LoadOptions): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const sources: VariableSources = { overrides: options.vars ?? {}, env: options.env ?? {}, defaults: {} };
  const apply = (node: Scalar, scope: MatrixScope = { kind: 'outside' }) => {
    if (typeof node.value !== 'string' || !node.value.includes('$')) return;
    const interpolated = interpolate(node.value, sources, { template: scope.kind === 'variant' });
    const { value } = interpolated;
    const errors = [...interpolated.errors, ...misplacedMatrixRefs(interpolated.matrixRefs, scope)];
    const quoted = node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE' ? 1 : 0;
    const start = node.range?.[0] ?? 0;
    const singleLine = !String(node.source ?? node.value).includes('\n');
    for (const e of errors) {
      diagnostics.push({ severity: 'error', message: e.message, hint: e.hint, location: source.at(start + (singleLine ? quoted + e.offset : 0)) });
    }
    // On error keep the text as written, so later messages quote what the user wrote.
    if (errors.length === 0) node.value = value;
  };
  const root = source.doc.contents;
  if (isMap(root)) {
    const vars = root.items.find((p) => isScalar(p.key) && p.key.value === 'variables');
    if (vars && isMap(vars.value)) {
      for (const pair of vars.value.items) {
        if (!isScalar(pair.key) || !isScalar(pair.value)) continue;
        if (typeof pair.value.value === 'number' && typeof pair.value.source === 'string') pair.value.value = pair.value.source;
        apply(pair.value);
        sources.defaults[String(pair.key.value)] = String(pair.value.value ?? '');
      }
    }
  }
  // A hand-written walk rather than `visit`: the same order and the same ancestors (Document, maps,
  // pairs, sequences), at a fraction of the cost on a large file.
  const scopeOf = matrixScopes();
  const ancestors: unknown[] = [source.doc];
  const walk = (node: unknown): void => {
    if (isScalar(node)) {
      // Build args, labels and variables are strings: keep `3.10` as written, not the number 3.1.
      if (typeof node.value === 'number' && typeof node.source === 'string' && inStringMap(ancestors)) node.value = node.source;
      if (typeof node.value === 'string' && node.value.includes('$')) apply(node, scopeOf(ancestors));
    } else if (isMap(node)) {
      ancestors.push(node);
      for (const pair of node.items) {
        // The variables block is done above; its values are not substituted twice.
        if (ancestors.length === 2 && isScalar(pair.key) && pair.key.value === 'variables') continue;
        walkPair(pair);
      }
      ancestors.pop();
    } else if (isSeq(node)) {
      ancestors.push(node);
      for (const item of node.items) walk(item);
      ancestors.pop();
    } else if (isPair(node)) {
      walkPair(node);
    }
  };
  const walkPair = (pair: Pair<unknown, unknown>): void => {
    ancestors.push(pair);
    if (!isScalar(pair.key)) walk(pair.key); // a scalar key is never substituted
    walk(pair.value);
    ancestors.pop();
  };
  walk(root);
  return diagnostics;
}

function inStringMap(ancestors: readonly unknown[]): boolean {
  return ancestors.some((a) => isPair(a) && isScalar(a.key) && ['args', 'labels', 'variables', 'requires', 'matrix'].includes(String(a.key.value)));
}

/** `sites` receives every pattern with its location, to be judged once per file. */
function normalize(file: string, raw: RawPipeline, sha256: string, source: Locator, errors: Diagnostic[], origins: ReadonlyMap<string, MatrixOrigin>, sites: PatternSite[]): PipelineSpec {
  const dir = path.dirname(file);
  const own = new Map(Object.entries(raw.images).map(([name, img]) => [name, normalizeImage(dir, name, img, source, errors, origins.get(name), sites)]));
  // A derived image runs its ancestors' checks too, after its own; `origin` says where each came from.
  const images = [...own.values()].map((img) => ({ ...img, checks: [...img.checks, ...inheritedChecks(img, own)] }));
  const spec: PipelineSpec = { file, name: raw.name ?? path.basename(file).replace(/\.ya?ml$/i, ''), sha256, images };
  if (raw.plugins?.length) spec.plugins = raw.plugins.map((specifier) => ({ specifier, baseDir: dir }));
  if (raw.registry) spec.registry = raw.registry;
  return spec;
}

function inheritedChecks(image: ImageSpec, byName: Map<string, ImageSpec>): CheckSpec[] {
  const out: CheckSpec[] = [];
  const seen = new Set<string>([image.name]);
  let parent = image.parent === undefined ? undefined : byName.get(image.parent);
  while (parent && !seen.has(parent.name)) {
    seen.add(parent.name);
    out.push(...parent.checks);
    parent = parent.parent === undefined ? undefined : byName.get(parent.parent);
  }
  // The same suite declared at several levels runs once, attributed to the nearest declaration.
  const suites = new Set(image.checks.filter((c) => c.kind === 'suite').map((c) => (c.kind === 'suite' ? c.suite : '')));
  return out.filter((c) => {
    if (c.kind !== 'suite') return true;
    if (suites.has(c.suite)) return false;
    suites.add(c.suite);
    return true;
  });
}

function normalizeImage(dir: string, name: string, img: RawImage, source: Locator, errors: Diagnostic[], matrix: MatrixOrigin | undefined, sites: PatternSite[]): ImageSpec {
  const at = (...p: PathSegment[]) => source.locate(['images', matrix?.declaredAs ?? name, ...p]);
  const spec: ImageSpec = {
    name,
    context: path.resolve(dir, img.context),
    dockerfile: path.posix.normalize((img.dockerfile ?? 'Dockerfile').replace(/\\/g, '/')),
    args: stringRecord(img.args),
    secretArgs: img.secretArgs ?? [],
    tags: img.tags ?? [],
    labels: stringRecord(img.labels),
    parentArg: img.parentArg ?? 'BASE_IMAGE',
    checks: (img.checks ?? []).map((c, i) => normalizeCheck(name, c, (...p) => at('checks', i, ...p), errors, sites)),
    waivers: (img.waivers ?? []).map((w) => ({ check: w.check, reason: w.reason, expires: w.expires })),
    line: at().line,
  };
  if (img.parent !== undefined) spec.parent = img.parent;
  if (matrix) spec.matrix = matrix;
  if (img.requires) spec.requires = stringRecord(img.requires);
  if (img.checkUser !== undefined) spec.checkUser = img.checkUser;
  if (img.timeouts) {
    spec.timeouts = {};
    if (img.timeouts.build !== undefined) spec.timeouts.buildMs = Math.round(img.timeouts.build * 1000);
    if (img.timeouts.test !== undefined) spec.timeouts.testMs = Math.round(img.timeouts.test * 1000);
  }
  return spec;
}

function normalizeCheck(origin: string, raw: RawCheck, at: (...p: PathSegment[]) => Diagnostic['location'], errors: Diagnostic[], sites: PatternSite[]): CheckSpec {
  const meta: CheckMeta = { origin };
  if (raw.severity) meta.severity = raw.severity;
  if (raw.controls) meta.controls = raw.controls;
  if (raw.rationale) meta.rationale = raw.rationale;
  if (raw.requires) meta.requires = stringRecord(raw.requires);
  if ('suite' in raw) return { kind: 'suite', suite: raw.suite, options: raw.options ?? {}, ...meta };
  const kinds = (['command', 'shell', 'file', 'env', 'metadata'] as const).filter((k) => raw[k] !== undefined);
  if (kinds.length !== 1) {
    errors.push({
      severity: 'error',
      message: kinds.length === 0 ? `check "${raw.id}" says nothing to check` : `check "${raw.id}" has ${kinds.map((k) => `"${k}"`).join(' and ')}; a check does one thing`,
      hint: 'give exactly one of command (an argv, no shell), shell (a /bin/sh -c script), file, env, metadata',
      location: kinds.length === 0 ? at() : at(kinds[1]!),
    });
  }
  if (raw.expect && raw.command === undefined && raw.shell === undefined) {
    errors.push({ severity: 'error', message: `"expect" of check "${raw.id}" needs a command or shell`, hint: 'file, env and metadata checks say what they expect in their own block', location: at('expect') });
  }
  const base = { id: raw.id, title: raw.title ?? raw.id, ...meta, ...(raw.timeout === undefined ? {} : { timeoutMs: Math.round(raw.timeout * 1000) }) };
  const pats = (v: RawPatterns | undefined, p: PathSegment[]) => toPatterns(v, p, at, errors, sites);
  let spec: CustomCheckSpec;
  if (raw.file) {
    const f = raw.file;
    spec = { kind: 'file', ...base, path: f.path, exists: f.exists ?? true, contains: pats(f.contains, ['file', 'contains']), notContains: pats(f.notContains, ['file', 'notContains']) };
    if (f.type) spec.type = f.type;
    if (f.mode) spec.mode = parseInt(f.mode, 8);
  } else if (raw.env) {
    const e = raw.env;
    spec = { kind: 'env', ...base, name: e.name, absent: e.absent ?? false };
    if (e.equals !== undefined) spec.equals = e.equals;
    if (e.matches !== undefined) spec.matches = pats(e.matches, ['env', 'matches'])[0]!;
  } else if (raw.metadata) {
    const m = raw.metadata;
    spec = { kind: 'metadata', ...base, labels: Object.fromEntries(Object.entries(m.labels ?? {}).map(([k, v]) => [k, pats(v, ['metadata', 'labels', k])[0]!])) };
    if (m.user !== undefined) spec.user = pats(m.user, ['metadata', 'user'])[0]!;
    if (m.entrypoint) spec.entrypoint = m.entrypoint;
    if (m.cmd) spec.cmd = m.cmd;
    if (m.workdir !== undefined) spec.workdir = m.workdir;
    if (m.exposedPorts) spec.exposedPorts = m.exposedPorts;
  } else {
    spec = {
      kind: 'command',
      ...base,
      argv: raw.command ?? (raw.shell !== undefined ? ['/bin/sh', '-c', raw.shell] : []),
      shell: raw.command === undefined && raw.shell !== undefined,
      expect: normalizeExpect(raw.expect, (...p) => at('expect', ...p), errors, sites),
    };
  }
  return spec;
}

type RawPatterns = string | { regex: string; flags?: string | undefined } | (string | { regex: string; flags?: string | undefined })[];

/**
 * Patterns as written, compiled once to report bad regular expressions where they stand; the valid
 * ones go to `sites`, judged for catastrophic backtracking once the whole file is read.
 */
function toPatterns(v: RawPatterns | undefined, p: PathSegment[], at: (...p: PathSegment[]) => Diagnostic['location'], errors: Diagnostic[], sites: PatternSite[]): PatternSpec[] {
  if (v === undefined) return [];
  const items = Array.isArray(v) ? v : [v];
  return items.map((item, i) => {
    const pattern: PatternSpec = typeof item === 'string' ? { source: item, flags: '' } : { source: item.regex, flags: item.flags ?? '' };
    try {
      new RegExp(pattern.source, pattern.flags);
      const location = Array.isArray(v) ? at(...p, i) : at(...p);
      if (pattern.source.length > 1000) errors.push(catastrophic(pattern.source, location));
      else sites.push({ ...pattern, location });
    } catch (err) {
      errors.push({
        severity: 'error',
        message: `invalid regular expression ${JSON.stringify(pattern.source)}: ${err instanceof Error ? err.message : String(err)}`,
        hint: 'patterns are JavaScript regular expressions; escape special characters such as ( [ . * with a backslash',
        location: Array.isArray(v) ? at(...p, i) : at(...p),
      });
    }
    return pattern;
  });
}

function normalizeExpect(raw: RawExpect | undefined, at: (...p: PathSegment[]) => Diagnostic['location'], errors: Diagnostic[], sites: PatternSite[]): OutputExpectation {
  const list = (key: 'stdout' | 'stdoutNot' | 'stderr' | 'stderrNot') => toPatterns(raw?.[key], [key], at, errors, sites);
  return { exitCode: raw?.exitCode ?? 0, stdout: list('stdout'), stdoutNot: list('stdoutNot'), stderr: list('stderr'), stderrNot: list('stderrNot') };
}

function stringRecord(r: Record<string, string | number | boolean> | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(r ?? {}).map(([k, v]) => [k, String(v)]));
}

function sortByLocation(d: Diagnostic[]): void {
  d.sort((a, b) => (a.location?.line ?? 0) - (b.location?.line ?? 0) || (a.location?.col ?? 0) - (b.location?.col ?? 0));
}
