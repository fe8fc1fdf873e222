import { rmSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { LABELS } from '@fipsyard/plugin-api';
import { dockerBuildPlugin } from '@fipsyard/plugin-docker-build';
import { BUILT_ID, FakeRuntime, PARENT_ID, STAGE_LABELS, buildContext, contextDir, imageInfo, imageSpec } from './fakes.js';

const PARENT_LAYERS = ['sha256:l1', 'sha256:l2'];

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
function context(dockerfile: string, name?: string): string {
  const dir = contextDir(dockerfile, name);
  dirs.push(dir);
  return dir;
}

/** A runtime holding the parent and a child built on it (or on `childLayers`). */
function derivedRuntime(childLayers = [...PARENT_LAYERS, 'sha256:l3']): FakeRuntime {
  const runtime = new FakeRuntime();
  runtime.images.set(PARENT_ID, imageInfo(PARENT_ID, PARENT_LAYERS));
  runtime.images.set(BUILT_ID, imageInfo(BUILT_ID, childLayers));
  return runtime;
}

const nodeDev = (overrides = {}) => imageSpec({ name: 'node-dev', context: '/work/images/node-dev', parent: 'fips-base', ...overrides });

describe('dockerBuildPlugin', () => {
  it('is the build-stage plugin', () => {
    expect([dockerBuildPlugin.name, dockerBuildPlugin.kind]).toEqual(['docker-build', 'build']);
  });

  it('builds the image from its context, Dockerfile and args, and returns the image ID', async () => {
    const runtime = new FakeRuntime();
    const image = imageSpec({ args: { OPENSSL_VERSION: '3.5.1' }, dockerfile: 'images/Dockerfile.fips' });
    const outcome = await dockerBuildPlugin.run(buildContext(runtime, image));
    expect(outcome).toEqual({ status: 'succeeded', output: { kind: 'build', build: { imageId: BUILT_ID, logTail: ['#5 DONE 0.4s'] } } });
    expect(runtime.lastBuild()).toMatchObject({ context: '/work/images/fips-base', dockerfile: 'images/Dockerfile.fips', args: { OPENSSL_VERSION: '3.5.1' } });
  });

  it('labels the image with the stage labels, its own labels and its name', async () => {
    const runtime = new FakeRuntime();
    await dockerBuildPlugin.run(buildContext(runtime, imageSpec({ labels: { 'org.opencontainers.image.vendor': 'Acme' } })));
    expect(runtime.lastBuild().labels).toEqual({
      'org.opencontainers.image.vendor': 'Acme',
      ...STAGE_LABELS,
      [LABELS.image]: 'fips-base',
      [LABELS.buildKey]: expect.stringMatching(/^sha256:[0-9a-f]{64}$/),
    });
    expect(runtime.lastBuild().labels[LABELS.run]).toBe('run-7');
  });

  it('does not let image labels override the labels fipsyard sweeps by', async () => {
    const runtime = new FakeRuntime();
    await dockerBuildPlugin.run(buildContext(runtime, imageSpec({ labels: { [LABELS.run]: 'forged', [LABELS.image]: 'other' } })));
    expect(runtime.lastBuild().labels[LABELS.run]).toBe('run-7');
    expect(runtime.lastBuild().labels[LABELS.image]).toBe('fips-base');
  });

  it('gives a base image no parent arg and no parent labels', async () => {
    const runtime = new FakeRuntime();
    const outcome = await dockerBuildPlugin.run(buildContext(runtime, imageSpec()));
    expect(runtime.lastBuild().args).toEqual({});
    expect(runtime.lastBuild().labels).not.toHaveProperty(LABELS.parentImage);
    expect(outcome.output?.kind === 'build' && outcome.output.build.parentImageId).toBeUndefined();
  });

  it('passes the secret arg names and the stage signal to the runtime', async () => {
    const runtime = new FakeRuntime();
    const ctx = buildContext(runtime, imageSpec({ args: { NPM_TOKEN: 's3cret' }, secretArgs: ['NPM_TOKEN'] }));
    await dockerBuildPlugin.run(ctx);
    expect(runtime.lastBuild().secretArgs).toEqual(['NPM_TOKEN']);
    expect(runtime.builds[0]?.signal).toBe(ctx.signal);
  });

  it('sends each build output line to the build log', async () => {
    const runtime = new FakeRuntime();
    const ctx = buildContext(runtime, imageSpec());
    await dockerBuildPlugin.run(ctx);
    expect(ctx.logged).toEqual(['#1 [internal] load build definition from Dockerfile', '#5 DONE 0.4s']);
  });

  describe('a derived image', () => {
    it("receives its parent's image ID in BASE_IMAGE and records it", async () => {
      const runtime = derivedRuntime();
      const outcome = await dockerBuildPlugin.run(buildContext(runtime, nodeDev({ args: { NODE_VERSION: '22' } }), PARENT_ID));
      expect(runtime.lastBuild().args).toEqual({ NODE_VERSION: '22', BASE_IMAGE: PARENT_ID });
      expect(outcome).toEqual({
        status: 'succeeded',
        output: { kind: 'build', build: { imageId: BUILT_ID, parentImageId: PARENT_ID, logTail: ['#5 DONE 0.4s'] } },
      });
    });

    it("receives it in the image's parentArg instead when one is set", async () => {
      const runtime = derivedRuntime();
      await dockerBuildPlugin.run(buildContext(runtime, nodeDev({ parentArg: 'FIPS_BASE' }), PARENT_ID));
      expect(runtime.lastBuild().args).toEqual({ FIPS_BASE: PARENT_ID });
    });

    it("overrides a build arg of the same name with the parent's ID", async () => {
      const runtime = derivedRuntime();
      await dockerBuildPlugin.run(buildContext(runtime, nodeDev({ args: { BASE_IMAGE: 'docker.io/library/node:22' } }), PARENT_ID));
      expect(runtime.lastBuild().args['BASE_IMAGE']).toBe(PARENT_ID);
    });

    it("is labelled with its parent's ID and name", async () => {
      const runtime = derivedRuntime();
      await dockerBuildPlugin.run(buildContext(runtime, nodeDev(), PARENT_ID));
      expect(runtime.lastBuild().labels).toMatchObject({ [LABELS.parentImage]: PARENT_ID, [LABELS.parentName]: 'fips-base', [LABELS.image]: 'node-dev' });
    });

    it('fails without building when no image ID was recorded for the parent', async () => {
      const runtime = derivedRuntime();
      const outcome = await dockerBuildPlugin.run(buildContext(runtime, nodeDev()));
      expect(outcome).toEqual({ status: 'failed', reason: 'no image ID recorded for parent "fips-base"' });
      expect(runtime.builds).toEqual([]);
    });

    it("fails when the built image's layers do not start with the parent's", async () => {
      const runtime = derivedRuntime(['sha256:other', 'sha256:l3']);
      const outcome = await dockerBuildPlugin.run(buildContext(runtime, nodeDev(), PARENT_ID));
      expect(outcome.status).toBe('failed');
      expect(outcome.reason).toBe(
        `image is not built on its parent ${PARENT_ID}: its layers do not start with the parent's (does the Dockerfile use FROM \${BASE_IMAGE}?)`,
      );
      expect(outcome.output).toEqual({ kind: 'build', build: { imageId: BUILT_ID, parentImageId: PARENT_ID, logTail: ['#5 DONE 0.4s'] } });
      expect(outcome.log).toEqual(['#5 DONE 0.4s']);
    });

    it('fails when the built image has fewer layers than its parent', async () => {
      const runtime = derivedRuntime(['sha256:l1']);
      const outcome = await dockerBuildPlugin.run(buildContext(runtime, nodeDev({ parentArg: 'FIPS_BASE' }), PARENT_ID));
      expect(outcome.status).toBe('failed');
      expect(outcome.reason).toContain('FROM ${FIPS_BASE}');
    });

    it('fails when the image cannot be inspected to verify its lineage', async () => {
      const runtime = derivedRuntime();
      runtime.images.delete(BUILT_ID);
      const outcome = await dockerBuildPlugin.run(buildContext(runtime, nodeDev(), PARENT_ID));
      expect(outcome.status).toBe('failed');
      expect(outcome.reason).toBe(`cannot inspect ${BUILT_ID} to verify the image is built on its parent`);
    });

    it('fails with the cause when inspecting throws', async () => {
      const runtime = derivedRuntime();
      runtime.inspectFailure = new Error('connect ECONNREFUSED /var/run/docker.sock');
      const outcome = await dockerBuildPlugin.run(buildContext(runtime, nodeDev(), PARENT_ID));
      expect(outcome.reason).toBe('cannot verify the image is built on its parent: connect ECONNREFUSED /var/run/docker.sock');
    });
  });

  describe('a failed build', () => {
    it("is reported with the daemon's error and the log tail", async () => {
      const runtime = new FakeRuntime();
      const logTail = ['#6 [2/3] RUN make install', '#6 0.21 make: *** No rule to make target `install`.  Stop.'];
      runtime.buildResult = { status: 'failed', error: "process \"/bin/sh -c make install\" did not complete successfully: exit code: 2", logTail, infrastructure: false };
      const outcome = await dockerBuildPlugin.run(buildContext(runtime, imageSpec()));
      expect(outcome).toEqual({
        status: 'failed',
        reason: 'build failed: process "/bin/sh -c make install" did not complete successfully: exit code: 2',
        infrastructure: false,
        log: logTail,
      });
    });

    it('names the FROM image that cannot be pulled when the engine lacks it and the failure is infrastructure', async () => {
      const runtime = new FakeRuntime();
      runtime.images.set('docker.io/library/golang:1.22', imageInfo('sha256:go', ['sha256:g1']));
      const dir = context('ARG UBI_TAG=9.4\nFROM docker.io/library/golang:1.22 AS build\nFROM registry.access.redhat.com/ubi9/ubi:${UBI_TAG}\nCOPY --from=build /out /\n');
      const error = 'failed to resolve source metadata for registry.access.redhat.com/ubi9/ubi:9.4: dial tcp: lookup registry.access.redhat.com: no such host';
      runtime.buildResult = { status: 'failed', error, logTail: ['#2 ERROR'], infrastructure: true };
      const outcome = await dockerBuildPlugin.run(buildContext(runtime, imageSpec({ context: dir })));
      expect(outcome).toEqual({
        status: 'failed',
        reason: `cannot pull registry.access.redhat.com/ubi9/ubi:9.4: not in the local Docker Engine and the registry is unreachable (${error})`,
        infrastructure: true,
        log: ['#2 ERROR'],
      });
    });

    it('reads the Dockerfile at its path inside the context and resolves FROM with the build args', async () => {
      const runtime = new FakeRuntime();
      const dir = context('ARG NODE_VERSION=20\nFROM node:${NODE_VERSION}-slim\n', 'Dockerfile.dev');
      runtime.buildResult = { status: 'failed', error: 'no such host', logTail: [], infrastructure: true };
      const outcome = await dockerBuildPlugin.run(buildContext(runtime, imageSpec({ context: dir, dockerfile: 'Dockerfile.dev', args: { NODE_VERSION: '22' } })));
      expect(outcome.reason).toMatch(/^cannot pull node:22-slim: /);
    });

    it('is a plain build failure when every FROM image is in the engine', async () => {
      const runtime = new FakeRuntime();
      runtime.images.set('alpine:3.20', imageInfo('sha256:alp', ['sha256:a1']));
      const dir = context('FROM alpine:3.20\nRUN apk add curl\n');
      runtime.buildResult = { status: 'failed', error: 'no such host', logTail: [], infrastructure: true };
      const outcome = await dockerBuildPlugin.run(buildContext(runtime, imageSpec({ context: dir })));
      expect(outcome).toMatchObject({ status: 'failed', reason: 'build failed: no such host', infrastructure: true });
    });

    it('does not look for missing images when the failure is in the Dockerfile', async () => {
      const runtime = new FakeRuntime();
      const dir = context('FROM alpine:3.20\nRUN false\n');
      runtime.buildResult = { status: 'failed', error: 'exit code: 1', logTail: [], infrastructure: false };
      const outcome = await dockerBuildPlugin.run(buildContext(runtime, imageSpec({ context: dir })));
      expect(outcome.reason).toBe('build failed: exit code: 1');
      // Only the cache key looked the FROM image up, once; nothing went looking for missing images.
      expect(runtime.inspected).toEqual(['alpine:3.20']);
    });

    it('is a plain build failure when the Dockerfile cannot be read', async () => {
      const runtime = new FakeRuntime();
      runtime.buildResult = { status: 'failed', error: 'Cannot connect to the Docker daemon', logTail: [], infrastructure: true };
      const outcome = await dockerBuildPlugin.run(buildContext(runtime, imageSpec({ context: '/nonexistent/fipsyard-context' })));
      expect(outcome).toMatchObject({ status: 'failed', reason: 'build failed: Cannot connect to the Docker daemon', infrastructure: true });
    });
  });
});
