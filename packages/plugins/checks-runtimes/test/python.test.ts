import { describe, expect, it } from 'vitest';
import { pythonSuite } from '@fipsyard/checks-runtimes';
import { TIMED_OUT, fakeProbe, notFound, type Answer } from '@fipsyard/plugin-api/testing';
import { checksOf, runCheck } from './helpers.js';
import { PY_38_CRASH, PY_BOTH_REFUSED, PY_FALLBACK, PY_NO_HASHLIB, PY_PLAIN } from './recorded.js';

const PY = '/usr/bin/python3';
const pythonImage = (answer: Answer, path: Record<string, string> = { python3: PY }) =>
  fakeProbe({ path, answer: (argv) => (argv[1] === '-c' && argv[0] === (path['python3'] ?? path['python']) ? answer : undefined) });

const verdicts = async (answer: Answer) => {
  const probe = pythonImage(answer);
  const out: Record<string, string> = {};
  for (const def of (await checksOf(pythonSuite, probe)).values()) out[def.id] = (await def.run(probe)).status;
  return out;
};

describe('the python suite', () => {
  it('applies three checks when python3 is on the PATH, and asks python once', async () => {
    const probe = pythonImage(PY_BOTH_REFUSED);
    const defs = [...(await checksOf(pythonSuite, probe)).values()];
    expect(defs.map((d) => [d.id, d.severity])).toEqual([
      ['python-openssl-md5-refused', undefined],
      ['python-builtin-md5-fallback', undefined],
      ['python-fips-mode', 'information'],
    ]);
    for (const d of defs) await d.run(probe);
    expect(probe.ran).toHaveLength(1);
    expect(probe.ran[0]?.startsWith(`${PY} -c import json, sys`)).toBe(true);
  });

  it('falls back to a binary called python', async () => {
    const probe = pythonImage(PY_BOTH_REFUSED, { python: '/usr/local/bin/python' });
    expect((await runCheck(pythonSuite, 'python-openssl-md5-refused', probe)).status).toBe('pass');
  });

  it('gives one information skip without python', async () => {
    const defs = await pythonSuite.expand(fakeProbe(), {});
    expect(defs.map((d) => d.id)).toEqual(['python-present']);
    expect((await defs[0]!.run(fakeProbe())).reason).toBe("python3 / python not found on the image's PATH: the python checks do not apply");
  });

  it('passes both behaviour checks when OpenSSL and hashlib both refuse MD5 (python-dev)', async () => {
    expect(await verdicts(PY_BOTH_REFUSED)).toEqual({ 'python-openssl-md5-refused': 'pass', 'python-builtin-md5-fallback': 'pass', 'python-fips-mode': 'pass' });
  });

  it('fails the fallback check when _hashlib refuses MD5 but hashlib.md5 computes it through _md5 (stock CPython)', async () => {
    expect(await verdicts(PY_FALLBACK)).toEqual({ 'python-openssl-md5-refused': 'pass', 'python-builtin-md5-fallback': 'fail', 'python-fips-mode': 'pass' });
  });

  it('fails both behaviour checks without FIPS, and warns on get_fips_mode() = 0', async () => {
    expect(await verdicts(PY_PLAIN)).toEqual({ 'python-openssl-md5-refused': 'fail', 'python-builtin-md5-fallback': 'fail', 'python-fips-mode': 'warn' });
  });
});

describe('python-openssl-md5-refused', () => {
  it('passes quoting the OpenSSL refusal', async () => {
    expect(await runCheck(pythonSuite, 'python-openssl-md5-refused', pythonImage(PY_FALLBACK))).toMatchObject({ status: 'pass', reason: 'Python 3.13.5: _hashlib.openssl_md5 refused: [digital envelope routines] unsupported' });
  });

  it('fails when OpenSSL computes MD5 for Python', async () => {
    expect(await runCheck(pythonSuite, 'python-openssl-md5-refused', pythonImage(PY_PLAIN))).toMatchObject({
      status: 'fail',
      reason: 'Python 3.13.5: _hashlib.openssl_md5 computed MD5: OpenSSL is not in FIPS mode for Python',
    });
  });

  it('fails for a Python without _hashlib', async () => {
    expect(await runCheck(pythonSuite, 'python-openssl-md5-refused', pythonImage(PY_NO_HASHLIB))).toMatchObject({
      status: 'fail',
      reason: "Python 3.13.5 has no OpenSSL binding (missing: No module named '_hashlib')",
    });
  });

  it('fails when python does not answer, cannot run, or hangs', async () => {
    expect(await runCheck(pythonSuite, 'python-openssl-md5-refused', pythonImage(PY_38_CRASH))).toMatchObject({ status: 'fail', reason: 'python did not answer the probe (exit code 1)' });
    expect((await runCheck(pythonSuite, 'python-openssl-md5-refused', pythonImage(notFound(PY)))).reason).toMatch(/^\/usr\/bin\/python3 cannot be run in this image \(exit code 126\)/);
    expect(await runCheck(pythonSuite, 'python-openssl-md5-refused', pythonImage(TIMED_OUT))).toMatchObject({ status: 'fail', reason: 'timeout: /usr/bin/python3 did not finish' });
  });
});

describe('python-builtin-md5-fallback', () => {
  it('fails naming the built-in implementation that computed MD5', async () => {
    expect(await runCheck(pythonSuite, 'python-builtin-md5-fallback', pythonImage(PY_FALLBACK))).toMatchObject({
      status: 'fail',
      reason: "hashlib.md5() computed by _md5.md5: CPython's built-in fallback bypasses the FIPS provider",
    });
  });

  it('fails also without _hashlib, where hashlib.md5 is the built-in one', async () => {
    expect((await runCheck(pythonSuite, 'python-builtin-md5-fallback', pythonImage(PY_NO_HASHLIB))).status).toBe('fail');
  });

  it('passes when hashlib.md5 is refused', async () => {
    expect(await runCheck(pythonSuite, 'python-builtin-md5-fallback', pythonImage(PY_BOTH_REFUSED))).toMatchObject({
      status: 'pass',
      reason: 'hashlib.md5() refused: [digital envelope routines] unsupported: md5 is not FIPS-approved (built-in fallback disabled)',
    });
  });

  it('fails when python does not answer', async () => {
    expect((await runCheck(pythonSuite, 'python-builtin-md5-fallback', pythonImage(PY_38_CRASH))).status).toBe('fail');
  });
});

describe('python-fips-mode', () => {
  it('says n/a without _hashlib', async () => {
    expect(await runCheck(pythonSuite, 'python-fips-mode', pythonImage(PY_NO_HASHLIB))).toMatchObject({
      status: 'warn',
      reason: 'information: get_fips_mode() = n/a; behaviour is what the other python checks prove',
    });
  });

  it('fails when python does not answer', async () => {
    expect((await runCheck(pythonSuite, 'python-fips-mode', pythonImage(PY_38_CRASH))).status).toBe('fail');
  });
});
