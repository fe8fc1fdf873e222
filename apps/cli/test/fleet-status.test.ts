import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { silentLogger } from '@fipsyard/core';
import type { FleetStatus } from '@fipsyard/engine';
import { connectRedis, startEmbeddedRedis, WorkerHeartbeat, WorkerRegistry, type EmbeddedRedis } from '@fipsyard/queue';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startControllerDaemon } from '../src/commands/controller.js';
import { formatFleet } from '../src/commands/fleet.js';
import { fipsyard, REPO } from './cli.js';

// `fipsyard fleet status` and `fipsyard controller` against a real Redis; no Docker needed.

let server: EmbeddedRedis;
beforeAll(async () => {
  server = await startEmbeddedRedis();
});
afterAll(async () => {
  await server?.stop();
});

/** A loopback port nothing listens on. */
function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const a = srv.address();
      srv.close(() => resolve(typeof a === 'object' && a ? a.port : 0));
    });
  });
}

describe('fipsyard fleet status', () => {
  it('--json lists a live worker with its labels, the queues and exits 0', async () => {
    const redis = await connectRedis({ url: server.url, role: 'command' });
    const hb = new WorkerHeartbeat(new WorkerRegistry(redis), { name: 'fleet-test-w1', host: 'h1', pid: 7, version: '0.1.0', concurrency: 2, labels: { arch: 'amd64', 'fips-host': 'false' }, startedAt: new Date().toISOString() }, { intervalMs: 60_000 });
    await hb.start();
    hb.stageStarted({ runId: 'run-x', stageId: 'build-base', kind: 'build', startedAt: new Date(Date.now() - 5000).toISOString() });
    await hb.beat();
    try {
      const json = await fipsyard(['fleet', 'status', '--json'], { REDIS_URL: server.url });
      expect(json.code, json.stderr).toBe(0);
      const s = JSON.parse(json.stdout) as FleetStatus;
      const w = s.workers.find((x) => x.name === 'fleet-test-w1');
      expect(w).toMatchObject({ labels: { arch: 'amd64', 'fips-host': 'false' }, concurrency: 2, running: [{ stageId: 'build-base', runId: 'run-x' }] });
      expect(w!.running[0]!.elapsedMs).toBeGreaterThanOrEqual(4000);
      expect(s.queues.map((q) => q.name)).toEqual(expect.arrayContaining(['fipsyard-build', 'fipsyard-test']));
      expect(Array.isArray(s.runs)).toBe(true);

      // The human view of the same document.
      const text = formatFleet(s).join('\n');
      expect(text).toMatch(/fleet-test-w1 .*\{arch=amd64, fips-host=false\}\s+concurrency 2/);
      expect(text).toMatch(/running build-base of run run-x for \d+ s/);
      expect(text).toMatch(/fipsyard-build\s+0\s+0\s+0\s+0/);
    } finally {
      await hb.stop();
      redis.disconnect();
    }
  });

  it('exits 3 naming Redis when it is unreachable, and 2 without REDIS_URL', async () => {
    const down = await fipsyard(['fleet', 'status'], { REDIS_URL: `redis://127.0.0.1:${await closedPort()}` });
    expect(down.code).toBe(3);
    expect(down.stderr).toMatch(/Redis unreachable/);
    const unset = await fipsyard(['fleet', 'status']);
    expect(unset.code).toBe(2);
    expect(unset.stderr).toMatch(/REDIS_URL/);
  });

  it('refuses a bad --label before doing anything (exit 2)', async () => {
    const r = await fipsyard(['worker', '--label', 'fips host=true'], { REDIS_URL: `redis://127.0.0.1:${await closedPort()}` });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--label: label name "fips host"/);
  });
});

describe('fipsyard controller', () => {
  it('GET /healthz is 200 ok while Redis answers and 503 once it is gone; GET /fleet is the fleet status JSON', async () => {
    const own = await startEmbeddedRedis();
    const daemon = await startControllerDaemon({ port: 0, host: '127.0.0.1', redisUrl: own.url, connect: {}, unschedulableMs: 30_000, logger: silentLogger, intervalMs: 200 });
    try {
      const base = `http://127.0.0.1:${daemon.port}`;
      const ok = await fetch(`${base}/healthz`);
      expect(ok.status).toBe(200);
      expect(await ok.text()).toBe('ok\n');
      const fleet = await fetch(`${base}/fleet`);
      expect(fleet.status).toBe(200);
      expect(fleet.headers.get('content-type')).toMatch(/application\/json/);
      expect(await fleet.json()).toMatchObject({ workers: [], queues: expect.arrayContaining([expect.objectContaining({ name: 'fipsyard-build' })]), runs: [] });
      expect((await fetch(`${base}/nope`)).status).toBe(404);
      await own.stop();
      const down = await fetch(`${base}/healthz`);
      expect(down.status).toBe(503);
      expect((await fetch(`${base}/fleet`)).status).toBe(503);
    } finally {
      await daemon.close();
      await own.stop();
    }
  });

  it('starts serving before Redis is reachable (503), as a compose service may', async () => {
    const daemon = await startControllerDaemon({ port: 0, host: '127.0.0.1', redisUrl: `redis://127.0.0.1:${await closedPort()}`, connect: {}, unschedulableMs: 30_000, logger: silentLogger, retryMs: 200 });
    try {
      expect((await fetch(`http://127.0.0.1:${daemon.port}/healthz`)).status).toBe(503);
    } finally {
      await daemon.close();
    }
  });

  it('the command listens on --port, answers /healthz and exits 0 on SIGTERM', async () => {
    const port = await closedPort();
    const bin = fileURLToPath(new URL('../bin/fipsyard.js', import.meta.url));
    const child = spawn(process.execPath, [bin, 'controller', '--port', String(port), '--host', '127.0.0.1'], { cwd: REPO, env: { ...process.env, REDIS_URL: server.url, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    try {
      const deadline = Date.now() + 20_000;
      while (!/controller listening on/.test(stderr) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(stderr).toMatch(new RegExp(`controller listening on http://127.0.0.1:${port}`));
      const res = await fetch(`http://127.0.0.1:${port}/healthz`);
      expect(res.status).toBe(200);
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(stderr).toMatch(/SIGTERM: stopping the controller/);
    } finally {
      child.kill('SIGKILL');
    }
  });
});
