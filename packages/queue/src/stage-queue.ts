import { Queue, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { StageKind } from '@fipsyard/core';

/** What a job carries: a pointer into the run store, never the work itself. */
export interface StageJob {
  runId: string;
  stageId: string;
}

export const QUEUE_NAMES: Record<StageKind, string> = { build: 'fipsyard-build', test: 'fipsyard-test' };

export interface StageQueueOptions {
  /** BullMQ key prefix. Default `fipsyard-bull`. */
  prefix?: string;
}

/** BullMQ job ids may not contain ':' nor be plain integers; ours are `<run>-<stage>`. */
export function jobIdFor(job: StageJob): string {
  return `${job.runId}-${job.stageId}`;
}

/** Hands ready stages to workers. Adding a stage twice is harmless: the job id is idempotent. */
export class StageQueue {
  private readonly queues: Record<StageKind, Queue<StageJob>>;

  constructor(connection: Redis, options: StageQueueOptions = {}) {
    const prefix = options.prefix ?? 'fipsyard-bull';
    const make = (name: string) =>
      new Queue<StageJob>(name, {
        connection,
        prefix,
        defaultJobOptions: {
          removeOnComplete: { age: 24 * 3600, count: 10_000 },
          removeOnFail: { age: 7 * 24 * 3600 },
          // A processor only throws when Redis itself failed mid-stage; stage failures are results.
          attempts: 5,
          backoff: { type: 'exponential', delay: 1000 },
        },
      });
    this.queues = { build: make(QUEUE_NAMES.build), test: make(QUEUE_NAMES.test) };
    for (const q of Object.values(this.queues)) {
      q.on('error', () => {
        // Without a listener BullMQ prints every reconnection error; callers see failed commands.
      });
    }
  }

  async enqueue(kind: StageKind, job: StageJob): Promise<void> {
    await this.queues[kind].add(job.stageId, job, { jobId: jobIdFor(job) });
  }

  /** Removes the waiting jobs of a run (cancellation). */
  async dropWaiting(runId: string): Promise<number> {
    let n = 0;
    for (const q of Object.values(this.queues)) {
      const jobs = await q.getJobs(['waiting', 'delayed', 'prioritized']);
      for (const j of jobs) {
        if (j?.data.runId === runId && (await j.remove().then(() => true, () => false))) n += 1;
      }
    }
    return n;
  }

  async workerCount(): Promise<number> {
    const counts = await Promise.all(Object.values(this.queues).map((q) => q.getWorkersCount()));
    return Math.min(...counts);
  }

  async depths(): Promise<Record<StageKind, Record<string, number>>> {
    const get = (q: Queue<StageJob>) => q.getJobCounts('waiting', 'active', 'delayed', 'completed', 'failed');
    return { build: await get(this.queues.build), test: await get(this.queues.test) };
  }

  async close(): Promise<void> {
    await Promise.all(Object.values(this.queues).map((q) => q.close()));
  }
}

export type StageProcessor = (job: StageJob, kind: StageKind, signal: AbortSignal) => Promise<void>;

/** Called when BullMQ gives up on a job for good (retries exhausted, stalled too often). */
export type StageGiveUp = (job: StageJob, reason: string) => Promise<void>;

export interface StageWorkersOptions {
  /** Name shown in reports and `fleet status`. */
  name: string;
  /** Stages run at once per queue. Default 1. */
  concurrency?: number;
  prefix?: string;
  /** Lock duration; a dead worker's stage returns after about this long. Default 30 s. */
  lockDurationMs?: number;
  /** How often stalled jobs are looked for. Default 15 s. Same on every worker of a queue. */
  stalledIntervalMs?: number;
  /** How often a stage may stall (worker died) before it fails. Default 2. */
  maxStalledCount?: number;
  /** Records a stage BullMQ gave up on, so the run does not wait for it forever. */
  onGiveUp?: StageGiveUp;
}

/** BullMQ workers for both stage queues, calling one processor. */
export class StageWorkers {
  private readonly workers: Worker<StageJob>[];

  constructor(connection: Redis, processor: StageProcessor, options: StageWorkersOptions) {
    const make = (kind: StageKind) =>
      new Worker<StageJob>(
        QUEUE_NAMES[kind],
        async (job: Job<StageJob>, _token?: string, signal?: AbortSignal) => {
          await processor(job.data, kind, signal ?? new AbortController().signal);
        },
        {
          connection,
          prefix: options.prefix ?? 'fipsyard-bull',
          name: options.name,
          concurrency: options.concurrency ?? 1,
          lockDuration: options.lockDurationMs ?? 30_000,
          stalledInterval: options.stalledIntervalMs ?? 15_000,
          maxStalledCount: options.maxStalledCount ?? 2,
          autorun: true,
        },
      );
    this.workers = [make('build'), make('test')];
    for (const w of this.workers) {
      w.on('error', () => {
        // Connection errors are retried by ioredis; the stage state in Redis stays authoritative.
      });
      w.on('failed', (job, err) => {
        if (!job || !options.onGiveUp) return;
        const attempts = job.opts.attempts ?? 1;
        const stalled = /stalled more than/i.test(err.message);
        if (stalled || job.attemptsMade >= attempts) {
          options.onGiveUp(job.data, `${stalled ? 'worker lost the stage too often' : `gave up after ${job.attemptsMade} attempts`}: ${err.message}`).catch(() => undefined);
        }
      });
    }
  }

  /** Waits until both workers are connected and listening. */
  async ready(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.waitUntilReady()));
  }

  /** Stops taking jobs; with `force`, running jobs are abandoned instead of awaited. */
  async close(force = false): Promise<void> {
    await Promise.all(this.workers.map((w) => w.close(force)));
  }

  /** Aborts running jobs of a run (their processors see the AbortSignal). */
  cancelRun(runId: string, stageIds: readonly string[]): void {
    for (const w of this.workers) {
      for (const stageId of stageIds) w.cancelJob(jobIdFor({ runId, stageId }), 'cancelled');
    }
  }
}
