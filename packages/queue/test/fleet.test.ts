import { describe, expect, it } from 'vitest';
import {
  connectRedis,
  queueNameFor,
  StageQueue,
  StageWorkers,
  WorkerHeartbeat,
  WorkerRegistry,
  type Redis,
  type StageJob,
  type StageProcessor,
  type WorkerInfo,
} from '../src/index.js';
import { redisPerFile, uniqueId, waitFor } from './helpers.js';

/** Closed after each test, last opened first. */
const { url: redisUrl, cleanups } = redisPerFile();

async function redis(role: 'command' | 'worker' = 'command'): Promise<Redis> {
  const r = await connectRedis({ url: redisUrl(), role });
  cleanups.push(() => r.disconnect());
  return r;
}

const info = (name: string, labels: Record<string, string> = {}): Omit<WorkerInfo, 'lastSeen' | 'running'> => ({
  name,
  host: 'test-host',
  pid: 42,
  version: '0.1.0',
  concurrency: 1,
  labels,
  startedAt: new Date().toISOString(),
});

describe('WorkerRegistry and WorkerHeartbeat', () => {
  it('lists a live worker with its labels and running stages, and forgets it once its heartbeat expires', async () => {
    const registry = new WorkerRegistry(await redis(), { prefix: uniqueId('fy') });
    const hb = new WorkerHeartbeat(registry, info('w1', { 'fips-host': 'false', arch: 'amd64' }), { intervalMs: 10_000, ttlMs: 300 });
    await hb.start();
    let live = await registry.liveWorkers();
    expect(live).toHaveLength(1);
    expect(live[0]).toMatchObject({ name: 'w1', host: 'test-host', pid: 42, version: '0.1.0', concurrency: 1, labels: { 'fips-host': 'false', arch: 'amd64' }, running: [] });
    expect(Date.parse(live[0]!.lastSeen)).toBeGreaterThan(Date.now() - 5000);

    hb.stageStarted({ runId: 'r1', stageId: 'build-base', kind: 'build', startedAt: new Date().toISOString() });
    await hb.beat();
    live = await registry.liveWorkers();
    expect(live[0]!.running).toEqual([expect.objectContaining({ runId: 'r1', stageId: 'build-base', kind: 'build' })]);
    hb.stageEnded('r1', 'build-base');
    await hb.beat();
    expect((await registry.liveWorkers())[0]!.running).toEqual([]);

    // A worker that dies stops beating: gone after the TTL (the interval here is longer than the TTL).
    await waitFor('the record to expire', async () => (await registry.liveWorkers()).length === 0, 3000);
    await hb.stop();
  });

  it('keeps a worker alive while it beats, and removes it at once when it stops cleanly', async () => {
    const registry = new WorkerRegistry(await redis(), { prefix: uniqueId('fy') });
    const hb = new WorkerHeartbeat(registry, info('w2'), { intervalMs: 50, ttlMs: 200 });
    await hb.start();
    await new Promise((r) => setTimeout(r, 500));
    expect((await registry.liveWorkers()).map((w) => w.name)).toEqual(['w2']);
    await hb.stop();
    expect(await registry.liveWorkers()).toEqual([]);
  });
});

describe('routing by requirements', () => {
  async function fleetOf(prefix: string, name: string, labels: Record<string, string>, processor: StageProcessor, concurrency = 1): Promise<StageWorkers> {
    const connection = await redis('worker');
    const w = new StageWorkers(connection, processor, { name, prefix, labels, concurrency, discoveryIntervalMs: 100 });
    cleanups.push(() => w.close(true));
    await w.ready();
    return w;
  }

  it('names queues stably: none for no requirements, a hash of the sorted set otherwise', () => {
    expect(queueNameFor('build', {})).toBe('fipsyard-build');
    expect(queueNameFor('test', { zone: 'a', 'fips-host': 'true' })).toBe(queueNameFor('test', { 'fips-host': 'true', zone: 'a' }));
    expect(queueNameFor('test', { 'fips-host': 'true' })).toMatch(/^fipsyard-test@[0-9a-f]{12}$/);
    expect(queueNameFor('test', { 'fips-host': 'true' })).not.toBe(queueNameFor('test', { 'fips-host': 'false' }));
  });

  it('a constrained stage goes only to the worker whose labels match; the other never takes it', async () => {
    const prefix = uniqueId('bq');
    const queue = new StageQueue(await redis(), { prefix });
    cleanups.push(() => queue.close());
    const took: Record<string, string[]> = { plain: [], fips: [] };
    const record = (who: string) => async (job: StageJob) => void took[who]!.push(job.stageId);
    const plain = await fleetOf(prefix, 'plain', { 'fips-host': 'false', arch: 'amd64' }, record('plain'));
    const fips = await fleetOf(prefix, 'fips', { 'fips-host': 'true', arch: 'amd64' }, record('fips'));
    for (let i = 0; i < 6; i++) await queue.enqueue('test', { runId: 'r', stageId: `fips-${i}` }, { 'fips-host': 'true' });
    for (let i = 0; i < 6; i++) await queue.enqueue('build', { runId: 'r', stageId: `any-${i}` });
    await waitFor('every stage to run', () => took['plain']!.length + took['fips']!.length === 12, 10_000);
    expect(took['fips']!.filter((s) => s.startsWith('fips-')).sort()).toEqual([0, 1, 2, 3, 4, 5].map((i) => `fips-${i}`));
    expect(took['plain']!.filter((s) => s.startsWith('fips-'))).toEqual([]);
    expect(fips.queueNames).toContain(queueNameFor('test', { 'fips-host': 'true' }));
    expect(plain.queueNames).not.toContain(queueNameFor('test', { 'fips-host': 'true' }));
    const depths = await queue.queueDepths();
    expect(depths.find((d) => d.name === queueNameFor('test', { 'fips-host': 'true' }))).toMatchObject({ kind: 'test', requires: { 'fips-host': 'true' }, waiting: 0, active: 0 });
  });

  it('a stage no worker qualifies for stays queued; a matching worker that joins later runs it', async () => {
    const prefix = uniqueId('bq');
    const queue = new StageQueue(await redis(), { prefix });
    cleanups.push(() => queue.close());
    const took: string[] = [];
    await fleetOf(prefix, 'plain', { zone: 'a' }, async (job) => void took.push(`plain:${job.stageId}`));
    await queue.enqueue('build', { runId: 'r', stageId: 'build-b' }, { zone: 'b' });
    await new Promise((r) => setTimeout(r, 400));
    expect(took).toEqual([]);
    expect((await queue.queueDepths()).find((d) => d.requires['zone'] === 'b')?.waiting).toBe(1);
    await fleetOf(prefix, 'zone-b', { zone: 'b' }, async (job) => void took.push(`zone-b:${job.stageId}`));
    await waitFor('the zone-b worker to take it', () => took.length === 1);
    expect(took).toEqual(['zone-b:build-b']);
  });

  it('concurrency counts stages of a kind across all the queues a worker consumes', async () => {
    const prefix = uniqueId('bq');
    const queue = new StageQueue(await redis(), { prefix });
    cleanups.push(() => queue.close());
    let running = 0;
    let most = 0;
    let done = 0;
    await fleetOf(prefix, 'w', { a: '1', b: '1' }, async () => {
      running += 1;
      most = Math.max(most, running);
      await new Promise((r) => setTimeout(r, 30));
      running -= 1;
      done += 1;
    });
    await queue.enqueue('build', { runId: 'r', stageId: 's0' });
    await queue.enqueue('build', { runId: 'r', stageId: 's1' }, { a: '1' });
    await queue.enqueue('build', { runId: 'r', stageId: 's2' }, { b: '1' });
    await queue.enqueue('build', { runId: 'r', stageId: 's3' }, { a: '1', b: '1' });
    await waitFor('all four stages', () => done === 4, 10_000);
    expect(most).toBe(1);
  });

  it('a busy worker does not hold a constrained stage it has no slot for: an idle matching worker takes it', async () => {
    const prefix = uniqueId('bq');
    const queue = new StageQueue(await redis(), { prefix });
    cleanups.push(() => queue.close());
    let release!: () => void;
    const blocker = new Promise<void>((r) => (release = r));
    cleanups.push(async () => release());
    const took: string[] = [];
    await fleetOf(prefix, 'busy', { gpu: '1' }, async (job) => {
      took.push(`busy:${job.stageId}`);
      if (job.stageId === 'long') await blocker;
    });
    await queue.enqueue('build', { runId: 'r', stageId: 'long' });
    await waitFor('the busy worker to start the long stage', () => took.includes('busy:long'));
    await queue.enqueue('build', { runId: 'r', stageId: 'gpu-stage' }, { gpu: '1' });
    // The busy worker has no free build slot, so it must leave the stage in the queue…
    await new Promise((r) => setTimeout(r, 500));
    await fleetOf(prefix, 'idle', { gpu: '1' }, async (job) => void took.push(`idle:${job.stageId}`));
    // …where the idle worker that qualifies takes it while the first is still busy.
    await waitFor('the idle worker to take the constrained stage', () => took.includes('idle:gpu-stage'), 5000);
    expect(took).toEqual(['busy:long', 'idle:gpu-stage']);
    release();
  });

  // Timing is measured by `npm run bench` (scheduling overhead), not asserted here.
  it('a worker listening on a constrained queue too keeps taking unconstrained stages one by one', async () => {
    const prefix = uniqueId('bq');
    const queue = new StageQueue(await redis(), { prefix });
    cleanups.push(() => queue.close());
    // A constrained queue exists too, as in a mixed fleet.
    await queue.enqueue('test', { runId: 'warm', stageId: 'x' }, { 'fips-host': 'true' });
    let started: (() => void) | undefined;
    await fleetOf(prefix, 'w', { 'fips-host': 'true' }, async () => started?.());
    const samples: number[] = [];
    // The first few jobs warm up connections and scripts; they are not measured.
    for (let i = 0; i < 45; i++) {
      const t0 = performance.now();
      const seen = new Promise<void>((resolve) => (started = resolve));
      await queue.enqueue('build', { runId: 'bench', stageId: `s${i}` });
      await seen;
      if (i >= 5) samples.push(performance.now() - t0);
    }
    expect(samples).toHaveLength(40);
  });
});
