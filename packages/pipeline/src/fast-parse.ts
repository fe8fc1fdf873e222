import { EVENT_ID, getScalarValue, parseEvents, SCALAR_STYLE, type Event } from 'js-yaml';
import type { SourceLocation } from '@fipsyard/core';
import { interpolate, type VariableSources } from './interpolate.js';
import type { Locator, PathSegment } from './document.js';

/**
 * The fast way in for files that are valid. `yaml` builds a document with a source position on
 * every node, which is what lets each error say `file:line:col`, and it costs about 0.2 ms per
 * image (200 ms for a 1,000-image file). js-yaml's event parser reads the same file in about a
 * twentieth of that. So a file is first read here, into the same plain value the located path
 * gets from `doc.toJS()` after interpolation, and it is validated from that; as soon as anything
 * is unusual (an anchor, an alias, a tag, a scalar the two parsers could resolve differently, a
 * variable that does not resolve cleanly, a matrix) or anything at all is reported, the caller
 * throws the result away and loads the file the located way, which says where each problem is.
 * So a file either loads to the same spec both ways, or only the located way.
 */
export class NotFast extends Error {
  constructor(why: string) {
    super(`not on the fast path: ${why}`);
  }
}

export interface FastParse {
  raw: unknown;
  /** Locates image values (what a valid spec records); anything else has no real location here. */
  locator: Locator;
}

/** Keys whose maps hold strings: a number there keeps its text (`3.10`), as the located path does. */
const STRING_MAPS = new Set(['args', 'labels', 'variables', 'requires', 'matrix']);

// YAML 1.2 core schema resolution of plain scalars (the `yaml` library's patterns, schema: core).
const CORE_NULL = /^(?:~|[Nn]ull|NULL)?$/;
const CORE_BOOL = /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/;
const CORE_NUMBER = /^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+|[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/;
const DECIMAL_INT = /^-?(?:0|[1-9][0-9]*)$/;

/** A plain scalar as the core schema reads it, or NotFast for any spelling but the canonical ones. */
function resolvePlain(s: string): string | number | boolean | null {
  if (CORE_NULL.test(s)) {
    if (s === '' || s === 'null' || s === '~') return null;
    throw new NotFast(`null spelled ${s}`);
  }
  if (CORE_BOOL.test(s)) {
    if (s === 'true' || s === 'false') return s === 'true';
    throw new NotFast(`boolean spelled ${s}`);
  }
  if (CORE_NUMBER.test(s)) {
    const n = Number(s);
    if (DECIMAL_INT.test(s) ? Number.isSafeInteger(n) : String(n) === s) return n;
    throw new NotFast(`number spelled ${s}`);
  }
  return s;
}

export function fastParse(file: string, text: string, vars: VariableSources): FastParse {
  let events: Event[];
  try {
    events = parseEvents(text, {});
  } catch (err) {
    throw new NotFast(`js-yaml: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`);
  }
  let i = 0;
  const documents = events.filter((e) => e.type === EVENT_ID.DOCUMENT);
  if (documents.length !== 1 || documents[0]!.type !== EVENT_ID.DOCUMENT || documents[0]!.directives.length > 0) throw new NotFast('not exactly one plain document');
  while (i < events.length && events[i]!.type === EVENT_ID.DOCUMENT) i++;

  /** Offsets of each image's value, for ImageSpec.line. */
  const imageStarts = new Map<string, number>();
  /** Keys from the root down to the current node. */
  const keys: string[] = [];
  let hasMatrix = false;

  const node = (asKey = false): unknown => {
    const e = events[i++];
    if (!e) throw new NotFast('unexpected end of events');
    switch (e.type) {
      case EVENT_ID.SCALAR: {
        if (e.anchorStart >= 0 || e.tagStart >= 0) throw new NotFast('anchor or tag');
        const value = e.valueStart < 0 ? '' : getScalarValue(text, e);
        if (e.style !== SCALAR_STYLE.PLAIN) return value;
        const resolved = resolvePlain(value);
        return typeof resolved === 'number' && !asKey && keys.some((k) => STRING_MAPS.has(k)) ? value : resolved;
      }
      case EVENT_ID.MAPPING: {
        if (e.anchorStart >= 0 || e.tagStart >= 0) throw new NotFast('anchor or tag');
        const out: Record<string, unknown> = {};
        const seen = new Set<string>();
        while (events[i]?.type !== EVENT_ID.POP) {
          const k = node(true);
          if (typeof k !== 'string' && typeof k !== 'number') throw new NotFast('a key that is not a string or number');
          const key = String(k);
          if (seen.has(key) || key === '__proto__') throw new NotFast(`key ${key} repeated or reserved`);
          seen.add(key);
          if (key === 'matrix') hasMatrix = true;
          if (keys.length === 1 && keys[0] === 'images') {
            const v = events[i];
            imageStarts.set(key, v?.type === EVENT_ID.SCALAR ? v.valueStart : v && 'start' in v ? v.start : -1);
          }
          keys.push(key);
          out[key] = node();
          keys.pop();
        }
        i++;
        return out;
      }
      case EVENT_ID.SEQUENCE: {
        if (e.anchorStart >= 0 || e.tagStart >= 0) throw new NotFast('anchor or tag');
        const out: unknown[] = [];
        while (events[i]?.type !== EVENT_ID.POP) out.push(node());
        i++;
        return out;
      }
      default:
        throw new NotFast(e.type === EVENT_ID.ALIAS ? 'alias' : `event ${e.type}`);
    }
  };
  const raw = node();
  if (hasMatrix) throw new NotFast('matrix');
  interpolateAll(raw, vars);
  return { raw, locator: new ImageLocator(file, text, imageStarts) };
}

/** What the located path's interpolation does, on plain values: `variables:` first, then every other string value. */
function interpolateAll(raw: unknown, vars: VariableSources): void {
  const sources: VariableSources = { overrides: vars.overrides, env: vars.env, defaults: {} };
  const apply = (s: string): string => {
    if (!s.includes('$')) return s;
    const r = interpolate(s, sources);
    if (r.errors.length > 0 || r.matrixRefs.length > 0) throw new NotFast('a variable that does not resolve');
    return r.value;
  };
  if (!isRecord(raw)) return;
  const variables = raw['variables'];
  if (isRecord(variables)) {
    for (const [k, v] of Object.entries(variables)) {
      if (typeof v === 'object' && v !== null) continue; // not a scalar: the schema refuses it
      if (typeof v === 'string') variables[k] = apply(v);
      sources.defaults[k] = v === null ? '' : String(variables[k]);
    }
  }
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return apply(v);
    if (Array.isArray(v)) {
      for (let j = 0; j < v.length; j++) v[j] = walk(v[j]);
    } else if (isRecord(v)) {
      for (const k of Object.keys(v)) if (!(v === raw && k === 'variables')) v[k] = walk(v[k]);
    }
    return v;
  };
  walk(raw);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Lines of image values, from their offsets. Any other location is asked for only to report
 * something, and a report sends the file down the located path: those get line 0.
 */
class ImageLocator implements Locator {
  private lineStarts: number[] | undefined;

  constructor(
    private readonly file: string,
    private readonly text: string,
    private readonly imageStarts: ReadonlyMap<string, number>,
  ) {}

  locate(path: readonly PathSegment[], opts: { key?: boolean } = {}): SourceLocation {
    const start = path.length === 2 && path[0] === 'images' && !opts.key ? this.imageStarts.get(String(path[1])) : undefined;
    if (start === undefined || start < 0) return { file: this.file, line: 0, col: 0 };
    const starts = (this.lineStarts ??= lineStartsOf(this.text));
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= start) lo = mid;
      else hi = mid - 1;
    }
    return { file: this.file, line: lo + 1, col: start - starts[lo]! + 1 };
  }
}

function lineStartsOf(text: string): number[] {
  const out = [0];
  for (let j = text.indexOf('\n'); j >= 0; j = text.indexOf('\n', j + 1)) out.push(j + 1);
  return out;
}
