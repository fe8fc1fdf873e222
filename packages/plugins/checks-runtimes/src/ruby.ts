import { evidenceOf, unrunnable, type CheckDefinition } from '@fipsyard/plugin-api';
import { runtimeSuite } from './runtime-suite.js';

const SCRIPT = 'require "openssl"; begin; OpenSSL::Digest.new("MD5").hexdigest("x"); puts "computed"; rescue => e; puts "refused: #{e.message}"; end';

function checks(bin: string): CheckDefinition[] {
  return [
    {
      id: 'ruby-md5-refused',
      title: "MD5 is refused through Ruby's OpenSSL::Digest",
      controls: ['NIST 800-53 SC-13'],
      async run(probe) {
        const out = await probe.exec([bin, '-e', SCRIPT]);
        const bad = unrunnable(out, bin, 'fail');
        if (bad) return bad;
        const line = out.stdout.trim().split('\n').pop() ?? '';
        if (line === 'computed') return { ...evidenceOf(out), status: 'fail', reason: 'OpenSSL::Digest computed MD5: Ruby is not in FIPS mode' };
        if (line.startsWith('refused')) return { ...evidenceOf(out), status: 'pass', reason: line };
        return { ...evidenceOf(out), status: 'fail', reason: `unexpected answer (exit code ${out.exitCode})` };
      },
    },
  ];
}

export const rubySuite = runtimeSuite({ name: 'ruby', description: "Ruby: MD5 refused through OpenSSL::Digest", binaries: ['ruby'], checks });
