import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunReport } from '@fipsyard/report';
import { fipsyard, REPO } from './cli.js';

// The fleet of docker-compose.yml as a user brings it up (`up -d --scale worker=3`), with
// pipelines/fips.yaml submitted to it from the host (`--workers 0`): every stage must run on the
// compose workers, and `down -v` must leave no container, network or volume behind. On this
// machine no registry is reachable, so the images compose needs are seeded first
// (scripts/seed-fleet-images.sh); elsewhere that script pulls them. Takes minutes.

const docker = new Docker();
// Compose project names: lowercase letters, digits, '-' and '_'. Unique, so a developer's own
// fleet (the default project) is never touched.
const PROJECT = `fyfleet${process.pid}${Date.now().toString(36)}`;
const PROJECT_LABEL = `com.docker.compose.project=${PROJECT}`;

interface Exec {
  code: number | null;
  out: string;
}

function sh(cmd: string, args: string[], env: Record<string, string> = {}, timeoutMs = 900_000): Promise<Exec> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: REPO, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr.on('data', (b: Buffer) => (out += b.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    });
  });
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

let composeEnv: Record<string, string> = {};
let composeCmd: string[] = ['docker-compose'];
/** docker-compose for this test's project; Compose v2 (`docker compose`) where 1.29 is absent. */
const compose = (args: string[], timeoutMs?: number) =>
  sh(composeCmd[0]!, [...composeCmd.slice(1), '-p', PROJECT, '-f', path.join(REPO, 'docker-compose.yml'), ...args], composeEnv, timeoutMs);

const projectContainers = () => docker.listContainers({ all: true, filters: { label: [PROJECT_LABEL] } });

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 1000));
  }
}

let redisPort = 0;
let services: string[] = [];
let up: Exec | undefined;
let downDone = false;

beforeAll(async () => {
  const setup = await sh('bash', ['scripts/ensure-env.sh', 'compose']);
  expect(setup.code, setup.out).toBe(0);
  if ((await sh('docker-compose', ['version'])).code !== 0) composeCmd = ['docker', 'compose'];
  const seeded = await sh('bash', ['scripts/seed-fleet-images.sh']);
  expect(seeded.code, seeded.out).toBe(0);

  redisPort = await freePort();
  // PWD: the repository is mounted at this path in the workers (see docker-compose.yml).
  composeEnv = { PWD: REPO.replace(/\/$/, ''), FIPSYARD_REDIS_PORT: String(redisPort), FIPSYARD_REGISTRY_PORT: String(await freePort()), FIPSYARD_CONTROLLER_PORT: String(await freePort()) };
  services = ['redis', 'registry', 'worker', 'controller'];
  // Built first with --force-rm: the classic builder Compose 1.29 uses otherwise leaves the
  // container of a failed RUN step behind.
  const built = await compose(['build', '--force-rm', 'worker']);
  expect(built.code, built.out).toBe(0);
  up = await compose(['up', '-d', '--scale', 'worker=3', ...services]);
  expect(up.code, up.out).toBe(0);
  const expected = services.length - 1 + 3;
  await until(
    `${expected} healthy containers of project ${PROJECT}`,
    async () => {
      const list = await projectContainers();
      const healthy = list.filter((c) => /\(healthy\)/.test(c.Status));
      return healthy.length === expected ? list : undefined;
    },
    300_000,
  ).catch(async (err: Error) => {
    throw new Error(`${err.message}\n${(await compose(['ps'])).out}\n${(await compose(['logs', '--tail', '40'])).out}`);
  });
}, 1_800_000);

afterAll(async () => {
  // Also when a test failed: nothing of this project may outlive the test run.
  if (!downDone && composeCmd.length) await compose(['down', '-v', '--remove-orphans', '--timeout', '30']);
}, 300_000);

describe('the fleet of docker-compose.yml', () => {
  let report: RunReport;

  it('runs pipelines/fips.yaml on three compose workers and passes', async () => {
    const workers = await docker.listContainers({ filters: { label: [PROJECT_LABEL, 'com.docker.compose.service=worker'] } });
    expect(workers).toHaveLength(3);
    // A worker's name is <hostname>-<pid>, and a container's hostname is its short ID.
    const workerIds = workers.map((w) => w.Id.slice(0, 12));

    // Meanwhile, every check container the workers start must have no network. (Intermediate
    // containers of derived builds carry the parent image's labels, with its build stage: they
    // need the network for apt and are told apart by that stage label.)
    const seen = new Map<string, { mode: string; run?: string; stage?: string }>();
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        for (const c of await docker.listContainers({ filters: { label: ['dev.fipsyard.run'] } }).catch(() => [])) {
          if (!seen.has(c.Id)) seen.set(c.Id, { mode: c.HostConfig.NetworkMode, run: c.Labels['dev.fipsyard.run'], stage: c.Labels['dev.fipsyard.stage'] });
        }
        await new Promise((r) => setTimeout(r, 300));
      }
    })();

    const dir = mkdtempSync(path.join(tmpdir(), 'fy-fleet-'));
    const r = await fipsyard(['run', 'pipelines/fips.yaml', '--workers', '0', '--report-dir', dir, '--var', 'TAG_PREFIX=fipsyard-fleet-test'], { REDIS_URL: `redis://127.0.0.1:${redisPort}` }, 1_500_000);
    sampling = false;
    await sampler;
    const logs = r.code === 0 ? '' : (await compose(['logs', '--tail', '60', 'worker'])).out;
    expect(r.code, `${r.stdout}${r.stderr}\n${logs}`).toBe(0);

    report = JSON.parse(readFileSync(path.join(dir, 'report.json'), 'utf8')) as RunReport;
    expect(report.status).toBe('passed');
    const ran = report.stages.filter((s) => s.status === 'succeeded');
    expect(ran.length).toBeGreaterThanOrEqual(10);
    // Every stage ran on a compose worker, none in the submitting process; and the stages spread.
    for (const s of ran) expect(workerIds, `${s.id} ran on ${s.worker}`).toContain(s.worker?.split('-')[0]);
    expect(new Set(ran.map((s) => s.worker?.split('-')[0])).size).toBeGreaterThanOrEqual(2);

    const checkContainers = [...seen.values()].filter((c) => c.run === report.runId && c.stage?.startsWith('test-'));
    expect(checkContainers.length, 'no check container of the run was seen').toBeGreaterThan(0);
    expect(checkContainers.filter((c) => c.mode !== 'none'), 'check containers with a network').toEqual([]);
  }, 1_800_000);

  it('docker-compose down -v leaves no container, network or volume of the project', async () => {
    expect(await projectContainers()).not.toHaveLength(0);
    const down = await compose(['down', '-v', '--remove-orphans', '--timeout', '30']);
    downDone = true;
    expect(down.code, down.out).toBe(0);
    expect(await projectContainers()).toEqual([]);
    expect((await docker.listNetworks({ filters: { label: [PROJECT_LABEL] } })).map((n) => n.Name)).toEqual([]);
    expect((await docker.listVolumes({ filters: { label: [PROJECT_LABEL] } })).Volumes ?? []).toEqual([]);
    // By name too, in case a Compose version did not label something.
    expect((await docker.listNetworks()).map((n) => n.Name).filter((n) => n.startsWith(`${PROJECT}_`))).toEqual([]);
    expect(((await docker.listVolumes()).Volumes ?? []).map((v) => v.Name).filter((n) => n.startsWith(`${PROJECT}_`))).toEqual([]);
  }, 300_000);
});
