import type { Redis } from 'ioredis';
import type { StageKind } from '@fipsyard/core';

/** A stage a worker is running now, as it advertises it. */
export interface RunningStage {
  runId: string;
  stageId: string;
  kind: StageKind;
  startedAt: string;
}

/** What a live worker advertises in Redis, refreshed by its heartbeat. */
export interface WorkerInfo {
  name: string;
  host: string;
  pid: number;
  /** fipsyard version of the worker. */
  version: string;
  /** Stages of each kind it runs at once. */
  concurrency: number;
  /** Its capabilities, e.g. `{ arch: 'amd64', os: 'linux', 'fips-host': 'false' }`. */
  labels: Record<string, string>;
  startedAt: string;
  running: RunningStage[];
  /** Time of the last heartbeat. */
  lastSeen: string;
}

export interface WorkerRegistryOptions {
  /** Key prefix. Default `fipsyard`. */
  prefix?: string;
  now?: () => Date;
}

/**
 * Live workers in Redis: one key per worker that expires unless its heartbeat refreshes it, and a
 * sorted set (name -> last heartbeat) to list them without SCAN. A dead worker disappears once
 * its key expires; readers prune the index.
 */
export class WorkerRegistry {
  private readonly prefix: string;
  private readonly now: () => Date;

  constructor(
    private readonly redis: Redis,
    options: WorkerRegistryOptions = {},
  ) {
    this.prefix = options.prefix ?? 'fipsyard';
    this.now = options.now ?? (() => new Date());
  }

  private key(name: string): string {
    return `${this.prefix}:worker:${name}`;
  }

  private get index(): string {
    return `${this.prefix}:workers`;
  }

  /** Writes the worker's record, alive for `ttlMs` unless written again. */
  async publish(info: Omit<WorkerInfo, 'lastSeen'>, ttlMs: number): Promise<void> {
    const now = this.now();
    const record: WorkerInfo = { ...info, lastSeen: now.toISOString() };
    await this.redis.multi().set(this.key(info.name), JSON.stringify(record), 'PX', ttlMs).zadd(this.index, now.getTime(), info.name).exec();
  }

  /** Removes a worker that stops cleanly. */
  async remove(name: string): Promise<void> {
    await this.redis.multi().del(this.key(name)).zrem(this.index, name).exec();
  }

  /** Workers whose heartbeat has not expired, by name. */
  async liveWorkers(): Promise<WorkerInfo[]> {
    const names = await this.redis.zrange(this.index, 0, -1);
    if (names.length === 0) return [];
    const values = await this.redis.mget(names.map((n) => this.key(n)));
    const gone = names.filter((_, i) => values[i] === null);
    if (gone.length) await this.redis.zrem(this.index, ...gone);
    const out: WorkerInfo[] = [];
    for (const v of values) {
      if (v === null) continue;
      try {
        out.push(JSON.parse(v) as WorkerInfo);
      } catch {
        // A record we cannot read is not a worker we can route to.
      }
    }
    return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }
}

export interface HeartbeatOptions {
  /** How often the record is refreshed. Default 5000 ms. */
  intervalMs?: number;
  /** How long the record outlives the last heartbeat. Default 3 intervals. */
  ttlMs?: number;
}

/** Keeps one worker's record alive, and publishes its running stages as they change. */
export class WorkerHeartbeat {
  private timer: NodeJS.Timeout | undefined;
  private readonly running = new Map<string, RunningStage>();
  private readonly intervalMs: number;
  private readonly ttlMs: number;
  private pending: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(
    private readonly registry: WorkerRegistry,
    private readonly info: Omit<WorkerInfo, 'lastSeen' | 'running'>,
    options: HeartbeatOptions = {},
  ) {
    this.intervalMs = options.intervalMs ?? 5000;
    this.ttlMs = options.ttlMs ?? this.intervalMs * 3;
  }

  get labels(): Readonly<Record<string, string>> {
    return this.info.labels;
  }

  /** Publishes now and then every interval. */
  async start(): Promise<void> {
    await this.beat();
    this.timer = setInterval(() => void this.beat(), this.intervalMs);
    this.timer.unref();
  }

  stageStarted(s: RunningStage): void {
    this.running.set(`${s.runId}/${s.stageId}`, s);
    void this.beat();
  }

  stageEnded(runId: string, stageId: string): void {
    this.running.delete(`${runId}/${stageId}`);
    void this.beat();
  }

  /** Writes the record; serialized so an older state never overwrites a newer one. Never rejects. */
  beat(): Promise<void> {
    if (this.stopped) return this.pending;
    this.pending = this.pending.then(() => (this.stopped ? undefined : this.registry.publish({ ...this.info, running: [...this.running.values()] }, this.ttlMs))).catch(() => undefined);
    return this.pending;
  }

  /** Stops the heartbeat and removes the record. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.stopped = true;
    await this.pending;
    await this.registry.remove(this.info.name).catch(() => undefined);
  }
}
