import { defineSuite, type CheckDefinition, type ProbeContext, type ProbeOutput } from '@fipsyard/plugin-api';
import type { CheckResult } from '@fipsyard/core';
import { NOT_RUNNABLE } from '../command-check.js';
import { isFipsProvider, parseProviders } from '../providers.js';

type Verdict = Omit<CheckResult, 'id' | 'title' | 'suite'>;

function evidence(out: ProbeOutput): Pick<Verdict, 'command' | 'exitCode' | 'stdout' | 'stderr' | 'durationMs'> {
  return { command: out.command, exitCode: out.exitCode, stdout: out.stdout, stderr: out.stderr, durationMs: out.durationMs };
}

function notRunnable(out: ProbeOutput): string | undefined {
  if (out.timedOut) return 'timeout: openssl did not finish';
  if (out.exitCode !== null && NOT_RUNNABLE.has(out.exitCode)) return `openssl cannot be run in this image (exit code ${out.exitCode}); it is needed to prove FIPS mode`;
  return undefined;
}

/** The FIPS provider is loaded and active: judged from what openssl prints, not its exit code. */
const providerActive: CheckDefinition = {
  id: 'openssl-fips-provider-active',
  title: 'OpenSSL FIPS provider is present and active',
  async run(probe: ProbeContext): Promise<Verdict> {
    const out = await probe.exec(['openssl', 'list', '-providers']);
    const bad = notRunnable(out);
    if (bad) return { ...evidence(out), status: 'fail', reason: bad };
    const providers = parseProviders(out.stdout);
    const fips = providers.filter(isFipsProvider);
    const listed = providers.map((p) => `${p.id} (${p.status || 'no status'})`).join(', ') || 'none';
    if (fips.length === 0) return { ...evidence(out), status: 'fail', reason: `no FIPS provider loaded; providers: ${listed}` };
    const active = fips.find((p) => p.status === 'active');
    if (!active) return { ...evidence(out), status: 'fail', reason: `FIPS provider present but not active; providers: ${listed}` };
    return { ...evidence(out), status: 'pass', reason: `${active.name} ${active.version} active; providers: ${listed}` };
  },
};

/** MD5 is not FIPS-approved: an enforcing configuration refuses it. */
const md5Refused: CheckDefinition = {
  id: 'openssl-md5-refused',
  title: 'MD5 is refused by openssl',
  async run(probe): Promise<Verdict> {
    const out = await probe.exec(['openssl', 'dgst', '-md5', '/dev/null']);
    const bad = notRunnable(out);
    if (bad) return { ...evidence(out), status: 'fail', reason: bad };
    if (out.exitCode === 0 && /[0-9a-f]{32}/i.test(out.stdout)) {
      return { ...evidence(out), status: 'fail', reason: 'MD5 was computed: the FIPS provider is not enforced (default_properties fips=yes missing, or the default provider active)' };
    }
    if (out.exitCode !== 0 && /unsupported|disabled|not supported|fetch/i.test(out.stderr)) {
      return { ...evidence(out), status: 'pass', reason: 'MD5 refused as unsupported' };
    }
    return { ...evidence(out), status: 'fail', reason: `unexpected result (exit code ${out.exitCode}); MD5 neither computed nor refused as unsupported` };
  },
};

const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

/** An approved digest still works: FIPS mode did not just break all crypto. */
const sha256Works: CheckDefinition = {
  id: 'openssl-sha256-works',
  title: 'SHA-256 works in openssl',
  async run(probe): Promise<Verdict> {
    const out = await probe.exec(['openssl', 'dgst', '-sha256', '/dev/null']);
    const bad = notRunnable(out);
    if (bad) return { ...evidence(out), status: 'fail', reason: bad };
    if (out.exitCode === 0 && out.stdout.toLowerCase().includes(EMPTY_SHA256)) return { ...evidence(out), status: 'pass' };
    return { ...evidence(out), status: 'fail', reason: `SHA-256 of empty input not computed (exit code ${out.exitCode}): crypto is broken, not just restricted` };
  },
};

/** OPENSSL_FIPS=1 only mattered to OpenSSL 1.0.2-fips; OpenSSL 3 ignores it. Never a verdict. */
const opensslFipsEnv: CheckDefinition = {
  id: 'openssl-fips-env',
  title: 'OPENSSL_FIPS in the image environment (information only)',
  async run(probe): Promise<Verdict> {
    const value = probe.image.env['OPENSSL_FIPS'];
    const stdout = value === undefined ? '' : `OPENSSL_FIPS=${value}`;
    const reason =
      value === undefined
        ? 'information: OPENSSL_FIPS is not set; OpenSSL 3 does not use it'
        : `information: OPENSSL_FIPS=${value} is set; OpenSSL 3 ignores it, only the provider checks prove FIPS mode`;
    return { status: 'pass', severity: 'information', reason, command: [], exitCode: null, stdout, stderr: '', durationMs: 0 };
  },
};

/** The kernel flag belongs to the host: containers cannot change it, images inheriting FIPS mode read it. */
const kernelFlag: CheckDefinition = {
  id: 'kernel-fips-enabled',
  title: 'Host kernel FIPS flag (host-dependent)',
  async run(probe): Promise<Verdict> {
    const out = await probe.exec(['cat', '/proc/sys/crypto/fips_enabled']);
    const host = `host kernel ${probe.engine.kernelVersion || 'unknown'}`;
    const base = { ...evidence(out), severity: 'information' as const };
    if (out.timedOut) return { ...base, status: 'fail', reason: 'timeout: reading /proc/sys/crypto/fips_enabled did not finish' };
    if (out.exitCode === 0) {
      const v = out.stdout.trim();
      if (v === '1') return { ...base, status: 'pass', reason: `host-dependent: ${host} is in FIPS mode (fips_enabled=1)` };
      return { ...base, status: 'warn', reason: `host-dependent: ${host} is not in FIPS mode (fips_enabled=${v}); images that inherit FIPS mode from the kernel are not in FIPS mode on this host` };
    }
    if (out.exitCode !== null && NOT_RUNNABLE.has(out.exitCode)) return { ...base, status: 'skip', reason: 'host-dependent: cannot read the flag (no cat in the image)' };
    return { ...base, status: 'skip', reason: `host-dependent: ${host} has no /proc/sys/crypto/fips_enabled (no kernel FIPS support); recorded, not judged` };
  },
};

export const opensslFipsSuite = defineSuite({
  name: 'openssl-fips',
  description: 'OpenSSL 3 FIPS provider active and enforced; OPENSSL_FIPS and the host kernel flag recorded as information',
  checks: () => [providerActive, md5Refused, sha256Works, opensslFipsEnv, kernelFlag],
});
