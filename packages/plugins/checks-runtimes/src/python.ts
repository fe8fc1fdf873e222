import { evidenceOf, unrunnable, type CheckDefinition, type CheckVerdict, type ProbeContext } from '@fipsyard/plugin-api';
import { execOnce, jsonLine } from './memo.js';
import { runtimeSuite } from './runtime-suite.js';

interface PyFacts {
  version: string;
  fips_mode?: number;
  openssl_md5?: string;
  hashlib_openssl?: string;
  hashlib_md5: string;
}

const SCRIPT = [
  'import json, sys',
  "r = {'version': sys.version.split()[0]}",
  'try:',
  '    import _hashlib',
  "    r['fips_mode'] = _hashlib.get_fips_mode()",
  '    try:',
  "        _hashlib.openssl_md5(b'x'); r['openssl_md5'] = 'computed'",
  '    except Exception as e:',
  "        r['openssl_md5'] = 'refused: ' + str(e)",
  'except ImportError as e:',
  "    r['hashlib_openssl'] = 'missing: ' + str(e)",
  'import hashlib',
  'try:',
  "    h = hashlib.md5(b'x'); r['hashlib_md5'] = 'computed by ' + type(h).__module__ + '.' + type(h).__name__",
  'except Exception as e:',
  "    r['hashlib_md5'] = 'refused: ' + str(e)",
  'print(json.dumps(r))',
].join('\n');

async function facts(probe: ProbeContext, bin: string): Promise<{ f?: PyFacts; verdict?: CheckVerdict; ev: Pick<CheckVerdict, 'command' | 'exitCode' | 'stdout' | 'stderr' | 'durationMs'> }> {
  const out = await execOnce(probe, [bin, '-c', SCRIPT]);
  const bad = unrunnable(out, bin, 'fail');
  if (bad) return { verdict: bad, ev: evidenceOf(out) };
  const f = jsonLine<PyFacts>(out);
  if (!f) return { verdict: { ...evidenceOf(out), status: 'fail', reason: `python did not answer the probe (exit code ${out.exitCode})` }, ev: evidenceOf(out) };
  return { f, ev: evidenceOf(out) };
}

function checks(bin: string): CheckDefinition[] {
  return [
    {
      id: 'python-openssl-md5-refused',
      title: "MD5 through Python's OpenSSL binding is refused",
      controls: ['NIST 800-53 SC-13'],
      async run(probe) {
        const { f, verdict, ev } = await facts(probe, bin);
        if (!f) return verdict!;
        if (f.hashlib_openssl) return { ...ev, status: 'fail', reason: `Python ${f.version} has no OpenSSL binding (${f.hashlib_openssl})` };
        if (f.openssl_md5 === 'computed') return { ...ev, status: 'fail', reason: `Python ${f.version}: _hashlib.openssl_md5 computed MD5: OpenSSL is not in FIPS mode for Python` };
        return { ...ev, status: 'pass', reason: `Python ${f.version}: _hashlib.openssl_md5 ${f.openssl_md5 ?? ''}` };
      },
    },
    {
      id: 'python-builtin-md5-fallback',
      title: 'hashlib.md5() does not fall back to a built-in implementation',
      controls: ['NIST 800-53 SC-13'],
      rationale: "When OpenSSL refuses MD5, CPython's hashlib silently uses its own built-in _md5: FIPS mode on paper, MD5 in practice.",
      async run(probe) {
        const { f, verdict, ev } = await facts(probe, bin);
        if (!f) return verdict!;
        if (f.hashlib_md5.startsWith('computed')) {
          return { ...ev, status: 'fail', reason: `hashlib.md5() ${f.hashlib_md5}: CPython's built-in fallback bypasses the FIPS provider` };
        }
        return { ...ev, status: 'pass', reason: `hashlib.md5() ${f.hashlib_md5}` };
      },
    },
    {
      id: 'python-fips-mode',
      title: '_hashlib.get_fips_mode() (information)',
      severity: 'information',
      async run(probe) {
        const { f, verdict, ev } = await facts(probe, bin);
        if (!f) return verdict!;
        return { ...ev, status: f.fips_mode === 1 ? 'pass' : 'warn', reason: `information: get_fips_mode() = ${f.fips_mode ?? 'n/a'}; behaviour is what the other python checks prove` };
      },
    },
  ];
}

export const pythonSuite = runtimeSuite({
  name: 'python',
  description: "Python: MD5 refused through _hashlib, and no silent fallback of hashlib.md5() to CPython's built-in implementation",
  binaries: ['python3', 'python'],
  checks,
});
