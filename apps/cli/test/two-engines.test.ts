import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedRedis, type EmbeddedRedis } from '@fipsyard/queue';
import type { RunReport } from '@fipsyard/report';
import { DockerRuntime } from '@fipsyard/runtime';
import { startLocalRegistry, startSecondEngine, type LocalRegistry, type SecondEngine } from '@fipsyard/runtime/testing';
import { fipsyard, REPO, STATE_DIR } from './cli.js';

// Two workers on two different Docker engines (separate data roots and sockets on this machine)
// share only Redis and a registry on 127.0.0.1. The base is built on engine A; the derived image
// is built and checked on engine B, from the base pulled by digest.
const BIN = fileURLToPath(new URL('../bin/fipsyard.js', import.meta.url));
const id = `e${process.pid}${Date.now().toString(36)}`;
const main = new Docker();
let registry: LocalRegistry;
let engineB: SecondEngine;
let redis: EmbeddedRedis;
const workers: ChildProcess[] = [];
const logs: string[] = [];
const dir = mkdtempSync(path.join(tmpdir(), 'fy-2e-'));

function startWorker(name: string, label: string, dockerHost?: string): ChildProcess {
  const env: NodeJS.ProcessEnv = { ...process.env, REDIS_URL: redis.url, FIPSYARD_STATE_DIR: STATE_DIR, NO_COLOR: '1', FIPSYARD_STALL_MS: '5000' };
  if (dockerHost) env['DOCKER_HOST'] = dockerHost;
  else delete env['DOCKER_HOST'];
  const child = spawn(process.execPath, [BIN, 'worker', '--name', name, '--label', label], { cwd: REPO, env, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.on('data', (b: Buffer) => logs.push(`[${name}] ${b}`));
  child.stderr?.on('data', (b: Buffer) => logs.push(`[${name}] ${b}`));
  workers.push(child);
  return child;
}

async function ready(child: ChildProcess, name: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (!logs.some((l) => l.startsWith(`[${name}]`) && / ready/.test(l))) {
    if (child.exitCode !== null) throw new Error(`worker ${name} exited: ${logs.join('')}`);
    if (Date.now() > deadline) throw new Error(`worker ${name} not ready: ${logs.join('')}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

beforeAll(async () => {
  [registry, engineB, redis] = await Promise.all([startLocalRegistry(), startSecondEngine(), startEmbeddedRedis()]);
  const a = startWorker('worker-a', 'engine=a');
  const b = startWorker('worker-b', 'engine=b', engineB.host);
  await Promise.all([ready(a, 'worker-a'), ready(b, 'worker-b')]);
}, 120_000);

afterAll(async () => {
  await Promise.all(
    workers.map(
      (w) =>
        new Promise<void>((resolve) => {
          if (w.exitCode !== null) return resolve();
          const t = setTimeout(() => w.kill('SIGKILL'), 15_000);
          w.once('exit', () => {
            clearTimeout(t);
            resolve();
          });
          w.kill('SIGTERM');
        }),
    ),
  );
  const images = await main.listImages({ all: true, filters: { label: [`dev.fipsyard.pipeline=two-engines-${id}`] } });
  for (const img of images) await main.getImage(img.Id).remove({ force: true }).catch(() => undefined);
  await Promise.allSettled([engineB?.stop(), registry?.stop(), redis?.stop()]);
  rmSync(dir, { recursive: true, force: true });
}, 120_000);

describe('two workers on two Docker engines, sharing Redis and a registry', () => {
  it('builds the derived image on the engine that did not build the base, from the base pulled by digest', async () => {
    const files: Record<string, string> = {
      'pipeline.yaml': `version: 1
name: two-engines-${id}
registry: ${registry.address}
images:
  base:
    context: ./base
    requires: { engine: a }
    tags: ["fy2e/${id}-base:latest"]
    checks:
      - id: base-marker
        command: [cat, /base.txt]
        expect: { stdout: '^base$' }
  app:
    parent: base
    context: ./app
    requires: { engine: b }
    tags: ["fy2e/${id}-app:1"]
    checks:
      - id: app-marker
        command: [cat, /app.txt]
        expect: { stdout: '^app$' }
`,
      'base/Dockerfile': 'FROM debian:trixie-slim\nRUN echo base > /base.txt\n',
      'app/Dockerfile': 'ARG BASE_IMAGE\nFROM ${BASE_IMAGE}\nRUN echo app > /app.txt\n',
    };
    for (const [rel, content] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
      writeFileSync(path.join(dir, rel), content);
    }
    const reportDir = path.join(dir, 'out');
    const r = await fipsyard(['run', path.join(dir, 'pipeline.yaml'), '--root', dir, '--workers', '0', '--report-dir', reportDir, '--progress', 'plain'], { REDIS_URL: redis.url });
    expect(r.code, `${r.stdout}${r.stderr}\n${logs.join('')}`).toBe(0);
    const report = JSON.parse(readFileSync(path.join(reportDir, 'report.json'), 'utf8')) as RunReport;
    const worker = (s: string) => report.stages.find((x) => x.id === s)?.worker;
    expect([worker('build-base'), worker('test-base'), worker('build-app'), worker('test-app')]).toEqual(['worker-a', 'worker-a', 'worker-b', 'worker-b']);

    const base = report.images.find((i) => i.name === 'base')!;
    const app = report.images.find((i) => i.name === 'app')!;
    for (const img of [base, app]) {
      expect(img.registry?.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
      expect(img.registry?.pinned).toBe(`${registry.address}/two-engines-${id}/${img.name}@${img.registry?.digest}`);
    }
    expect(base.registry?.pushed).toEqual([`${registry.address}/fy2e/${id}-base:latest`]);
    expect(app.registry?.pushed).toEqual([`${registry.address}/fy2e/${id}-app:1`]);
    expect(app.parentImageId).toBe(base.imageId);

    // Engine B got the base by digest and built the app on it.
    const b = new DockerRuntime({ host: engineB.host });
    const baseOnB = await b.inspectImage(base.imageId!);
    expect(baseOnB?.id).toBe(base.imageId);
    expect((await b.imageDigests(base.imageId!)).join(' ')).toContain(base.registry!.digest);
    const appOnB = await b.inspectImage(app.imageId!);
    expect(appOnB?.layers.slice(0, baseOnB!.layers.length)).toEqual(baseOnB!.layers);
    // Engine A got the app only at the end, to promote it (the run passed): pulled by its digest.
    expect((await new DockerRuntime().imageDigests(app.imageId!)).join(' ')).toContain(app.registry!.digest);
    // No check container is left on either engine.
    expect(await main.listContainers({ all: true, filters: { label: [`dev.fipsyard.run=${report.runId}`] } })).toEqual([]);
    expect(await new Docker({ socketPath: engineB.host.replace(/^unix:\/\//, '') }).listContainers({ all: true })).toEqual([]);
  }, 300_000);
});
