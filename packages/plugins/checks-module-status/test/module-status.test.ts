import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { classify, describeStatus, loadModuleTable, moduleStatusCheck, moduleStatusSuite, type ModuleTable } from '@fipsyard/checks-module-status';
import { TIMED_OUT, fakeProbe, type Recording } from '@fipsyard/plugin-api/testing';
import {
  AL2_LIST_STDERR,
  AL2_VERSION,
  OPENSSL_111_LIST_STDERR,
  OPENSSL_111_VERSION,
  OPENSSL_NOT_FOUND_STDOUT,
  PROVIDERS_308,
  PROVIDERS_312,
  PROVIDERS_354,
  PROVIDERS_DEFAULT_ONLY,
  PROVIDERS_RHEL9,
  PROVIDERS_TRIXIE_359,
} from './recorded.js';

const LIST = 'openssl list -providers';
const VERSION = 'openssl version';
const SOURCE = '(source: NIST CMVP validated and historical module lists, as summarized in fipsyard\'s shared FACTS.md (December 2026), checked 2026-12-03)';

const run = (recording: Recording, table?: ModuleTable) => moduleStatusCheck(table).run(fakeProbe({ recording }));

describe('the module-status suite', () => {
  it('has the one check, with SC-13 and a rationale', async () => {
    expect(moduleStatusSuite.name).toBe('module-status');
    expect(moduleStatusSuite.checkIds).toEqual(['fips-module-status']);
    const defs = await moduleStatusSuite.expand(fakeProbe(), {});
    expect(defs.map((d) => [d.id, d.title, d.controls, d.severity])).toEqual([['fips-module-status', 'FIPS module found and its CMVP status', ['NIST 800-53 SC-13'], undefined]]);
    expect(defs[0]?.rationale).toMatch(/only a CMVP-validated module/);
  });
});

describe('fips-module-status', () => {
  it('passes for the 140-3 validated provider 3.1.2, with certificate 4985 and its end date', async () => {
    const v = await run({ [LIST]: { stdout: PROVIDERS_312 } });
    expect(v).toMatchObject({ status: 'pass', command: ['openssl', 'list', '-providers'], stdout: PROVIDERS_312 });
    expect(v.reason).toBe(`OpenSSL FIPS Provider 3.1.2: FIPS 140-3 validated, certificate #4985, active until 2030-03-10 ${SOURCE}`);
  });

  it('warns for 3.0.8: 140-2 only, historical, not validated', async () => {
    const v = await run({ [LIST]: { stdout: PROVIDERS_308 } });
    expect(v.status).toBe('warn');
    expect(v.reason).toBe(
      `OpenSSL FIPS Provider 3.0.8: FIPS 140-2 only, certificate #4282, historical since 2026-09-21: keeps working, but new systems are expected to use a 140-3 module ${SOURCE}`,
    );
    expect(v.reason).not.toMatch(/validated,/);
  });

  it('warns for 3.5.4, in review', async () => {
    const v = await run({ [LIST]: { stdout: PROVIDERS_354 } });
    expect(v).toMatchObject({ status: 'warn', reason: `OpenSSL FIPS Provider 3.5.4: FIPS 140-3 in review, not yet validated ${SOURCE}` });
  });

  it('warns for Debian trixie 3.5.9: FIPS behaviour without validation', async () => {
    const v = await run({ [LIST]: { stdout: PROVIDERS_TRIXIE_359 } });
    expect(v).toMatchObject({
      status: 'warn',
      reason: `OpenSSL FIPS Provider 3.5.9: not a validated module, FIPS behaviour only (approved algorithms, self-tests) without CMVP validation ${SOURCE}`,
    });
  });

  it('fails when no FIPS provider is loaded', async () => {
    const v = await run({ [LIST]: { stdout: PROVIDERS_DEFAULT_ONLY } });
    expect(v).toMatchObject({ status: 'fail', reason: 'no FIPS module loaded, so none can be validated', stdout: PROVIDERS_DEFAULT_ONLY });
  });

  it('identifies OpenSSL 1.0.2k-fips on Amazon Linux 2, where list is an invalid command, as 140-2 historical', async () => {
    const probe = fakeProbe({ recording: { [LIST]: { exitCode: 0, stderr: AL2_LIST_STDERR }, [VERSION]: { stdout: AL2_VERSION } } });
    const v = await moduleStatusCheck().run(probe);
    expect(probe.ran).toEqual([LIST, VERSION]);
    expect(v).toMatchObject({ status: 'warn', command: ['openssl', 'version'], stdout: AL2_VERSION });
    expect(v.reason).toBe(
      `OpenSSL 1.0.2k-fips: FIPS 140-2 only, historical since 2026-09-21: keeps working, but new systems are expected to use a 140-3 module ${SOURCE}`,
    );
  });

  it('fails on OpenSSL 1.1.1 without a -fips build', async () => {
    const v = await run({ [LIST]: { exitCode: 1, stderr: OPENSSL_111_LIST_STDERR }, [VERSION]: { stdout: OPENSSL_111_VERSION } });
    expect(v).toMatchObject({ status: 'fail', reason: 'no FIPS module found', command: ['openssl', 'list', '-providers'], exitCode: 1 });
  });

  it('skips when the image has no openssl to ask', async () => {
    const v = await run({ [LIST]: { exitCode: 126, stdout: OPENSSL_NOT_FOUND_STDOUT } });
    expect(v.status).toBe('skip');
    expect(v.reason).toBe(
      'no OpenSSL in the image to identify a module: openssl cannot be run in this image (exit code 126): OCI runtime exec failed: exec failed: unable to start container process: exec: "openssl": executable file not found in $PATH: unknown',
    );
  });

  it('fails on a timeout', async () => {
    const v = await run({ [LIST]: TIMED_OUT });
    expect(v.status).toBe('fail');
    expect(v.reason).toMatch(/timeout: openssl did not finish$/);
  });

  it('does not claim the image has no OpenSSL when openssl only timed out', async () => {
    const v = await run({ [LIST]: TIMED_OUT });
    expect(v.reason).not.toMatch(/no OpenSSL in the image/);
  });

  it('calls a vendor-built provider not validated unless the table lists it, and validated once it does', async () => {
    expect((await run({ [LIST]: { stdout: PROVIDERS_RHEL9 } })).status).toBe('warn');
    const table = loadModuleTable();
    // A table with a vendor entry (certificate number made up for the test).
    const withVendor: ModuleTable = {
      ...table,
      modules: [...table.modules, { name: 'Red Hat Enterprise Linux 9 - OpenSSL FIPS Provider', versions: ['3.0.7-395c1a240fbfffd8'], standard: 'FIPS 140-3', status: 'validated', certificate: '9999' }],
    };
    const v = await run({ [LIST]: { stdout: PROVIDERS_RHEL9 } }, withVendor);
    expect(v).toMatchObject({ status: 'pass' });
    expect(v.reason).toMatch(/^Red Hat Enterprise Linux 9 - OpenSSL FIPS Provider 3\.0\.7-395c1a240fbfffd8: FIPS 140-3 validated, certificate #9999 \(source:/);
  });
});

describe('the module table', () => {
  const table = loadModuleTable();

  it('is the data file next to the code, dated and sourced', () => {
    expect(table.checked).toBe('2026-12-03');
    expect(table.source).toMatch(/CMVP/);
    expect(table.modules.length).toBeGreaterThan(0);
  });

  it('classifies each known version as FACTS.md says', () => {
    const kinds = ['3.0.0', '3.0.8', '3.0.9', '3.1.2', '3.5.4', '3.5.9', '3.2.0'].map((v) => [v, classify(table, 'OpenSSL FIPS Provider', v).kind]);
    expect(kinds).toEqual([
      ['3.0.0', 'historical'],
      ['3.0.8', 'historical'],
      ['3.0.9', 'historical'],
      ['3.1.2', 'validated'],
      ['3.5.4', 'in-review'],
      ['3.5.9', 'not-validated'],
      ['3.2.0', 'not-validated'],
    ]);
  });

  it('matches the module name without regard to case, the version exactly', () => {
    expect(classify(table, 'openssl fips provider', '3.1.2').kind).toBe('validated');
    expect(classify(table, 'OpenSSL FIPS Provider', '3.1.2-1').kind).toBe('not-validated');
    expect(classify(table, 'SymCrypt FIPS provider', '3.1.2').kind).toBe('not-validated');
  });

  it('describes a historical module without a certificate number and without a date, using the 140-2 sunset', () => {
    const s = { kind: 'historical' as const, module: { name: 'X', versions: ['1'], standard: 'FIPS 140-2' as const, status: 'historical' as const } };
    expect(describeStatus('X', '1', s, table)).toBe(`X 1: FIPS 140-2 only, historical since 2026-09-21: keeps working, but new systems are expected to use a 140-3 module ${SOURCE}`);
  });

  it('describes a validated module without an end date', () => {
    const s = { kind: 'validated' as const, module: { name: 'X', versions: ['1'], standard: 'FIPS 140-3' as const, status: 'validated' as const, certificate: '5000' } };
    expect(describeStatus('X', '1', s, table)).toBe(`X 1: FIPS 140-3 validated, certificate #5000 ${SOURCE}`);
  });

});
