import { describe, expect, it } from 'vitest';
import { openssl3Suite } from '@fipsyard/checks-openssl3';
import { TIMED_OUT, fakeProbe, type Answer } from '@fipsyard/plugin-api/testing';
import {
  CHACHA20,
  DIRS,
  FAILCLOSED_MD5,
  FAILCLOSED_SHA256,
  LIST,
  MD5,
  SCRATCH_CNF,
  SCRATCH_MODULE,
  SHA256,
  SHA512,
  SM3,
  VERIFY,
  check,
  fipsBase,
} from './helpers.js';
import {
  FIPSMODULE_CNF,
  MD5_COMPUTED,
  OPENSSL_CNF_FIPS,
  OPENSSL_CNF_STOCK,
  OPENSSL_NOT_FOUND_STDOUT,
  PROVIDERS_BASE_ONLY,
  PROVIDERS_DEFAULT_BESIDE_FIPS,
  PROVIDERS_DEFAULT_ONLY,
  PROVIDERS_FIPS_BASE,
  PROVIDERS_FIPS_INACTIVE,
  PROVIDERS_RHEL9_FIPS,
  SHA256_OF_EMPTY,
  SHA256_REFUSED_STDERR,
  SM3_COMPUTED,
  VERIFY_FAILED_STDERR,
  VERSION_DIRS,
  VERSION_DIRS_OPENSSL_102_STDERR,
} from './recorded.js';

const NOT_FOUND = { exitCode: 126, stdout: OPENSSL_NOT_FOUND_STDOUT, stderr: '' };
const NOT_FOUND_REASON = 'openssl cannot be run in this image (exit code 126): OCI runtime exec failed: exec failed: unable to start container process: exec: "openssl": executable file not found in $PATH: unknown';
/** ChaCha20 with plain OpenSSL (OPENSSL_CONF=/dev/null, recorded): exit 0, nothing printed. */
const CHACHA20_COMPUTED: Answer = { exitCode: 0, stdout: '' };

describe('the openssl3 suite', () => {
  it('is named openssl3 and lists every check id it produces, in order', async () => {
    expect(openssl3Suite.name).toBe('openssl3');
    const ids = (await openssl3Suite.expand(fakeProbe(), {})).map((c) => c.id);
    expect(ids).toEqual([
      'openssl-fips-provider-active',
      'openssl-default-provider-inactive',
      'openssl-md5-refused',
      'openssl-sm3-refused',
      'openssl-chacha20-refused',
      'openssl-sha256-works',
      'openssl-sha512-works',
      'openssl-fips-module-config-verifies',
      'openssl-fips-fails-closed',
    ]);
    expect([...openssl3Suite.checkIds]).toEqual(ids);
  });

  it('needs nothing from the container to know its checks', async () => {
    const probe = fakeProbe();
    await openssl3Suite.expand(probe, {});
    expect([probe.ran, probe.read, probe.whiches]).toEqual([[], [], []]);
  });

  it('passes every check on fipsyard/fips-base, with SC-13 and a rationale on each', async () => {
    for (const def of await openssl3Suite.expand(fakeProbe(), {})) {
      const v = await def.run(fipsBase());
      expect([def.id, v.status]).toEqual([def.id, 'pass']);
      expect(def.controls).toEqual(['NIST 800-53 SC-13']);
      expect(def.rationale).toBeTruthy();
      expect(def.severity).toBeUndefined();
    }
  });
});

describe('openssl-fips-provider-active', () => {
  const run = (list: string, image = {}) => check('openssl-fips-provider-active').run(fipsBase({ [LIST]: { stdout: list, durationMs: 42 } }, { image }));

  it('passes on Debian trixie with fips and base active, naming the module and every provider', async () => {
    const v = await run(PROVIDERS_FIPS_BASE);
    expect(v).toEqual({
      status: 'pass',
      reason: 'OpenSSL FIPS Provider 3.5.9 active; providers: base (active), fips (active)',
      command: ['openssl', 'list', '-providers'],
      exitCode: 0,
      stdout: PROVIDERS_FIPS_BASE,
      stderr: '',
      durationMs: 42,
    });
  });

  it('passes with a vendor-named FIPS provider', async () => {
    expect(await run(PROVIDERS_RHEL9_FIPS)).toMatchObject({ status: 'pass', reason: 'Red Hat Enterprise Linux 9 - OpenSSL FIPS Provider 3.0.7-395c1a240fbfffd8 active; providers: base (active), fips (active)' });
  });

  it('fails on plain OpenSSL, listing what is loaded', async () => {
    expect(await run(PROVIDERS_DEFAULT_ONLY)).toMatchObject({ status: 'fail', reason: 'no FIPS provider loaded; providers: default (active)' });
  });

  it('says when the image itself disables the configuration with OPENSSL_CONF=/dev/null', async () => {
    const v = await run(PROVIDERS_DEFAULT_ONLY, { env: { OPENSSL_CONF: '/dev/null' } });
    expect(v.reason).toBe('no FIPS provider loaded; providers: default (active) (the image sets OPENSSL_CONF=/dev/null, which disables every configuration, FIPS included)');
  });

  it('names another OPENSSL_CONF the image sets', async () => {
    const v = await run(PROVIDERS_DEFAULT_ONLY, { env: { OPENSSL_CONF: '/opt/app/openssl.cnf' } });
    expect(v.reason).toBe('no FIPS provider loaded; providers: default (active) (the image sets OPENSSL_CONF=/opt/app/openssl.cnf)');
  });

  it('judges what is printed, not the exit code: fips.so missing still exits 0', async () => {
    const v = await run(PROVIDERS_BASE_ONLY);
    expect(v).toMatchObject({ status: 'fail', exitCode: 0, reason: 'no FIPS provider loaded; providers: base (active)' });
  });

  it('fails when fips is listed but inactive', async () => {
    expect(await run(PROVIDERS_FIPS_INACTIVE)).toMatchObject({
      status: 'fail',
      reason: 'FIPS provider present but not active (activate = 1 missing in its section); providers: default (active), fips (inactive)',
    });
  });

  it('fails on empty output', async () => {
    expect((await run('')).reason).toBe('no FIPS provider loaded; providers: none');
  });

  it('fails when openssl is not in the image (it cannot prove anything)', async () => {
    const v = await check('openssl-fips-provider-active').run(fipsBase({ [LIST]: NOT_FOUND }));
    expect(v).toMatchObject({ status: 'fail', reason: NOT_FOUND_REASON, exitCode: 126 });
  });

  it('fails on a timeout', async () => {
    const v = await check('openssl-fips-provider-active').run(fipsBase({ [LIST]: TIMED_OUT }));
    expect(v).toMatchObject({ status: 'fail', reason: 'timeout: openssl did not finish', exitCode: null });
  });
});

describe('openssl-default-provider-inactive', () => {
  const run = (list: string) => check('openssl-default-provider-inactive').run(fipsBase({ [LIST]: { stdout: list } }));

  it('passes when default is not loaded', async () => {
    expect(await run(PROVIDERS_FIPS_BASE)).toMatchObject({ status: 'pass', reason: 'default provider not loaded' });
  });

  it('fails when default is active beside fips', async () => {
    expect(await run(PROVIDERS_DEFAULT_BESIDE_FIPS)).toMatchObject({
      status: 'fail',
      reason: 'the default provider is active (OpenSSL Default Provider 3.5.9): non-FIPS implementations are reachable',
      stdout: PROVIDERS_DEFAULT_BESIDE_FIPS,
    });
  });

  it('fails on plain OpenSSL', async () => {
    expect((await run(PROVIDERS_DEFAULT_ONLY)).status).toBe('fail');
  });

  it('fails when openssl is missing or hangs', async () => {
    expect(await check('openssl-default-provider-inactive').run(fipsBase({ [LIST]: NOT_FOUND }))).toMatchObject({ status: 'fail', reason: NOT_FOUND_REASON });
    expect(await check('openssl-default-provider-inactive').run(fipsBase({ [LIST]: TIMED_OUT }))).toMatchObject({ status: 'fail', reason: 'timeout: openssl did not finish' });
  });
});

describe.each([
  { id: 'openssl-md5-refused', key: MD5, algo: 'MD5', computed: { stdout: MD5_COMPUTED } as Answer },
  { id: 'openssl-sm3-refused', key: SM3, algo: 'SM3', computed: { stdout: SM3_COMPUTED } },
  { id: 'openssl-chacha20-refused', key: CHACHA20, algo: 'ChaCha20', computed: CHACHA20_COMPUTED },
])('$id', ({ id, key, algo, computed }) => {
  it(`passes when ${algo} is refused as unsupported, quoting the error line`, async () => {
    const v = await check(id).run(fipsBase());
    expect(v.status).toBe('pass');
    expect(v.reason).toMatch(new RegExp(`^refused: [0-9A-F]+:error:0308010C:digital envelope routines:inner_evp_generic_fetch:unsupported:.*Algorithm \\(${algo} : \\d+\\)`));
    expect(v.exitCode).toBe(1);
    expect(v.command).toEqual(key.split(' '));
  });

  it(`fails when ${algo} is computed (plain OpenSSL)`, async () => {
    const v = await check(id).run(fipsBase({ [key]: computed }));
    expect(v).toMatchObject({ status: 'fail', reason: 'computed: the FIPS provider is not enforced (no default_properties = fips=yes, or the default provider active)', exitCode: 0 });
  });

  it('adds the OPENSSL_CONF the image sets to the reason', async () => {
    const v = await check(id).run(fipsBase({ [key]: computed }, { image: { env: { OPENSSL_CONF: '/dev/null' } } }));
    expect(v.reason).toMatch(/\(the image sets OPENSSL_CONF=\/dev\/null, which disables every configuration, FIPS included\)$/);
  });

  it('fails on an answer that is neither computed nor refused (killed by the OOM killer)', async () => {
    const v = await check(id).run(fipsBase({ [key]: { exitCode: 137, stdout: '', stderr: '' } }));
    expect(v).toMatchObject({ status: 'fail', reason: 'unexpected result (exit code 137): neither computed nor refused as unsupported' });
  });

  it('fails when openssl is missing, and on a timeout', async () => {
    expect(await check(id).run(fipsBase({ [key]: NOT_FOUND }))).toMatchObject({ status: 'fail', reason: NOT_FOUND_REASON });
    expect(await check(id).run(fipsBase({ [key]: TIMED_OUT }))).toMatchObject({ status: 'fail', reason: 'timeout: openssl did not finish' });
  });
});

describe.each([
  { id: 'openssl-sha256-works', key: SHA256, algo: 'SHA256' },
  { id: 'openssl-sha512-works', key: SHA512, algo: 'SHA512' },
])('$id', ({ id, key, algo }) => {
  it('passes when the digest of empty input is right', async () => {
    const v = await check(id).run(fipsBase());
    expect(v.status).toBe('pass');
    expect(v.command).toEqual(key.split(' '));
  });

  it('fails when the approved digest is refused too (broken FIPS, recorded with a corrupted module config)', async () => {
    const v = await check(id).run(fipsBase({ [key]: { exitCode: 1, stderr: SHA256_REFUSED_STDERR } }));
    expect(v).toMatchObject({ status: 'fail', reason: `${algo} of empty input not computed (exit code 1): crypto is broken, not just restricted` });
  });

  it('fails on a wrong digest', async () => {
    const v = await check(id).run(fipsBase({ [key]: { stdout: `${algo}(/dev/null)= ${'0'.repeat(64)}\n` } }));
    expect(v.status).toBe('fail');
  });

  it('fails when openssl is missing', async () => {
    expect(await check(id).run(fipsBase({ [key]: NOT_FOUND }))).toMatchObject({ status: 'fail', reason: NOT_FOUND_REASON });
  });
});

describe('openssl-fips-module-config-verifies', () => {
  const verifies = check('openssl-fips-module-config-verifies');

  it('finds the module config through openssl version -d -m and the .include, and passes on VERIFY PASSED', async () => {
    const probe = fipsBase();
    const v = await verifies.run(probe);
    expect(v).toMatchObject({
      status: 'pass',
      reason: '/usr/lib/ssl/fipsmodule.cnf verifies against /usr/lib/x86_64-linux-gnu/ossl-modules/fips.so',
      command: VERIFY.split(' '),
      exitCode: 0,
      stderr: 'VERIFY PASSED\n',
    });
    expect(probe.ran).toEqual([DIRS, VERIFY]);
    expect(probe.read).toEqual(['/usr/lib/ssl/openssl.cnf', '/usr/lib/ssl/fipsmodule.cnf']);
  });

  it('fails on VERIFY FAILED, quoting the first line', async () => {
    const v = await verifies.run(fipsBase({ [VERIFY]: { exitCode: 1, stderr: VERIFY_FAILED_STDERR } }));
    expect(v).toMatchObject({ status: 'fail', reason: 'verification failed (exit code 1): Module integrity mismatch' });
  });

  it('reads the config the image names in OPENSSL_CONF', async () => {
    const probe = fakeProbe({
      recording: { [DIRS]: { stdout: VERSION_DIRS }, [VERIFY]: { stderr: 'VERIFY PASSED\n' } },
      files: { '/etc/app/openssl-fips.cnf': OPENSSL_CNF_FIPS, '/usr/lib/ssl/fipsmodule.cnf': FIPSMODULE_CNF },
      image: { env: { OPENSSL_CONF: '/etc/app/openssl-fips.cnf' } },
    });
    expect((await verifies.run(probe)).status).toBe('pass');
    expect(probe.read[0]).toBe('/etc/app/openssl-fips.cnf');
  });

  it('resolves a relative .include against OPENSSLDIR (the stock Debian line, uncommented)', async () => {
    const cnf = OPENSSL_CNF_STOCK.replace('# .include fipsmodule.cnf', '.include fipsmodule.cnf');
    const probe = fipsBase({}, { files: { '/usr/lib/ssl/openssl.cnf': cnf, '/usr/lib/ssl/fipsmodule.cnf': FIPSMODULE_CNF } });
    expect((await verifies.run(probe)).status).toBe('pass');
    expect(probe.read).toEqual(['/usr/lib/ssl/openssl.cnf', '/usr/lib/ssl/fipsmodule.cnf']);
  });

  it('fails on the stock config, whose FIPS include is only a comment', async () => {
    const v = await verifies.run(fipsBase({}, { files: { '/usr/lib/ssl/openssl.cnf': OPENSSL_CNF_STOCK } }));
    expect(v).toMatchObject({ status: 'fail', reason: '/usr/lib/ssl/openssl.cnf does not .include a FIPS module config (fipsmodule.cnf)', command: [] });
    expect(v.stdout).toContain('# .include fipsmodule.cnf');
  });

  it('fails when the config is missing', async () => {
    const v = await verifies.run(fipsBase({}, { files: {} }));
    expect(v).toMatchObject({ status: 'fail', reason: 'the OpenSSL config /usr/lib/ssl/openssl.cnf does not exist' });
  });

  it('fails when the included module config is missing (fipsinstall never ran)', async () => {
    const v = await verifies.run(fipsBase({}, { files: { '/usr/lib/ssl/openssl.cnf': OPENSSL_CNF_FIPS } }));
    expect(v).toMatchObject({ status: 'fail', reason: '/usr/lib/ssl/openssl.cnf includes /usr/lib/ssl/fipsmodule.cnf, which does not exist' });
  });

  it('fails on OpenSSL 1.x, which cannot name its module directory', async () => {
    const v = await verifies.run(fipsBase({ [DIRS]: { exitCode: 1, stderr: VERSION_DIRS_OPENSSL_102_STDERR } }));
    expect(v).toMatchObject({ status: 'fail', reason: 'cannot read OPENSSLDIR/MODULESDIR from openssl version -d -m (OpenSSL 1.x?)', command: DIRS.split(' ') });
  });

  it('fails when openssl is missing, and when fipsinstall hangs', async () => {
    expect(await verifies.run(fipsBase({ [DIRS]: NOT_FOUND }))).toMatchObject({ status: 'fail', reason: NOT_FOUND_REASON });
    expect(await verifies.run(fipsBase({ [VERIFY]: TIMED_OUT }))).toMatchObject({ status: 'fail', reason: 'timeout: openssl did not finish' });
  });
});

describe('openssl-fips-fails-closed', () => {
  const failsClosed = check('openssl-fips-fails-closed');

  it('passes when, with a corrupted module MAC, no digest is computed', async () => {
    const probe = fipsBase();
    const v = await failsClosed.run(probe);
    expect(v).toMatchObject({ status: 'pass', reason: 'with a corrupted module MAC the FIPS provider does not load and no digest is computed', exitCode: 1 });
    expect(v.command).toEqual([...SHA256.split(' '), '&&', ...MD5.split(' ')]);
    expect(v.stdout).toBe(`$ OPENSSL_CONF=${SCRATCH_CNF} ${SHA256}\n\n$ OPENSSL_CONF=${SCRATCH_CNF} ${MD5}\n`);
    expect(v.stderr).toContain('Algorithm (SHA256 : 101)');
    expect(v.stderr).toContain('Algorithm (MD5 : 99)');
    expect(probe.ran).toEqual([DIRS, FAILCLOSED_SHA256, FAILCLOSED_MD5]);
  });

  it('writes a scratch module config with the first MAC byte flipped and a config that includes it', async () => {
    const probe = fipsBase();
    await failsClosed.run(probe);
    expect(Object.keys(probe.written)).toEqual([SCRATCH_MODULE, SCRATCH_CNF]);
    expect(probe.written[SCRATCH_MODULE]).toBe(FIPSMODULE_CNF.replace('module-mac = 23:', 'module-mac = DC:'));
    expect(probe.written[SCRATCH_CNF]).toBe(OPENSSL_CNF_FIPS.replace('.include /usr/lib/ssl/fipsmodule.cnf', `.include ${SCRATCH_MODULE}`));
    // The image's own files are left alone.
    expect(probe.written['/usr/lib/ssl/fipsmodule.cnf']).toBeUndefined();
  });

  it('fails when digests are still computed with the corrupted config (default provider active, recorded)', async () => {
    const v = await failsClosed.run(fipsBase({ [FAILCLOSED_SHA256]: { stdout: SHA256_OF_EMPTY }, [FAILCLOSED_MD5]: { stdout: MD5_COMPUTED } }));
    expect(v).toMatchObject({ status: 'fail', reason: 'with a corrupted module MAC, SHA-256 and MD5 still computed: crypto falls back to a non-FIPS provider', exitCode: 0 });
  });

  it('names the one digest still computed', async () => {
    const v = await failsClosed.run(fipsBase({ [FAILCLOSED_SHA256]: { stdout: SHA256_OF_EMPTY } }));
    expect(v.reason).toBe('with a corrupted module MAC, SHA-256 still computed: crypto falls back to a non-FIPS provider');
  });

  it('fails when the module config has no module-mac to corrupt', async () => {
    const noMac = FIPSMODULE_CNF.replace(/^module-mac.*\n/m, '');
    const v = await failsClosed.run(fipsBase({}, { files: { '/usr/lib/ssl/openssl.cnf': OPENSSL_CNF_FIPS, '/usr/lib/ssl/fipsmodule.cnf': noMac } }));
    expect(v).toMatchObject({ status: 'fail', reason: '/usr/lib/ssl/fipsmodule.cnf has no module-mac line to corrupt' });
  });

  it('skips when it cannot write its scratch files', async () => {
    const v = await failsClosed.run(fipsBase({}, { writeFailure: new Error('container rootfs is read-only') }));
    expect(v).toMatchObject({ status: 'skip', reason: 'cannot write a scratch copy under /tmp (container rootfs is read-only); the fail-closed test needs it' });
  });

  it('fails as the module-config check does when the config cannot be found', async () => {
    const v = await failsClosed.run(fipsBase({}, { files: { '/usr/lib/ssl/openssl.cnf': OPENSSL_CNF_STOCK } }));
    expect(v).toMatchObject({ status: 'fail', reason: '/usr/lib/ssl/openssl.cnf does not .include a FIPS module config (fipsmodule.cnf)' });
  });

  it('fails when openssl is missing or hangs', async () => {
    expect(await failsClosed.run(fipsBase({ [DIRS]: NOT_FOUND }))).toMatchObject({ status: 'fail', reason: NOT_FOUND_REASON });
    expect(await failsClosed.run(fipsBase({ [FAILCLOSED_SHA256]: TIMED_OUT }))).toMatchObject({ status: 'fail', reason: 'timeout: openssl did not finish' });
    expect(await failsClosed.run(fipsBase({ [FAILCLOSED_MD5]: TIMED_OUT }))).toMatchObject({ status: 'fail', reason: 'timeout: openssl did not finish' });
  });
});
