import { Queue } from 'bullmq';
import type { StageKind } from '@fipsyard/core';
import { describe, expect, it } from 'vitest';
import {
  connectRedis,
  jobIdFor,
  QUEUE_NAMES,
  StageQueue,
  StageWorkers,
  type Redis,
  type StageJob,
  type StageProcessor,
} from '../src/index.js';
import { redisPerFile, uniqueId, waitFor } from './helpers.js';

/** Closed after each test, last opened first. */
const { url: redisUrl, cleanups } = redisPerFile();

/** A producer and its own BullMQ key prefix, so tests never see each other's jobs. */
async function producer(): Promise<{ prefix: string; queue: StageQueue; redis: Redis }> {
  const prefix = uniqueId('bq');
  const redis = await connectRedis({ url: redisUrl(), role: 'command' });
  const queue = new StageQueue(redis, { prefix });
  cleanups.push(() => redis.disconnect());
  cleanups.push(() => queue.close());
  return { prefix, queue, redis };
}

async function workers(prefix: string, name: string, processor: StageProcessor): Promise<StageWorkers> {
  const connection = await connectRedis({ url: redisUrl(), role: 'worker' });
  const w = new StageWorkers(connection, processor, { name, prefix });
  cleanups.push(() => connection.disconnect());
  // Forced: a test that failed half-way must not wait for a processor that never ends.
  cleanups.push(() => w.close(true));
  await w.ready();
  return w;
}

/** A BullMQ view of a stage queue, to look at the jobs themselves. */
function inspect(prefix: string, kind: StageKind, redis: Redis): Queue<StageJob> {
  const q = new Queue<StageJob>(QUEUE_NAMES[kind], { connection: redis, prefix });
  cleanups.push(() => q.close());
  return q;
}

describe('StageQueue', () => {
  it('runs a stage enqueued twice only once (idempotent job id)', async () => {
    const { prefix, queue } = await producer();
    const job = { runId: uniqueId('run'), stageId: 'build-base' };
    await queue.enqueue('build', job);
    await queue.enqueue('build', job);
    expect((await queue.depths()).build).toMatchObject({ waiting: 1 });

    const calls: StageJob[] = [];
    await workers(prefix, 'w1', async (j) => {
      calls.push(j);
    });
    await waitFor('the job to complete', async () => (await queue.depths()).build['completed'] === 1);
    // Queued again after it completed (the controller's sweep does this): still not run again.
    await queue.enqueue('build', job);
    const depths = (await queue.depths()).build;
    expect(depths).toMatchObject({ waiting: 0, active: 0, completed: 1, failed: 0 });
    expect(calls).toEqual([job]);
  });

  it("names jobs '<run>-<stage>', never with ':', and routes them by stage kind", async () => {
    const { prefix, queue, redis } = await producer();
    const runId = uniqueId('run');
    expect(jobIdFor({ runId, stageId: 'test-node-dev' })).toBe(`${runId}-test-node-dev`);

    const seen: [string, StageKind][] = [];
    await workers(prefix, 'w1', async (j, kind) => {
      seen.push([j.stageId, kind]);
    });
    await queue.enqueue('build', { runId, stageId: 'build-base' });
    await queue.enqueue('test', { runId, stageId: 'test-base' });
    await waitFor('both jobs to run', () => seen.length === 2);
    expect(seen.sort()).toEqual([
      ['build-base', 'build'],
      ['test-base', 'test'],
    ]);

    const ids = await waitFor('both jobs to be completed', async () => {
      const all = [...(await inspect(prefix, 'build', redis).getJobs(['completed'])), ...(await inspect(prefix, 'test', redis).getJobs(['completed']))];
      return all.length === 2 ? all.map((j) => j.id ?? '') : undefined;
    });
    expect(ids.sort()).toEqual([`${runId}-build-base`, `${runId}-test-base`]);
    for (const id of ids) expect(id).not.toContain(':');
  });

  it('drops the waiting jobs of one run only', async () => {
    const { queue } = await producer();
    const a = uniqueId('runa');
    const b = uniqueId('runb');
    await queue.enqueue('build', { runId: a, stageId: 'build-x' });
    await queue.enqueue('build', { runId: a, stageId: 'build-y' });
    await queue.enqueue('test', { runId: a, stageId: 'test-x' });
    await queue.enqueue('build', { runId: b, stageId: 'build-x' });
    expect(await queue.dropWaiting(a)).toBe(3);
    const d = await queue.depths();
    expect(d.build['waiting']).toBe(1);
    expect(d.test['waiting']).toBe(0);
  });
});

describe('StageWorkers', () => {
  it('two workers on the same Redis share the work and run stages at the same time', async () => {
    const { prefix, queue } = await producer();
    const runId = uniqueId('run');
    const ran: { stage: string; worker: string }[] = [];
    let inFlight = 0;
    let overlapped = false;
    const processorOf =
      (worker: string): StageProcessor =>
      async (job) => {
        inFlight += 1;
        if (inFlight >= 2) overlapped = true;
        try {
          // Each worker runs one build at a time: the first job only completes once a second
          // worker holds another job, which one worker alone can never do.
          await waitFor('a second stage to run in parallel', () => overlapped, 10_000, 5);
          ran.push({ stage: job.stageId, worker });
        } finally {
          inFlight -= 1;
        }
      };
    await workers(prefix, 'w1', processorOf('w1'));
    await workers(prefix, 'w2', processorOf('w2'));
    const stages = ['build-a', 'build-b', 'build-c', 'build-d'];
    for (const stageId of stages) await queue.enqueue('build', { runId, stageId });
    await waitFor('every stage to run', () => ran.length === stages.length);
    expect(ran.map((r) => r.stage).sort()).toEqual(stages);
    expect(new Set(ran.map((r) => r.worker))).toEqual(new Set(['w1', 'w2']));
    expect(overlapped).toBe(true);
  });

  it('counts the connected workers', async () => {
    const { prefix, queue } = await producer();
    expect(await queue.workerCount()).toBe(0);
    await workers(prefix, 'w1', async () => undefined);
    await workers(prefix, 'w2', async () => undefined);
    await waitFor('two workers on each queue', async () => (await queue.workerCount()) === 2);
  });

  it("cancelRun aborts the signal of a run's running stage", async () => {
    const { prefix, queue } = await producer();
    const runId = uniqueId('run');
    let started = false;
    let abortedWith: unknown;
    const w = await workers(prefix, 'w1', async (_job, _kind, signal) => {
      started = true;
      await waitFor('the abort signal', () => signal.aborted);
      abortedWith = signal.reason;
    });
    await queue.enqueue('build', { runId, stageId: 'build-base' });
    await waitFor('the stage to start', () => started);
    w.cancelRun(runId, ['build-base']);
    await waitFor('the processor to see the abort', () => abortedWith !== undefined);
    expect(abortedWith).toBe('cancelled');
  });
});

describe('priorities', () => {
  it('a free worker takes the waiting stage with the most work behind it first (lower priority number)', async () => {
    const { prefix, queue } = await producer();
    await queue.enqueue('build', { runId: 'r', stageId: 'leaf-1' }, {}, 9_999);
    await queue.enqueue('build', { runId: 'r', stageId: 'leaf-2' }, {}, 9_999);
    await queue.enqueue('build', { runId: 'r', stageId: 'critical' }, {}, 9_990);
    const order: string[] = [];
    await workers(prefix, 'w', async (job) => {
      order.push(job.stageId);
    });
    await waitFor('three stages', () => order.length === 3, 10_000);
    expect(order[0]).toBe('critical');
    expect(order.slice(1).sort()).toEqual(['leaf-1', 'leaf-2']);
  });
});
