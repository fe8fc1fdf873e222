import { describe, expect, it } from 'vitest';
import { compilePattern, matchPattern, matchWithin, slowPatternReason } from '@fipsyard/plugin-api';

const HOSTILE = `${'a'.repeat(40)}b`;

describe('matchWithin', () => {
  it('matches and misses like RegExp.test', () => {
    expect(matchWithin(/^svc-1 [0-9]+\.[0-9]+$/m, 'booting\nsvc-1 3.12\n')).toBe('match');
    expect(matchWithin(/^svc-1 [0-9]+\.[0-9]+$/m, 'svc-1 3.x')).toBe('no-match');
  });

  it('interrupts a catastrophic pattern on hostile output instead of hanging', () => {
    // (a+)+$ on 40 a's and a b needs about 2^40 steps: it can only end by the time limit.
    expect(matchWithin(/(a+)+$/, HOSTILE, 50)).toBe('timeout');
  });

  it('still works after a timeout', () => {
    expect(matchWithin(/(a+)+$/, HOSTILE, 20)).toBe('timeout');
    expect(matchWithin(/b$/, HOSTILE)).toBe('match');
  });

  it('passes errors other than the timeout through', () => {
    const throwing = { test: () => { throw new Error('boom'); } } as unknown as RegExp;
    expect(() => matchWithin(throwing, 'x')).toThrow('boom');
  });
});

describe('pipeline patterns', () => {
  it('are multiline, as grep users expect', () => {
    expect(compilePattern({ source: '^1$', flags: 'i' }).flags).toBe('im');
    expect(matchPattern({ source: '^1$', flags: '' }, 'a\n1\nb')).toBe('match');
  });

  it('explain a timeout with the pattern and the limit', () => {
    expect(matchPattern({ source: '(a+)+$', flags: '' }, HOSTILE, 30)).toBe('timeout');
    expect(slowPatternReason({ source: '(a+)+$', flags: '' }, 30)).toBe('pattern /(a+)+$/ took longer than 30 ms on this output (catastrophic backtracking?)');
  });
});
