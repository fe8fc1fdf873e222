import { describe, expect, it } from 'vitest';
import { builtinSuites, opensslFipsSuite } from '@fipsyard/plugin-fips-check';
import type { CheckDefinition } from '@fipsyard/plugin-api';
import { TIMED_OUT, recordedProbe, type Recording } from './fakes.js';
import {
  FIPS_FLAG_MISSING_STDERR,
  MD5_COMPUTED,
  MD5_REFUSED_STDERR,
  OPENSSL_NOT_FOUND_STDERR,
  PROVIDERS_DEFAULT_ONLY,
  PROVIDERS_FIPS_AND_BASE,
  PROVIDERS_FIPS_INACTIVE,
  PROVIDERS_RHEL9_FIPS,
  SHA256_OF_DEV_NULL,
} from './recorded.js';

function check(id: string): CheckDefinition {
  const def = opensslFipsSuite.checks(undefined).find((c) => c.id === id);
  if (!def) throw new Error(`openssl-fips has no check ${id}`);
  return def;
}

const LIST = 'openssl list -providers';
const MD5 = 'openssl dgst -md5 /dev/null';
const SHA256 = 'openssl dgst -sha256 /dev/null';
const FLAG = 'cat /proc/sys/crypto/fips_enabled';
const NOT_FOUND = { exitCode: 127, stderr: OPENSSL_NOT_FOUND_STDERR };

const verdict = (id: string, recording: Recording, env: Record<string, string> = {}) => check(id).run(recordedProbe(recording, { env }));

describe('the openssl-fips suite', () => {
  it('is a built-in suite with the five checks, in order', () => {
    expect(builtinSuites.map((s) => s.name)).toContain('openssl-fips');
    expect(opensslFipsSuite.checks(undefined).map((c) => c.id)).toEqual([
      'openssl-fips-provider-active',
      'openssl-md5-refused',
      'openssl-sha256-works',
      'openssl-fips-env',
      'kernel-fips-enabled',
    ]);
  });

  describe('FIPS provider active', () => {
    it('passes when the FIPS provider is active, naming it and every provider', async () => {
      const v = await verdict('openssl-fips-provider-active', { [LIST]: { stdout: PROVIDERS_FIPS_AND_BASE } });
      expect(v.status).toBe('pass');
      expect(v.reason).toBe('OpenSSL FIPS Provider 3.1.2 active; providers: base (active), fips (active)');
    });

    it('passes with a vendor-named FIPS provider', async () => {
      const v = await verdict('openssl-fips-provider-active', { [LIST]: { stdout: PROVIDERS_RHEL9_FIPS } });
      expect(v.status).toBe('pass');
    });

    it('keeps the command and its output as evidence', async () => {
      const v = await verdict('openssl-fips-provider-active', { [LIST]: { stdout: PROVIDERS_FIPS_AND_BASE, durationMs: 42 } });
      expect(v).toMatchObject({ command: ['openssl', 'list', '-providers'], exitCode: 0, stdout: PROVIDERS_FIPS_AND_BASE, stderr: '', durationMs: 42 });
    });

    it('fails without a FIPS provider, listing the providers that are loaded', async () => {
      const v = await verdict('openssl-fips-provider-active', { [LIST]: { stdout: PROVIDERS_DEFAULT_ONLY } });
      expect(v.status).toBe('fail');
      expect(v.reason).toBe('no FIPS provider loaded; providers: default (active)');
    });

    it('fails when the FIPS provider is listed but inactive', async () => {
      const v = await verdict('openssl-fips-provider-active', { [LIST]: { stdout: PROVIDERS_FIPS_INACTIVE } });
      expect(v.status).toBe('fail');
      expect(v.reason).toBe('FIPS provider present but not active; providers: default (active), fips (inactive)');
    });

    it('fails on empty output, saying no provider was listed', async () => {
      const v = await verdict('openssl-fips-provider-active', { [LIST]: { stdout: '' } });
      expect(v.status).toBe('fail');
      expect(v.reason).toBe('no FIPS provider loaded; providers: none');
    });

    it('judges from the output, not the exit code', async () => {
      const v = await verdict('openssl-fips-provider-active', { [LIST]: { exitCode: 0, stdout: PROVIDERS_DEFAULT_ONLY } });
      expect(v.status).toBe('fail');
    });

    it('fails saying openssl cannot be run when it is missing from the image', async () => {
      const v = await verdict('openssl-fips-provider-active', { [LIST]: NOT_FOUND });
      expect(v.status).toBe('fail');
      expect(v.reason).toContain('openssl cannot be run in this image (exit code 127)');
      expect(v.stderr).toBe(OPENSSL_NOT_FOUND_STDERR);
    });

    it('fails with a reason starting "timeout" when openssl hangs', async () => {
      const v = await verdict('openssl-fips-provider-active', { [LIST]: TIMED_OUT });
      expect(v.status).toBe('fail');
      expect(v.reason).toMatch(/^timeout/);
    });
  });

  describe('MD5 refused', () => {
    it('fails when MD5 was computed', async () => {
      const v = await verdict('openssl-md5-refused', { [MD5]: { exitCode: 0, stdout: MD5_COMPUTED } });
      expect(v.status).toBe('fail');
      expect(v.reason).toMatch(/^MD5 was computed/);
    });

    it('passes when openssl refuses MD5 as unsupported', async () => {
      const v = await verdict('openssl-md5-refused', { [MD5]: { exitCode: 1, stderr: MD5_REFUSED_STDERR } });
      expect(v.status).toBe('pass');
      expect(v.reason).toBe('MD5 refused as unsupported');
    });

    it('fails on an error that is not a refusal', async () => {
      const v = await verdict('openssl-md5-refused', { [MD5]: { exitCode: 1, stderr: 'Segmentation fault\n' } });
      expect(v.status).toBe('fail');
      expect(v.reason).toContain('MD5 neither computed nor refused');
    });

    it('fails saying openssl cannot be run when it is missing', async () => {
      const v = await verdict('openssl-md5-refused', { [MD5]: NOT_FOUND });
      expect(v.status).toBe('fail');
      expect(v.reason).toContain('openssl cannot be run in this image');
    });
  });

  describe('SHA-256 works', () => {
    it('passes when the digest of /dev/null is the empty-input SHA-256', async () => {
      const v = await verdict('openssl-sha256-works', { [SHA256]: { stdout: SHA256_OF_DEV_NULL } });
      expect(v.status).toBe('pass');
    });

    it('fails when the digest is not produced, as broken crypto', async () => {
      const v = await verdict('openssl-sha256-works', { [SHA256]: { exitCode: 1, stderr: 'Error setting digest\n' } });
      expect(v.status).toBe('fail');
      expect(v.reason).toContain('crypto is broken');
    });

    it('fails when the digest is wrong', async () => {
      const v = await verdict('openssl-sha256-works', { [SHA256]: { stdout: `SHA2-256(/dev/null)= ${'0'.repeat(64)}\n` } });
      expect(v.status).toBe('fail');
    });

    it('fails saying openssl cannot be run when it is missing', async () => {
      const v = await verdict('openssl-sha256-works', { [SHA256]: NOT_FOUND });
      expect(v.reason).toContain('openssl cannot be run');
    });
  });

  describe('OPENSSL_FIPS in the environment', () => {
    it('records OPENSSL_FIPS=1 as information and passes, running nothing', async () => {
      const probe = recordedProbe({}, { env: { OPENSSL_FIPS: '1' } });
      const v = await check('openssl-fips-env').run(probe);
      expect(v).toMatchObject({ status: 'pass', severity: 'information', stdout: 'OPENSSL_FIPS=1', command: [] });
      expect(v.reason).toMatch(/^information: OPENSSL_FIPS=1 is set/);
      expect(probe.ran).toEqual([]);
    });

    it('records its absence as information too', async () => {
      const v = await verdict('openssl-fips-env', {});
      expect(v).toMatchObject({ status: 'pass', severity: 'information', stdout: '' });
      expect(v.reason).toContain('not set');
    });
  });

  describe('host kernel FIPS flag', () => {
    it('passes as information when the host is in FIPS mode', async () => {
      const v = await verdict('kernel-fips-enabled', { [FLAG]: { stdout: '1\n' } });
      expect(v).toMatchObject({ status: 'pass', severity: 'information' });
      expect(v.reason).toContain('6.8.0-45-generic is in FIPS mode');
    });

    it('warns when the host is not in FIPS mode', async () => {
      const v = await verdict('kernel-fips-enabled', { [FLAG]: { stdout: '0\n' } });
      expect(v).toMatchObject({ status: 'warn', severity: 'information' });
      expect(v.reason).toMatch(/^host-dependent: .*fips_enabled=0/);
    });

    it('skips as host-dependent when the host has no flag file', async () => {
      const v = await verdict('kernel-fips-enabled', { [FLAG]: { exitCode: 1, stderr: FIPS_FLAG_MISSING_STDERR } });
      expect(v).toMatchObject({ status: 'skip', severity: 'information' });
      expect(v.reason).toMatch(/^host-dependent/);
      expect(v.reason).toContain('no /proc/sys/crypto/fips_enabled');
    });

    it('skips as host-dependent when the image has no cat', async () => {
      const v = await verdict('kernel-fips-enabled', { [FLAG]: { exitCode: 127 } });
      expect(v).toMatchObject({ status: 'skip', severity: 'information' });
      expect(v.reason).toBe('host-dependent: cannot read the flag (no cat in the image)');
    });

    it('reports a hung read as a timeout, not as a missing flag file', async () => {
      const v = await verdict('kernel-fips-enabled', { [FLAG]: TIMED_OUT });
      expect(v.reason).toMatch(/^timeout/);
    });
  });
});
