import { describe, expect, it } from 'vitest';
import { unmetExpectation } from '@fipsyard/plugin-fips-check';
import { expectation, re } from './fakes.js';

const out = (o: Partial<{ exitCode: number | null; stdout: string; stderr: string }>) => ({ exitCode: 0, stdout: '', stderr: '', ...o });

describe('unmetExpectation', () => {
  it('is met by exit code 0 when nothing else is asked', () => {
    expect(unmetExpectation(expectation(), out({ stdout: 'anything' }))).toBeUndefined();
  });

  it('reports a different exit code with the expected one', () => {
    expect(unmetExpectation(expectation(), out({ exitCode: 1 }))).toBe('exit code 1, expected 0');
    expect(unmetExpectation(expectation({ exitCode: 3 }), out({ exitCode: 3 }))).toBeUndefined();
  });

  it('reports a process that never finished as having no exit code', () => {
    expect(unmetExpectation(expectation(), out({ exitCode: null }))).toBe('exit code none, expected 0');
  });

  it('requires every stdout pattern to match', () => {
    const e = expectation({ stdout: [re('FIPS'), re('provider', 'i')] });
    expect(unmetExpectation(e, out({ stdout: 'SunPKCS11-NSS-FIPS Provider' }))).toBeUndefined();
    expect(unmetExpectation(e, out({ stdout: 'SUN provider' }))).toBe('stdout does not match /FIPS/');
  });

  it('refuses stdout matching a mustNot pattern', () => {
    const e = expectation({ stdoutNot: [re('MD5')] });
    expect(unmetExpectation(e, out({ stdout: 'SHA256 only' }))).toBeUndefined();
    expect(unmetExpectation(e, out({ stdout: 'MD5(/dev/null)= d41d8cd98f00b204e9800998ecf8427e' }))).toBe('stdout matches /MD5/, which it must not');
  });

  it('applies stderr patterns to stderr only', () => {
    const e = expectation({ stderr: [re('VERIFY PASSED')], stderrNot: [re('error')] });
    expect(unmetExpectation(e, out({ stdout: 'VERIFY PASSED', stderr: '' }))).toBe('stderr does not match /VERIFY PASSED/');
    expect(unmetExpectation(e, out({ stdout: 'error', stderr: 'VERIFY PASSED\n' }))).toBeUndefined();
    expect(unmetExpectation(e, out({ stderr: 'VERIFY PASSED\n4067EDCA497F0000:error:07800066' }))).toBe('stderr matches /error/, which it must not');
  });

  it('matches line by line, so /^1$/ matches "1\\n" and a line in the middle', () => {
    const e = expectation({ stdout: [re('^1$')] });
    expect(unmetExpectation(e, out({ stdout: '1\n' }))).toBeUndefined();
    expect(unmetExpectation(e, out({ stdout: 'fips_enabled\n1\ndone\n' }))).toBeUndefined();
    expect(unmetExpectation(e, out({ stdout: '10\n' }))).toBe('stdout does not match /^1$/');
  });

  it('keeps the flags written in the pipeline and shows them in the reason', () => {
    const e = expectation({ stdout: [re('^fips$', 'i')] });
    expect(unmetExpectation(e, out({ stdout: 'FIPS\n' }))).toBeUndefined();
    expect(unmetExpectation(e, out({ stdout: 'no\n' }))).toBe('stdout does not match /^fips$/i');
  });

  it('does not add the multiline flag twice when the pipeline already wrote it', () => {
    const e = expectation({ stdout: [re('^active$', 'm')] });
    expect(unmetExpectation(e, out({ stdout: 'status\nactive\n' }))).toBeUndefined();
  });

  it('fails, never hangs, when a pattern backtracks catastrophically on the output', () => {
    const hostile = `${'a'.repeat(40)}b`;
    const reason = 'pattern /(a+)+$/ took longer than 1000 ms on this output (catastrophic backtracking?)';
    expect(unmetExpectation(expectation({ stdout: [re('(a+)+$')] }), out({ stdout: hostile }))).toBe(`stdout: ${reason}`);
    // A pattern that must not match gives no pass by running out of time either.
    expect(unmetExpectation(expectation({ stderrNot: [re('(a+)+$')] }), out({ stderr: hostile }))).toBe(`stderr: ${reason}`);
  });

  it('lists every unmet part, separated by semicolons', () => {
    const e = expectation({ stdout: [re('OK')], stderrNot: [re('warning')] });
    expect(unmetExpectation(e, out({ exitCode: 2, stderr: 'warning: x' }))).toBe(
      'exit code 2, expected 0; stdout does not match /OK/; stderr matches /warning/, which it must not',
    );
  });
});
