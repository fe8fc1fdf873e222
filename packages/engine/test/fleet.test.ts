import { silentLogger, type PipelineSpec, type Plan } from '@fipsyard/core';
import { planStages } from '@fipsyard/pipeline';
import { connectRedis, startEmbeddedRedis, StageWorkers, WorkerHeartbeat, WorkerRegistry, type EmbeddedRedis, type Redis } from '@fipsyard/queue';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { autoLabels, FleetController, fleetStatus, followRun, submitRun, UnschedulableTracker, type WaitingStage } from '../src/index.js';
import { harness, imageSpec, uniqueId, waitFor, type Harness } from './helpers.js';

let server: EmbeddedRedis;
let cleanups: (() => Promise<void> | void)[] = [];
beforeAll(async () => {
  server = await startEmbeddedRedis();
});
afterEach(async () => {
  for (const c of cleanups.reverse()) await c();
  cleanups = [];
});
afterAll(async () => {
  await server?.stop();
});

/** base (needs fips-host=true to be checked) and child on it; `other` has no requirements. */
function fipsPipeline(): { pipeline: PipelineSpec; plan: Plan } {
  const base = imageSpec('base');
  base.checks = [{ kind: 'suite', suite: 'fips', options: {}, origin: 'base', requires: { 'fips-host': 'true' } }];
  const images = [base, imageSpec('child', { parent: 'base' }), imageSpec('other')];
  return { pipeline: { file: '/nonexistent/fleet.yaml', name: 'fleet-test', sha256: 'e'.repeat(64), images }, plan: planStages(images) };
}

/** A harness without workers, plus labelled workers that advertise themselves in a registry of their own. */
async function fleet(): Promise<{ h: Harness; registry: WorkerRegistry; addWorker(name: string, labels: Record<string, string>): Promise<StageWorkers> }> {
  const h = await harness(server.url, { workers: 0 });
  cleanups.push(() => h.close());
  const command = await connectRedis({ url: server.url, role: 'command' });
  cleanups.push(() => command.disconnect());
  const registry = new WorkerRegistry(command, { prefix: uniqueId('fy') });
  h.deps.fleet = registry;
  const prefix = h.queue.prefix;
  return {
    h,
    registry,
    async addWorker(name, labels) {
      const connection: Redis = await connectRedis({ url: server.url, role: 'worker' });
      const executor = h.makeExecutor(name);
      const heartbeat = new WorkerHeartbeat(registry, { name, host: 'test-host', pid: process.pid, version: 'test', concurrency: 1, labels, startedAt: new Date().toISOString() }, { intervalMs: 200 });
      const w = new StageWorkers(connection, executor.process, { name, prefix, labels, heartbeat, discoveryIntervalMs: 100 });
      cleanups.push(async () => {
        await w.close(true);
        connection.disconnect();
      });
      await w.ready();
      return w;
    },
  };
}

describe('unschedulable stages', () => {
  it('fail after the grace period naming the requirement and the workers seen; dependents are skipped; other branches pass', async () => {
    const { h, addWorker } = await fleet();
    await addWorker('w1', { arch: 'amd64', 'fips-host': 'false' });
    const runId = uniqueId('run');
    await submitRun(h.deps, { runId, ...fipsPipeline() }, 300);
    // Said at once, at submit time.
    expect(h.seen.notice.join('\n')).toMatch(/warning: test-base cannot run yet: no worker offers fips-host=true \(workers seen: w1 \{arch=amd64, fips-host=false\}\); it fails after 300 ms/);
    const t0 = Date.now();
    const status = await followRun(h.deps, runId, { signal: AbortSignal.timeout(15_000), unschedulableMs: 300 });
    expect(status).toBe('failed');
    expect(Date.now() - t0).toBeLessThan(8000);
    const stages = Object.fromEntries((await h.store.getStages(runId)).map((s) => [s.id, s]));
    expect(stages['build-base']?.state).toBe('succeeded');
    expect(stages['test-base']?.state).toBe('failed');
    expect(stages['test-base']?.outcome?.reason).toMatch(/^unschedulable: no worker offers fips-host=true \(workers seen: w1 \{arch=amd64, fips-host=false\}\)/);
    expect(stages['test-base']?.outcome?.infrastructure).toBeFalsy();
    expect(stages['build-child']?.state).toBe('skipped');
    expect(stages['test-child']?.state).toBe('skipped');
    expect(stages['test-other']?.state).toBe('succeeded');
    expect(h.seen.stageFinished.find((e) => e.stage === 'test-base')?.reason).toMatch(/no worker offers fips-host=true/);
  });

  it('run on a matching worker, and only there', async () => {
    const { h, addWorker } = await fleet();
    await addWorker('plain', { 'fips-host': 'false' });
    await addWorker('fips', { 'fips-host': 'true' });
    const runId = uniqueId('run');
    await submitRun(h.deps, { runId, ...fipsPipeline() }, 300);
    expect(h.seen.notice).toEqual([]);
    expect(await followRun(h.deps, runId, { signal: AbortSignal.timeout(15_000), unschedulableMs: 300 })).toBe('passed');
    const stages = await h.store.getStages(runId);
    expect(stages.find((s) => s.id === 'test-base')?.worker).toBe('fips');
  });

  it('the tracker resets when a matching worker appears in time; an unconstrained stage fails only when no worker at all is alive', () => {
    let now = 0;
    const t = new UnschedulableTracker(1000, () => now);
    const waiting: WaitingStage[] = [
      { id: 'a', requires: { 'fips-host': 'true' } },
      { id: 'b', requires: {} },
    ];
    expect(t.check('r', waiting, [])).toEqual([]);
    now = 900;
    expect(t.check('r', waiting, [])).toEqual([]);
    now = 950;
    expect(t.check('r', waiting, [{ name: 'f', labels: { 'fips-host': 'true' } }])).toEqual([]);
    now = 1500;
    expect(t.check('r', waiting, [])).toEqual([]);
    now = 2600;
    expect(t.check('r', waiting, [])).toEqual([
      { id: 'a', reason: 'unschedulable: no worker offers fips-host=true (workers seen: none); waited 1 s' },
      { id: 'b', reason: 'unschedulable: no worker is connected to this Redis; waited 1 s' },
    ]);
    // Any live worker takes an unconstrained stage.
    now = 5000;
    expect(t.check('r', [{ id: 'c', requires: {} }], [{ name: 'w', labels: {} }])).toEqual([]);
    now = 9000;
    expect(t.check('r', [{ id: 'c', requires: {} }], [{ name: 'w', labels: {} }])).toEqual([]);
  });
});

describe('FleetController', () => {
  it('keeps a run nobody follows moving: queues ready stages, fails unschedulable ones, ends the run', async () => {
    const { h, registry, addWorker } = await fleet();
    await addWorker('w1', { 'fips-host': 'false' });
    const runId = uniqueId('run');
    // Stored only, as if the CLI died right after: nothing queued.
    await h.store.createRun({ runId, ...fipsPipeline() });
    const c = new FleetController({ store: h.store, queue: h.queue, fleet: registry, logger: silentLogger }, { intervalMs: 100, unschedulableMs: 300 });
    c.start();
    cleanups.push(() => c.stop());
    await waitFor('the run to end', async () => (await h.store.runStatus(runId)) !== 'running', 15_000);
    expect(await h.store.runStatus(runId)).toBe('failed');
    expect((await h.store.getStage(runId, 'test-other'))?.state).toBe('succeeded');
    expect((await h.store.getStage(runId, 'test-base'))?.outcome?.reason).toMatch(/no worker offers fips-host=true/);
  });
});

describe('fleetStatus', () => {
  it('shows workers with labels and running stages, queue depths per queue, and runs in progress', async () => {
    const { h, registry, addWorker } = await fleet();
    await addWorker('w1', { 'fips-host': 'false', arch: 'amd64' });
    const runId = uniqueId('run');
    await h.store.createRun({ runId, ...fipsPipeline() });
    await h.queue.enqueue('test', { runId, stageId: 'test-base' }, { 'fips-host': 'true' });
    const s = await fleetStatus({ store: h.store, queue: h.queue, registry });
    expect(s.workers).toEqual([expect.objectContaining({ name: 'w1', labels: { 'fips-host': 'false', arch: 'amd64' }, concurrency: 1, running: [] })]);
    expect(s.workers[0]!.lastSeenAgoMs).toBeLessThan(5000);
    expect(s.queues.map((q) => q.name)).toEqual(expect.arrayContaining(['fipsyard-build', 'fipsyard-test', expect.stringMatching(/^fipsyard-test@/)]));
    expect(s.queues.find((q) => q.requires['fips-host'] === 'true')).toMatchObject({ kind: 'test', waiting: 1, active: 0, delayed: 0, failed: 0 });
    expect(s.runs.find((r) => r.runId === runId)).toMatchObject({ pipeline: '/nonexistent/fleet.yaml', stages: { total: 6, done: 0 } });
    expect(JSON.parse(JSON.stringify(s))).toEqual(s);
  });
});

describe('autoLabels', () => {
  const host = (fips: string | undefined) => ({ fipsEnabled: () => fips, arch: 'arm64', platform: 'linux' });
  it("maps the engine's architecture to Docker's names and reads the kernel FIPS flag", () => {
    expect(autoLabels({ architecture: 'x86_64' }, host('1'))).toEqual({ arch: 'amd64', os: 'linux', 'fips-host': 'true' });
    expect(autoLabels({ architecture: 'aarch64' }, host('0'))).toEqual({ arch: 'arm64', os: 'linux', 'fips-host': 'false' });
  });
  it('falls back to the process architecture, and to fips-host=false without /proc/sys/crypto', () => {
    expect(autoLabels(undefined, host(undefined))).toEqual({ arch: 'arm64', os: 'linux', 'fips-host': 'false' });
    expect(autoLabels({ architecture: '' }, { ...host(undefined), arch: 'x64' })).toEqual({ arch: 'amd64', os: 'linux', 'fips-host': 'false' });
  });
  it('on this machine (no /proc/sys/crypto) says fips-host=false', () => {
    expect(autoLabels(undefined)['fips-host']).toBe('false');
  });
});
