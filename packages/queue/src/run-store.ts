import type { Redis } from 'ioredis';
import type { Plan, PipelineSpec, RunStatus, StageOutcome } from '@fipsyard/core';
import { runKeys, runsIndexKey } from './keys.js';
import { CANCEL_RUN, CLAIM_STAGE, FINISH_STAGE } from './scripts.js';
import { FINISH_RUN_IF_DONE } from './finish-run.js';

export type StageState = 'pending' | 'ready' | 'running' | 'succeeded' | 'failed' | 'skipped';

/** What Redis keeps about one stage. */
export interface StageRecord {
  id: string;
  state: StageState;
  worker?: string;
  attempt?: number;
  startedAt?: string;
  finishedAt?: string;
  outcome?: StageOutcome;
  /** For skipped stages: why. */
  reason?: string;
}

export interface RunRecord {
  runId: string;
  status: RunStatus | 'running';
  pipeline: PipelineSpec;
  plan: Plan;
  createdAt: string;
  finishedAt?: string;
  /** Facts about where it runs (engine, host), recorded once. */
  host?: Record<string, unknown>;
  options?: RunOptions;
}

/** How the run was asked for, as every worker must know it. */
export interface RunOptions {
  /** `--no-cache`: build and check everything again, without the engine's layer cache either. */
  noCache?: boolean;
  /** FIPSYARD_CACHE=off: do not reuse images or verdicts of earlier runs (layer cache still used). */
  noReuse?: boolean;
}

export type RunEvent =
  | { id: string; type: 'stage-started'; stage: string; worker: string; attempt: number; at: string }
  | { id: string; type: 'stage-finished'; stage: string; status: 'succeeded' | 'failed' | 'skipped'; reason?: string; at: string; cached?: boolean }
  | { id: string; type: 'run-finished'; status: RunStatus; at: string }
  | { id: string; type: 'log'; stage: string; line: string };

export interface FinishResult {
  /** False when the stage was already finished (a duplicate delivery). */
  applied: boolean;
  runFinished: boolean;
  released: string[];
  skipped: string[];
}

export interface RunStoreOptions {
  /** Key prefix. Default `fipsyard`. */
  prefix?: string;
  /** Finished runs expire after this many seconds. Default 7 days. */
  retentionSeconds?: number;
  /** Clock, injectable for tests. */
  now?: () => Date;
}

/** A run's state in Redis: the DAG, each stage's state and result, and an event stream. */
export class RunStore {
  private readonly prefix: string;
  private readonly retention: number;
  private readonly now: () => Date;

  constructor(
    private readonly redis: Redis,
    options: RunStoreOptions = {},
  ) {
    this.prefix = options.prefix ?? 'fipsyard';
    this.retention = options.retentionSeconds ?? 7 * 24 * 3600;
    this.now = options.now ?? (() => new Date());
  }

  private keys(runId: string) {
    return runKeys(this.prefix, runId);
  }

  /** Stores a new run; returns the stages ready at once. */
  async createRun(run: { runId: string; pipeline: PipelineSpec; plan: Plan; host?: Record<string, unknown>; options?: RunOptions }): Promise<string[]> {
    const k = this.keys(run.runId);
    if ((await this.redis.exists(k.run)) === 1) throw new Error(`run ${run.runId} already exists`);
    const dependents = new Map<string, string[]>(run.plan.stages.map((s) => [s.id, []]));
    for (const s of run.plan.stages) for (const n of s.needs) dependents.get(n)?.push(s.id);
    const ready = run.plan.stages.filter((s) => s.needs.length === 0).map((s) => s.id);
    const m = this.redis.multi();
    m.hset(k.run, {
      runId: run.runId,
      status: 'running',
      pipeline: JSON.stringify(run.pipeline),
      plan: JSON.stringify(run.plan),
      createdAt: this.now().toISOString(),
      total: String(run.plan.stages.length),
      done: '0',
      host: JSON.stringify(run.host ?? {}),
      options: JSON.stringify(run.options ?? {}),
    });
    m.hset(k.status, Object.fromEntries(run.plan.stages.map((s) => [s.id, s.needs.length === 0 ? 'ready' : 'pending'])));
    m.hset(k.remaining, Object.fromEntries(run.plan.stages.map((s) => [s.id, String(s.needs.length)])));
    m.hset(k.dependents, Object.fromEntries([...dependents].map(([id, ds]) => [id, JSON.stringify(ds)])));
    m.zadd(runsIndexKey(this.prefix), this.now().getTime(), run.runId);
    // Runs older than the retention have expired: keep the index from growing forever.
    m.zremrangebyscore(runsIndexKey(this.prefix), 0, this.now().getTime() - this.retention * 1000 * 2);
    await m.exec();
    return ready;
  }

  async getRun(runId: string): Promise<RunRecord | undefined> {
    const h = await this.redis.hgetall(this.keys(runId).run);
    if (!h['runId']) return undefined;
    const rec: RunRecord = {
      runId,
      status: h['status'] as RunRecord['status'],
      pipeline: JSON.parse(h['pipeline'] ?? '{}') as PipelineSpec,
      plan: JSON.parse(h['plan'] ?? '{"stages":[]}') as Plan,
      createdAt: h['createdAt'] ?? '',
      host: JSON.parse(h['host'] ?? '{}') as Record<string, unknown>,
    };
    if (h['finishedAt']) rec.finishedAt = h['finishedAt'];
    if (h['options']) rec.options = JSON.parse(h['options']) as RunOptions;
    return rec;
  }

  async runStatus(runId: string): Promise<RunRecord['status'] | undefined> {
    return ((await this.redis.hget(this.keys(runId).run, 'status')) ?? undefined) as RunRecord['status'] | undefined;
  }

  async getStages(runId: string): Promise<StageRecord[]> {
    const k = this.keys(runId);
    const [status, result, claim] = await Promise.all([this.redis.hgetall(k.status), this.redis.hgetall(k.result), this.redis.hgetall(k.claim)]);
    return Object.entries(status).map(([id, state]) => {
      const rec: StageRecord = { id, state: state as StageState };
      const c = claim[id] ? (JSON.parse(claim[id]) as { worker: string; startedAt: string; attempt: number }) : undefined;
      if (c) Object.assign(rec, { worker: c.worker, startedAt: c.startedAt, attempt: c.attempt });
      const r = result[id] ? (JSON.parse(result[id]) as { outcome?: StageOutcome; finishedAt?: string; reason?: string }) : undefined;
      if (r?.outcome) rec.outcome = r.outcome;
      if (r?.finishedAt) rec.finishedAt = r.finishedAt;
      if (r?.reason) rec.reason = r.reason;
      return rec;
    });
  }

  async getStage(runId: string, stageId: string): Promise<StageRecord | undefined> {
    return (await this.getStages(runId)).find((s) => s.id === stageId);
  }

  async readyStages(runId: string): Promise<string[]> {
    const status = await this.redis.hgetall(this.keys(runId).status);
    return Object.entries(status).filter(([, s]) => s === 'ready').map(([id]) => id);
  }

  /** Attempt number (1, 2...) when this worker may run the stage; 0 when it is finished; -1 when not ready. */
  async claimStage(runId: string, stageId: string, worker: string): Promise<number> {
    const k = this.keys(runId);
    return (await this.redis.eval(CLAIM_STAGE, 4, k.run, k.status, k.claim, k.events, stageId, worker, this.now().toISOString())) as number;
  }

  async finishStage(runId: string, stageId: string, outcome: StageOutcome): Promise<FinishResult> {
    const k = this.keys(runId);
    const at = this.now().toISOString();
    const raw = (await this.redis.eval(FINISH_STAGE, 6, k.run, k.status, k.remaining, k.dependents, k.result, k.events, stageId, outcome.status, JSON.stringify({ outcome, finishedAt: at }), at, outcome.reason ?? '', outcome.cached ? '1' : '')) as (number | string)[];
    const applied = raw[0] === 1;
    const runFinished = raw[1] === 1;
    const rest = raw.slice(2).map(String);
    const bar = rest.indexOf('|');
    const result: FinishResult = { applied, runFinished, released: bar < 0 ? [] : rest.slice(0, bar), skipped: bar < 0 ? [] : rest.slice(bar + 1) };
    if (runFinished) await this.expire(runId);
    return result;
  }

  /** Cancels a running run; returns the stages that were running. */
  async cancelRun(runId: string, reason = 'cancelled'): Promise<string[]> {
    const k = this.keys(runId);
    const running = (await this.redis.eval(CANCEL_RUN, 4, k.run, k.status, k.result, k.events, this.now().toISOString(), reason)) as string[];
    await this.expire(runId);
    return running;
  }

  private async expire(runId: string): Promise<void> {
    const k = this.keys(runId);
    const m = this.redis.multi();
    for (const key of Object.values(k)) m.expire(key, this.retention);
    await m.exec();
  }

  /** Appends a build output line for the controller to show. */
  async appendLog(runId: string, stageId: string, line: string): Promise<void> {
    await this.redis.xadd(this.keys(runId).events, 'MAXLEN', '~', '100000', '*', 'type', 'log', 'stage', stageId, 'line', line);
  }

  /**
   * Reads events after `afterId` ('0' for all), waiting up to `blockMs` for new ones. Uses its own
   * connection for blocking reads: pass a duplicate of the store's client.
   */
  async readEvents(blocking: Redis, runId: string, afterId: string, blockMs: number): Promise<RunEvent[]> {
    const res = (await blocking.xread('COUNT', 500, 'BLOCK', blockMs, 'STREAMS', this.keys(runId).events, afterId)) as [string, [string, string[]][]][] | null;
    if (!res) return [];
    const out: RunEvent[] = [];
    for (const [, entries] of res) {
      for (const [id, fields] of entries) {
        const f: Record<string, string> = {};
        for (let i = 0; i + 1 < fields.length; i += 2) f[fields[i]!] = fields[i + 1]!;
        out.push(toEvent(id, f));
      }
    }
    return out;
  }

  /** The newest runs whose data still exists. */
  async listRuns(limit = 20): Promise<string[]> {
    const ids = await this.redis.zrevrange(runsIndexKey(this.prefix), 0, limit * 2 - 1);
    const alive = await Promise.all(ids.map((id) => this.redis.exists(this.keys(id).run)));
    const gone = ids.filter((_, i) => alive[i] === 0);
    if (gone.length) await this.redis.zrem(runsIndexKey(this.prefix), ...gone);
    return ids.filter((_, i) => alive[i] === 1).slice(0, limit);
  }

  /** Runs still marked running, newest first (the fleet controller sweeps them). */
  async runningRuns(): Promise<string[]> {
    const ids = await this.redis.zrevrange(runsIndexKey(this.prefix), 0, -1);
    if (ids.length === 0) return [];
    const m = this.redis.multi();
    for (const id of ids) m.hget(this.keys(id).run, 'status');
    const res = (await m.exec()) ?? [];
    return ids.filter((_, i) => res[i]?.[1] === 'running');
  }

  /** Ends a run whose stages are all finished but which is still marked running; its final status, or undefined. */
  async finishRunIfDone(runId: string): Promise<RunStatus | undefined> {
    const k = this.keys(runId);
    const final = (await this.redis.eval(FINISH_RUN_IF_DONE, 3, k.run, k.status, k.events, this.now().toISOString())) as string | null;
    if (!final) return undefined;
    await this.expire(runId);
    return final as RunStatus;
  }

  /** Marks a stage failed whose worker gave up on it (retries exhausted, stalled too often). */
  async failStage(runId: string, stageId: string, reason: string): Promise<FinishResult> {
    return this.finishStage(runId, stageId, { status: 'failed', reason, infrastructure: true });
  }
}

function toEvent(id: string, f: Record<string, string>): RunEvent {
  switch (f['type']) {
    case 'stage-started':
      return { id, type: 'stage-started', stage: f['stage'] ?? '', worker: f['worker'] ?? '', attempt: Number(f['attempt'] ?? 1), at: f['at'] ?? '' };
    case 'stage-finished': {
      const e: RunEvent = { id, type: 'stage-finished', stage: f['stage'] ?? '', status: (f['status'] ?? 'failed') as 'succeeded', at: f['at'] ?? '' };
      if (f['reason']) e.reason = f['reason'];
      if (f['cached'] === '1') e.cached = true;
      return e;
    }
    case 'run-finished':
      return { id, type: 'run-finished', status: (f['status'] ?? 'failed') as RunStatus, at: f['at'] ?? '' };
    default:
      return { id, type: 'log', stage: f['stage'] ?? '', line: f['line'] ?? '' };
  }
}
