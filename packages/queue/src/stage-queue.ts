import { Queue, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { satisfies, type Requirements, type StageKind } from '@fipsyard/core';
import { listRoutedQueues, QUEUE_NAMES, queueNameFor, registerRoutedQueue, type RoutedQueue } from './routing.js';
import type { WorkerHeartbeat } from './worker-registry.js';

export { QUEUE_NAMES };

/** What a job carries: a pointer into the run store, never the work itself. */
export interface StageJob {
  runId: string;
  stageId: string;
}

export interface StageQueueOptions {
  /** BullMQ key prefix. Default `fipsyard-bull`. */
  prefix?: string;
  now?: () => number;
}

/** Jobs of one queue by state, for `fleet status`. */
export interface QueueDepth extends RoutedQueue {
  waiting: number;
  active: number;
  delayed: number;
  failed: number;
  completed: number;
}

/** BullMQ job ids may not contain ':' nor be plain integers; ours are `<run>-<stage>`. */
export function jobIdFor(job: StageJob): string {
  return `${job.runId}-${job.stageId}`;
}

const BASE_QUEUES: RoutedQueue[] = [
  { name: QUEUE_NAMES.build, kind: 'build', requires: {} },
  { name: QUEUE_NAMES.test, kind: 'test', requires: {} },
];

/** Hands ready stages to workers. Adding a stage twice is harmless: the job id is idempotent. */
export class StageQueue {
  private readonly queues = new Map<string, Queue<StageJob>>();
  /** Constrained queues this producer registered, and when (refreshed hourly so they never age out while in use). */
  private readonly registered = new Map<string, number>();
  /** BullMQ key prefix; workers must use the same. */
  readonly prefix: string;
  private readonly now: () => number;

  constructor(
    private readonly connection: Redis,
    options: StageQueueOptions = {},
  ) {
    this.prefix = options.prefix ?? 'fipsyard-bull';
    this.now = options.now ?? Date.now;
    for (const q of BASE_QUEUES) this.queue(q.name);
  }

  private queue(name: string): Queue<StageJob> {
    let q = this.queues.get(name);
    if (!q) {
      q = new Queue<StageJob>(name, {
        connection: this.connection,
        prefix: this.prefix,
        defaultJobOptions: {
          removeOnComplete: { age: 24 * 3600, count: 10_000 },
          removeOnFail: { age: 7 * 24 * 3600 },
          // A processor only throws when Redis itself failed mid-stage; stage failures are results.
          attempts: 5,
          backoff: { type: 'exponential', delay: 1000 },
        },
      });
      q.on('error', () => {
        // Without a listener BullMQ prints every reconnection error; callers see failed commands.
      });
      this.queues.set(name, q);
    }
    return q;
  }

  /**
   * Queues a stage on the queue of its requirement set; a constrained queue is registered first
   * so workers that meet it start consuming it.
   */
  /** `priority`: BullMQ's, 1 first; every stage gets one (jobs without are taken before all prioritized ones). */
  async enqueue(kind: StageKind, job: StageJob, requires: Requirements = {}, priority = 10_000): Promise<void> {
    const name = queueNameFor(kind, requires);
    const now = this.now();
    if (name !== QUEUE_NAMES[kind] && now - (this.registered.get(name) ?? -Infinity) > 3600_000) {
      await registerRoutedQueue(this.connection, this.prefix, { name, kind, requires }, now);
      this.registered.set(name, now);
    }
    await this.queue(name).add(job.stageId, job, { jobId: jobIdFor(job), priority });
  }

  /** Every stage queue: the two unconstrained ones and the constrained ones in use. */
  async knownQueues(): Promise<RoutedQueue[]> {
    return [...BASE_QUEUES, ...(await listRoutedQueues(this.connection, this.prefix, this.now()))];
  }

  /** Removes the waiting jobs of a run (cancellation). */
  async dropWaiting(runId: string): Promise<number> {
    let n = 0;
    for (const { name } of await this.knownQueues()) {
      const jobs = await this.queue(name).getJobs(['waiting', 'delayed', 'prioritized']);
      for (const j of jobs) {
        if (j?.data.runId === runId && (await j.remove().then(() => true, () => false))) n += 1;
      }
    }
    return n;
  }

  /** Workers on the unconstrained queues (every worker consumes them). */
  async workerCount(): Promise<number> {
    const counts = await Promise.all(BASE_QUEUES.map((q) => this.queue(q.name).getWorkersCount()));
    return Math.min(...counts);
  }

  /** Job counts of the two unconstrained queues. */
  async depths(): Promise<Record<StageKind, Record<string, number>>> {
    // Every stage is queued with a priority: BullMQ counts those as 'prioritized', which is waiting.
    const get = async (name: string) => {
      const { prioritized = 0, ...c } = await this.queue(name).getJobCounts('waiting', 'prioritized', 'active', 'delayed', 'completed', 'failed');
      return { ...c, waiting: (c['waiting'] ?? 0) + prioritized };
    };
    return { build: await get(QUEUE_NAMES.build), test: await get(QUEUE_NAMES.test) };
  }

  /** Job counts of every known queue. */
  async queueDepths(): Promise<QueueDepth[]> {
    const queues = await this.knownQueues();
    return Promise.all(
      queues.map(async (q) => {
        const c = await this.queue(q.name).getJobCounts('waiting', 'active', 'delayed', 'completed', 'failed', 'prioritized');
        return { ...q, waiting: (c['waiting'] ?? 0) + (c['prioritized'] ?? 0), active: c['active'] ?? 0, delayed: c['delayed'] ?? 0, failed: c['failed'] ?? 0, completed: c['completed'] ?? 0 };
      }),
    );
  }

  async close(): Promise<void> {
    await Promise.all([...this.queues.values()].map((q) => q.close()));
  }
}

export type StageProcessor = (job: StageJob, kind: StageKind, signal: AbortSignal) => Promise<void>;

/** Called when BullMQ gives up on a job for good (retries exhausted, stalled too often). */
export type StageGiveUp = (job: StageJob, reason: string) => Promise<void>;

export interface StageWorkersOptions {
  /** Name shown in reports and `fleet status`. */
  name: string;
  /** Stages of each kind run at once, across all the queues it consumes. Default 1. */
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
  /** What this worker offers; it consumes the constrained queues these labels satisfy. Default none. */
  labels?: Record<string, string>;
  /** How often constrained queues are looked for. Default 2000 ms. */
  discoveryIntervalMs?: number;
  /** Advertises the worker and its running stages (fleet status, unschedulable stages). */
  heartbeat?: WorkerHeartbeat;
}

/** Counts stages of one kind across queues: BullMQ's concurrency is per queue. */
/**
 * Stages of one kind a worker runs at once, across all the queues it consumes. `onFull(true)` when
 * the last slot is taken, `onFull(false)` when one frees again: the workers stop fetching while
 * full, so a stage waits in its queue (where an idle worker can take it) rather than in a busy
 * worker's hands. A job fetched in the instant before the pause waits here for a slot.
 */
class Slots {
  private active = 0;
  private readonly waiters: (() => void)[] = [];
  constructor(
    private readonly size: number,
    private readonly onFull: (full: boolean) => void,
  ) {}
  get full(): boolean {
    return this.active >= this.size;
  }
  acquire(): Promise<void> | undefined {
    if (this.active < this.size) {
      this.active += 1;
      if (this.active === this.size) this.onFull(true);
      return undefined;
    }
    return new Promise((resolve) => this.waiters.push(resolve));
  }
  release(): void {
    const next = this.waiters.shift();
    if (next) return next();
    this.active -= 1;
    if (this.active === this.size - 1) this.onFull(false);
  }
}

/**
 * BullMQ workers for the stage queues, calling one processor: the two unconstrained queues at
 * once, and every constrained queue whose requirements `labels` satisfy as they appear.
 */
export class StageWorkers {
  private readonly workers = new Map<string, { worker: Worker<StageJob>; kind: StageKind }>();
  private readonly slots: Record<StageKind, Slots>;
  private readonly labels: Record<string, string>;
  private readonly prefix: string;
  private timer: NodeJS.Timeout | undefined;
  private discovering: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(
    private readonly connection: Redis,
    private readonly processor: StageProcessor,
    private readonly options: StageWorkersOptions,
  ) {
    const concurrency = options.concurrency ?? 1;
    this.slots = { build: new Slots(concurrency, (full) => this.pauseKind('build', full)), test: new Slots(concurrency, (full) => this.pauseKind('test', full)) };
    this.labels = options.labels ?? {};
    this.prefix = options.prefix ?? 'fipsyard-bull';
    for (const q of BASE_QUEUES) this.consume(q);
    this.discovering = this.discover();
    this.timer = setInterval(() => {
      this.discovering = this.discovering.then(() => this.discover());
    }, options.discoveryIntervalMs ?? 2000);
    this.timer.unref();
  }

  /** The queues this worker consumes. */
  get queueNames(): string[] {
    return [...this.workers.keys()];
  }

  /** Starts consuming the constrained queues it qualifies for and has not seen yet. Never rejects. */
  private async discover(): Promise<void> {
    try {
      for (const q of await listRoutedQueues(this.connection, this.prefix, Date.now())) {
        if (!this.closed && !this.workers.has(q.name) && satisfies(this.labels, q.requires)) this.consume(q);
      }
    } catch {
      // Redis away: the next round tries again.
    }
  }

  /** Stops (or restarts) fetching on every queue of a kind; the stages running go on. */
  private pauseKind(kind: StageKind, full: boolean): void {
    for (const { worker, kind: k } of this.workers.values()) {
      if (k !== kind || this.closed) continue;
      if (full) worker.pause(true).catch(() => undefined);
      else void worker.resume();
    }
  }

  private consume(q: RoutedQueue): void {
    const { options } = this;
    const w = new Worker<StageJob>(
      q.name,
      async (job: Job<StageJob>, _token?: string, signal?: AbortSignal) => {
        const slots = this.slots[q.kind];
        const wait = slots.acquire();
        if (wait) await wait;
        options.heartbeat?.stageStarted({ runId: job.data.runId, stageId: job.data.stageId, kind: q.kind, startedAt: new Date().toISOString() });
        try {
          await this.processor(job.data, q.kind, signal ?? new AbortController().signal);
        } finally {
          slots.release();
          options.heartbeat?.stageEnded(job.data.runId, job.data.stageId);
        }
      },
      {
        connection: this.connection,
        prefix: this.prefix,
        name: options.name,
        concurrency: options.concurrency ?? 1,
        lockDuration: options.lockDurationMs ?? 30_000,
        stalledInterval: options.stalledIntervalMs ?? 15_000,
        maxStalledCount: options.maxStalledCount ?? 2,
        // A queue found while this worker is full starts fetching only once a slot frees.
        autorun: false,
      },
    );
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
    this.workers.set(q.name, { worker: w, kind: q.kind });
    if (this.slots[q.kind].full) void w.pause(true).then(() => w.run()).catch(() => undefined);
    else void w.run().catch(() => undefined);
  }

  /** Waits until the workers are connected and listening, and the heartbeat (if any) is published. */
  async ready(): Promise<void> {
    await this.discovering;
    await Promise.all([...this.workers.values()].map(({ worker }) => worker.waitUntilReady()));
    await this.options.heartbeat?.start();
  }

  /** Looks for new constrained queues now instead of at the next interval. */
  async refresh(): Promise<void> {
    this.discovering = this.discovering.then(() => this.discover());
    await this.discovering;
    await Promise.all([...this.workers.values()].map(({ worker }) => worker.waitUntilReady()));
  }

  /** Stops taking jobs; with `force`, running jobs are abandoned instead of awaited. */
  async close(force = false): Promise<void> {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    // A discovery round waits on Redis; with Redis gone it never ends, and closing must still end.
    await Promise.race([this.discovering, new Promise<void>((r) => setTimeout(r, force ? 0 : 2000).unref())]);
    await Promise.all([...this.workers.values()].map(({ worker }) => worker.close(force)));
    await this.options.heartbeat?.stop();
  }

  /** Aborts running jobs of a run (their processors see the AbortSignal). */
  cancelRun(runId: string, stageIds: readonly string[]): void {
    for (const { worker: w } of this.workers.values()) {
      for (const stageId of stageIds) w.cancelJob(jobIdFor({ runId, stageId }), 'cancelled');
    }
  }
}
