import { describe, expect, it } from 'vitest';
import { al2Suite } from '@fipsyard/checks-el';
import type { CheckDefinition } from '@fipsyard/plugin-api';
import { TIMED_OUT, fakeProbe, notFound, type FakeProbeOptions } from '@fipsyard/plugin-api/testing';
import {
  AL2_MD5_COMPUTED,
  AL2_MD5_REFUSED_STDERR,
  AL2_OPENSSL_VERSION,
  DRACUT_FIPS_INSTALLED,
  DRACUT_FIPS_MISSING,
  OS_RELEASE_AL2,
  OS_RELEASE_AL2023,
  OS_RELEASE_TRIXIE,
  TRIXIE_OPENSSL_VERSION,
} from './recorded.js';

async function check(id: string): Promise<CheckDefinition> {
  const def = (await al2Suite.expand(fakeProbe(), {})).find((c) => c.id === id);
  if (!def) throw new Error(`al2 has no check ${id}`);
  return def;
}

const run = async (id: string, options: FakeProbeOptions) => (await check(id)).run(fakeProbe(options));

describe('the al2 suite', () => {
  it('has its five checks, all required', async () => {
    const defs = await al2Suite.expand(fakeProbe(), {});
    expect(defs.map((d) => [d.id, d.severity])).toEqual([
      ['al2-support-status', undefined],
      ['al2-openssl-fips-build', undefined],
      ['al2-dracut-fips-installed', undefined],
      ['al2-openssl-fips-env', undefined],
      ['al2-md5-refused', undefined],
    ]);
    expect([...al2Suite.checkIds]).toEqual(defs.map((d) => d.id));
  });
});

describe('al2-support-status', () => {
  it('warns on Amazon Linux 2: end of support and 140-2 only', async () => {
    const v = await run('al2-support-status', { files: { '/etc/os-release': OS_RELEASE_AL2 } });
    expect(v).toEqual({
      status: 'warn',
      reason: 'Amazon Linux 2: end of support 2026-06-30; OpenSSL 1.0.2k-fips is FIPS 140-2 only, historical since 2026-09-21; move to a FIPS 140-3 module (e.g. Amazon Linux 2023 on a FIPS host)',
      command: [],
      exitCode: null,
      stdout: OS_RELEASE_AL2,
      stderr: '',
      durationMs: 0,
    });
  });

  it('skips on Amazon Linux 2023 and on Debian, naming the system', async () => {
    expect(await run('al2-support-status', { files: { '/etc/os-release': OS_RELEASE_AL2023 } })).toMatchObject({ status: 'skip', reason: 'not Amazon Linux 2 (Amazon Linux 2023.6.20241121)' });
    expect(await run('al2-support-status', { files: { '/etc/os-release': OS_RELEASE_TRIXIE } })).toMatchObject({ status: 'skip', reason: 'not Amazon Linux 2 (Debian GNU/Linux 13 (trixie))' });
  });

  it('skips without /etc/os-release (a distroless image)', async () => {
    expect(await run('al2-support-status', {})).toMatchObject({ status: 'skip', reason: 'no /etc/os-release in the image' });
  });
});

describe('al2-openssl-fips-build', () => {
  it('passes for 1.0.2k-fips, saying it is FIPS-capable, not proof that FIPS is on', async () => {
    const v = await run('al2-openssl-fips-build', { recording: { 'openssl version': { stdout: AL2_OPENSSL_VERSION } } });
    expect(v).toMatchObject({ status: 'pass', reason: 'OpenSSL 1.0.2k-fips  26 Jan 2017: FIPS-capable; whether FIPS is on is checked by al2-md5-refused', command: ['openssl', 'version'] });
  });

  it('fails for an OpenSSL without the -fips suffix', async () => {
    const v = await run('al2-openssl-fips-build', { recording: { 'openssl version': { stdout: TRIXIE_OPENSSL_VERSION } } });
    expect(v).toMatchObject({ status: 'fail', reason: 'OpenSSL 3.5.9 29 Sep 2026 (Library: OpenSSL 3.5.9 29 Sep 2026) is not a -fips build' });
  });

  it('fails when openssl is missing or hangs', async () => {
    expect(await run('al2-openssl-fips-build', { recording: { 'openssl version': notFound('openssl') } })).toMatchObject({ status: 'fail', reason: expect.stringMatching(/^openssl cannot be run in this image \(exit code 126\)/) });
    expect(await run('al2-openssl-fips-build', { recording: { 'openssl version': TIMED_OUT } })).toMatchObject({ status: 'fail', reason: 'timeout: openssl did not finish' });
  });
});

describe('al2-dracut-fips-installed', () => {
  const RPM = 'rpm -q dracut-fips';

  it('passes when rpm names the installed package', async () => {
    expect(await run('al2-dracut-fips-installed', { recording: { [RPM]: { stdout: DRACUT_FIPS_INSTALLED } } })).toMatchObject({ status: 'pass', reason: 'dracut-fips-033-535.amzn2.1.3.x86_64' });
  });

  it('fails with rpm\'s own words when it is not installed', async () => {
    const v = await run('al2-dracut-fips-installed', { recording: { [RPM]: { exitCode: 1, stdout: DRACUT_FIPS_MISSING } } });
    expect(v).toMatchObject({ status: 'fail', reason: 'package dracut-fips is not installed', exitCode: 1 });
  });

  it('fails with a default reason when rpm says nothing', async () => {
    expect(await run('al2-dracut-fips-installed', { recording: { [RPM]: { exitCode: 1 } } })).toMatchObject({ status: 'fail', reason: 'dracut-fips is not installed' });
  });

  it('fails when the image has no rpm (not an Amazon Linux image)', async () => {
    expect(await run('al2-dracut-fips-installed', { recording: { [RPM]: notFound('rpm') } })).toMatchObject({ status: 'fail', reason: expect.stringMatching(/^rpm cannot be run in this image \(exit code 126\)/) });
  });
});

describe('al2-openssl-fips-env', () => {
  it('passes with ENV OPENSSL_FIPS=1, reading only the image configuration', async () => {
    const probe = fakeProbe({ image: { env: { OPENSSL_FIPS: '1' } } });
    const v = await (await check('al2-openssl-fips-env')).run(probe);
    expect(v).toEqual({ status: 'pass', reason: 'OPENSSL_FIPS=1: OpenSSL 1.0.2-fips enters FIPS mode at start', command: [], exitCode: null, stdout: 'OPENSSL_FIPS=1', stderr: '', durationMs: 0 });
    expect(probe.ran).toEqual([]);
  });

  it('fails when it is not set', async () => {
    expect(await run('al2-openssl-fips-env', {})).toMatchObject({
      status: 'fail',
      reason: 'OPENSSL_FIPS is not set: OpenSSL 1.0.2-fips stays out of FIPS mode unless the host kernel is in FIPS mode',
      stdout: '',
    });
  });

  it('fails on another value', async () => {
    expect(await run('al2-openssl-fips-env', { image: { env: { OPENSSL_FIPS: 'yes' } } })).toMatchObject({ status: 'fail', reason: 'OPENSSL_FIPS=yes, not 1', stdout: 'OPENSSL_FIPS=yes' });
  });
});

describe('al2-md5-refused', () => {
  const MD5 = 'openssl md5 /dev/null';

  it('passes when OpenSSL says MD5 is disabled for FIPS', async () => {
    const v = await run('al2-md5-refused', { recording: { [MD5]: { exitCode: 1, stderr: AL2_MD5_REFUSED_STDERR } } });
    expect(v).toMatchObject({ status: 'pass', reason: 'Error setting digest md5', exitCode: 1 });
  });

  it('fails when MD5 is computed', async () => {
    expect(await run('al2-md5-refused', { recording: { [MD5]: { stdout: AL2_MD5_COMPUTED } } })).toMatchObject({ status: 'fail', reason: 'MD5 computed: OpenSSL is not in FIPS mode' });
  });

  it('fails on any other answer', async () => {
    const v = await run('al2-md5-refused', { recording: { [MD5]: { exitCode: 1, stderr: 'md5: Use -help for summary.\n' } } });
    expect(v).toMatchObject({ status: 'fail', reason: 'unexpected result (exit code 1): md5: Use -help for summary.' });
  });

  it('fails when openssl is missing or hangs', async () => {
    expect((await run('al2-md5-refused', { recording: { [MD5]: notFound('openssl') } })).status).toBe('fail');
    expect(await run('al2-md5-refused', { recording: { [MD5]: TIMED_OUT } })).toMatchObject({ status: 'fail', reason: 'timeout: openssl did not finish' });
  });
});
