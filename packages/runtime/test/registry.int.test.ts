import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isInfrastructureError } from '@fipsyard/core';
import { DockerRuntime } from '../src/index.js';
import { freePort, startLocalRegistry, startSecondEngine, type LocalRegistry, type SecondEngine } from '../src/testing/index.js';

// Engine A is the main engine; engine B a second dockerd started here; they share only a
// registry on 127.0.0.1. The image is tiny (busybox FROM scratch) to keep the test quick.
const testId = `t${randomBytes(4).toString('hex')}`;
const labels = { 'dev.fipsyard.managed': 'true', 'dev.fipsyard.run': testId };
const repo = `fipsyard-test/${testId}`;
const runtimeA = new DockerRuntime();
const dockerA = new Docker();
let registry: LocalRegistry;
let engineB: SecondEngine;
let runtimeB: DockerRuntime;
let imageA: string;
let pinned: string;
let digest: string;
let contextDir: string | undefined;

function busyboxContext(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'fy-registry-ctx-'));
  mkdirSync(path.join(dir, 'bin'));
  copyFileSync('/bin/busybox', path.join(dir, 'bin/busybox'));
  for (const applet of ['sh', 'sleep', 'ls', 'cat']) symlinkSync('busybox', path.join(dir, 'bin', applet));
  writeFileSync(path.join(dir, 'Dockerfile'), `FROM scratch\nCOPY bin/ /bin/\nENV PATH=/bin\nRUN ["/bin/sh", "-c", "echo ${testId} > /stamp"]\n`);
  return dir;
}

beforeAll(async () => {
  [registry, engineB] = await Promise.all([startLocalRegistry(), startSecondEngine()]);
  runtimeB = new DockerRuntime({ host: engineB.host });
  contextDir = busyboxContext();
  const built = await runtimeA.build({ context: contextDir, dockerfile: 'Dockerfile', args: {}, labels });
  if (built.status !== 'built') throw new Error(`test image build failed: ${built.error}`);
  imageA = built.imageId;
});

afterAll(async () => {
  await runtimeA.removeContainersByLabel(labels).catch(() => undefined);
  if (imageA) await dockerA.getImage(imageA).remove({ force: true }).catch(() => undefined);
  await engineB?.stop();
  await registry?.stop();
  if (contextDir) rmSync(contextDir, { recursive: true, force: true });
});

describe('registry mode across two engines', () => {
  it('pushes an image built on engine A and returns the manifest digest the registry holds', async () => {
    const lines: string[] = [];
    const pushed = await runtimeA.pushImage(imageA, `${repo}:v1`, { registry: registry.address, onLog: (l) => lines.push(l) });
    expect(pushed.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(pushed.tagged).toBe(`${registry.address}/${repo}:v1`);
    expect(pushed.pinned).toBe(`${registry.address}/${repo}@${pushed.digest}`);
    expect(lines.some((l) => l.includes(pushed.digest))).toBe(true);
    // The registry itself names the same manifest digest for the tag.
    const res = await fetch(`http://${registry.address}/v2/${repo}/manifests/v1`, {
      method: 'HEAD',
      headers: { accept: 'application/vnd.docker.distribution.manifest.v2+json' },
    });
    expect(res.headers.get('docker-content-digest')).toBe(pushed.digest);
    expect(await runtimeA.imageDigests(imageA)).toContain(pushed.pinned);
    digest = pushed.digest;
    pinned = pushed.pinned;
  });

  it('pulls it by digest on engine B, where it has the same image ID and runs without network', async () => {
    expect(await runtimeB.inspectImage(imageA)).toBeUndefined();
    const pulled = await runtimeB.pullImage(pinned);
    expect(pulled).toMatchObject({ imageId: imageA, digest });
    expect(pulled.repoDigests).toContain(pinned);
    expect(await runtimeB.imageDigests(pulled.imageId)).toContain(pinned);
    const c = await runtimeB.startIdle({ image: pinned, labels });
    try {
      const inspect = await new Docker({ socketPath: engineB.socketPath }).getContainer(c.id).inspect();
      expect(inspect.HostConfig.NetworkMode).toBe('none');
      expect(await runtimeB.exec(c.id, { argv: ['cat', '/stamp'] })).toMatchObject({ exitCode: 0, stdout: `${testId}\n` });
      // Only loopback inside.
      expect((await runtimeB.exec(c.id, { argv: ['ls', '/sys/class/net'] })).stdout.trim()).toBe('lo');
    } finally {
      await runtimeB.remove(c.id);
    }
    // Engine A never saw this container.
    expect(await runtimeA.listContainersWithLabel(`dev.fipsyard.run=${testId}`)).toHaveLength(0);
  });

  it('pulls again by digest as a no-op that still checks the digest', async () => {
    expect((await runtimeB.pullImage(pinned)).imageId).toBe(imageA);
  });

  it('says the registry is unreachable, as a retryable infrastructure error, when nothing listens', async () => {
    const port = await freePort();
    const err = await runtimeA.pushImage(imageA, `${repo}:closed`, { registry: `127.0.0.1:${port}` }).catch((e: unknown) => e);
    expect(isInfrastructureError(err)).toBe(true);
    expect(err).toMatchObject({ service: 'image-source', code: 'IMAGE_SOURCE_UNAVAILABLE' });
    expect((err as Error).message).toMatch(new RegExp(`registry 127\\.0\\.0\\.1:${port} is unreachable: .*connection refused`));
  });

  it('says the registry has no such image when a digest is unknown, and is not retryable', async () => {
    const unknown = `${registry.address}/${repo}@sha256:${'0'.repeat(64)}`;
    const err = await runtimeB.pullImage(unknown).catch((e: unknown) => e);
    expect(isInfrastructureError(err)).toBe(false);
    expect(err).toMatchObject({ code: 'IMAGE_NOT_IN_REGISTRY' });
    expect((err as Error).message).toContain(`has no image ${unknown}`);
  });

  it('refuses a reference that is not pinned by digest', async () => {
    await expect(runtimeB.pullImage(`${registry.address}/${repo}:v1`)).rejects.toThrow(/pin it by digest/);
  });

  it('rejects with the abort reason when cancelled', async () => {
    const ac = new AbortController();
    ac.abort(new Error(`cancelled ${testId}`));
    await expect(runtimeA.pushImage(imageA, `${repo}:aborted`, { registry: registry.address, signal: ac.signal })).rejects.toThrow(`cancelled ${testId}`);
    await expect(runtimeB.pullImage(pinned, { signal: ac.signal })).rejects.toThrow(`cancelled ${testId}`);
  });

  it('sends credentials to a registry that requires them, and says so when they are missing', async () => {
    const auth = { username: 'fipsyard', password: `pw-${randomBytes(6).toString('hex')}` };
    const secured = await startLocalRegistry({ auth });
    try {
      const denied = await runtimeA.pushImage(imageA, `${repo}:auth`, { registry: secured.address }).catch((e: unknown) => e);
      expect(denied).toMatchObject({ code: 'REGISTRY_DENIED' });
      expect(isInfrastructureError(denied)).toBe(false);
      const lines: string[] = [];
      const pushed = await runtimeA.pushImage(imageA, `${repo}:auth`, { registry: secured.address, auth, onLog: (l) => lines.push(l) });
      expect(pushed.digest).toBe(digest);
      const pulled = await runtimeB.pullImage(pushed.pinned, { auth, onLog: (l) => lines.push(l) });
      expect(pulled.imageId).toBe(imageA);
      expect(lines.join('\n')).not.toContain(auth.password);
    } finally {
      await secured.stop();
    }
  });

  it('cleans up after a second engine whose dockerd was killed with SIGKILL: shims and containers too', async () => {
    const engine = await startSecondEngine();
    const processes = () => spawnSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' }).stdout.split('\n').filter((l) => l.includes(engine.dir));
    let containerPid = 0;
    try {
      // A running container, so a shim and its container process are left behind too.
      const runtime = new DockerRuntime({ host: engine.host });
      await runtime.pullImage(pinned);
      const c = await runtime.startIdle({ image: pinned, labels });
      containerPid = (await new Docker({ socketPath: engine.socketPath }).getContainer(c.id).inspect()).State.Pid;
      expect(containerPid).toBeGreaterThan(0);
      process.kill(engine.pid, 'SIGKILL');
      await new Promise((r) => setTimeout(r, 300));
      // Its containerd dies with it (parent-death signal); the shim and the container do not.
      expect(processes().some((l) => /containerd-shim/.test(l))).toBe(true);
      expect(spawnSync('kill', ['-0', String(containerPid)]).status).toBe(0);
    } finally {
      await engine.stop();
    }
    expect(processes()).toEqual([]);
    expect(spawnSync('kill', ['-0', String(containerPid)]).status).not.toBe(0);
    expect(existsSync(engine.dir)).toBe(false);
    expect(spawnSync('ip', ['link', 'show', engine.bridge], { stdio: 'ignore' }).status).not.toBe(0);
    expect(spawnSync('ip', ['link', 'show', 'docker0'], { stdio: 'ignore' }).status).toBe(0);
  });

  it('stops engine B leaving nothing behind, with docker0 and the main engine intact', async () => {
    const { dir, bridge, pid } = engineB;
    await engineB.stop();
    expect(spawnSync('kill', ['-0', String(pid)]).status).not.toBe(0);
    const ps = spawnSync('ps', ['-eo', 'args'], { encoding: 'utf8' }).stdout;
    expect(ps.includes(dir)).toBe(false);
    expect(existsSync(dir)).toBe(false);
    expect(spawnSync('ip', ['link', 'show', bridge], { stdio: 'ignore' }).status).not.toBe(0);
    expect(spawnSync('ip', ['link', 'show', 'docker0'], { stdio: 'ignore' }).status).toBe(0);
    expect((await runtimeA.info()).apiVersion).toMatch(/^1\.\d+/);
    // The main engine still runs containers with its own bridge network.
    const out = await dockerA.listNetworks({ filters: { name: ['bridge'] } });
    expect(out.some((n) => n.Name === 'bridge' && n.Options?.['com.docker.network.bridge.name'] === 'docker0')).toBe(true);
  });
});
