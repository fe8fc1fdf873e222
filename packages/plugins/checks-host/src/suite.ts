import { defineSuite, evidenceOf, metadataVerdict, NOT_RUNNABLE, type CheckDefinition, type CheckVerdict, type ProbeContext } from '@fipsyard/plugin-api';

const FLAG = '/proc/sys/crypto/fips_enabled';

/** The kernel flag as the container sees it (the host's own): read as a file, no shell needed. */
async function readFlag(probe: ProbeContext): Promise<{ value?: string; verdict?: CheckVerdict }> {
  const out = await probe.exec(['cat', FLAG]);
  if (out.timedOut) return { verdict: { ...evidenceOf(out), status: 'fail', reason: `timeout: reading ${FLAG} did not finish` } };
  if (out.exitCode === 0) return { value: out.stdout.trim(), verdict: undefined };
  if (out.exitCode !== null && NOT_RUNNABLE.has(out.exitCode)) {
    // No cat in the image: /proc is not in the image's filesystem, so the archive API cannot read it.
    return { verdict: metadataVerdict('skip', `host-dependent: cannot read ${FLAG} (no cat in the image)`) };
  }
  return { verdict: { ...evidenceOf(out), status: 'skip', reason: `host-dependent: the host kernel (${probe.engine.kernelVersion || 'unknown'}) has no ${FLAG}: no kernel FIPS mode; recorded, not judged` } };
}

export const kernelFlagCheck: CheckDefinition = {
  id: 'kernel-fips-enabled',
  title: 'Host kernel FIPS flag (host-dependent)',
  severity: 'information',
  controls: ['NIST 800-53 SC-13'],
  rationale: 'Images that inherit FIPS mode from the kernel (UBI, Amazon Linux 2023) are in FIPS mode only on a FIPS host.',
  async run(probe) {
    const { value, verdict } = await readFlag(probe);
    if (verdict) return { ...verdict, hostDependent: true };
    const host = `host kernel ${probe.engine.kernelVersion || 'unknown'}`;
    const ev = { command: ['cat', FLAG], exitCode: 0, stdout: `${value}\n`, stderr: '', durationMs: 0, hostDependent: true };
    if (value === '1') return { ...ev, status: 'pass', reason: `host-dependent: ${host} is in FIPS mode (fips_enabled=1)` };
    return { ...ev, status: 'warn', reason: `host-dependent: ${host} is not in FIPS mode (fips_enabled=${value}); images that inherit FIPS mode from the kernel are not in FIPS mode on this host` };
  },
};

export const hostFactsCheck: CheckDefinition = {
  id: 'host-facts',
  title: 'Host kernel and Docker Engine recorded',
  severity: 'information',
  async run(probe) {
    const e = probe.engine;
    return {
      ...metadataVerdict('pass', `kernel ${e.kernelVersion}, Docker ${e.serverVersion} (API ${e.apiVersion}), ${e.operatingSystem}, ${e.architecture}`, JSON.stringify(e, null, 2)),
      hostDependent: true,
    };
  },
};

export const hostSuite = defineSuite({
  name: 'host',
  description: 'The host kernel FIPS flag, kernel version and Docker version, recorded with every image; verdicts that depend on them say "host-dependent"',
  checkIds: [kernelFlagCheck.id, hostFactsCheck.id],
  expand: () => [kernelFlagCheck, hostFactsCheck],
});
