import { describe, expect, it } from 'vitest';
import { corruptModuleMac, fipsModuleInclude, isFipsProvider, parseProviders, parseVersionDirs } from '@fipsyard/checks-openssl3';
import { FIPSMODULE_CNF, OPENSSL_CNF_FIPS, OPENSSL_CNF_STOCK, PROVIDERS_DEFAULT_BESIDE_FIPS, PROVIDERS_RHEL9_FIPS, VERSION_DIRS } from './recorded.js';

describe('parseProviders', () => {
  it('reads each provider block with its name, version and status, in order', () => {
    expect(parseProviders(PROVIDERS_DEFAULT_BESIDE_FIPS)).toEqual([
      { id: 'base', name: 'OpenSSL Base Provider', version: '3.5.9', status: 'active' },
      { id: 'default', name: 'OpenSSL Default Provider', version: '3.5.9', status: 'active' },
      { id: 'fips', name: 'OpenSSL FIPS Provider', version: '3.5.9', status: 'active' },
    ]);
  });

  it('ignores buildinfo lines (OpenSSL 3.0) and CRLF line ends', () => {
    const text = 'Providers:\r\n  fips\r\n    name: OpenSSL FIPS Provider\r\n    version: 3.0.9\r\n    status: active\r\n    buildinfo: 3.0.9\r\n';
    expect(parseProviders(text)).toEqual([{ id: 'fips', name: 'OpenSSL FIPS Provider', version: '3.0.9', status: 'active' }]);
  });

  it('finds nothing in empty output', () => {
    expect(parseProviders('')).toEqual([]);
  });
});

describe('isFipsProvider', () => {
  it('recognises the fips id and vendor names carrying FIPS', () => {
    const [base, fips] = parseProviders(PROVIDERS_RHEL9_FIPS);
    expect([isFipsProvider(base!), isFipsProvider(fips!)]).toEqual([false, true]);
    expect(isFipsProvider({ id: 'symcryptprovider', name: 'SymCrypt FIPS provider', version: '1.4', status: 'active' })).toBe(true);
  });
});

describe('parseVersionDirs', () => {
  it('reads OPENSSLDIR and MODULESDIR', () => {
    expect(parseVersionDirs(VERSION_DIRS)).toEqual({ openssldir: '/usr/lib/ssl', modulesdir: '/usr/lib/x86_64-linux-gnu/ossl-modules' });
  });

  it('gives undefined without MODULESDIR (OpenSSL 1.1)', () => {
    expect(parseVersionDirs('OPENSSLDIR: "/usr/lib/ssl"\n')).toBeUndefined();
  });
});

describe('fipsModuleInclude', () => {
  it('finds an absolute include', () => {
    expect(fipsModuleInclude(OPENSSL_CNF_FIPS, '/usr/lib/ssl')).toBe('/usr/lib/ssl/fipsmodule.cnf');
  });

  it('resolves a relative include against OPENSSLDIR, and accepts the "=" form', () => {
    expect(fipsModuleInclude('.include fipsmodule.cnf\n', '/usr/lib/ssl')).toBe('/usr/lib/ssl/fipsmodule.cnf');
    expect(fipsModuleInclude('  .include = /etc/pki/tls/fips_local.cnf\n', '/etc/pki/tls')).toBe('/etc/pki/tls/fips_local.cnf');
  });

  it('ignores commented includes and includes of other files', () => {
    expect(fipsModuleInclude(OPENSSL_CNF_STOCK, '/usr/lib/ssl')).toBeUndefined();
    expect(fipsModuleInclude('.include /etc/ssl/openssl.cnf.d/tls.cnf\n', '/usr/lib/ssl')).toBeUndefined();
  });
});

describe('corruptModuleMac', () => {
  it('flips the first MAC byte and nothing else', () => {
    const corrupted = corruptModuleMac(FIPSMODULE_CNF)!;
    expect(corrupted).toBe(FIPSMODULE_CNF.replace('module-mac = 23:F5', 'module-mac = DC:F5'));
  });

  it('gives undefined without a module-mac line', () => {
    expect(corruptModuleMac('[fips_sect]\nactivate = 1\n')).toBeUndefined();
  });
});
