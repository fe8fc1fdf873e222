import { describe, expect, it } from 'vitest';
import { isFipsProvider, parseProviders } from '@fipsyard/plugin-fips-check';
import { PROVIDERS_DEFAULT_ONLY, PROVIDERS_FIPS_AND_BASE, PROVIDERS_FIPS_INACTIVE, PROVIDERS_RHEL9_FIPS } from './recorded.js';

describe('parseProviders', () => {
  it('reads every provider block with its name, version and status', () => {
    expect(parseProviders(PROVIDERS_FIPS_AND_BASE)).toEqual([
      { id: 'base', name: 'OpenSSL Base Provider', version: '3.5.1', status: 'active' },
      { id: 'fips', name: 'OpenSSL FIPS Provider', version: '3.1.2', status: 'active' },
    ]);
  });

  it('reads a vendor-named FIPS provider', () => {
    const fips = parseProviders(PROVIDERS_RHEL9_FIPS).find((p) => p.id === 'fips');
    expect(fips).toEqual({ id: 'fips', name: 'Red Hat Enterprise Linux 9 - OpenSSL FIPS Provider', version: '3.0.7-395c1a240fbfffd8', status: 'active' });
  });

  it('reads an image with the default provider only', () => {
    expect(parseProviders(PROVIDERS_DEFAULT_ONLY)).toEqual([{ id: 'default', name: 'OpenSSL Default Provider', version: '3.0.15', status: 'active' }]);
  });

  it('keeps the status of a FIPS provider that is listed but inactive', () => {
    expect(parseProviders(PROVIDERS_FIPS_INACTIVE).map((p) => [p.id, p.status])).toEqual([
      ['default', 'active'],
      ['fips', 'inactive'],
    ]);
  });

  it('finds no provider in empty output or in the bare header', () => {
    expect(parseProviders('')).toEqual([]);
    expect(parseProviders('Providers:\n')).toEqual([]);
  });

  it('reads output with CRLF line endings the same way', () => {
    expect(parseProviders(PROVIDERS_FIPS_AND_BASE.replace(/\n/g, '\r\n'))).toEqual(parseProviders(PROVIDERS_FIPS_AND_BASE));
  });
});

describe('isFipsProvider', () => {
  it('recognises the FIPS provider by its id or by "FIPS" in its name, not the others', () => {
    const found = [...parseProviders(PROVIDERS_RHEL9_FIPS), ...parseProviders(PROVIDERS_DEFAULT_ONLY)].filter(isFipsProvider).map((p) => p.id);
    expect(found).toEqual(['fips']);
    expect(isFipsProvider({ id: 'vendorprov', name: 'Acme FIPS Provider', version: '1', status: 'active' })).toBe(true);
  });
});
