import type { OutputExpectation, PatternSpec } from '@fipsyard/core';
import { matchPattern, slowPatternReason } from '@fipsyard/plugin-api';

/** Why the output did not meet the expectation, or undefined when it did. */
export function unmetExpectation(expect: OutputExpectation, out: { exitCode: number | null; stdout: string; stderr: string }): string | undefined {
  const problems: string[] = [];
  if (out.exitCode !== expect.exitCode) problems.push(`exit code ${out.exitCode ?? 'none'}, expected ${expect.exitCode}`);
  // Multiline, as grep users expect: ^ and $ match at every line, so /^1$/ matches "1\n".
  // Each match runs within a time limit: a pattern that runs out of time is a problem, never a pass.
  const check = (stream: 'stdout' | 'stderr', text: string, must: PatternSpec[], mustNot: PatternSpec[]) => {
    for (const p of must) {
      const outcome = matchPattern(p, text);
      if (outcome === 'timeout') problems.push(`${stream}: ${slowPatternReason(p)}`);
      else if (outcome === 'no-match') problems.push(`${stream} does not match /${p.source}/${p.flags}`);
    }
    for (const p of mustNot) {
      const outcome = matchPattern(p, text);
      if (outcome === 'timeout') problems.push(`${stream}: ${slowPatternReason(p)}`);
      else if (outcome === 'match') problems.push(`${stream} matches /${p.source}/${p.flags}, which it must not`);
    }
  };
  check('stdout', out.stdout, expect.stdout, expect.stdoutNot);
  check('stderr', out.stderr, expect.stderr, expect.stderrNot);
  return problems.length ? problems.join('; ') : undefined;
}
