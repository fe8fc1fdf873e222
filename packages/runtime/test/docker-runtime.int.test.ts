import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import Docker from 'dockerode';
import { afterAll, describe, expect, it } from 'vitest';
import { isInfrastructureError } from '@fipsyard/core';
import { DockerRuntime } from '../src/index.js';

// Against the real Docker Engine, building on the locally seeded debian:trixie-slim.
const runtime = new DockerRuntime();
const docker = new Docker();
const testId = `t${randomBytes(4).toString('hex')}`;
const labels = { 'dev.fipsyard.managed': 'true', 'dev.fipsyard.run': testId };
const images: string[] = [];

function context(dockerfile: string, files: Record<string, string> = {}): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'fy-build-'));
  writeFileSync(path.join(dir, 'Dockerfile'), dockerfile);
  for (const [k, v] of Object.entries(files)) writeFileSync(path.join(dir, k), v);
  return dir;
}

async function containersOfTest(): Promise<number> {
  return (await docker.listContainers({ all: true, filters: { label: [`dev.fipsyard.run=${testId}`] } })).length;
}

afterAll(async () => {
  await runtime.removeContainersByLabel(labels);
  for (const id of images) await docker.getImage(id).remove({ force: true }).catch(() => undefined);
});

describe('DockerRuntime against a real engine', () => {
  it('reports engine facts', async () => {
    const info = await runtime.info();
    expect(info.apiVersion).toMatch(/^1\.\d+/);
    expect(info.kernelVersion).not.toBe('');
  });

  it('builds with build args and labels, honouring .dockerignore', async () => {
    const ctx = context('FROM debian:trixie-slim\nARG GREETING\nCOPY . /ctx/\nRUN echo "$GREETING" > /greeting\n', { '.dockerignore': 'secret.txt\n', 'secret.txt': 'no', 'kept.txt': 'yes' });
    const lines: string[] = [];
    const r = await runtime.build({ context: ctx, dockerfile: 'Dockerfile', args: { GREETING: `hello-${testId}` }, labels: { ...labels, extra: 'x' }, onLog: (l) => lines.push(l) });
    expect(r.status).toBe('built');
    if (r.status !== 'built') return;
    images.push(r.imageId);
    const info = await runtime.inspectImage(r.imageId);
    expect(info?.labels).toMatchObject({ extra: 'x', 'dev.fipsyard.run': testId });
    expect(lines.some((l) => l.includes('Step'))).toBe(true);
    const c = await runtime.startIdle({ image: r.imageId, labels });
    try {
      const greeting = await runtime.exec(c.id, { argv: ['cat', '/greeting'] });
      expect(greeting).toMatchObject({ exitCode: 0, stdout: `hello-${testId}\n`, timedOut: false });
      const ls = await runtime.exec(c.id, { argv: ['ls', '-A', '/ctx'] });
      expect(ls.stdout.split('\n').filter(Boolean).sort()).toEqual(['.dockerignore', 'Dockerfile', 'kept.txt']);
    } finally {
      await runtime.remove(c.id);
    }
  });

  it('detects a failed build from the stream, with the daemon error and log tail, and leaves no container', async () => {
    const ctx = context('FROM debian:trixie-slim\nRUN echo before-failure && exit 7\n');
    const before = (await docker.listContainers({ all: true })).length;
    const r = await runtime.build({ context: ctx, dockerfile: 'Dockerfile', args: {}, labels });
    expect(r.status).toBe('failed');
    if (r.status !== 'failed') return;
    expect(r.error).toMatch(/returned a non-zero code: 7/);
    expect(r.infrastructure).toBe(false);
    expect(r.logTail.join('\n')).toContain('before-failure');
    expect((await docker.listContainers({ all: true })).length).toBe(before);
  });

  it('keeps secret build arg values out of the build log', async () => {
    const ctx = context('FROM debian:trixie-slim\nARG TOKEN\nRUN echo "token is $TOKEN"\n');
    const lines: string[] = [];
    const r = await runtime.build({ context: ctx, dockerfile: 'Dockerfile', args: { TOKEN: 'sup3r-s3cret' }, secretArgs: ['TOKEN'], labels, onLog: (l) => lines.push(l) });
    if (r.status === 'built') images.push(r.imageId);
    expect(lines.join('\n')).not.toContain('sup3r-s3cret');
    expect(lines.join('\n')).toContain('token is ***');
  });

  it('classifies a FROM image that cannot be pulled as an infrastructure failure', async () => {
    const ctx = context(`FROM fipsyard-test-missing-${testId}:nope\n`);
    const r = await runtime.build({ context: ctx, dockerfile: 'Dockerfile', args: {}, labels });
    expect(r).toMatchObject({ status: 'failed', infrastructure: true });
  });

  it('runs idle containers without network, capabilities or new privileges; exec gives exit codes', async () => {
    const c = await runtime.startIdle({ image: 'debian:trixie-slim', labels });
    try {
      const inspect = await docker.getContainer(c.id).inspect();
      expect(inspect.HostConfig.NetworkMode).toBe('none');
      expect(inspect.HostConfig.CapDrop).toEqual(['ALL']);
      expect(inspect.HostConfig.SecurityOpt).toContain('no-new-privileges');
      expect(inspect.HostConfig.ReadonlyRootfs).toBe(true);
      expect((await runtime.exec(c.id, { argv: ['touch', '/etc/fipsyard-probe'] })).exitCode).not.toBe(0);
      expect((await runtime.exec(c.id, { argv: ['touch', '/tmp/fipsyard-probe'] })).exitCode).toBe(0);
      expect(inspect.State.Running).toBe(true);
      expect(await runtime.exec(c.id, { argv: ['sh', '-c', 'echo out; echo err >&2; exit 3'] })).toMatchObject({ exitCode: 3, stdout: 'out\n', stderr: 'err\n' });
      expect([126, 127]).toContain((await runtime.exec(c.id, { argv: ['no-such-binary'] })).exitCode);
      const net = await runtime.exec(c.id, { argv: ['cat', '/sys/class/net/eth0/address'] });
      expect(net.exitCode).not.toBe(0);
      const slow = await runtime.exec(c.id, { argv: ['sleep', '30'], timeoutMs: 300 });
      expect(slow).toMatchObject({ timedOut: true, exitCode: null });
      const big = await runtime.exec(c.id, { argv: ['head', '-c', '3000000', '/dev/zero'], maxOutputBytes: 1000 });
      expect(big.stdout.length).toBe(1000);
      expect(big.truncated).toBe(true);
    } finally {
      await runtime.remove(c.id);
    }
    expect(await containersOfTest()).toBe(0);
  });

  it('runs the check container as the requested user', async () => {
    const c = await runtime.startIdle({ image: 'debian:trixie-slim', labels, user: '65534:65534' });
    try {
      expect((await runtime.exec(c.id, { argv: ['id', '-u'] })).stdout.trim()).toBe('65534');
    } finally {
      await runtime.remove(c.id);
    }
  });

  it('keeps a container idle whatever the image entrypoint does', async () => {
    const ctx = context('FROM debian:trixie-slim\nENTRYPOINT ["/bin/false"]\n');
    const r = await runtime.build({ context: ctx, dockerfile: 'Dockerfile', args: {}, labels });
    if (r.status !== 'built') throw new Error('build failed');
    images.push(r.imageId);
    const c = await runtime.startIdle({ image: r.imageId, labels });
    try {
      expect((await runtime.exec(c.id, { argv: ['true'] })).exitCode).toBe(0);
    } finally {
      await runtime.remove(c.id);
    }
  });

  it('removes containers by label and tolerates removing one twice', async () => {
    const a = await runtime.startIdle({ image: 'debian:trixie-slim', labels });
    await runtime.startIdle({ image: 'debian:trixie-slim', labels });
    const removed = await runtime.removeContainersByLabel(labels);
    expect(removed).toHaveLength(2);
    await runtime.remove(a.id);
    expect(await containersOfTest()).toBe(0);
  });

  it('says Docker is unreachable, naming it, when no engine listens', async () => {
    const gone = new DockerRuntime({ host: `unix:///tmp/fipsyard-no-docker-${testId}.sock` });
    const err = await gone.info().catch((e: unknown) => e);
    expect(isInfrastructureError(err)).toBe(true);
    expect(String((err as Error).message)).toMatch(/Docker Engine unreachable/);
  });
});
