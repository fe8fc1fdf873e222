import { describe, expect, it } from 'vitest';
import { hostFactsCheck, hostSuite, kernelFlagCheck } from '@fipsyard/checks-host';
import { ENGINE, TIMED_OUT, fakeProbe, notFound, type Answer } from '@fipsyard/plugin-api/testing';

const FLAG = 'cat /proc/sys/crypto/fips_enabled';
/** This machine's kernel has no /proc/sys/crypto at all (recorded with `cat` in fipsyard/fips-base). */
const FLAG_MISSING: Answer = { exitCode: 1, stderr: 'cat: /proc/sys/crypto/fips_enabled: No such file or directory\n' };

const flag = (answer: Answer, kernelVersion = ENGINE.kernelVersion) => kernelFlagCheck.run(fakeProbe({ recording: { [FLAG]: answer }, engine: { kernelVersion } }));

describe('the host suite', () => {
  it('has the kernel flag and the host facts, both information only', async () => {
    expect(hostSuite.name).toBe('host');
    expect(hostSuite.checkIds).toEqual(['kernel-fips-enabled', 'host-facts']);
    const defs = await hostSuite.expand(fakeProbe(), {});
    expect(defs.map((d) => [d.id, d.severity])).toEqual([
      ['kernel-fips-enabled', 'information'],
      ['host-facts', 'information'],
    ]);
    expect(kernelFlagCheck.controls).toEqual(['NIST 800-53 SC-13']);
    expect(kernelFlagCheck.rationale).toMatch(/inherit FIPS mode from the kernel/);
  });
});

describe('kernel-fips-enabled', () => {
  it('passes on a host in FIPS mode (flag 1), saying the verdict is host-dependent', async () => {
    const v = await flag({ stdout: '1\n' }, '5.14.0-427.18.1.el9_4.x86_64');
    expect(v).toEqual({
      status: 'pass',
      reason: 'host-dependent: host kernel 5.14.0-427.18.1.el9_4.x86_64 is in FIPS mode (fips_enabled=1)',
      command: ['cat', '/proc/sys/crypto/fips_enabled'],
      exitCode: 0,
      stdout: '1\n',
      stderr: '',
      durationMs: 0,
      hostDependent: true,
    });
  });

  it('warns on a host not in FIPS mode (flag 0)', async () => {
    const v = await flag({ stdout: '0\n' }, '5.14.0-427.18.1.el9_4.x86_64');
    expect(v).toMatchObject({ status: 'warn', hostDependent: true, stdout: '0\n' });
    expect(v.reason).toBe(
      'host-dependent: host kernel 5.14.0-427.18.1.el9_4.x86_64 is not in FIPS mode (fips_enabled=0); images that inherit FIPS mode from the kernel are not in FIPS mode on this host',
    );
  });

  it('skips, recording the kernel, when the host kernel has no flag at all', async () => {
    const v = await flag(FLAG_MISSING);
    expect(v).toMatchObject({
      status: 'skip',
      reason: 'host-dependent: the host kernel (6.1.0-28-cloud-amd64) has no /proc/sys/crypto/fips_enabled: no kernel FIPS mode; recorded, not judged',
      hostDependent: true,
      exitCode: 1,
      stderr: FLAG_MISSING.stderr,
    });
  });

  it('says "unknown" when the engine did not report a kernel', async () => {
    expect((await flag(FLAG_MISSING, '')).reason).toMatch(/^host-dependent: the host kernel \(unknown\) has no/);
    expect((await flag({ stdout: '1\n' }, '')).reason).toBe('host-dependent: host kernel unknown is in FIPS mode (fips_enabled=1)');
  });

  it('fails on a timeout', async () => {
    const v = await flag(TIMED_OUT);
    expect(v).toMatchObject({ status: 'fail', reason: 'timeout: reading /proc/sys/crypto/fips_enabled did not finish', hostDependent: true, exitCode: null });
  });

  it('skips when the image has no cat to read the flag with', async () => {
    const v = await flag(notFound('cat'));
    expect(v).toMatchObject({ status: 'skip', reason: 'host-dependent: cannot read /proc/sys/crypto/fips_enabled (no cat in the image)', hostDependent: true, command: [] });
  });
});

describe('host-facts', () => {
  it('records the kernel and the Docker Engine, running nothing', async () => {
    const probe = fakeProbe();
    const v = await hostFactsCheck.run(probe);
    expect(v).toEqual({
      status: 'pass',
      reason: 'kernel 6.1.0-28-cloud-amd64, Docker 20.10.24+dfsg1 (API 1.41), Debian GNU/Linux 12 (bookworm), x86_64',
      command: [],
      exitCode: null,
      stdout: JSON.stringify(ENGINE, null, 2),
      stderr: '',
      durationMs: 0,
      hostDependent: true,
    });
    expect(probe.ran).toEqual([]);
  });
});
