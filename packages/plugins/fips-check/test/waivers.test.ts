import { describe, expect, it } from 'vitest';
import { checkFails, type CheckResult } from '@fipsyard/core';
import { applyWaivers } from '@fipsyard/plugin-fips-check';

const TODAY = '2026-12-03';

function result(id: string, status: CheckResult['status'], extra: Partial<CheckResult> = {}): CheckResult {
  return { id, title: `check ${id}`, suite: 'openssl3', status, command: [], exitCode: null, stdout: '', stderr: '', durationMs: 0, origin: 'fips-base', ...extra };
}

const waiver = (check: string, expires = '2027-03-31', reason = 'vendor fix scheduled (TICKET-42)') => ({ check, reason, expires });

describe('applyWaivers', () => {
  it('leaves results alone when there are no waivers', () => {
    const results = [result('openssl-md5-refused', 'pass'), result('openssl-fips-provider-active', 'fail', { reason: 'no FIPS provider loaded' })];
    expect(applyWaivers('fips-base', results, [], TODAY)).toEqual(results);
  });

  it('keeps a waived failure in the report, marked waived, and it no longer fails the image', () => {
    const failed = result('openssl-fips-module-config-verifies', 'fail', { reason: 'verification failed (exit code 1): Module integrity mismatch' });
    const [r] = applyWaivers('fips-base', [failed], [waiver('openssl-fips-module-config-verifies')], TODAY);
    expect(r).toEqual({ ...failed, waived: { reason: 'vendor fix scheduled (TICKET-42)', expires: '2027-03-31' } });
    expect(checkFails(r!)).toBe(false);
    expect(checkFails(failed)).toBe(true);
  });

  it('waives a skip too', () => {
    const [r] = applyWaivers('fips-base', [result('al2-dracut-fips-installed', 'skip', { reason: 'rpm cannot be run' })], [waiver('al2-dracut-fips-installed')], TODAY);
    expect(r?.status).toBe('skip');
    expect(r?.waived).toEqual({ reason: 'vendor fix scheduled (TICKET-42)', expires: '2027-03-31' });
  });

  it('does not mark a passing check as waived', () => {
    const [r] = applyWaivers('fips-base', [result('openssl-md5-refused', 'pass')], [waiver('openssl-md5-refused')], TODAY);
    expect(r).toEqual(result('openssl-md5-refused', 'pass'));
  });

  it('still holds on its last day', () => {
    const [r] = applyWaivers('fips-base', [result('openssl-md5-refused', 'fail')], [waiver('openssl-md5-refused', TODAY)], TODAY);
    expect(r?.status).toBe('fail');
    expect(r?.waived).toBeDefined();
    expect(checkFails(r!)).toBe(false);
  });

  it('fails on an expired waiver even when the check passed, saying what the check said', () => {
    const [r] = applyWaivers('fips-base', [result('openssl-md5-refused', 'pass')], [waiver('openssl-md5-refused', '2026-12-02', 'legacy client')], TODAY);
    expect(r?.status).toBe('fail');
    expect(r?.reason).toBe('waiver expired on 2026-12-02 (legacy client); the check said: pass');
    expect(r?.waived).toBeUndefined();
    expect(checkFails(r!)).toBe(true);
  });

  it('fails on an expired waiver of a failing check, keeping the check reason', () => {
    const [r] = applyWaivers('fips-base', [result('openssl-md5-refused', 'fail', { reason: 'computed' })], [waiver('openssl-md5-refused', '2026-01-31', 'legacy client')], TODAY);
    expect(r?.reason).toBe('waiver expired on 2026-01-31 (legacy client); the check said: fail - computed');
    expect(checkFails(r!)).toBe(true);
  });

  it('turns a required inherited check skipped in a derived image into a failure', () => {
    const skipped = result('openssl-fips-module-config-verifies', 'skip', { reason: 'openssl cannot be run in this image (exit code 126)', origin: 'fips-base' });
    const [r] = applyWaivers('distroless-app', [skipped], [], TODAY);
    expect(r?.status).toBe('fail');
    expect(r?.reason).toBe(
      'inherited from fips-base and skipped here (openssl cannot be run in this image (exit code 126)); a derived image may skip an inherited check only with a waiver',
    );
    expect(checkFails(r!)).toBe(true);
  });

  it('accepts that skip with a waiver', () => {
    const skipped = result('openssl-fips-module-config-verifies', 'skip', { reason: 'no openssl', origin: 'fips-base' });
    const [r] = applyWaivers('distroless-app', [skipped], [waiver('openssl-fips-module-config-verifies')], TODAY);
    expect(r?.status).toBe('skip');
    expect(r?.waived).toBeDefined();
  });

  it('lets an image skip its own checks, and checks without an origin', () => {
    const own = result('node-md5-refused', 'skip', { origin: 'node-dev' });
    const none = result('host-facts', 'skip', { origin: undefined });
    expect(applyWaivers('node-dev', [own, none], [], TODAY).map((r) => r.status)).toEqual(['skip', 'skip']);
  });

  it('exempts information checks from the inherited-skip rule', () => {
    const info = result('kernel-fips-enabled', 'skip', { severity: 'information', origin: 'fips-base', reason: 'host-dependent: no /proc/sys/crypto/fips_enabled' });
    const [r] = applyWaivers('python-dev', [info], [], TODAY);
    expect(r).toEqual(info);
  });

  it('adds a warning for a waiver that matches no check of the image', () => {
    const out = applyWaivers('fips-base', [result('openssl-md5-refused', 'pass')], [waiver('openssl-md4-refused')], TODAY);
    expect(out).toHaveLength(2);
    expect(out[1]).toEqual({
      id: 'waiver-openssl-md4-refused',
      title: 'Waiver for openssl-md4-refused',
      suite: 'waivers',
      status: 'warn',
      reason: 'waiver for "openssl-md4-refused" matches no check of this image',
      command: [],
      exitCode: null,
      stdout: '',
      stderr: '',
      durationMs: 0,
      origin: 'fips-base',
    });
    expect(out.some(checkFails)).toBe(false);
  });

  it('fails for a stale waiver that has also expired', () => {
    const out = applyWaivers('fips-base', [], [waiver('openssl-md4-refused', '2026-06-30')], TODAY);
    expect(out).toMatchObject([{ id: 'waiver-openssl-md4-refused', status: 'fail', reason: 'waiver for "openssl-md4-refused" matches no check of this image, and expired on 2026-06-30' }]);
  });

  it('does not change the results it was given', () => {
    const results = [result('openssl-md5-refused', 'fail')];
    const copy = structuredClone(results);
    applyWaivers('fips-base', results, [waiver('openssl-md5-refused')], TODAY);
    expect(results).toEqual(copy);
  });
});
