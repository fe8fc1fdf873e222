import { Script, createContext, type Context } from 'node:vm';
import type { PatternSpec } from '@fipsyard/core';

/** How long one pipeline pattern may run on one text before its check fails instead of hanging the worker. */
export const PATTERN_TIME_LIMIT_MS = 1000;

export type PatternOutcome = 'match' | 'no-match' | 'timeout';

// V8 interrupts a running regular expression only through a vm timeout. One reused context: a
// new one per match would cost about a millisecond, a reused one about 0.1 ms.
let sandbox: { context: Context; script: Script } | undefined;

/** `pattern.test(text)`, interrupted after `ms`: a catastrophic pattern gives 'timeout', never a hang. */
export function matchWithin(pattern: RegExp, text: string, ms: number = PATTERN_TIME_LIMIT_MS): PatternOutcome {
  sandbox ??= { context: createContext({ re: undefined, text: '' }), script: new Script('re.test(text)') };
  const { context, script } = sandbox;
  context['re'] = pattern;
  context['text'] = text;
  try {
    return script.runInContext(context, { timeout: ms }) === true ? 'match' : 'no-match';
  } catch (err) {
    // Matched by code: the error comes from the vm machinery, not from this realm's classes.
    if ((err as { code?: unknown } | null)?.code === 'ERR_SCRIPT_EXECUTION_TIMEOUT') return 'timeout';
    throw err;
  } finally {
    // Do not keep a 4 MiB file alive until the next match.
    context['re'] = undefined;
    context['text'] = '';
  }
}

/** A pipeline pattern as workers apply it: multiline, as grep users expect (^ and $ match at every line). */
export function compilePattern(p: PatternSpec): RegExp {
  return new RegExp(p.source, p.flags.includes('m') ? p.flags : `${p.flags}m`);
}

/** Tests a pipeline pattern on `text` within the time limit. */
export function matchPattern(p: PatternSpec, text: string, ms: number = PATTERN_TIME_LIMIT_MS): PatternOutcome {
  return matchWithin(compilePattern(p), text, ms);
}

/** The reason a check gives when one of its patterns ran out of time. */
export function slowPatternReason(p: PatternSpec, ms: number = PATTERN_TIME_LIMIT_MS): string {
  return `pattern /${p.source}/${p.flags} took longer than ${ms} ms on this output (catastrophic backtracking?)`;
}
