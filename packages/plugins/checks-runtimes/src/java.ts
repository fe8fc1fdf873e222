import { evidenceOf, unrunnable, type CheckDefinition } from '@fipsyard/plugin-api';
import { execOnce } from './memo.js';
import { runtimeSuite } from './runtime-suite.js';

export interface JavaProvider {
  name: string;
  services: string[];
}

/** Parses `java -XshowSettings:security:providers -version`: providers in order, with their services. */
export function parseJavaProviders(text: string): JavaProvider[] {
  const out: JavaProvider[] = [];
  let cur: JavaProvider | undefined;
  let inServices = false;
  for (const line of text.split(/\r?\n/)) {
    const name = /^\s*Provider name:\s*(\S.*?)\s*$/.exec(line);
    if (name) {
      out.push((cur = { name: name[1]!, services: [] }));
      inServices = false;
      continue;
    }
    if (/^\s*Provider services:/.test(line)) {
      inServices = true;
      continue;
    }
    const svc = /^\s{10,14}([A-Za-z]+\.[^\s]+)\s*$/.exec(line);
    if (cur && inServices && svc) cur.services.push(svc[1]!);
  }
  return out;
}

const FIPS_PROVIDER = /FIPS/i;

function checks(bin: string): CheckDefinition[] {
  const argv = [bin, '-XshowSettings:security:providers', '-version'];
  return [
    {
      id: 'java-fips-provider-first',
      title: 'The first Java security provider is a FIPS provider',
      controls: ['NIST 800-53 SC-13'],
      rationale: 'Java uses its own crypto providers, not the system OpenSSL; a FIPS provider (BCFIPS, SunPKCS11-NSS-FIPS) must come first.',
      async run(probe) {
        const out = await execOnce(probe, argv);
        const bad = unrunnable(out, bin, 'fail');
        if (bad) return bad;
        const providers = parseJavaProviders(`${out.stdout}\n${out.stderr}`);
        if (providers.length === 0) return { ...evidenceOf(out), status: 'fail', reason: 'no provider list printed (Java older than 17?)' };
        const order = providers.map((p) => p.name).join(', ');
        if (FIPS_PROVIDER.test(providers[0]!.name)) return { ...evidenceOf(out), status: 'pass', reason: `provider order: ${order}` };
        return { ...evidenceOf(out), status: 'fail', reason: `first provider is ${providers[0]!.name}, not a FIPS provider; order: ${order}` };
      },
    },
    {
      id: 'java-md5-unavailable',
      title: 'No Java provider offers MessageDigest.MD5',
      controls: ['NIST 800-53 SC-13'],
      async run(probe) {
        const out = await execOnce(probe, argv);
        const bad = unrunnable(out, bin, 'fail');
        if (bad) return bad;
        const providers = parseJavaProviders(`${out.stdout}\n${out.stderr}`);
        if (providers.length === 0) return { ...evidenceOf(out), status: 'fail', reason: 'no provider list printed (Java older than 17, or the JVM did not start): MD5 cannot be shown unavailable' };
        const md5 = providers.filter((p) => p.services.includes('MessageDigest.MD5')).map((p) => p.name);
        if (md5.length) return { ...evidenceOf(out), status: 'fail', reason: `MessageDigest.MD5 is offered by ${md5.join(', ')}: stock providers allow MD5` };
        return { ...evidenceOf(out), status: 'pass', reason: 'no provider offers MessageDigest.MD5' };
      },
    },
  ];
}

export const javaSuite = runtimeSuite({
  name: 'java',
  description: 'Java: a FIPS provider first in the provider order, and no provider offering MD5',
  binaries: ['java'],
  checks,
});
