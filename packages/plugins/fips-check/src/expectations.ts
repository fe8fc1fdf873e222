import type { OutputExpectation, PatternSpec } from '@fipsyard/core';

/** Why the output did not meet the expectation, or undefined when it did. */
export function unmetExpectation(expect: OutputExpectation, out: { exitCode: number | null; stdout: string; stderr: string }): string | undefined {
  const problems: string[] = [];
  if (out.exitCode !== expect.exitCode) problems.push(`exit code ${out.exitCode ?? 'none'}, expected ${expect.exitCode}`);
  // Multiline, as grep users expect: ^ and $ match at every line, so /^1$/ matches "1\n".
  const re = (p: PatternSpec) => new RegExp(p.source, p.flags.includes('m') ? p.flags : `${p.flags}m`);
  const check = (stream: 'stdout' | 'stderr', text: string, must: PatternSpec[], mustNot: PatternSpec[]) => {
    for (const p of must) if (!re(p).test(text)) problems.push(`${stream} does not match /${p.source}/${p.flags}`);
    for (const p of mustNot) if (re(p).test(text)) problems.push(`${stream} matches /${p.source}/${p.flags}, which it must not`);
  };
  check('stdout', out.stdout, expect.stdout, expect.stdoutNot);
  check('stderr', out.stderr, expect.stderr, expect.stderrNot);
  return problems.length ? problems.join('; ') : undefined;
}
