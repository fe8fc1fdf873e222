import type { Diagnostic } from '@fipsyard/core';
import type { core } from 'zod';
import { pathToString, type PathSegment, type SourceDocument } from './document.js';
import { KNOWN_KEYS } from './schema.js';
import { closest } from './suggest.js';

type Issue = core.$ZodIssue;

/** Where paths are shown and located: a matrix variant's paths lead to its declaration. */
interface Locator {
  locate(path: readonly PathSegment[], opts?: { key?: boolean }): Diagnostic['location'];
  shown(path: readonly PathSegment[]): PathSegment[];
}

/**
 * Turns schema issues into diagnostics with file:line:col, a plain message and a hint. `declared`
 * maps a path of the validated data to the path written in the file (default: the same).
 */
export function issuesToDiagnostics(issues: readonly Issue[], source: SourceDocument, raw: unknown, declared: (path: readonly PathSegment[]) => PathSegment[] = (p) => [...p]): Diagnostic[] {
  const locator: Locator = { locate: (p, opts) => source.locate(declared(p), opts), shown: declared };
  const out: Diagnostic[] = [];
  for (const issue of issues) out.push(...toDiagnostics(issue, [], locator, raw));
  return out;
}

function toDiagnostics(issue: Issue, prefix: PathSegment[], source: Locator, raw: unknown): Diagnostic[] {
  const path = [...prefix, ...(issue.path as PathSegment[])];
  const where = pathToString(source.shown(path));
  switch (issue.code) {
    case 'unrecognized_keys':
      return issue.keys.map((key) => {
        const allowed = allowedKeys(path);
        const guess = closest(key, allowed);
        return {
          severity: 'error' as const,
          message: `unknown key "${key}" in ${where}`,
          hint: guess ? `did you mean "${guess}"? allowed here: ${allowed.join(', ')}` : `allowed here: ${allowed.join(', ')}`,
          location: source.locate([...path, key], { key: true }),
          path: pathToString(source.shown([...path, key])),
        };
      });
    case 'invalid_union': {
      // A check is a suite entry when it says `suite:`, a custom check otherwise: report that
      // branch's problems (the other branch would only say every key is unknown).
      const value = valueAt(raw, path);
      const isSuite = typeof value === 'object' && value !== null && 'suite' in value;
      const branches = issue.errors.filter((b) => b.length > 0);
      const best = path.includes('checks') && branches.length === 2 ? branches[isSuite ? 0 : 1] : branches.sort((a, b) => a.length - b.length)[0];
      if (best && !isCheckWithoutKind(path, raw)) return best.flatMap((i) => toDiagnostics(i, path, source, raw));
      return [
        {
          severity: 'error',
          message: `${where}: a check needs either "suite" or an "id" with one of command, shell, file, env, metadata`,
          hint: 'e.g. "- suite: fips" or "- id: hello\\n  command: [echo, hi]"',
          location: source.locate(path),
          path: where,
        },
      ];
    }
    case 'invalid_type': {
      const received = describeValue(valueAt(raw, path));
      const missing = received === 'nothing';
      return [
        {
          severity: 'error',
          message: missing ? `${where} is required` : `${where} must be ${issue.expected === 'int' ? 'a whole number' : article(issue.expected)}, not ${received}`,
          hint: missing ? `add "${String(path[path.length - 1])}:" here` : typeHint(issue.expected),
          location: missing ? source.locate(path.slice(0, -1)) : source.locate(path),
          path: where,
        },
      ];
    }
    case 'invalid_format':
      return [
        {
          severity: 'error',
          message: `${where} has an invalid value ${JSON.stringify(valueAt(raw, path))}`,
          hint: formatHint(path),
          location: source.locate(path),
          path: where,
        },
      ];
    case 'invalid_key':
      return issue.issues.map((inner) => ({
        severity: 'error' as const,
        message: `invalid name ${JSON.stringify(String(path[path.length - 1] ?? ''))} in ${pathToString(path.slice(0, -1))}: ${inner.message}`,
        hint: formatHint(path),
        location: source.locate(path, { key: true }),
        path: where,
      }));
    default:
      return [
        {
          severity: 'error',
          message: `${where}: ${issue.message}`,
          hint: hintFor(issue, path),
          location: source.locate(path),
          path: where,
        },
      ];
  }
}

function isCheckWithoutKind(path: PathSegment[], raw: unknown): boolean {
  const v = valueAt(raw, path);
  return path.includes('checks') && typeof v === 'object' && v !== null && !('suite' in v) && !('id' in v);
}

function allowedKeys(path: PathSegment[]): readonly string[] {
  const last = path[path.length - 1];
  if (path.length === 0) return KNOWN_KEYS.pipeline;
  if (path[0] === 'images' && path.length === 2) return KNOWN_KEYS.image;
  if (last === 'expect') return KNOWN_KEYS.expect;
  if (last === 'file' || last === 'env' || last === 'metadata') return KNOWN_KEYS[last];
  if (path.includes('waivers') && typeof last === 'number') return KNOWN_KEYS.waiver;
  if (path.includes('checks') && typeof last === 'number') return KNOWN_KEYS.check;
  if (path.includes('expect')) return KNOWN_KEYS.pattern;
  return [];
}

function hintFor(issue: Issue, path: PathSegment[]): string | undefined {
  if (issue.code === 'invalid_value' && path[0] === 'version') return 'write "version: 1"';
  if (issue.code === 'too_small') return 'this list or text may not be empty';
  if (issue.code === 'too_big') return 'use a smaller value';
  return undefined;
}

function formatHint(path: PathSegment[]): string {
  const last = String(path[path.length - 1] ?? '');
  if (path[0] === 'images' && path.length <= 2) return 'image names are lowercase letters, digits, ".", "_" and "-", starting with a letter or digit, at most 63 characters';
  if (last === 'parent') return 'name another image of this file';
  if (last === 'id') return 'check ids are letters, digits, ".", "_" and "-"';
  if (last === 'flags') return 'regular expression flags are any of i, m, s, u';
  return 'names are letters, digits and "_", not starting with a digit';
}

function typeHint(expected: string): string {
  switch (expected) {
    case 'array':
      return 'write a list, e.g. [a, b] or one "- item" per line';
    case 'object':
      return 'write a mapping of "key: value" lines, indented under this key';
    case 'string':
      return 'quote the value if it looks like a number, boolean or null';
    case 'int':
      return 'write a whole number';
    default:
      return `write ${article(expected)}`;
  }
}

function article(t: string): string {
  return /^[aeiou]/.test(t) ? `an ${t}` : `a ${t}`;
}

function valueAt(raw: unknown, path: PathSegment[]): unknown {
  let v = raw;
  for (const seg of path) {
    if (typeof v !== 'object' || v === null) return undefined;
    v = (v as Record<string, unknown>)[String(seg)];
  }
  return v;
}

function describeValue(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null (empty)';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  return `${typeof v} ${JSON.stringify(v)}`;
}
