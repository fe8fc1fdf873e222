import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunReport } from '@fipsyard/report';
import { REPO } from './cli.js';

// The Docker Engine going away mid-build, as the client sees a restart: a proxy in front of the
// real engine's socket cuts every connection and refuses new ones for a while, then lets them
// through again. (Restarting this machine's engine would disturb every other test running.)
function engineProxy(target = '/var/run/docker.sock') {
  const dir = mkdtempSync(path.join(tmpdir(), 'fy-proxy-'));
  const sock = path.join(dir, 'docker.sock');
  const open = new Set<Socket>();
  let down = false;
  const server: Server = createServer((client) => {
    if (down) return client.destroy();
    const upstream = createConnection(target);
    open.add(client);
    open.add(upstream);
    client.pipe(upstream).pipe(client);
    const close = () => {
      client.destroy();
      upstream.destroy();
      open.delete(client);
      open.delete(upstream);
    };
    client.on('error', close).on('close', close);
    upstream.on('error', close).on('close', close);
  });
  return {
    host: `unix://${sock}`,
    listen: () => new Promise<void>((r) => server.listen(sock, r)),
    outage(ms: number) {
      down = true;
      for (const s of open) s.destroy();
      setTimeout(() => (down = false), ms);
    },
    close: () => new Promise<void>((r) => server.close(() => (rmSync(dir, { recursive: true, force: true }), r()))),
  };
}

describe('the Docker Engine unreachable mid-build', () => {
  it('fails the build as an infrastructure error, retries it with backoff, and marks the stage flaky', async () => {
    const proxy = engineProxy();
    await proxy.listen();
    const dir = mkdtempSync(path.join(tmpdir(), 'fy-outage-'));
    mkdirSync(path.join(dir, 'img'));
    // A fresh marker each run, so the RUN step is never a cache hit.
    writeFileSync(path.join(dir, 'img', 'Dockerfile'), `FROM debian:trixie-slim\nRUN sleep 4 && echo ${path.basename(dir)} > /built\n`);
    writeFileSync(path.join(dir, 'p.yaml'), 'version: 1\nimages:\n  app:\n    context: ./img\n    checks:\n      - { id: built, command: [cat, /built], expect: { stdout: "^fy-outage-" } }\n');
    const child = spawn(process.execPath, [path.join(REPO, 'apps/cli/bin/fipsyard.js'), 'run', path.join(dir, 'p.yaml'), '--workers', '1', '--report-dir', path.join(dir, 'out')], {
      cwd: REPO,
      env: { ...process.env, NO_COLOR: '1', DOCKER_HOST: proxy.host },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout!.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr!.on('data', (b: Buffer) => (out += b.toString()));
    const exited = new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
    try {
      const end = Date.now() + 60_000;
      while (!/> build app/.test(out) && Date.now() < end) await new Promise((r) => setTimeout(r, 100));
      await new Promise((r) => setTimeout(r, 1500)); // inside RUN sleep 4
      proxy.outage(2000);
      expect(await exited, out).toBe(0);
      const report = JSON.parse(readFileSync(path.join(dir, 'out', 'report.json'), 'utf8')) as RunReport;
      const build = report.stages.find((s) => s.id === 'build-app')!;
      expect(build).toMatchObject({ status: 'succeeded', flaky: true });
      expect(build.attempts).toBeGreaterThan(1);
      expect(report.images[0]!.checks[0]!.status).toBe('pass');
    } finally {
      child.kill('SIGKILL');
      await proxy.close();
    }
  });
});
