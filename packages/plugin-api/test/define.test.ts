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

  it('refuses suites with bad names, no expand function or no checkIds list', () => {
    expect(defineSuite({ name: 'openssl3', description: '', checkIds: [], expand: () => [] }).name).toBe('openssl3');
    expect(() => defineSuite({ name: 'Bad Name', description: '', checkIds: [], expand: () => [] })).toThrow(/name/);
    expect(() => defineSuite({ name: 'x', description: '', checkIds: [], expand: undefined as never })).toThrow(/expand/);
    expect(() => defineSuite({ name: 'x', description: '', checkIds: undefined as never, expand: () => [] })).toThrow(/checkIds/);
  });
});
