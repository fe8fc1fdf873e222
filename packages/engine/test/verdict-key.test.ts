import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CheckSpec } from '@fipsyard/core';
import { pluginFingerprints, verdictCacheKey, type VerdictInputs } from '../src/verdict-key.js';

const check = (id: string, extra = {}): CheckSpec => ({ kind: 'suite', suite: 'fips', id, origin: 'base', ...extra }) as unknown as CheckSpec;

const base: VerdictInputs = {
  toolVersion: '0.1.0+abc',
  imageId: 'sha256:img',
  image: { checks: [check('fips')], waivers: [{ check: 'java-md5', reason: 'no FIPS JCE in Debian', expires: '2027-06-30' }] },
  today: '2026-12-03',
  plugins: [],
  host: { kernelFipsEnabled: null, kernelVersion: '6.1.0', architecture: 'x86_64' },
};

describe('verdictCacheKey', () => {
  it('is stable for equal inputs', () => {
    expect(verdictCacheKey(base)).toBe(verdictCacheKey({ ...base, image: { ...base.image } }));
  });

  const changes: [string, Partial<VerdictInputs>][] = [
    ['the image checked', { imageId: 'sha256:other' }],
    ['a check definition', { image: { ...base.image, checks: [check('fips', { severity: 'information' })] } }],
    ['an added check', { image: { ...base.image, checks: [check('fips'), check('extra')] } }],
    ['a waiver', { image: { ...base.image, waivers: [] } }],
    ['the check user', { image: { ...base.image, checkUser: '65534' } }],
    ['a check plugin', { plugins: [{ specifier: './acme.mjs', sha256: 'aa' }] }],
    ['the host kernel FIPS flag', { host: { ...base.host, kernelFipsEnabled: '1' } }],
    ['the host kernel', { host: { ...base.host, kernelVersion: '6.12.0' } }],
    ['the tool', { toolVersion: '0.1.0+def' }],
  ];
  for (const [what, change] of changes) {
    it(`changes with ${what}`, () => expect(verdictCacheKey({ ...base, ...change })).not.toBe(verdictCacheKey(base)));
  }

  it('changes the day a waiver expires, not on other days', () => {
    expect(verdictCacheKey({ ...base, today: '2027-01-15' })).toBe(verdictCacheKey(base));
    expect(verdictCacheKey({ ...base, today: '2027-06-30' })).toBe(verdictCacheKey(base));
    expect(verdictCacheKey({ ...base, today: '2027-07-01' })).not.toBe(verdictCacheKey(base));
  });
});

describe('pluginFingerprints', () => {
  it('hashes the module a plugin loads, so editing it invalidates verdicts', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'fy-plugin-'));
    writeFileSync(path.join(dir, 'acme.mjs'), 'export const suites = [];');
    const ref = { specifier: './acme.mjs', baseDir: dir };
    const [a] = pluginFingerprints([ref]);
    writeFileSync(path.join(dir, 'acme.mjs'), 'export const suites = [1];');
    const [b] = pluginFingerprints([ref]);
    expect(a!.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(b!.sha256).not.toBe(a!.sha256);
    expect(pluginFingerprints([{ specifier: './missing.mjs', baseDir: dir }])[0]!.sha256).toBe('unresolved');
  });
});
