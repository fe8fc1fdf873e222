import { describe, expect, it } from 'vitest';
import type { CheckSpec, SuiteCheckSpec } from '@fipsyard/core';
import { defineSuite, metadataVerdict, type CheckDefinition, type CheckSuite, type ProbeContext } from '@fipsyard/plugin-api';
import { plannedChecks } from '@fipsyard/plugin-fips-check';
import { commandSpec, fakeProbe, imageSpec } from './fakes.js';

const check = (id: string): CheckDefinition => ({ id, title: `check ${id}`, run: async () => metadataVerdict('pass', id) });

function suite(name: string, ids: string[], includes?: string[]): CheckSuite {
  return defineSuite({ name, description: `${name} for a test`, checkIds: ids, ...(includes ? { includes } : {}), expand: () => ids.map(check) });
}

const openssl3 = suite('openssl3', ['openssl-fips-provider-active', 'openssl-md5-refused']);
const moduleStatus = suite('module-status', ['fips-module-status']);
const host = suite('host', ['kernel-fips-enabled', 'host-facts']);
/** As the engine defines it: nothing of its own, three suites included. */
const fips = defineSuite({ name: 'fips', description: 'openssl3 + module-status + host', includes: ['openssl3', 'module-status', 'host'], checkIds: [], expand: () => [] });

const suiteSpec = (name: string, extra: Partial<SuiteCheckSpec> = {}): SuiteCheckSpec => ({ kind: 'suite', suite: name, options: {}, origin: 'fips-base', ...extra });

function plan(checks: CheckSpec[], suites: CheckSuite[] = [fips, openssl3, moduleStatus, host], probe: ProbeContext = fakeProbe()) {
  return plannedChecks({ image: imageSpec(checks), suites: new Map(suites.map((s) => [s.name, s])) }, probe);
}

const ids = (planned: Awaited<ReturnType<typeof plannedChecks>>) => planned.map((p) => `${p.suite}/${p.def.id}`);

describe('plannedChecks', () => {
  it('expands a suite into its checks and keeps custom checks, in pipeline order', async () => {
    const planned = await plan([commandSpec(), suiteSpec('openssl3')]);
    expect(ids(planned)).toEqual(['custom/java-fips', 'openssl3/openssl-fips-provider-active', 'openssl3/openssl-md5-refused']);
  });

  it('expands the suites a suite includes, in the order it names them', async () => {
    expect(ids(await plan([suiteSpec('fips')]))).toEqual([
      'openssl3/openssl-fips-provider-active',
      'openssl3/openssl-md5-refused',
      'module-status/fips-module-status',
      'host/kernel-fips-enabled',
      'host/host-facts',
    ]);
  });

  it('expands a suite once even when it is listed again or also included', async () => {
    expect(ids(await plan([suiteSpec('host'), suiteSpec('fips'), suiteSpec('openssl3')]))).toEqual([
      'host/kernel-fips-enabled',
      'host/host-facts',
      'openssl3/openssl-fips-provider-active',
      'openssl3/openssl-md5-refused',
      'module-status/fips-module-status',
    ]);
  });

  it('runs a check id once when two suites produce it (auto and node)', async () => {
    const node = suite('node', ['node-md5-refused', 'node-getfips']);
    const auto = suite('auto', ['node-md5-refused', 'node-getfips', 'python-openssl-md5-refused']);
    const planned = await plan([suiteSpec('auto'), suiteSpec('node')], [auto, node]);
    expect(ids(planned)).toEqual(['auto/node-md5-refused', 'auto/node-getfips', 'auto/python-openssl-md5-refused']);
  });

  it('keeps the first of a custom check and a suite check with the same id', async () => {
    const planned = await plan([commandSpec({ id: 'openssl-md5-refused', argv: ['openssl', 'md5'] }), suiteSpec('openssl3')]);
    expect(ids(planned)).toEqual(['custom/openssl-md5-refused', 'openssl3/openssl-fips-provider-active']);
  });

  it('keeps the spec each check came from, included suites carrying the including spec', async () => {
    const spec = suiteSpec('fips', { origin: 'fips-base', severity: 'information' });
    const planned = await plan([spec]);
    expect(planned.every((p) => p.spec === spec)).toBe(true);
  });

  it('gives each suite the options written for it, and the probe, and included suites the including options', async () => {
    const seen: { name: string; options: Record<string, unknown>; probe: ProbeContext }[] = [];
    const spy = (name: string, includes?: string[]) =>
      defineSuite({ name, description: name, checkIds: [], ...(includes ? { includes } : {}), expand: (probe, options) => (seen.push({ name, options, probe }), []) });
    const probe = fakeProbe();
    await plan([suiteSpec('go', { options: { paths: ['/usr/local/bin/fips-hello'] } }), suiteSpec('bundle', { options: { strict: true } })], [spy('go'), spy('bundle', ['inner']), spy('inner')], probe);
    expect(seen.map((s) => [s.name, s.options])).toEqual([
      ['go', { paths: ['/usr/local/bin/fips-hello'] }],
      ['inner', { strict: true }],
      ['bundle', { strict: true }],
    ]);
    expect(seen.every((s) => s.probe === probe)).toBe(true);
  });

  it('waits for a suite that looks into the container first', async () => {
    const looks = defineSuite({
      name: 'auto',
      description: 'auto',
      checkIds: ['node-md5-refused'],
      expand: async (probe) => ((await probe.which('node')) ? [check('node-md5-refused')] : []),
    });
    expect(ids(await plan([suiteSpec('auto')], [looks], fakeProbe({ path: { node: '/usr/bin/node' } })))).toEqual(['auto/node-md5-refused']);
    expect(await plan([suiteSpec('auto')], [looks], fakeProbe())).toEqual([]);
  });

  it('stops at include cycles instead of looping', async () => {
    const a = suite('a', ['a-1'], ['b']);
    const b = suite('b', ['b-1'], ['a']);
    expect(ids(await plan([suiteSpec('a')], [a, b]))).toEqual(['b/b-1', 'a/a-1']);
  });

  it('refuses a suite this worker does not know, also when it is only included', async () => {
    await expect(plan([suiteSpec('nss-fips')])).rejects.toThrow('unknown check suite "nss-fips" on this worker');
    await expect(plan([suiteSpec('fips')], [fips, openssl3])).rejects.toThrow('unknown check suite "module-status" on this worker');
  });
});
