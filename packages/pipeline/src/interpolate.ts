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

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

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
): { value: string; errors: InterpolationError[] } {
  const errors: InterpolationError[] = [];
  const value = expand(input, 0, sources, errors, 0);
  return { value, errors };
}

function expand(input: string, base: number, sources: VariableSources, errors: InterpolationError[], depth: number): string {
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
      out += '$';
      i += 2;
      continue;
    }
    if (next !== '{') {
      out += '$';
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
        out += expand(fallback, base + i + 2 + name.length + (op?.length ?? 0), sources, errors, depth + 1);
      } else if (found === undefined) {
        errors.push({ offset: base + i, message: `variable "${name}" is not defined`, hint: `define it under "variables:", set it in the environment or with --var ${name}=VALUE, or give a default: \${${name}:-value}` });
      } else {
        out += found;
      }
    }
    i = end + 1;
  }
  return out;
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
