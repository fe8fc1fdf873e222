import type { Diagnostic, SourceLocation } from '@fipsyard/core';
import { createRequire } from 'node:module';
import { patternShape } from './regex-shape.js';

export type RegexVerdict = 'safe' | 'vulnerable' | 'unknown';

/**
 * Decides whether a pattern can take super-linear time on some input: 'unknown' when it cannot
 * tell within `timeoutMs` (or does not support the syntax). Flags include `m`.
 */
export type RegexChecker = (source: string, flags: string, timeoutMs: number) => RegexVerdict;

/** One checker call may take this long; after it the pattern is 'unknown', a warning, never an error. */
export const RECHECK_TIMEOUT_MS = 500;
/**
 * Distinct patterns per file that the syntactic check cannot prove linear and that go to the
 * checker, in file order; the rest are left to the workers' time limit. A count, not a time
 * budget, so the verdict never depends on the machine's load.
 */
export const RECHECK_LIMIT = 32;
/** Suspicious patterns (a quantified group holding a quantifier) always go to the checker; this bounds only hostile files. */
export const SUSPICIOUS_LIMIT = 256;

export interface PatternSite {
  source: string;
  flags: string;
  location: SourceLocation | undefined;
}

/** recheck is large (~0.25 s to load): loaded the first time a pattern needs it, which most files never do. */
let recheckModule: typeof import('recheck') | undefined;
function recheck(): typeof import('recheck') {
  recheckModule ??= createRequire(import.meta.url)('recheck') as typeof import('recheck');
  return recheckModule;
}

/** recheck, remembering definitive verdicts: matrix variants and reloads repeat their patterns. */
export const recheckChecker: RegexChecker = (source, flags, timeoutMs) => {
  const key = `${flags}/${source}`;
  const known = verdicts.get(key);
  if (known) return known;
  const verdict = recheck().checkSync(source, flags, { timeout: timeoutMs }).status;
  if (verdict !== 'unknown') {
    if (verdicts.size >= 1000) verdicts.clear();
    verdicts.set(key, verdict);
  }
  return verdict;
};
const verdicts = new Map<string, RegexVerdict>();

/**
 * Errors for patterns that can backtrack catastrophically, warnings for those not proven safe.
 * Patterns proven linear by their shape never reach the checker.
 */
export function judgePatterns(sites: readonly PatternSite[], checker: RegexChecker = recheckChecker): { errors: Diagnostic[]; warnings: Diagnostic[] } {
  const errors: Diagnostic[] = [];
  const warnings: Diagnostic[] = [];
  const byPattern = new Map<string, PatternSite[]>();
  for (const site of sites) {
    const key = `${site.flags}/${site.source}`;
    byPattern.set(key, [...(byPattern.get(key) ?? []), site]);
  }
  let rechecked = 0;
  let suspicious = 0;
  const unchecked: PatternSite[] = [];
  for (const [first, ...more] of byPattern.values()) {
    const { source, flags } = first!;
    const shape = patternShape(source, flags);
    if (shape === 'linear') continue;
    const allowed = shape === 'suspicious' ? ++suspicious <= SUSPICIOUS_LIMIT : ++rechecked <= RECHECK_LIMIT;
    if (!allowed) {
      unchecked.push(first!);
      continue;
    }
    const verdict = checker(source, flags.includes('m') ? flags : `${flags}m`, RECHECK_TIMEOUT_MS);
    for (const site of [first!, ...more]) {
      if (verdict === 'vulnerable') errors.push(catastrophic(source, site.location));
      if (verdict === 'unknown') {
        warnings.push({
          severity: 'warning',
          message: `could not prove regular expression ${show(source)} safe from catastrophic backtracking in the time allowed; it runs with a time limit`,
          hint: 'a check whose pattern runs out of time fails; patterns without repeated groups, alternations under a repetition or backreferences are proven safe at once',
          location: site.location,
        });
      }
    }
  }
  if (unchecked.length > 0) {
    warnings.push({
      severity: 'warning',
      message: `${unchecked.length} regular expression${unchecked.length === 1 ? ' was' : 's were'} not checked for catastrophic backtracking (the first ${RECHECK_LIMIT} complex ones of a file are); they run with a time limit`,
      hint: 'a check whose pattern runs out of time fails; literals, classes and runs such as ^name [0-9]+\\.[0-9]+$ are proven safe at once',
      location: unchecked[0]!.location,
    });
  }
  return { errors, warnings };
}

/** The error for a pattern that is too long or can backtrack catastrophically. */
export function catastrophic(source: string, location: SourceLocation | undefined): Diagnostic {
  return {
    severity: 'error',
    message: `regular expression ${show(source)} can take exponential or polynomial time on some inputs (catastrophic backtracking)`,
    hint: 'avoid repeating a group that itself repeats, e.g. write (a+)+ as a+, (x|x?)* as x*; keep patterns under 1000 characters',
    location,
  };
}

const show = (source: string) => JSON.stringify(source.slice(0, 80));
