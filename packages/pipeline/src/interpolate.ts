/** Where a variable's value comes from, highest priority first. */
export interface VariableSources {
  /** `--var NAME=VALUE` on the command line. */
  overrides: Record<string, string>;
  /** The process environment, as handed in by the app. */
  env: Record<string, string | undefined>;
  /** The pipeline's own `variables:` block (already interpolated). */
  defaults: Record<string, string>;
}

export interface InterpolationError {
  /** Offset inside the string where the bad reference starts. */
  offset: number;
  message: string;
  hint: string;
}

/** A `${matrix.AXIS}` reference met while interpolating: left for the matrix expansion. */
export interface MatrixReference {
  axis: string;
  /** Offset inside the string where the reference starts. */
  offset: number;
}

export interface InterpolateOptions {
  /**
   * The string belongs to a matrix image and is finished later by `substituteMatrix`: keep
   * `${matrix.AXIS}` as written and write every literal `$` (escaped, bare, or from a variable's
   * value) as `$$`, so nothing but a real matrix reference can be taken for one. Default false.
   */
  template?: boolean;
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const MATRIX_PREFIX = 'matrix.';

export function lookupVariable(name: string, sources: VariableSources): string | undefined {
  if (Object.hasOwn(sources.overrides, name)) return sources.overrides[name];
  const fromEnv = sources.env[name];
  if (fromEnv !== undefined) return fromEnv;
  if (Object.hasOwn(sources.defaults, name)) return sources.defaults[name];
  return undefined;
}

/**
 * Substitutes `${NAME}`, `${NAME:-default}` (default when unset or empty), `${NAME-default}`
 * (default when unset) and `$$` (a literal `$`). Defaults may themselves contain references.
 * A bare `$` not followed by `{` or `$` is kept as is, so shell snippets stay readable.
 */
export function interpolate(
  input: string,
  sources: VariableSources,
  options: InterpolateOptions = {},
): { value: string; errors: InterpolationError[]; matrixRefs: MatrixReference[] } {
  const state: Expansion = { sources, errors: [], matrixRefs: [], dollar: options.template ? '$$' : '$' };
  const value = expand(input, 0, state, 0);
  return { value, errors: state.errors, matrixRefs: state.matrixRefs };
}

interface Expansion {
  sources: VariableSources;
  errors: InterpolationError[];
  matrixRefs: MatrixReference[];
  /** How a literal `$` is written in the output. */
  dollar: string;
}

function expand(input: string, base: number, state: Expansion, depth: number): string {
  const { sources, errors } = state;
  if (depth > 8) {
    errors.push({ offset: base, message: 'variable defaults nested more than 8 levels deep', hint: 'simplify the default values' });
    return input;
  }
  let out = '';
  let i = 0;
  while (i < input.length) {
    const ch = input[i];
    if (ch !== '$') {
      out += ch;
      i += 1;
      continue;
    }
    const next = input[i + 1];
    if (next === '$') {
      out += state.dollar;
      i += 2;
      continue;
    }
    if (next !== '{') {
      out += state.dollar;
      i += 1;
      continue;
    }
    const end = findClosingBrace(input, i + 2);
    if (end < 0) {
      errors.push({ offset: base + i, message: `unterminated variable reference "${input.slice(i, i + 20)}"`, hint: 'close it with "}", or write "$$" for a literal "$"' });
      out += input.slice(i);
      break;
    }
    const body = input.slice(i + 2, end);
    if (body.startsWith(MATRIX_PREFIX)) {
      // Not a variable: the matrix expansion fills it in, per variant, after this pass.
      out += matrixReference(body, base + i, state);
      i = end + 1;
      continue;
    }
    const m = /^([^:\-}]*)(:?-)?([\s\S]*)$/.exec(body);
    const name = m?.[1] ?? '';
    const op = m?.[2];
    const fallback = m?.[3] ?? '';
    if (!NAME.test(name)) {
      errors.push({ offset: base + i, message: `invalid variable name "${name}" in "\${${body}}"`, hint: 'names are letters, digits and "_", not starting with a digit; defaults are written ${NAME:-default}' });
    } else {
      const found = lookupVariable(name, sources);
      const useDefault = op === ':-' ? found === undefined || found === '' : op === '-' ? found === undefined : false;
      if (useDefault) {
        out += expand(fallback, base + i + 2 + name.length + (op?.length ?? 0), state, depth + 1);
      } else if (found === undefined) {
        errors.push({ offset: base + i, message: `variable "${name}" is not defined`, hint: `define it under "variables:", set it in the environment or with --var ${name}=VALUE, or give a default: \${${name}:-value}` });
      } else {
        out += state.dollar === '$' ? found : found.replaceAll('$', '$$$$');
      }
    }
    i = end + 1;
  }
  return out;
}

/** Records `${matrix.AXIS}` and keeps it as written; the caller decides whether it is allowed there. */
function matrixReference(body: string, offset: number, state: Expansion): string {
  const axis = body.slice(MATRIX_PREFIX.length);
  if (!NAME.test(axis)) {
    state.errors.push({ offset, message: `invalid matrix reference "\${${body}}"`, hint: 'write ${matrix.AXIS} with the name of an axis under "matrix:"; matrix references take no default' });
  } else {
    state.matrixRefs.push({ axis, offset });
  }
  return `\${${body}}`;
}

function findClosingBrace(input: string, from: number): number {
  let depth = 1;
  for (let j = from; j < input.length; j++) {
    const c = input[j];
    if (c === '$' && input[j + 1] === '{') {
      depth += 1;
      j += 1;
    } else if (c === '}') {
      depth -= 1;
      if (depth === 0) return j;
    }
  }
  return -1;
}
