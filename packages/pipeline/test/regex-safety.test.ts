import { describe, expect, it } from 'vitest';
import type { RegexChecker, RegexVerdict } from '../src/index.js';
import { RECHECK_LIMIT } from '../src/regex-safety.js';
import { load, messages } from './helpers.js';

/** A checker that answers `verdict` and remembers what it was asked. */
function fakeChecker(verdict: (source: string) => RegexVerdict = () => 'safe'): RegexChecker & { asked: string[] } {
  const asked: string[] = [];
  return Object.assign((source: string) => (asked.push(source), verdict(source)), { asked });
}

/** A pipeline with one image whose command checks expect these stdout patterns, one per check. */
function pipeline(patterns: string[]): string {
  const checks = patterns.map((p, i) => `      - { id: c${i}, command: [x], expect: { stdout: ${JSON.stringify(p)} } }`);
  return `version: 1\nimages:\n  a:\n    context: @FIX@/ctx\n    checks:\n${checks.join('\n')}\n`;
}

describe('catastrophic backtracking at validation', () => {
  it('proves 1,000 distinct simple patterns safe without calling the checker', () => {
    const checker = fakeChecker();
    const r = load(pipeline(Array.from({ length: 1000 }, (_, i) => `^svc-${i} [0-9]+\\.[0-9]+$`)), { regexChecker: checker });
    expect(r.errors).toEqual([]);
    expect(r.warnings).toEqual([]);
    expect(r.value?.images[0]?.checks).toHaveLength(1000);
    expect(checker.asked).toEqual([]);
  });

  it('rejects a pattern the checker finds vulnerable, where it stands', () => {
    const checker = fakeChecker((s) => (s === '(a+)+$' ? 'vulnerable' : 'safe'));
    const r = load(pipeline(['^ok$', '(a+)+$']), { regexChecker: checker });
    expect(checker.asked).toEqual(['(a+)+$']);
    expect(r.value).toBeUndefined();
    expect(r.errors).toMatchObject([{ message: expect.stringMatching(/"\(a\+\)\+\$" can take exponential or polynomial time/), location: { file: r.file, line: 7, col: 51 } }]);
  });

  it('only warns when the checker cannot tell in time: the pattern runs with a time limit', () => {
    const r = load(pipeline(['(x|y)+z']), { regexChecker: fakeChecker(() => 'unknown') });
    expect(r.errors).toEqual([]);
    expect(r.value).toBeDefined();
    expect(r.warnings).toMatchObject([{ message: expect.stringMatching(/could not prove regular expression "\(x\|y\)\+z" safe .* in the time allowed; it runs with a time limit/), location: { line: 6 } }]);
  });

  it('asks once per distinct pattern, passing the multiline flag workers use', () => {
    const flags: string[] = [];
    const checker: RegexChecker = (_source, f) => (flags.push(f), 'safe');
    const r = load(pipeline(['(ab)+c', '(ab)+c', '(ab)+c']), { regexChecker: checker });
    expect(r.errors).toEqual([]);
    expect(flags).toEqual(['m']);
  });

  it(`checks at most ${RECHECK_LIMIT} unproven patterns per file, warning once about the rest`, () => {
    const checker = fakeChecker();
    const unproven = Array.from({ length: RECHECK_LIMIT + 8 }, (_, i) => `foo${i}.*bar`);
    const r = load(pipeline(unproven), { regexChecker: checker });
    expect(checker.asked).toEqual(unproven.slice(0, RECHECK_LIMIT));
    expect(r.errors).toEqual([]);
    expect(r.warnings).toMatchObject([{ message: expect.stringMatching(/^8 regular expressions were not checked .* they run with a time limit/), location: { line: 6 + RECHECK_LIMIT } }]);
  });

  it('always checks suspicious patterns (a repeated group that repeats), past the limit', () => {
    const checker = fakeChecker((s) => (s === '(a+)+$' ? 'vulnerable' : 'safe'));
    const r = load(pipeline([...Array.from({ length: RECHECK_LIMIT + 8 }, (_, i) => `foo${i}.*bar`), '(a+)+$']), { regexChecker: checker });
    expect(checker.asked).toContain('(a+)+$');
    expect(messages(r)).toEqual([expect.stringMatching(/"\(a\+\)\+\$" can take exponential/)]);
  });

  it('rejects a known catastrophic pattern with the real checker', () => {
    expect(messages(load(pipeline(['(a+)+$'])))).toEqual([expect.stringMatching(/can take exponential or polynomial time/)]);
    expect(messages(load(pipeline(['(a|aa)*b'])))).toEqual([expect.stringMatching(/can take exponential or polynomial time/)]);
  });
});
