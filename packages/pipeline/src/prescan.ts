import type { Diagnostic } from '@fipsyard/core';

/** Deeper flow nesting than this is refused before parsing: the parser's work grows with it. */
export const MAX_FLOW_DEPTH = 64;
/** Indentation beyond this many columns means nesting no pipeline needs. */
export const MAX_INDENT = 256;

/**
 * A linear scan for what would make the YAML parser itself misbehave (deep nesting exhausts its
 * memory); runs before parsing so a hostile file is refused in microseconds.
 */
export function prescan(file: string, text: string): Diagnostic | undefined {
  let depth = 0;
  let line = 1;
  let col = 0;
  let lineStart = true;
  let indent = 0;
  let quote: '"' | "'" | undefined;
  let comment = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    col += 1;
    if (c === '\n') {
      line += 1;
      col = 0;
      lineStart = true;
      indent = 0;
      comment = false;
      if (quote === "'") quote = undefined; // single-quoted scalars rarely span lines; stay conservative
      continue;
    }
    if (lineStart) {
      if (c === ' ') {
        indent += 1;
        if (indent > MAX_INDENT) return refuse(file, line, col, `indentation deeper than ${MAX_INDENT} columns`);
        continue;
      }
      lineStart = false;
    }
    if (comment) continue;
    if (quote) {
      if (c === quote && (quote === "'" || text[i - 1] !== '\\')) quote = undefined;
      continue;
    }
    if (c === '#' && (i === 0 || /\s/.test(text[i - 1]!))) comment = true;
    else if (c === '"' || c === "'") quote = c;
    else if (c === '[' || c === '{') {
      depth += 1;
      if (depth > MAX_FLOW_DEPTH) return refuse(file, line, col, `brackets nested more than ${MAX_FLOW_DEPTH} levels deep`);
    } else if ((c === ']' || c === '}') && depth > 0) depth -= 1;
  }
  return undefined;
}

function refuse(file: string, line: number, col: number, what: string): Diagnostic {
  return {
    severity: 'error',
    message: `refused before parsing: ${what}`,
    hint: 'a pipeline file needs a few levels of nesting; this one looks generated or hostile',
    location: { file, line, col },
  };
}
