import { defineSuite, evidenceOf, firstLine, metadataVerdict, unrunnable, type CheckDefinition, type CheckVerdict, type ProbeContext } from '@fipsyard/plugin-api';
import { configPath, corruptModuleMac, fipsModuleInclude, parseVersionDirs } from './config.js';
import { isFipsProvider, parseProviders } from './providers.js';

const SC13 = ['NIST 800-53 SC-13'];
const EMPTY = { sha256: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855', sha512: 'cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce' };

/** openssl missing from the image: these checks cannot prove anything, so they fail. */
async function openssl(probe: ProbeContext, argv: string[], env?: Record<string, string>) {
  const out = await probe.exec(['openssl', ...argv], env ? { env } : {});
  return { out, bad: unrunnable(out, 'openssl', 'fail') };
}

function confHint(probe: ProbeContext): string {
  const c = probe.image.env['OPENSSL_CONF'];
  return c ? ` (the image sets OPENSSL_CONF=${c}${c === '/dev/null' ? ', which disables every configuration, FIPS included' : ''})` : '';
}

const providerActive: CheckDefinition = {
  id: 'openssl-fips-provider-active',
  title: 'OpenSSL FIPS provider is present and active',
  controls: SC13,
  rationale: 'Only the FIPS provider implements FIPS-approved algorithms with self-tests; it must be loaded and active.',
  async run(probe) {
    const { out, bad } = await openssl(probe, ['list', '-providers']);
    if (bad) return bad;
    const providers = parseProviders(out.stdout);
    const listed = providers.map((p) => `${p.id} (${p.status || 'no status'})`).join(', ') || 'none';
    const fips = providers.filter(isFipsProvider);
    if (fips.length === 0) return { ...evidenceOf(out), status: 'fail', reason: `no FIPS provider loaded; providers: ${listed}${confHint(probe)}` };
    const active = fips.find((p) => p.status === 'active');
    if (!active) return { ...evidenceOf(out), status: 'fail', reason: `FIPS provider present but not active (activate = 1 missing in its section); providers: ${listed}` };
    return { ...evidenceOf(out), status: 'pass', reason: `${active.name} ${active.version} active; providers: ${listed}` };
  },
};

const defaultInactive: CheckDefinition = {
  id: 'openssl-default-provider-inactive',
  title: 'OpenSSL default provider is not active beside FIPS',
  controls: SC13,
  rationale: 'With the default provider active, any fetch without fips=yes silently gets non-FIPS implementations.',
  async run(probe) {
    const { out, bad } = await openssl(probe, ['list', '-providers']);
    if (bad) return bad;
    const def = parseProviders(out.stdout).find((p) => p.id === 'default');
    if (def?.status === 'active') return { ...evidenceOf(out), status: 'fail', reason: `the default provider is active (${def.name} ${def.version}): non-FIPS implementations are reachable` };
    return { ...evidenceOf(out), status: 'pass', reason: def ? `default provider listed with status ${def.status || 'none'}` : 'default provider not loaded' };
  },
};

function refused(id: string, title: string, argv: string[], computed: RegExp): CheckDefinition {
  return {
    id,
    title,
    controls: SC13,
    rationale: 'An enforcing FIPS configuration refuses algorithms that are not approved.',
    async run(probe) {
      const { out, bad } = await openssl(probe, argv);
      if (bad) return bad;
      if (out.exitCode === 0 && computed.test(out.stdout)) {
        return { ...evidenceOf(out), status: 'fail', reason: `computed: the FIPS provider is not enforced (no default_properties = fips=yes, or the default provider active)${confHint(probe)}` };
      }
      if (out.exitCode !== 0 && /unsupported|disabled|not supported|fetch|unknown option|Unknown cipher|unrecognized/i.test(out.stderr)) {
        return { ...evidenceOf(out), status: 'pass', reason: `refused: ${firstLine(out.stderr.split('\n').find((l) => /unsupported|disabled|unknown|unrecognized/i.test(l)) ?? out.stderr)}` };
      }
      return { ...evidenceOf(out), status: 'fail', reason: `unexpected result (exit code ${out.exitCode}): neither computed nor refused as unsupported` };
    },
  };
}

function works(id: string, title: string, algo: 'sha256' | 'sha512'): CheckDefinition {
  return {
    id,
    title,
    controls: SC13,
    rationale: 'FIPS mode must restrict crypto, not break it: approved digests keep working.',
    async run(probe) {
      const { out, bad } = await openssl(probe, ['dgst', `-${algo}`, '/dev/null']);
      if (bad) return bad;
      if (out.exitCode === 0 && out.stdout.toLowerCase().includes(EMPTY[algo])) return { ...evidenceOf(out), status: 'pass' };
      return { ...evidenceOf(out), status: 'fail', reason: `${algo.toUpperCase()} of empty input not computed (exit code ${out.exitCode}): crypto is broken, not just restricted` };
    },
  };
}

interface ModuleFiles {
  dirs: { openssldir: string; modulesdir: string };
  cnfPath: string;
  cnf: string;
  modulePath: string;
  moduleCnf: string;
}

/** Finds the config in force and the FIPS module config it includes; a verdict when it cannot. */
async function moduleFiles(probe: ProbeContext): Promise<ModuleFiles | CheckVerdict> {
  const { out, bad } = await openssl(probe, ['version', '-d', '-m']);
  if (bad) return bad;
  const dirs = parseVersionDirs(out.stdout);
  if (!dirs) return { ...evidenceOf(out), status: 'fail', reason: 'cannot read OPENSSLDIR/MODULESDIR from openssl version -d -m (OpenSSL 1.x?)' };
  const cnfPath = configPath(probe, dirs);
  const cnf = (await probe.readFile(cnfPath))?.toString('utf8');
  if (cnf === undefined) return metadataVerdict('fail', `the OpenSSL config ${cnfPath} does not exist`);
  const modulePath = fipsModuleInclude(cnf, dirs.openssldir);
  if (!modulePath) return metadataVerdict('fail', `${cnfPath} does not .include a FIPS module config (fipsmodule.cnf)`, cnf.slice(0, 4000));
  const moduleCnf = (await probe.readFile(modulePath))?.toString('utf8');
  if (moduleCnf === undefined) return metadataVerdict('fail', `${cnfPath} includes ${modulePath}, which does not exist`);
  return { dirs, cnfPath, cnf, modulePath, moduleCnf };
}

const moduleVerifies: CheckDefinition = {
  id: 'openssl-fips-module-config-verifies',
  title: 'FIPS module config verifies against the installed module (fipsinstall -verify)',
  controls: SC13,
  rationale: 'The module config records the module MAC and self-test status; a mismatch means an altered or foreign module.',
  async run(probe) {
    const files = await moduleFiles(probe);
    if ('status' in files) return files;
    const { out, bad } = await openssl(probe, ['fipsinstall', '-module', `${files.dirs.modulesdir}/fips.so`, '-in', files.modulePath, '-verify']);
    if (bad) return bad;
    const text = `${out.stdout}\n${out.stderr}`;
    if (out.exitCode === 0 && /VERIFY PASSED/.test(text)) return { ...evidenceOf(out), status: 'pass', reason: `${files.modulePath} verifies against ${files.dirs.modulesdir}/fips.so` };
    return { ...evidenceOf(out), status: 'fail', reason: `verification failed (exit code ${out.exitCode}): ${firstLine(out.stderr || out.stdout)}` };
  },
};

const SCRATCH_CNF = '/tmp/.fipsyard-failclosed-openssl.cnf';
const SCRATCH_MODULE = '/tmp/.fipsyard-failclosed-fipsmodule.cnf';

const failsClosed: CheckDefinition = {
  id: 'openssl-fips-fails-closed',
  title: 'With a corrupted module config, FIPS fails to load instead of falling back',
  controls: SC13,
  rationale: 'A damaged module must stop crypto, not silently hand it to a non-FIPS provider.',
  async run(probe) {
    const files = await moduleFiles(probe);
    if ('status' in files) return files;
    const corrupted = corruptModuleMac(files.moduleCnf);
    if (!corrupted) return metadataVerdict('fail', `${files.modulePath} has no module-mac line to corrupt`);
    const cnf = files.cnf
      .split(/\r?\n/)
      .map((l) => (/^\s*\.include/.test(l) && l.includes(files.modulePath.split('/').pop()!) ? `.include ${SCRATCH_MODULE}` : l))
      .join('\n');
    try {
      await probe.writeFile(SCRATCH_MODULE, corrupted);
      await probe.writeFile(SCRATCH_CNF, cnf);
    } catch (err) {
      return metadataVerdict('skip', `cannot write a scratch copy under /tmp (${err instanceof Error ? err.message : String(err)}); the fail-closed test needs it`);
    }
    const env = { OPENSSL_CONF: SCRATCH_CNF };
    const sha = await openssl(probe, ['dgst', '-sha256', '/dev/null'], env);
    if (sha.bad) return sha.bad;
    const md5 = await openssl(probe, ['dgst', '-md5', '/dev/null'], env);
    if (md5.bad) return md5.bad;
    const evidence = {
      command: [...sha.out.command, '&&', ...md5.out.command],
      exitCode: sha.out.exitCode,
      stdout: `$ OPENSSL_CONF=${SCRATCH_CNF} ${sha.out.command.join(' ')}\n${sha.out.stdout}\n$ OPENSSL_CONF=${SCRATCH_CNF} ${md5.out.command.join(' ')}\n${md5.out.stdout}`,
      stderr: `${sha.out.stderr}\n${md5.out.stderr}`,
      durationMs: sha.out.durationMs + md5.out.durationMs,
    };
    if (sha.out.exitCode === 0 || md5.out.exitCode === 0) {
      return { ...evidence, status: 'fail', reason: `with a corrupted module MAC, ${sha.out.exitCode === 0 ? 'SHA-256' : ''}${sha.out.exitCode === 0 && md5.out.exitCode === 0 ? ' and ' : ''}${md5.out.exitCode === 0 ? 'MD5' : ''} still computed: crypto falls back to a non-FIPS provider` };
    }
    return { ...evidence, status: 'pass', reason: 'with a corrupted module MAC the FIPS provider does not load and no digest is computed' };
  },
};

const CHECKS: CheckDefinition[] = [
  providerActive,
  defaultInactive,
  refused('openssl-md5-refused', 'MD5 is refused by openssl', ['dgst', '-md5', '/dev/null'], /[0-9a-f]{32}/i),
  refused('openssl-sm3-refused', 'SM3 (not FIPS-approved) is refused by openssl', ['dgst', '-sm3', '/dev/null'], /[0-9a-f]{64}/i),
  refused('openssl-chacha20-refused', 'ChaCha20 (not FIPS-approved) is refused by openssl', ['enc', '-chacha20', '-K', '0'.repeat(64), '-iv', '0'.repeat(32), '-in', '/dev/null', '-out', '/dev/null'], /^$/),
  works('openssl-sha256-works', 'SHA-256 works in openssl', 'sha256'),
  works('openssl-sha512-works', 'SHA-512 works in openssl', 'sha512'),
  moduleVerifies,
  failsClosed,
];

/** OpenSSL 3: the FIPS provider is loaded, enforced, verifiable, and fails closed. */
export const openssl3Suite = defineSuite({
  name: 'openssl3',
  description: 'OpenSSL 3 FIPS provider active and enforced (default provider off, non-approved algorithms refused, approved ones working), module config verified, fails closed',
  checkIds: CHECKS.map((c) => c.id),
  expand: () => CHECKS,
});
