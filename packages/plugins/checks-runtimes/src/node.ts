import { evidenceOf, unrunnable, type CheckDefinition, type CheckVerdict, type ProbeContext } from '@fipsyard/plugin-api';
import { execOnce, jsonLine } from './memo.js';
import { runtimeSuite } from './runtime-suite.js';

interface NodeFacts {
  version: string;
  openssl: string;
  shared: boolean;
  fips: number;
  md5: string;
}

const SCRIPT = [
  "const c=require('crypto');let md5;",
  "try{c.createHash('md5').update('x').digest('hex');md5='computed'}catch(e){md5='refused: '+e.message}",
  'console.log(JSON.stringify({version:process.version,openssl:process.versions.openssl,',
  'shared:!!process.config.variables.node_shared_openssl,fips:c.getFips(),md5}))',
].join('');

async function facts(probe: ProbeContext, bin: string): Promise<{ facts?: NodeFacts; verdict?: CheckVerdict; ev: Pick<CheckVerdict, 'command' | 'exitCode' | 'stdout' | 'stderr' | 'durationMs'> }> {
  const out = await execOnce(probe, [bin, '-e', SCRIPT]);
  const bad = unrunnable(out, bin, 'fail');
  if (bad) return { verdict: bad, ev: evidenceOf(out) };
  const f = jsonLine<NodeFacts>(out);
  if (!f) return { verdict: { ...evidenceOf(out), status: 'fail', reason: `node did not answer the probe (exit code ${out.exitCode})` }, ev: evidenceOf(out) };
  return { facts: f, ev: evidenceOf(out) };
}

function checks(bin: string): CheckDefinition[] {
  return [
    {
      id: 'node-md5-refused',
      title: "MD5 is refused through Node's own crypto",
      controls: ['NIST 800-53 SC-13'],
      rationale: 'Node reads only the nodejs_conf section of openssl.cnf (unless started with --openssl-shared-config); without it, Node is not in FIPS mode.',
      async run(probe) {
        const { facts: f, verdict, ev } = await facts(probe, bin);
        if (!f) return verdict!;
        if (f.md5 === 'computed') return { ...ev, status: 'fail', reason: `MD5 computed by node ${f.version} (OpenSSL ${f.openssl}, ${f.shared ? 'shared system' : 'bundled'}): add "nodejs_conf = openssl_init" to openssl.cnf${f.shared ? '' : ', and note a bundled OpenSSL has no FIPS module of its own'}` };
        return { ...ev, status: 'pass', reason: `node ${f.version}: ${f.md5}` };
      },
    },
    {
      id: 'node-getfips',
      title: 'crypto.getFips() (information: a setting, not proof)',
      severity: 'information',
      async run(probe) {
        const { facts: f, verdict, ev } = await facts(probe, bin);
        if (!f) return verdict!;
        return { ...ev, status: f.fips === 1 ? 'pass' : 'warn', reason: `information: crypto.getFips() = ${f.fips}; only node-md5-refused proves the behaviour` };
      },
    },
    {
      id: 'node-openssl-shared',
      title: 'Node uses the system OpenSSL (shared) rather than its bundled copy',
      severity: 'information',
      rationale: 'Official nodejs.org binaries bundle their own OpenSSL; the system FIPS provider then only applies if that copy is configured for it.',
      async run(probe) {
        const { facts: f, verdict, ev } = await facts(probe, bin);
        if (!f) return verdict!;
        return f.shared
          ? { ...ev, status: 'pass', reason: `node ${f.version} uses the shared system OpenSSL ${f.openssl}` }
          : { ...ev, status: 'warn', reason: `node ${f.version} bundles OpenSSL ${f.openssl} (node_shared_openssl=false): it does not use the system's FIPS module config unless pointed at it` };
      },
    },
  ];
}

export const nodeSuite = runtimeSuite({
  name: 'node',
  description: "Node.js: MD5 refused through node's own crypto; getFips() and bundled vs shared OpenSSL as information",
  binaries: ['node', 'nodejs'],
  checks,
});
