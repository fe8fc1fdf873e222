import { describe, expect, it } from 'vitest';
import { elSuite, parseOsRelease } from '@fipsyard/checks-el';
import type { CheckDefinition } from '@fipsyard/plugin-api';
import { TIMED_OUT, fakeProbe, notFound, type FakeProbeOptions } from '@fipsyard/plugin-api/testing';
import { FIPS_MODE_SETUP_DISABLED, FIPS_MODE_SETUP_ENABLED, OS_RELEASE_AL2, OS_RELEASE_AL2023, OS_RELEASE_TRIXIE, OS_RELEASE_UBI9 } from './recorded.js';

async function check(id: string): Promise<CheckDefinition> {
  const def = (await elSuite.expand(fakeProbe(), {})).find((c) => c.id === id);
  if (!def) throw new Error(`el has no check ${id}`);
  return def;
}

const run = async (id: string, options: FakeProbeOptions) => (await check(id)).run(fakeProbe(options));
const POLICY = 'update-crypto-policies --show';
const SETUP = 'fips-mode-setup --check';

describe('the el suite', () => {
  it('has three information checks', async () => {
    const defs = await elSuite.expand(fakeProbe(), {});
    expect(defs.map((d) => [d.id, d.severity])).toEqual([
      ['el-os-release', 'information'],
      ['el-crypto-policy', 'information'],
      ['el-fips-mode-setup', 'information'],
    ]);
    expect([...elSuite.checkIds]).toEqual(defs.map((d) => d.id));
  });
});

describe('el-os-release', () => {
  it.each([
    ['UBI 9', OS_RELEASE_UBI9, 'Red Hat Enterprise Linux 9.4 (Plow)'],
    ['Amazon Linux 2023', OS_RELEASE_AL2023, 'Amazon Linux 2023.6.20241121'],
    ['Amazon Linux 2', OS_RELEASE_AL2, 'Amazon Linux 2'],
  ])('passes on %s, pointing at the kernel flag', async (_name, text, pretty) => {
    const v = await run('el-os-release', { files: { '/etc/os-release': text } });
    expect(v).toMatchObject({ status: 'pass', reason: `${pretty}: FIPS mode comes from the host kernel (see kernel-fips-enabled)`, stdout: text, command: [] });
  });

  it('skips on Debian', async () => {
    expect(await run('el-os-release', { files: { '/etc/os-release': OS_RELEASE_TRIXIE } })).toMatchObject({ status: 'skip', reason: 'not an Enterprise Linux image (Debian GNU/Linux 13 (trixie))' });
  });

  it('skips without /etc/os-release', async () => {
    expect(await run('el-os-release', {})).toMatchObject({ status: 'skip', reason: 'no /etc/os-release in the image' });
  });
});

describe('el-crypto-policy', () => {
  it('passes, as information, when the policy is FIPS', async () => {
    const v = await run('el-crypto-policy', { recording: { [POLICY]: { stdout: 'FIPS\n' } } });
    expect(v).toMatchObject({ status: 'pass', reason: 'information: crypto policy FIPS', command: ['update-crypto-policies', '--show'] });
  });

  it('passes for a FIPS sub-policy', async () => {
    expect(await run('el-crypto-policy', { recording: { [POLICY]: { stdout: 'FIPS:OSPP\n' } } })).toMatchObject({ status: 'pass', reason: 'information: crypto policy FIPS:OSPP' });
  });

  it('warns on DEFAULT (UBI 9 or Amazon Linux 2023 on a non-FIPS host), saying it may not reflect the host', async () => {
    const v = await run('el-crypto-policy', { recording: { [POLICY]: { stdout: 'DEFAULT\n' } } });
    expect(v).toMatchObject({ status: 'warn', reason: "information: crypto policy DEFAULT (inside a container this may not reflect the host's FIPS mode)" });
  });

  it('warns when the command prints nothing', async () => {
    expect((await run('el-crypto-policy', { recording: { [POLICY]: { exitCode: 1 } } })).reason).toMatch(/^information: crypto policy unknown/);
  });

  it('skips when the image has no update-crypto-policies (Debian)', async () => {
    const v = await run('el-crypto-policy', { recording: { [POLICY]: notFound('update-crypto-policies') } });
    expect(v.status).toBe('skip');
    expect(v.reason).toMatch(/^update-crypto-policies cannot be run in this image \(exit code 126\)/);
  });

  it('fails on a timeout (information, so it never fails a run)', async () => {
    expect(await run('el-crypto-policy', { recording: { [POLICY]: TIMED_OUT } })).toMatchObject({ status: 'fail', reason: 'timeout: update-crypto-policies did not finish' });
  });
});

describe('el-fips-mode-setup', () => {
  it('passes when it reports FIPS mode enabled (a UBI 9 container on a FIPS host)', async () => {
    const v = await run('el-fips-mode-setup', { recording: { [SETUP]: { exitCode: 1, stdout: FIPS_MODE_SETUP_ENABLED } } });
    expect(v.status).toBe('pass');
    expect(v.reason).toMatch(/^information: /);
  });

  it('says its pass is host-dependent too', async () => {
    const v = await run('el-fips-mode-setup', { recording: { [SETUP]: { exitCode: 1, stdout: FIPS_MODE_SETUP_ENABLED } } });
    expect(v.hostDependent).toBe(true);
  });

  it('quotes the line that says FIPS mode is enabled', async () => {
    const v = await run('el-fips-mode-setup', { recording: { [SETUP]: { exitCode: 1, stdout: FIPS_MODE_SETUP_ENABLED } } });
    expect(v.reason).toMatch(/FIPS mode is enabled/);
  });

  it('quotes the line that says FIPS mode is disabled', async () => {
    const v = await run('el-fips-mode-setup', { recording: { [SETUP]: { exitCode: 2, stdout: FIPS_MODE_SETUP_DISABLED } } });
    expect(v.reason).toMatch(/FIPS mode is disabled/);
  });

  it('warns, host-dependent, when FIPS mode is disabled', async () => {
    const v = await run('el-fips-mode-setup', { recording: { [SETUP]: { exitCode: 2, stdout: FIPS_MODE_SETUP_DISABLED } } });
    expect(v).toMatchObject({
      status: 'warn',
      reason: 'information: FIPS mode is disabled. (host-dependent inside containers)',
      hostDependent: true,
      exitCode: 2,
    });
  });

  it('warns with a default reason when it prints nothing', async () => {
    expect(await run('el-fips-mode-setup', { recording: { [SETUP]: { exitCode: 1 } } })).toMatchObject({ status: 'warn', reason: 'information: FIPS mode not reported enabled (host-dependent inside containers)' });
  });

  it('skips where the command does not exist (RHEL 10, Debian)', async () => {
    const v = await run('el-fips-mode-setup', { recording: { [SETUP]: notFound('fips-mode-setup') } });
    expect(v.status).toBe('skip');
    expect(v.reason).toMatch(/^fips-mode-setup cannot be run in this image \(exit code 126\)/);
  });

  it('fails on a timeout', async () => {
    expect(await run('el-fips-mode-setup', { recording: { [SETUP]: TIMED_OUT } })).toMatchObject({ status: 'fail', reason: 'timeout: fips-mode-setup did not finish' });
  });
});

describe('parseOsRelease', () => {
  it('reads KEY=value pairs, unquoting values and skipping blank lines', () => {
    const os = parseOsRelease(OS_RELEASE_UBI9);
    expect([os['ID'], os['ID_LIKE'], os['VERSION_ID'], os['REDHAT_BUGZILLA_PRODUCT_VERSION']]).toEqual(['rhel', 'fedora', '9.4', '9.4']);
    expect(parseOsRelease(OS_RELEASE_TRIXIE)['VERSION_CODENAME']).toBe('trixie');
  });

  it('accepts single quotes and CRLF', () => {
    expect(parseOsRelease("ID='amzn'\r\nVERSION_ID='2'\r\n")).toEqual({ ID: 'amzn', VERSION_ID: '2' });
  });
});
