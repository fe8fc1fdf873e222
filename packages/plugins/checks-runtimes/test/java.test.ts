import { describe, expect, it } from 'vitest';
import { javaSuite, parseJavaProviders } from '@fipsyard/checks-runtimes';
import { TIMED_OUT, fakeProbe, notFound, type Answer } from '@fipsyard/plugin-api/testing';
import { checksOf, runCheck } from './helpers.js';
import { JAVA_11_NO_PROVIDERS_STDERR, JAVA_21_STOCK_STDERR, JAVA_BCFIPS_STDERR } from './recorded.js';

const JAVA = '/usr/bin/java';
const SHOW = `${JAVA} -XshowSettings:security:providers -version`;
const javaImage = (answer: Answer) => fakeProbe({ path: { java: JAVA }, recording: { [SHOW]: answer } });

describe('parseJavaProviders', () => {
  it('reads the stock OpenJDK 21 provider order from its real output', () => {
    expect(parseJavaProviders(JAVA_21_STOCK_STDERR).map((p) => p.name)).toEqual([
      'SUN',
      'SunRsaSign',
      'SunEC',
      'SunJSSE',
      'SunJCE',
      'SunJGSS',
      'SunSASL',
      'XMLDSig',
      'SunPCSC',
      'JdkLDAP',
      'JdkSASL',
      'SunPKCS11',
    ]);
  });

  it('reads each provider\'s services, not their aliases or wrapped information lines', () => {
    const [sun, , , , sunJce, , , xmldsig, , , , pkcs11] = parseJavaProviders(JAVA_21_STOCK_STDERR);
    expect(sun?.services).toContain('MessageDigest.MD5');
    expect(sun?.services).toContain('MessageDigest.SHA-512/224');
    expect(sun?.services.some((s) => /aliases|OID|^[0-9]/.test(s))).toBe(false);
    expect(sunJce?.services).toContain('Cipher.ChaCha20-Poly1305');
    expect(xmldsig?.services).toContain('TransformService.http://www.w3.org/2000/09/xmldsig#base64');
    expect(pkcs11?.services).toEqual([]);
  });

  it('finds MessageDigest.MD5 only in SUN', () => {
    expect(parseJavaProviders(JAVA_21_STOCK_STDERR).filter((p) => p.services.includes('MessageDigest.MD5')).map((p) => p.name)).toEqual(['SUN']);
  });

  it('finds no providers where none are printed', () => {
    expect(parseJavaProviders(JAVA_11_NO_PROVIDERS_STDERR)).toEqual([]);
  });
});

describe('the java suite', () => {
  it('applies two checks, asking java once', async () => {
    const probe = javaImage({ stderr: JAVA_21_STOCK_STDERR });
    const defs = [...(await checksOf(javaSuite, probe)).values()];
    expect(defs.map((d) => d.id)).toEqual(['java-fips-provider-first', 'java-md5-unavailable']);
    for (const d of defs) await d.run(probe);
    expect(probe.ran).toEqual([SHOW]);
  });

  it('gives one information skip without java', async () => {
    expect((await javaSuite.expand(fakeProbe(), {})).map((d) => [d.id, d.severity])).toEqual([['java-present', 'information']]);
  });

  it('fails both checks on stock OpenJDK 21 (SUN first, MD5 offered)', async () => {
    const probe = javaImage({ stderr: JAVA_21_STOCK_STDERR });
    const first = await runCheck(javaSuite, 'java-fips-provider-first', probe);
    expect(first.status).toBe('fail');
    expect(first.reason).toBe(
      'first provider is SUN, not a FIPS provider; order: SUN, SunRsaSign, SunEC, SunJSSE, SunJCE, SunJGSS, SunSASL, XMLDSig, SunPCSC, JdkLDAP, JdkSASL, SunPKCS11',
    );
    expect(first.stderr).toBe(JAVA_21_STOCK_STDERR);
    expect(await runCheck(javaSuite, 'java-md5-unavailable', probe)).toMatchObject({ status: 'fail', reason: 'MessageDigest.MD5 is offered by SUN: stock providers allow MD5' });
  });

  it('passes both checks with BCFIPS first and no MD5', async () => {
    const probe = javaImage({ stderr: JAVA_BCFIPS_STDERR });
    expect(await runCheck(javaSuite, 'java-fips-provider-first', probe)).toMatchObject({ status: 'pass', reason: 'provider order: BCFIPS, BCJSSE' });
    expect(await runCheck(javaSuite, 'java-md5-unavailable', probe)).toMatchObject({ status: 'pass', reason: 'no provider offers MessageDigest.MD5' });
  });

  it('reads the list from stdout as well', async () => {
    expect((await runCheck(javaSuite, 'java-fips-provider-first', javaImage({ stdout: JAVA_BCFIPS_STDERR }))).status).toBe('pass');
  });

  it('fails the order check when no provider list is printed (Java 11)', async () => {
    expect(await runCheck(javaSuite, 'java-fips-provider-first', javaImage({ stderr: JAVA_11_NO_PROVIDERS_STDERR }))).toMatchObject({
      status: 'fail',
      reason: 'no provider list printed (Java older than 17?)',
    });
  });

  it('does not pass the MD5 check when no provider list was printed', async () => {
    const v = await runCheck(javaSuite, 'java-md5-unavailable', javaImage({ stderr: JAVA_11_NO_PROVIDERS_STDERR }));
    expect(v.status).not.toBe('pass');
  });

  it('fails both when java cannot run or hangs', async () => {
    for (const id of ['java-fips-provider-first', 'java-md5-unavailable']) {
      expect((await runCheck(javaSuite, id, javaImage(notFound(JAVA)))).reason).toMatch(/^\/usr\/bin\/java cannot be run in this image \(exit code 126\)/);
      expect(await runCheck(javaSuite, id, javaImage(TIMED_OUT))).toMatchObject({ status: 'fail', reason: 'timeout: /usr/bin/java did not finish' });
    }
  });
});
