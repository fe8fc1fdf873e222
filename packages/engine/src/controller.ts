import { describeError, InfrastructureError, requirementsKey, unschedulableReason, type PipelineSpec, type Plan, type RunStatus } from '@fipsyard/core';
import type { Redis, RunEvent, RunOptions, RunRecord, RunStore, StageQueue } from '@fipsyard/queue';
import type { RunSnapshot } from '@fipsyard/report';
import type { RunObserver } from './observer.js';
import { enqueueStage, requirementsOf } from './routing.js';
import { sweepRun } from './sweep.js';
import { UnschedulableTracker, unmatched, type FleetView } from './unschedulable.js';

export interface ControllerDeps {
  store: RunStore;
  queue: StageQueue;
  /** A connection of its own for blocking reads of the event stream. */
  blocking: Redis;
  observer: Required<RunObserver>;
  /** Live workers and their labels; without it, stages that no worker can take are not detected. */
  fleet?: FleetView;
}

export interface RunSubmission {
  runId: string;
  pipeline: PipelineSpec;
  plan: Plan;
  host?: Record<string, unknown>;
  options?: RunOptions;
}

/** Stores the run's DAG in Redis and queues the stages that can start at once. */
export async function submitRun(deps: ControllerDeps, run: RunSubmission, graceMs = DEFAULT_UNSCHEDULABLE_MS): Promise<void> {
  const ready = await deps.store.createRun(run);
  deps.observer.runStarted({ runId: run.runId, stages: run.plan.stages.map((s) => ({ id: s.id, kind: s.kind, image: s.image })) });
  for (const id of ready) {
    if (await enqueueStage(deps.queue, run, id)) deps.observer.stageQueued({ stage: id });
  }
  await warnUnschedulable(deps, run, graceMs);
}

/** Says at once which stages no live worker can take (they fail after the grace period unless one joins). */
async function warnUnschedulable(deps: ControllerDeps, run: RunSubmission, graceMs: number): Promise<void> {
  const constrained = run.plan.stages.map((s) => ({ id: s.id, requires: requirementsOf(run, s.id) })).filter((s) => requirementsKey(s.requires) !== '');
  if (!deps.fleet || constrained.length === 0) return;
  const workers = await deps.fleet.liveWorkers();
  for (const s of unmatched(constrained, workers)) {
    deps.observer.notice(`warning: ${s.id} cannot run yet: ${unschedulableReason(s.requires, workers)}; it fails after ${graceMs < 10_000 ? `${graceMs} ms` : `${Math.round(graceMs / 1000)} s`} unless such a worker joins`);
  }
}

export interface FollowOptions {
  /** Stop following (not the run) when aborted. */
  signal?: AbortSignal;
  /** Warn when no stage has started after this long and no worker is connected. Default 10 s. */
  idleWarningMs?: number;
  /** Where to resume reading events. Default: from the start. */
  afterEventId?: string;
  /** Give up (InfrastructureError) when Redis stays unreachable this long. Default 30 s. */
  redisDownLimitMs?: number;
  /** Fail a stage no live worker can take after this long (needs `deps.fleet`). Default 30 s. */
  unschedulableMs?: number;
}

export const DEFAULT_UNSCHEDULABLE_MS = 30_000;

/**
 * Follows a run's event stream until it finishes, telling the observer. Every few seconds it
 * re-queues stages that are ready (idempotent job ids), so a worker that died between finishing a
 * stage and queueing its dependents cannot stall the run.
 */
export async function followRun(deps: ControllerDeps, runId: string, options: FollowOptions = {}): Promise<RunStatus | undefined> {
  let last = options.afterEventId ?? '0';
  let lastSweep = Date.now();
  let started = false;
  const begun = Date.now();
  let warned = false;
  let redisDownSince: number | undefined;
  const downLimit = options.redisDownLimitMs ?? 30_000;
  const record = await deps.store.getRun(runId);
  const tracker = new UnschedulableTracker(options.unschedulableMs ?? DEFAULT_UNSCHEDULABLE_MS);
  const aborted = abortPromise(options.signal);

  /** Tells the observer about events; returns the run's final status when one says so. */
  const dispatch = (events: RunEvent[]): RunStatus | undefined => {
    for (const e of events) {
      last = e.id;
      switch (e.type) {
        case 'stage-started':
          started = true;
          deps.observer.stageStarted(e);
          break;
        case 'stage-finished': {
          const ev: Parameters<typeof deps.observer.stageFinished>[0] = { stage: e.stage, status: e.status, at: e.at };
          if (e.reason) ev.reason = e.reason;
          if (e.cached) ev.cached = true;
          deps.observer.stageFinished(ev);
          break;
        }
        case 'log':
          deps.observer.buildLog({ stage: e.stage, line: e.line });
          break;
        case 'run-finished':
          deps.observer.runFinished({ runId, status: e.status });
          return e.status;
      }
    }
    return undefined;
  };

  while (!options.signal?.aborted) {
    // A blocking read never settles while Redis is away: bound it, and let an abort win.
    const read = deps.store.readEvents(deps.blocking, runId, last, 500);
    read.catch(() => undefined);
    const events = await Promise.race([read, aborted.then(() => [] as RunEvent[]), delay(5000).then(() => undefined)]).catch(() => undefined);
    if (options.signal?.aborted) break;
    if (events) {
      const final = dispatch(events);
      if (final) return final;
    }
    if (events !== undefined && Date.now() - lastSweep <= 2000) continue;
    lastSweep = Date.now();
    let status: RunRecord['status'] | undefined;
    try {
      status = await deps.store.runStatus(runId);
      redisDownSince = undefined;
    } catch (err) {
      redisDownSince ??= Date.now();
      if (Date.now() - redisDownSince > downLimit) {
        throw new InfrastructureError('redis', `lost the connection to Redis for more than ${Math.round(downLimit / 1000)} s: ${describeError(err)}`, {
          hint: `the run's state is kept in Redis; once it is back, \`fipsyard status ${runId}\` shows where it stands`,
          cause: err,
        });
      }
      continue;
    }
    if (status === undefined) throw new Error(`run ${runId} disappeared from Redis`);
    if (status !== 'running') {
      // The run ended between two reads: deliver what was written since, then stop.
      const rest = await deps.store.readEvents(deps.blocking, runId, last, 1);
      const final = dispatch(rest);
      if (!final) deps.observer.runFinished({ runId, status });
      return status;
    }
    if (record) await sweepRun(deps, record, tracker);
    if (!started && !warned && Date.now() - begun > (options.idleWarningMs ?? 10_000) && (await deps.queue.workerCount()) === 0) {
      warned = true;
      deps.observer.notice('no worker is connected to this Redis: start one with `fipsyard worker` (REDIS_URL set), or run without --workers 0');
    }
  }
  return undefined;
}

function abortPromise(signal: AbortSignal | undefined): Promise<void> {
  if (!signal) return new Promise(() => undefined);
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

/** Cancels a run: queued stages are dropped, running ones are told to stop by their workers. */
export async function cancelRun(deps: Pick<ControllerDeps, 'store' | 'queue'>, runId: string, reason = 'cancelled by user'): Promise<string[]> {
  const running = await deps.store.cancelRun(runId, reason);
  await deps.queue.dropWaiting(runId);
  return running;
}

/** Everything the report needs, read from the store. */
export async function snapshotRun(store: RunStore, runId: string, toolVersion: string): Promise<RunSnapshot> {
  const run = await store.getRun(runId);
  if (!run) throw new Error(`run ${runId} not found`);
  const stages = await store.getStages(runId);
  const snap: RunSnapshot = {
    runId,
    status: run.status,
    pipeline: run.pipeline,
    plan: run.plan,
    createdAt: run.createdAt,
    host: run.host ?? {},
    stages,
    toolVersion,
  };
  if (run.finishedAt) snap.finishedAt = run.finishedAt;
  return snap;
}
