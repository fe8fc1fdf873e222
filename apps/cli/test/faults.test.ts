import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import Docker from 'dockerode';
import { describe, expect, it } from 'vitest';
import { startEmbeddedRedis } from '@fipsyard/queue';
import type { RunReport } from '@fipsyard/report';
import { fipsyard, REPO } from './cli.js';

// Faults with real processes: Ctrl-C on a run, and a worker killed with SIGKILL mid-stage.
const BIN = path.join(REPO, 'apps/cli/bin/fipsyard.js');
const docker = new Docker();

function slowPipeline(seconds: number): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'fy-fault-'));
  mkdirSync(path.join(dir, 'img'));
  writeFileSync(path.join(dir, 'img', 'Dockerfile'), 'FROM debian:trixie-slim\nRUN true\n');
  writeFileSync(
    path.join(dir, 'p.yaml'),
    `version: 1\nimages:\n  slow:\n    context: ./img\n    checks:\n      - id: quick\n        command: [true]\n      - id: slow\n        command: [sleep, "${seconds}"]\n        timeout: 300\n`.replace('[true]', '[/bin/true]'),
  );
  return dir;
}

interface Proc {
  child: ChildProcess;
  out: () => string;
  exited: Promise<number | null>;
}

/** Starts the CLI in its own process group, as a terminal would, so signals reach all of it. */
function start(args: string[], env: Record<string, string> = {}): Proc {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: REPO, env: { ...process.env, NO_COLOR: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let out = '';
  child.stdout!.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr!.on('data', (b: Buffer) => (out += b.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, out: () => out, exited };
}

async function until(what: string, cond: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Kills each process group; one already gone is fine. */
function killAll(procs: Proc[]): void {
  for (const p of procs) {
    try {
      process.kill(-p.child.pid!, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

/** A TCP port free on loopback right now. */
function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const a = srv.address();
      srv.close(() => resolve(typeof a === 'object' && a ? a.port : 0));
    });
  });
}

const containersOf = async (runId: string) => (await docker.listContainers({ all: true, filters: { label: [`dev.fipsyard.run=${runId}`] } })).length;

describe('cancellation', () => {
  it('Ctrl-C stops the running check, removes its container, writes a cancelled report and exits 130', async () => {
    const dir = slowPipeline(120);
    const p = start(['run', path.join(dir, 'p.yaml'), '--report-dir', path.join(dir, 'out')]);
    await until('the check stage to start', () => /> test\s+slow/.test(p.out()), 120_000);
    await new Promise((r) => setTimeout(r, 1500)); // inside the slow check
    const t0 = Date.now();
    process.kill(-p.child.pid!, 'SIGINT');
    expect(await p.exited, p.out()).toBe(130);
    expect(Date.now() - t0).toBeLessThan(20_000);
    const report = JSON.parse(readFileSync(path.join(dir, 'out', 'report.json'), 'utf8')) as RunReport;
    expect(report.status).toBe('cancelled');
    expect(report.stages.find((s) => s.id === 'test-slow')).toMatchObject({ status: 'skipped', reason: expect.stringMatching(/cancelled/) });
    expect(await containersOf(report.runId)).toBe(0);
  });

  it('one SIGTERM to the whole process group (as `timeout` sends it) cancels gracefully, once', async () => {
    const dir = slowPipeline(120);
    const p = start(['run', path.join(dir, 'p.yaml'), '--report-dir', path.join(dir, 'out')]);
    await until('the check stage to start', () => /> test\s+slow/.test(p.out()), 120_000);
    await new Promise((r) => setTimeout(r, 1500));
    process.kill(-p.child.pid!, 'SIGTERM');
    expect(await p.exited, p.out()).toBe(130);
    expect(p.out()).not.toMatch(/again: exiting at once/);
    const report = JSON.parse(readFileSync(path.join(dir, 'out', 'report.json'), 'utf8')) as RunReport;
    expect(report.status).toBe('cancelled');
    expect(await containersOf(report.runId)).toBe(0);
  });
});

describe('a worker killed mid-stage', () => {
  it('its stage is taken over by another worker and the run completes, the report showing the retry', async () => {
    const redis = await startEmbeddedRedis();
    const env = { REDIS_URL: redis.url, FIPSYARD_STALL_MS: '3000' };
    const procs: Proc[] = [];
    try {
      const a = start(['worker', '--name', 'doomed'], env);
      procs.push(a);
      await until('worker a', () => a.out().includes('ready'), 60_000);
      const dir = slowPipeline(6);
      const run = start(['run', path.join(dir, 'p.yaml'), '--workers', '0', '--report-dir', path.join(dir, 'out')], env);
      procs.push(run);
      await until('the check stage on worker a', () => /> test\s+slow\s+started on doomed/.test(run.out()), 120_000);
      await new Promise((r) => setTimeout(r, 1000));
      process.kill(-a.child.pid!, 'SIGKILL');
      const b = start(['worker', '--name', 'rescuer'], env);
      procs.push(b);
      expect(await run.exited, run.out()).toBe(0);
      const report = JSON.parse(readFileSync(path.join(dir, 'out', 'report.json'), 'utf8')) as RunReport;
      expect(report.status).toBe('passed');
      expect(report.stages.find((s) => s.id === 'test-slow')).toMatchObject({ status: 'succeeded', worker: 'rescuer', attempts: 2 });
      expect(report.stages.find((s) => s.id === 'build-slow')).toMatchObject({ worker: 'doomed', attempts: 1 });
      // The killed worker's check container was swept at the end of the run.
      expect(await containersOf(report.runId)).toBe(0);
      // The run's state stays in Redis for `status`.
      const st = await fipsyard(['status', report.runId], env);
      expect(st.code, st.stderr).toBe(0);
      expect(st.stdout).toMatch(new RegExp(`run ${report.runId}: passed`));
      expect(st.stdout).toMatch(/succeeded\s+test-slow\s+on rescuer, attempt 2/);
      expect((await fipsyard(['status', 'r-no-such-run'], env)).code).toBe(2);
    } finally {
      killAll(procs);
      await redis.stop();
    }
  });
});

describe('a controller killed mid-run', () => {
  it('run --resume RUN_ID follows the run to its end from Redis and writes the report, redoing nothing', async () => {
    const redis = await startEmbeddedRedis();
    const env = { REDIS_URL: redis.url, FIPSYARD_STALL_MS: '3000' };
    const procs: Proc[] = [];
    try {
      const w = start(['worker', '--name', 'steady'], env);
      procs.push(w);
      await until('the worker', () => w.out().includes('ready'), 60_000);
      const dir = slowPipeline(6);
      const controller = start(['run', path.join(dir, 'p.yaml'), '--workers', '0'], env);
      procs.push(controller);
      await until('the check stage', () => /> test\s+slow/.test(controller.out()), 120_000);
      const runId = /run (r[0-9a-f-]+):/.exec(controller.out())![1]!;
      process.kill(-controller.child.pid!, 'SIGKILL');
      await controller.exited;
      const resumed = await fipsyard(['run', '--resume', runId, '--workers', '0', '--report-dir', path.join(dir, 'out')], env, 120_000);
      expect(resumed.code, resumed.stdout + resumed.stderr).toBe(0);
      expect(resumed.stdout).toContain(`resuming run ${runId}`);
      const report = JSON.parse(readFileSync(path.join(dir, 'out', 'report.json'), 'utf8')) as RunReport;
      expect(report.runId).toBe(runId);
      expect(report.status).toBe('passed');
      for (const s of report.stages) expect(s, s.id).toMatchObject({ status: 'succeeded', attempts: 1, worker: 'steady' });
    } finally {
      killAll(procs);
      await redis.stop();
    }
  });
});

/** A redis-server with append-only persistence, restartable on the same port and directory. */
async function persistentRedis(): Promise<{ url: string; start(): Promise<void>; stop(): Promise<void> }> {
  const port = await freePort();
  const dir = mkdtempSync(path.join(tmpdir(), 'fy-redis-aof-'));
  let child: ChildProcess | undefined;
  return {
    url: `redis://127.0.0.1:${port}`,
    async start() {
      child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--appendfsync', 'always', '--save', ''], { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
      let out = '';
      child.stdout!.on('data', (b: Buffer) => (out += b.toString()));
      await until('redis to accept connections', () => /Ready to accept connections/.test(out), 10_000);
    },
    async stop() {
      if (!child || child.exitCode !== null) return;
      const exited = new Promise((r) => child!.once('exit', r));
      child.kill('SIGTERM'); // redis writes its append-only file and exits
      await exited;
    },
  };
}

describe('Redis restarted mid-run (persistence on)', () => {
  it('the controller and workers reconnect and the run completes', async () => {
    const redis = await persistentRedis();
    await redis.start();
    const dir = slowPipeline(8);
    const run = start(['run', path.join(dir, 'p.yaml'), '--workers', '1', '--report-dir', path.join(dir, 'out')], { REDIS_URL: redis.url, FIPSYARD_STALL_MS: '3000' });
    try {
      await until('the check stage', () => /> test\s+slow/.test(run.out()), 120_000);
      await redis.stop();
      await new Promise((r) => setTimeout(r, 2000));
      await redis.start();
      expect(await run.exited, run.out()).toBe(0);
      const report = JSON.parse(readFileSync(path.join(dir, 'out', 'report.json'), 'utf8')) as RunReport;
      expect(report.status).toBe('passed');
      expect(await containersOf(report.runId)).toBe(0);
    } finally {
      killAll([run]);
      await redis.stop();
    }
  });
});

describe('Redis gone for good mid-run', () => {
  it('ends with exit 3 naming Redis, in bounded time', async () => {
    const redis = await persistentRedis();
    await redis.start();
    const dir = slowPipeline(30);
    const run = start(['run', path.join(dir, 'p.yaml'), '--workers', '1'], { REDIS_URL: redis.url });
    try {
      await until('the check stage', () => /> test\s+slow/.test(run.out()), 120_000);
      await redis.stop();
      const t0 = Date.now();
      expect(await run.exited, run.out()).toBe(3);
      expect(Date.now() - t0).toBeLessThan(60_000);
      expect(run.out()).toMatch(/lost the connection to Redis/);
    } finally {
      killAll([run]);
    }
  });
});

describe('Redis with a password and TLS', () => {
  it('runs a pipeline over rediss:// with a private CA, and names a wrong password or an untrusted certificate', async () => {
    const { execFileSync } = await import('node:child_process');
    const dir = mkdtempSync(path.join(tmpdir(), 'fy-tls-'));
    const sh = (args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
    sh(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt', '-subj', '/CN=fipsyard-test-ca', '-days', '1']);
    sh(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'srv.key', '-out', 'srv.csr', '-subj', '/CN=127.0.0.1']);
    writeFileSync(path.join(dir, 'ext'), 'subjectAltName=IP:127.0.0.1\n');
    sh(['x509', '-req', '-in', 'srv.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'srv.crt', '-days', '1', '-extfile', 'ext']);
    const port = await freePort();
    const redis = spawn('redis-server', ['--port', '0', '--tls-port', String(port), '--bind', '127.0.0.1', '--tls-cert-file', 'srv.crt', '--tls-key-file', 'srv.key', '--tls-ca-cert-file', 'ca.crt', '--tls-auth-clients', 'no', '--requirepass', 's3cret-pw', '--save', '', '--dir', dir], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let log = '';
    redis.stdout!.on('data', (b: Buffer) => (log += b.toString()));
    try {
      await until('TLS redis', () => /Ready to accept connections/.test(log), 10_000);
      const url = `rediss://:s3cret-pw@127.0.0.1:${port}`;
      const ca = path.join(dir, 'ca.crt');
      const work = slowPipeline(1);
      const r = await fipsyard(['run', path.join(work, 'p.yaml'), '--workers', '1', '--report-dir', path.join(work, 'out')], { REDIS_URL: url, FIPSYARD_REDIS_CA_FILE: ca }, 300_000);
      expect(r.code, r.stdout + r.stderr).toBe(0);
      expect(r.stdout + r.stderr).not.toContain('s3cret-pw');
      const wrong = await fipsyard(['status', 'r-x'], { REDIS_URL: url.replace('s3cret-pw', 'nope'), FIPSYARD_REDIS_CA_FILE: ca }, 30_000);
      expect(wrong.code).toBe(3);
      expect(wrong.stderr).toMatch(/refused the credentials/);
      const untrusted = await fipsyard(['status', 'r-x'], { REDIS_URL: url }, 30_000);
      expect(untrusted.code).toBe(3);
      expect(untrusted.stderr).toMatch(/FIPSYARD_REDIS_CA_FILE/);
    } finally {
      redis.kill('SIGKILL');
    }
  });
});

describe('fipsyard gc', () => {
  it('removes containers left by runs that are not running, and says what it removed', async () => {
    const c = await docker.createContainer({ Image: 'debian:trixie-slim', Cmd: ['true'], Labels: { 'dev.fipsyard.managed': 'true', 'dev.fipsyard.run': 'r-gc-test-leftover' } });
    // --run: other tests' containers, running at the same time, are not this test's to remove.
    const r = await fipsyard(['gc', '--run', 'r-gc-test-leftover']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`removed container ${c.id.slice(0, 12)} (run r-gc-test-leftover)`);
    expect(await containersOf('r-gc-test-leftover')).toBe(0);
  });
});

describe('stage timeouts', () => {
  it('stops a hanging build at its limit, fails it with reason "timeout", and leaves no container', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'fy-hang-'));
    mkdirSync(path.join(dir, 'img'));
    writeFileSync(path.join(dir, 'img', 'Dockerfile'), 'FROM debian:trixie-slim\nRUN sleep 300\n');
    writeFileSync(path.join(dir, 'p.yaml'), 'version: 1\nimages:\n  hang:\n    context: ./img\n    timeouts: { build: 4 }\n');
    const before = (await docker.listContainers({ all: true, filters: { ancestor: ['debian:trixie-slim'] } })).filter((c) => c.Command.includes('sleep 300')).length;
    const t0 = Date.now();
    const r = await fipsyard(['run', path.join(dir, 'p.yaml'), '--report-dir', path.join(dir, 'out')]);
    expect(r.code, r.stdout + r.stderr).toBe(1);
    expect(Date.now() - t0).toBeLessThan(60_000);
    const report = JSON.parse(readFileSync(path.join(dir, 'out', 'report.json'), 'utf8')) as RunReport;
    expect(report.stages.find((s) => s.id === 'build-hang')).toMatchObject({ status: 'failed', reason: 'timeout: the build stage did not finish within 4 s' });
    await new Promise((res) => setTimeout(res, 1000));
    const after = (await docker.listContainers({ all: true, filters: { ancestor: ['debian:trixie-slim'] } })).filter((c) => c.Command.includes('sleep 300')).length;
    expect(after).toBe(before);
  });
});
