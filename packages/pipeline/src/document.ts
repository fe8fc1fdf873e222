import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node, type Pair, type YAMLMap } from 'yaml';
import type { Diagnostic, SourceLocation } from '@fipsyard/core';

/** Refuse files larger than this before parsing: a pipeline file is never that big. */
export const MAX_FILE_BYTES = 1024 * 1024;

export type PathSegment = string | number;

/** Says where a path of the document is written. */
export interface Locator {
  locate(path: readonly PathSegment[], opts?: { key?: boolean }): SourceLocation;
}

/** A parsed YAML document that can say where any path in it is. */
export class SourceDocument implements Locator {
  constructor(
    readonly file: string,
    readonly doc: Document.Parsed,
    private readonly lines: LineCounter,
  ) {}

  private readonly pairIndex = new WeakMap<YAMLMap, Map<string, Pair>>();

  static parse(file: string, text: string): { source: SourceDocument; errors: Diagnostic[] } {
    const lines = new LineCounter();
    const doc = parseDocument(text, {
      lineCounter: lines,
      prettyErrors: false,
      // Repeated keys are found below, in one pass: the parser's own check compares each key with
      // every earlier one, quadratic in a map of a thousand images.
      uniqueKeys: false,
      strict: true,
      // YAML 1.2 core schema: "no" stays a string, no surprises from 1.1 booleans.
      version: '1.2',
      schema: 'core',
    });
    const source = new SourceDocument(file, doc, lines);
    const errors: Diagnostic[] = [];
    for (const key of repeatedKeys(doc.contents)) {
      errors.push({ severity: 'error', message: 'YAML syntax: Map keys must be unique', hint: yamlHint('DUPLICATE_KEY'), location: source.at(key.range?.[0] ?? 0) });
    }
    for (const e of doc.errors) {
      const opened = e.code === 'MISSING_CHAR' ? unclosedQuote(text, e.pos[0], e.message) : undefined;
      errors.push({
        severity: 'error',
        message: opened === undefined ? `YAML syntax: ${firstLine(e.message)}` : 'YAML syntax: this quoted string is never closed',
        hint: opened === undefined ? yamlHint(e.code) : 'add the closing quote at the end of the value',
        location: source.at(opened ?? e.pos[0]),
      });
    }
    for (const w of doc.warnings) {
      errors.push({ severity: 'warning', message: `YAML: ${firstLine(w.message)}`, location: source.at(w.pos[0]) });
    }
    errors.sort((a, b) => (a.location?.line ?? 0) - (b.location?.line ?? 0) || (a.location?.col ?? 0) - (b.location?.col ?? 0));
    return { source, errors };
  }

  at(offset: number): SourceLocation {
    const p = this.lines.linePos(offset);
    return { file: this.file, line: p.line, col: p.col };
  }

  /** The node at `path`, or the deepest existing ancestor. */
  node(path: readonly PathSegment[]): Node | undefined {
    let current: unknown = this.doc.contents;
    let last: Node | undefined = isNode(current) ? current : undefined;
    for (const seg of path) {
      if (isMap(current)) {
        const pair = this.pair(current, seg);
        if (!pair) return last;
        current = pair.value;
      } else if (isSeq(current) && typeof seg === 'number') {
        current = current.items[seg];
      } else {
        return last;
      }
      if (isNode(current)) last = current;
      else return last;
    }
    return last;
  }

  /** The key node of the pair at `path` (for "unknown key" errors). */
  keyNode(path: readonly PathSegment[]): Node | undefined {
    const parent = this.node(path.slice(0, -1));
    const key = path[path.length - 1];
    if (isMap(parent) && key !== undefined) {
      const pair = this.pair(parent, key);
      if (pair && isNode(pair.key)) return pair.key;
    }
    return this.node(path);
  }

  /**
   * The first pair of `map` whose scalar key reads `key`. Each map is indexed on first use, so
   * locating every image of a large file is not quadratic; the index assumes the map is not
   * changed afterwards (values may be, keys are not).
   */
  private pair(map: YAMLMap, key: PathSegment): Pair | undefined {
    let index = this.pairIndex.get(map);
    if (!index) {
      index = new Map();
      for (const p of map.items) {
        if (!isScalar(p.key)) continue;
        const k = String(p.key.value);
        if (!index.has(k)) index.set(k, p);
      }
      this.pairIndex.set(map, index);
    }
    return index.get(String(key));
  }

  locate(path: readonly PathSegment[], opts: { key?: boolean } = {}): SourceLocation {
    const node = opts.key ? this.keyNode(path) : this.node(path);
    const offset = node?.range?.[0] ?? 0;
    return this.at(offset);
  }
}

/** The parser notices a missing closing quote at the end of the file; find where it opened. */
function unclosedQuote(text: string, errorOffset: number, message: string): number | undefined {
  const quote = /closing "quote/.test(message) ? '"' : /closing 'quote/.test(message) ? "'" : undefined;
  if (!quote) return undefined;
  const before = text.slice(0, errorOffset);
  let lineStart = before.length;
  while (lineStart > 0) {
    const prev = before.lastIndexOf('\n', lineStart - 2) + 1;
    const line = before.slice(prev, lineStart);
    const count = line.split(quote).length - 1;
    if (count % 2 === 1) return prev + line.lastIndexOf(quote);
    lineStart = prev;
  }
  return undefined;
}

/**
 * The keys repeated within one mapping, anywhere in the document: every occurrence after the first,
 * in document order. Keys are compared as the parser would: scalars by value (so `1` and `"1"`
 * differ), other keys never equal.
 */
function repeatedKeys(root: unknown): Node[] {
  const out: Node[] = [];
  const walk = (node: unknown): void => {
    if (isMap(node)) {
      const seen = new Set<unknown>();
      for (const p of node.items) {
        if (isScalar(p.key)) {
          if (seen.has(p.key.value)) out.push(p.key);
          else seen.add(p.key.value);
        }
        walk(p.key);
        walk(p.value);
      }
    } else if (isSeq(node)) {
      for (const item of node.items) walk(item);
    }
  };
  walk(root);
  return out;
}

function isNode(v: unknown): v is Node {
  return typeof v === 'object' && v !== null && 'range' in v;
}

function firstLine(s: string): string {
  return s.split('\n')[0] ?? s;
}

function yamlHint(code: string): string {
  switch (code) {
    case 'DUPLICATE_KEY':
      return 'each key may appear once per mapping; remove or rename the repeated one';
    case 'BAD_INDENT':
    case 'MISSING_CHAR':
      return 'check the indentation and that every "key: value" has a space after the colon';
    case 'TAB_AS_INDENT':
      return 'indent with spaces, not tabs';
    case 'BAD_ALIAS':
    case 'ALIAS_PROPS':
      return 'an alias (*name) must refer to an anchor (&name) defined earlier';
    default:
      return 'fix the YAML syntax at this position';
  }
}

export function pathToString(path: readonly PathSegment[]): string {
  return path.map((s) => (typeof s === 'number' ? `[${s}]` : s)).join('.').replace(/\.\[/g, '[') || '(top level)';
}
