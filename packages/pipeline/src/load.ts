import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { isMap, isPair, isScalar, visit, type Scalar } from 'yaml';
import type { CheckSpec, Diagnostic, ImageSpec, OutputExpectation, PatternSpec, PipelineSpec } from '@fipsyard/core';
import { MAX_FILE_BYTES, SourceDocument, type PathSegment } from './document.js';
import { interpolate, type VariableSources } from './interpolate.js';
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
  /** File-system access for rules. Default: the real file system. */
  files?: FileProbe;
}

export interface LoadResult {
  value?: PipelineSpec;
  errors: Diagnostic[];
  warnings: Diagnostic[];
}

export const nodeFiles: FileProbe = {
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
  const parsed = pipelineSchema.safeParse(raw);
  if (!parsed.success) {
    errors.push(...issuesToDiagnostics(parsed.error.issues, source, raw));
    sortByLocation(errors);
    return { errors, warnings };
  }

  const spec = normalize(file, parsed.data, sha256 ?? createHash('sha256').update(text).digest('hex'), source, errors);

  const ctx: RuleContext = {
    spec,
    source,
    files: options.files ?? nodeFiles,
    join: (...p) => path.join(...p),
    report: ({ at, key, ...d }) => (d.severity === 'error' ? errors : warnings).push({ ...d, location: source.locate(at, key ? { key } : {}), path: at.join('.') }),
    ...(options.knownSuites ? { knownSuites: options.knownSuites } : {}),
  };
  for (const rule of RULES) rule(ctx);
  sortByLocation(errors);
  return errors.length > 0 ? { errors, warnings } : { value: spec, errors, warnings };
}

function fail(location: Diagnostic['location'], message: string, hint: string): LoadResult {
  return { errors: [{ severity: 'error', message, hint, ...(location ? { location } : {}) }], warnings: [] };
}

/** Substitutes variables in every string value (not keys), `variables:` first, in order. */
function interpolateDocument(source: SourceDocument, options: LoadOptions): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const sources: VariableSources = { overrides: options.vars ?? {}, env: options.env ?? {}, defaults: {} };
  const apply = (node: Scalar) => {
    if (typeof node.value !== 'string' || !node.value.includes('$')) return;
    const { value, errors } = interpolate(node.value, sources);
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
        apply(pair.value);
        sources.defaults[String(pair.key.value)] = String(pair.value.value ?? '');
      }
    }
  }
  visit(source.doc, {
    Pair(_key, pair, ancestors) {
      // The variables block is done above; its values are not substituted twice.
      const parent = ancestors[ancestors.length - 1];
      if (ancestors.length === 2 && isScalar(pair.key) && pair.key.value === 'variables' && isMap(parent)) return visit.SKIP;
      return undefined;
    },
    Scalar(key, node, ancestors) {
      const parent = ancestors[ancestors.length - 1];
      if (key === 'key' && isPair(parent)) return;
      apply(node);
    },
  });
  return diagnostics;
}

function normalize(file: string, raw: RawPipeline, sha256: string, source: SourceDocument, errors: Diagnostic[]): PipelineSpec {
  const dir = path.dirname(file);
  const images: ImageSpec[] = Object.entries(raw.images).map(([name, img]) => normalizeImage(dir, name, img, source, errors));
  return { file, name: raw.name ?? path.basename(file).replace(/\.ya?ml$/i, ''), sha256, images };
}

function normalizeImage(dir: string, name: string, img: RawImage, source: SourceDocument, errors: Diagnostic[]): ImageSpec {
  const at = (...p: PathSegment[]) => source.locate(['images', name, ...p]);
  const spec: ImageSpec = {
    name,
    context: path.resolve(dir, img.context),
    dockerfile: path.posix.normalize((img.dockerfile ?? 'Dockerfile').replace(/\\/g, '/')),
    args: stringRecord(img.args),
    secretArgs: img.secretArgs ?? [],
    tags: img.tags ?? [],
    labels: stringRecord(img.labels),
    parentArg: img.parentArg ?? 'BASE_IMAGE',
    checks: (img.checks ?? []).map((c, i) => normalizeCheck(c, (...p) => at('checks', i, ...p), errors)),
    line: at().line,
  };
  if (img.parent !== undefined) spec.parent = img.parent;
  return spec;
}

function normalizeCheck(raw: RawCheck, at: (...p: PathSegment[]) => Diagnostic['location'], errors: Diagnostic[]): CheckSpec {
  if ('suite' in raw) return { kind: 'suite', suite: raw.suite };
  let argv: string[] = [];
  if (raw.command && raw.shell) {
    errors.push({ severity: 'error', message: `check "${raw.id}" has both "command" and "shell"`, hint: 'use "command" (an argv, no shell) or "shell" (a script for /bin/sh -c), not both', location: at('shell') });
  } else if (raw.command) {
    argv = raw.command;
  } else if (raw.shell) {
    argv = ['/bin/sh', '-c', raw.shell];
  } else {
    errors.push({ severity: 'error', message: `check "${raw.id}" has no "command" or "shell"`, hint: 'add "command: [prog, arg, ...]"', location: at() });
  }
  const spec: CheckSpec = {
    kind: 'command',
    id: raw.id,
    title: raw.title ?? raw.id,
    argv,
    shell: raw.shell !== undefined && raw.command === undefined,
    expect: normalizeExpect(raw.expect, (...p) => at('expect', ...p), errors),
  };
  if (raw.timeout !== undefined) spec.timeoutMs = Math.round(raw.timeout * 1000);
  return spec;
}

function normalizeExpect(raw: RawExpect | undefined, at: (...p: PathSegment[]) => Diagnostic['location'], errors: Diagnostic[]): OutputExpectation {
  const list = (key: 'stdout' | 'stdoutNot' | 'stderr' | 'stderrNot'): PatternSpec[] => {
    const v = raw?.[key];
    if (v === undefined) return [];
    const items = Array.isArray(v) ? v : [v];
    return items.map((p, i) => {
      const pattern: PatternSpec = typeof p === 'string' ? { source: p, flags: '' } : { source: p.regex, flags: p.flags ?? '' };
      try {
        new RegExp(pattern.source, pattern.flags);
      } catch (err) {
        errors.push({
          severity: 'error',
          message: `invalid regular expression ${JSON.stringify(pattern.source)}: ${err instanceof Error ? err.message : String(err)}`,
          hint: 'patterns are JavaScript regular expressions; escape special characters such as ( [ . * with a backslash',
          location: Array.isArray(v) ? at(key, i) : at(key),
        });
      }
      return pattern;
    });
  };
  return { exitCode: raw?.exitCode ?? 0, stdout: list('stdout'), stdoutNot: list('stdoutNot'), stderr: list('stderr'), stderrNot: list('stderrNot') };
}

function stringRecord(r: Record<string, string | number | boolean> | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(r ?? {}).map(([k, v]) => [k, String(v)]));
}

function sortByLocation(d: Diagnostic[]): void {
  d.sort((a, b) => (a.location?.line ?? 0) - (b.location?.line ?? 0) || (a.location?.col ?? 0) - (b.location?.col ?? 0));
}
