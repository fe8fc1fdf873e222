import { describe, expect, it } from 'vitest';
import { definePlugin, defineSuite, type StagePlugin } from '../src/index.js';

describe('definePlugin / defineSuite check plugin records at load time', () => {
  const ok: StagePlugin = { name: 'p', kind: 'build', run: async () => ({ status: 'succeeded' }) };

  it('accepts a well-formed plugin and freezes it', () => {
    const p = definePlugin(ok);
    expect(p.name).toBe('p');
    expect(Object.isFrozen(p)).toBe(true);
  });

  it('refuses a plugin without a name, with an unknown kind, or without run', () => {
    expect(() => definePlugin({ ...ok, name: '' })).toThrow(/name/);
    expect(() => definePlugin({ ...ok, kind: 'deploy' as 'build' })).toThrow(/kind/);
    expect(() => definePlugin({ ...ok, run: undefined as unknown as StagePlugin['run'] })).toThrow(/run/);
  });

  it('refuses suites with bad names or no checks function', () => {
    expect(defineSuite({ name: 'openssl-fips', description: '', checks: () => [] }).name).toBe('openssl-fips');
    expect(() => defineSuite({ name: 'Bad Name', description: '', checks: () => [] })).toThrow(/name/);
    expect(() => defineSuite({ name: 'x', description: '', checks: undefined as never })).toThrow(/checks/);
  });
});
