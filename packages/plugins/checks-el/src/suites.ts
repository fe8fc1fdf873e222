import { defineSuite, evidenceOf, firstLine, metadataVerdict, unrunnable, type CheckDefinition } from '@fipsyard/plugin-api';
import { parseOsRelease } from './os-release.js';

/** Amazon Linux 2 support and module status, from /etc/os-release (no shell needed). */
const al2Status: CheckDefinition = {
  id: 'al2-support-status',
  title: 'Amazon Linux 2 support and FIPS module status',
  rationale: 'Amazon Linux 2 reached end of support on 2026-06-30; its OpenSSL 1.0.2k-fips module is FIPS 140-2 only, historical since 2026-09-21.',
  async run(probe) {
    const text = (await probe.readFile('/etc/os-release'))?.toString('utf8');
    if (text === undefined) return metadataVerdict('skip', 'no /etc/os-release in the image');
    const os = parseOsRelease(text);
    if (os['ID'] !== 'amzn' || os['VERSION_ID'] !== '2') return metadataVerdict('skip', `not Amazon Linux 2 (${os['PRETTY_NAME'] ?? os['ID'] ?? 'unknown'})`, text);
    return metadataVerdict('warn', 'Amazon Linux 2: end of support 2026-06-30; OpenSSL 1.0.2k-fips is FIPS 140-2 only, historical since 2026-09-21; move to a FIPS 140-3 module (e.g. Amazon Linux 2023 on a FIPS host)', text);
  },
};

const al2OpensslFipsBuild: CheckDefinition = {
  id: 'al2-openssl-fips-build',
  title: 'openssl is a -fips build (FIPS-capable, not proof that FIPS is on)',
  async run(probe) {
    const out = await probe.exec(['openssl', 'version']);
    const bad = unrunnable(out, 'openssl', 'fail');
    if (bad) return bad;
    if (/-fips\b/.test(out.stdout)) return { ...evidenceOf(out), status: 'pass', reason: `${firstLine(out.stdout)}: FIPS-capable; whether FIPS is on is checked by al2-md5-refused` };
    return { ...evidenceOf(out), status: 'fail', reason: `${firstLine(out.stdout)} is not a -fips build` };
  },
};

const al2DracutFips: CheckDefinition = {
  id: 'al2-dracut-fips-installed',
  title: 'dracut-fips is installed',
  rationale: 'On Amazon Linux 2, dracut-fips provides the FIPS boot support; inside a container it changes nothing by itself (the host boots with fips=1).',
  async run(probe) {
    const out = await probe.exec(['rpm', '-q', 'dracut-fips']);
    const bad = unrunnable(out, 'rpm', 'fail');
    if (bad) return bad;
    if (out.exitCode === 0 && /^dracut-fips-/m.test(out.stdout)) return { ...evidenceOf(out), status: 'pass', reason: firstLine(out.stdout) };
    return { ...evidenceOf(out), status: 'fail', reason: firstLine(out.stdout || out.stderr) || 'dracut-fips is not installed' };
  },
};

const al2OpensslFipsEnv: CheckDefinition = {
  id: 'al2-openssl-fips-env',
  title: 'OPENSSL_FIPS=1 in the image environment (OpenSSL 1.0.2-fips reads it)',
  async run(probe) {
    const v = probe.image.env['OPENSSL_FIPS'];
    if (v === '1') return metadataVerdict('pass', 'OPENSSL_FIPS=1: OpenSSL 1.0.2-fips enters FIPS mode at start', 'OPENSSL_FIPS=1');
    return metadataVerdict('fail', v === undefined ? 'OPENSSL_FIPS is not set: OpenSSL 1.0.2-fips stays out of FIPS mode unless the host kernel is in FIPS mode' : `OPENSSL_FIPS=${v}, not 1`, v === undefined ? '' : `OPENSSL_FIPS=${v}`);
  },
};

const al2Md5Refused: CheckDefinition = {
  id: 'al2-md5-refused',
  title: 'MD5 is refused by OpenSSL 1.0.2-fips (FIPS mode on)',
  controls: ['NIST 800-53 SC-13'],
  async run(probe) {
    const out = await probe.exec(['openssl', 'md5', '/dev/null']);
    const bad = unrunnable(out, 'openssl', 'fail');
    if (bad) return bad;
    if (out.exitCode === 0 && /[0-9a-f]{32}/.test(out.stdout)) return { ...evidenceOf(out), status: 'fail', reason: 'MD5 computed: OpenSSL is not in FIPS mode' };
    if (/disabled for fips|fips/i.test(out.stderr)) return { ...evidenceOf(out), status: 'pass', reason: firstLine(out.stderr) };
    return { ...evidenceOf(out), status: 'fail', reason: `unexpected result (exit code ${out.exitCode}): ${firstLine(out.stderr)}` };
  },
};

const AL2 = [al2Status, al2OpensslFipsBuild, al2DracutFips, al2OpensslFipsEnv, al2Md5Refused];

export const al2Suite = defineSuite({
  name: 'al2',
  description: 'Amazon Linux 2 style FIPS (OpenSSL 1.0.2k-fips, dracut-fips, OPENSSL_FIPS=1), with its end-of-support and 140-2 status',
  checkIds: AL2.map((c) => c.id),
  expand: () => AL2,
});

const elCryptoPolicy: CheckDefinition = {
  id: 'el-crypto-policy',
  title: 'System-wide crypto policy (information only inside containers)',
  severity: 'information',
  rationale: 'RHEL, UBI and Amazon Linux 2023 containers inherit FIPS mode from the host kernel; update-crypto-policies --show inside a container can be wrong.',
  async run(probe) {
    const out = await probe.exec(['update-crypto-policies', '--show']);
    const bad = unrunnable(out, 'update-crypto-policies', 'skip');
    if (bad) return bad;
    const policy = firstLine(out.stdout);
    if (out.exitCode === 0 && /^FIPS(:|$)/.test(policy)) return { ...evidenceOf(out), status: 'pass', reason: `information: crypto policy ${policy}` };
    return { ...evidenceOf(out), status: 'warn', reason: `information: crypto policy ${policy || 'unknown'} (inside a container this may not reflect the host's FIPS mode)` };
  },
};

const elFipsModeSetup: CheckDefinition = {
  id: 'el-fips-mode-setup',
  title: 'fips-mode-setup --check (information; removed in RHEL 10)',
  severity: 'information',
  async run(probe) {
    const out = await probe.exec(['fips-mode-setup', '--check']);
    const bad = unrunnable(out, 'fips-mode-setup', 'skip');
    if (bad) return bad;
    const text = `${out.stdout}\n${out.stderr}`;
    // The verdict line, not the first one (RHEL 9 containers start with an installation notice).
    const verdict = text.split(/\r?\n/).find((l) => /FIPS mode is (enabled|disabled)/i.test(l))?.trim();
    if (verdict && /enabled/i.test(verdict)) return { ...evidenceOf(out), status: 'pass', reason: `information: ${verdict} (host-dependent: it reads the host kernel flag)`, hostDependent: true };
    return { ...evidenceOf(out), status: 'warn', reason: `information: ${verdict ?? (firstLine(text) || 'FIPS mode not reported enabled')} (host-dependent inside containers)`, hostDependent: true };
  },
};

const elOs: CheckDefinition = {
  id: 'el-os-release',
  title: 'Enterprise Linux release (information)',
  severity: 'information',
  async run(probe) {
    const text = (await probe.readFile('/etc/os-release'))?.toString('utf8');
    if (text === undefined) return metadataVerdict('skip', 'no /etc/os-release in the image');
    const os = parseOsRelease(text);
    const family = `${os['ID'] ?? ''} ${os['ID_LIKE'] ?? ''}`;
    if (!/rhel|fedora|centos|amzn|rocky|almalinux|ol\b/.test(family)) return metadataVerdict('skip', `not an Enterprise Linux image (${os['PRETTY_NAME'] ?? os['ID'] ?? 'unknown'})`, text);
    return metadataVerdict('pass', `${os['PRETTY_NAME'] ?? family.trim()}: FIPS mode comes from the host kernel (see kernel-fips-enabled)`, text);
  },
};

const EL = [elOs, elCryptoPolicy, elFipsModeSetup];

export const elSuite = defineSuite({
  name: 'el',
  description: 'RHEL / UBI / Amazon Linux 2023: release, crypto policy and fips-mode-setup, as information (FIPS mode is inherited from the host kernel)',
  checkIds: EL.map((c) => c.id),
  expand: () => EL,
});
