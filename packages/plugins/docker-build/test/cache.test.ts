import { rmSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { LABELS } from '@fipsyard/plugin-api';
import { buildCacheKey, dockerBuildPlugin, type BuildInputs } from '@fipsyard/plugin-docker-build';
import { BUILT_ID, FakeRuntime, PARENT_ID, buildContext, contextDir, imageInfo, imageSpec } from './fakes.js';

const base: BuildInputs = {
  toolVersion: '0.1.0+abc',
  contextHash: 'sha256:ctx',
  dockerfile: 'Dockerfile',
  args: { BASE_IMAGE: PARENT_ID, PY: '3.12' },
  secretArgs: [],
  labels: { team: 'a' },
  parentImageId: PARENT_ID,
  fromImages: { 'debian:trixie-slim': 'sha256:deb' },
};

describe('buildCacheKey', () => {
  it('is a sha256 and stable for equal inputs, whatever the key order', () => {
    const k = buildCacheKey(base);
    expect(k).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(buildCacheKey({ ...base, args: { PY: '3.12', BASE_IMAGE: PARENT_ID } })).toBe(k);
  });

  const changes: [string, Partial<BuildInputs>][] = [
    ['the context (files, Dockerfile text)', { contextHash: 'sha256:ctx2' }],
    ['the Dockerfile path', { dockerfile: 'Dockerfile.alt' }],
    ['a build arg value', { args: { ...base.args, PY: '3.13' } }],
    ['an added build arg', { args: { ...base.args, EXTRA: '1' } }],
    ['the parent image ID', { parentImageId: 'sha256:other' }],
    ['an external FROM image ID', { fromImages: { 'debian:trixie-slim': 'sha256:deb2' } }],
    ['the tool version', { toolVersion: '0.2.0+abc' }],
    ['an image label', { labels: { team: 'b' } }],
    ['which args are secret', { secretArgs: ['PY'] }],
  ];
  for (const [what, change] of changes) {
    it(`changes when ${what} changes`, () => {
      expect(buildCacheKey({ ...base, ...change })).not.toBe(buildCacheKey(base));
    });
  }

  it('leaves secret values out: rotating a secret does not change the key (documented)', () => {
    const s = { ...base, secretArgs: ['TOKEN'], args: { ...base.args, TOKEN: 'one' } };
    expect(buildCacheKey({ ...s, args: { ...s.args, TOKEN: 'two' } })).toBe(buildCacheKey(s));
  });
});

describe('dockerBuildPlugin with the cache', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });
  const ctxDir = () => {
    const d = contextDir('ARG BASE_IMAGE\nFROM ${BASE_IMAGE}\nRUN true\n');
    dirs.push(d);
    return d;
  };
  const derived = (dir: string, over = {}) => imageSpec({ name: 'app', context: dir, parent: 'fips-base', ...over });

  /** Builds once and records the image as the engine would hold it (with its labels). */
  async function builtOnce(runtime: FakeRuntime, dir: string): Promise<string> {
    runtime.images.set(PARENT_ID, imageInfo(PARENT_ID, ['sha256:l1']));
    runtime.images.set(BUILT_ID, imageInfo(BUILT_ID, ['sha256:l1', 'sha256:l2']));
    const first = await dockerBuildPlugin.run(buildContext(runtime, derived(dir), PARENT_ID));
    expect(first.status).toBe('succeeded');
    expect(first.cached).toBeUndefined();
    const labels = runtime.lastBuild().labels;
    runtime.images.set(BUILT_ID, imageInfo(BUILT_ID, ['sha256:l1', 'sha256:l2'], { labels }));
    return labels[LABELS.buildKey]!;
  }

  it('reuses the image built from the same inputs: reported cached, nothing built', async () => {
    const runtime = new FakeRuntime();
    const dir = ctxDir();
    const key = await builtOnce(runtime, dir);
    const ctx = buildContext(runtime, derived(dir), PARENT_ID);
    const again = await dockerBuildPlugin.run(ctx);
    expect(runtime.builds).toHaveLength(1);
    expect(again).toMatchObject({ status: 'succeeded', output: { kind: 'build', build: { imageId: BUILT_ID, parentImageId: PARENT_ID } }, cached: { key, runId: 'run-7' } });
    expect(ctx.logged.join('\n')).toMatch(/cached: image sha256:f9e8.* has the same inputs/);
  });

  it('never reports cached for an image the engine no longer has', async () => {
    const runtime = new FakeRuntime();
    const dir = ctxDir();
    await builtOnce(runtime, dir);
    runtime.images.delete(BUILT_ID);
    const again = await dockerBuildPlugin.run(buildContext(runtime, derived(dir), PARENT_ID));
    expect(again.cached).toBeUndefined();
    expect(runtime.builds).toHaveLength(2);
  });

  it('rebuilds when the context changes, or the parent is another image', async () => {
    const runtime = new FakeRuntime();
    const dir = ctxDir();
    await builtOnce(runtime, dir);
    runtime.contextHash = 'sha256:context-2';
    expect((await dockerBuildPlugin.run(buildContext(runtime, derived(dir), PARENT_ID))).cached).toBeUndefined();
    runtime.contextHash = 'sha256:context-1';
    runtime.images.set('sha256:newparent', imageInfo('sha256:newparent', ['sha256:l9']));
    runtime.buildResult = { status: 'built', imageId: 'sha256:child2', logTail: [] };
    runtime.images.set('sha256:child2', imageInfo('sha256:child2', ['sha256:l9', 'sha256:l10']));
    expect((await dockerBuildPlugin.run(buildContext(runtime, derived(dir), 'sha256:newparent'))).cached).toBeUndefined();
    expect(runtime.builds).toHaveLength(3);
  });

  it('does not rebuild for changes that are not inputs: tags, checks, the run', async () => {
    const runtime = new FakeRuntime();
    const dir = ctxDir();
    await builtOnce(runtime, dir);
    const ctx = buildContext(runtime, derived(dir, { tags: ['acme/app:2'], checks: [{ kind: 'env', id: 'x', name: 'A', origin: 'app' }] as never }), PARENT_ID);
    ctx.runId = 'run-8';
    ctx.labels = { ...ctx.labels, [LABELS.run]: 'run-8' };
    expect((await dockerBuildPlugin.run(ctx)).cached).toBeDefined();
  });

  it('with a build index, trusts it only as a pointer: the image must exist and carry the key', async () => {
    const runtime = new FakeRuntime();
    const dir = ctxDir();
    const index = new Map<string, string>();
    const withIndex = (over = {}) => {
      const ctx = buildContext(runtime, derived(dir, over), PARENT_ID);
      ctx.buildIndex = { get: async (k) => index.get(k), set: async (k, id) => void index.set(k, id) };
      return ctx;
    };
    runtime.images.set(PARENT_ID, imageInfo(PARENT_ID, ['sha256:l1']));
    runtime.images.set(BUILT_ID, imageInfo(BUILT_ID, ['sha256:l1', 'sha256:l2']));
    await dockerBuildPlugin.run(withIndex());
    const key = runtime.lastBuild().labels[LABELS.buildKey]!;
    expect(index.get(key)).toBe(BUILT_ID);
    // The engine's image does not carry the key (e.g. the ID was reused by another build): a miss.
    expect((await dockerBuildPlugin.run(withIndex())).cached).toBeUndefined();
    runtime.images.set(BUILT_ID, imageInfo(BUILT_ID, ['sha256:l1', 'sha256:l2'], { labels: { [LABELS.buildKey]: key } }));
    expect((await dockerBuildPlugin.run(withIndex())).cached).toMatchObject({ key });
    runtime.images.delete(BUILT_ID);
    runtime.buildResult = { status: 'failed', error: 'stop', logTail: [], infrastructure: false };
    expect((await dockerBuildPlugin.run(withIndex())).cached).toBeUndefined();
    expect(runtime.builds).toHaveLength(3);
  });

  it('with useCache false builds again, and engineCache false asks the engine for --no-cache', async () => {
    const runtime = new FakeRuntime();
    const dir = ctxDir();
    await builtOnce(runtime, dir);
    const ctx = buildContext(runtime, derived(dir), PARENT_ID);
    ctx.useCache = false;
    ctx.engineCache = false;
    const again = await dockerBuildPlugin.run(ctx);
    expect(again.cached).toBeUndefined();
    expect(runtime.lastBuild().noCache).toBe(true);
  });

  it('never reuses an image whose lineage check failed, with or without an index', async () => {
    const runtime = new FakeRuntime();
    const dir = ctxDir();
    const index = new Map<string, string>();
    runtime.images.set(PARENT_ID, imageInfo(PARENT_ID, ['sha256:l1']));
    // The build gives an image that does not sit on the parent's layers (a last FROM elsewhere).
    runtime.images.set(BUILT_ID, imageInfo(BUILT_ID, ['sha256:other', 'sha256:l2']));
    const ctx = () => {
      const c = buildContext(runtime, derived(dir), PARENT_ID);
      c.buildIndex = { get: async (k) => index.get(k), set: async (k, id) => void index.set(k, id) };
      return c;
    };
    const first = await dockerBuildPlugin.run(ctx());
    expect(first.status).toBe('failed');
    expect(index.size).toBe(0);
    // The engine keeps the image with its key label; found by label, it is still not reused.
    runtime.images.set(BUILT_ID, imageInfo(BUILT_ID, ['sha256:other', 'sha256:l2'], { labels: runtime.lastBuild().labels }));
    const plain = buildContext(runtime, derived(dir), PARENT_ID);
    const again = await dockerBuildPlugin.run(plain);
    expect(again.cached).toBeUndefined();
    expect(again.status).toBe('failed');
    expect(runtime.builds).toHaveLength(2);
  });

  it('reuses nothing while an external FROM image is not in the engine (the build would pull whatever it is then)', async () => {
    const runtime = new FakeRuntime();
    const d = contextDir('FROM example.org/tools:1 AS tools\nARG BASE_IMAGE\nFROM ${BASE_IMAGE}\nCOPY --from=tools /x /x\n');
    dirs.push(d);
    runtime.images.set(PARENT_ID, imageInfo(PARENT_ID, ['sha256:l1']));
    runtime.images.set(BUILT_ID, imageInfo(BUILT_ID, ['sha256:l1', 'sha256:l2']));
    await dockerBuildPlugin.run(buildContext(runtime, derived(d), PARENT_ID));
    runtime.images.set(BUILT_ID, imageInfo(BUILT_ID, ['sha256:l1', 'sha256:l2'], { labels: runtime.lastBuild().labels }));
    expect((await dockerBuildPlugin.run(buildContext(runtime, derived(d), PARENT_ID))).cached).toBeUndefined();
    expect(runtime.builds).toHaveLength(2);
    // Once the engine has it, its image ID is an input like any other, and the key holds.
    runtime.images.set('example.org/tools:1', imageInfo('sha256:tools', ['sha256:t1']));
    await dockerBuildPlugin.run(buildContext(runtime, derived(d), PARENT_ID));
    runtime.images.set(BUILT_ID, imageInfo(BUILT_ID, ['sha256:l1', 'sha256:l2'], { labels: runtime.lastBuild().labels }));
    expect((await dockerBuildPlugin.run(buildContext(runtime, derived(d), PARENT_ID))).cached).toBeDefined();
    expect(runtime.builds).toHaveLength(3);
  });
});
