import { defineSuite, evidenceOf, unrunnable, type CheckDefinition } from '@fipsyard/plugin-api';
import { classify, describeStatus, loadModuleTable, type ModuleTable } from './table.js';

interface ProviderLine {
  id: string;
  name: string;
  version: string;
  status: string;
}

function providers(stdout: string): ProviderLine[] {
  const out: ProviderLine[] = [];
  let cur: ProviderLine | undefined;
  for (const raw of stdout.split(/\r?\n/)) {
    const kv = /^\s{3,}(name|version|status):\s*(.*)$/.exec(raw);
    if (kv && cur) cur[kv[1] as 'name' | 'version' | 'status'] = kv[2]!.trim();
    else if (/^\s{2}\S/.test(raw)) out.push((cur = { id: raw.trim(), name: '', version: '', status: '' }));
  }
  return out;
}

/** Names the FIPS module in the image and says what it is: validated, historical, or behaviour only. */
export function moduleStatusCheck(table: ModuleTable = loadModuleTable()): CheckDefinition {
  return {
    id: 'fips-module-status',
    title: 'FIPS module found and its CMVP status',
    controls: ['NIST 800-53 SC-13'],
    rationale: 'FIPS mode proves behaviour; only a CMVP-validated module satisfies a FIPS 140-3 requirement.',
    async run(probe) {
      const out = await probe.exec(['openssl', 'list', '-providers']);
      const legacy = unrunnable(out, 'openssl', 'skip');
      if (legacy) return out.timedOut ? legacy : { ...legacy, reason: `no OpenSSL in the image to identify a module: ${legacy.reason ?? ''}` };
      const fips = providers(out.stdout).find((p) => p.id === 'fips' || /fips/i.test(p.name));
      if (out.exitCode !== 0 || /invalid command|unknown command/i.test(out.stderr)) {
        // OpenSSL 1.x (Amazon Linux 2) has no providers: identify the -fips build from the version.
        const ver = await probe.exec(['openssl', 'version']);
        const m = /OpenSSL\s+(\S+-fips)/.exec(ver.stdout);
        if (m) {
          const s = classify(table, `OpenSSL ${m[1]}`, m[1]!);
          return { ...evidenceOf(ver), status: s.kind === 'validated' ? 'pass' : 'warn', reason: describeStatus('OpenSSL', m[1]!, s, table) };
        }
        return { ...evidenceOf(out), status: 'fail', reason: 'no FIPS module found' };
      }
      if (!fips) return { ...evidenceOf(out), status: 'fail', reason: 'no FIPS module loaded, so none can be validated' };
      const s = classify(table, fips.name, fips.version);
      return { ...evidenceOf(out), status: s.kind === 'validated' ? 'pass' : 'warn', reason: describeStatus(fips.name, fips.version, s, table) };
    },
  };
}

export const moduleStatusSuite = defineSuite({
  name: 'module-status',
  description: 'Name and version of the FIPS module, and its CMVP status: 140-3 validated, 140-2 historical, in review, or not validated',
  checkIds: ['fips-module-status'],
  expand: () => [moduleStatusCheck()],
});
