import { requirementsKey, type RunStatus } from '@fipsyard/core';
import type { RunRecord, RunStore, StageQueue } from '@fipsyard/queue';
import { enqueueStage, requirementsOf } from './routing.js';
import type { FleetView, UnschedulableTracker } from './unschedulable.js';

export interface SweepDeps {
  store: RunStore;
  queue: StageQueue;
  fleet?: FleetView;
}

export interface SweepResult {
  /** Stages failed because no live worker offers what they require. */
  failed: { id: string; reason: string }[];
  /** The run's final status when this sweep ended it (all its stages were done). */
  finished?: RunStatus;
}

/**
 * One round of what keeps a run moving without anyone watching it: re-queue its ready stages
 * (idempotent job ids), fail the stages no live worker can take once past the grace period, and
 * end the run if every stage is done. `fipsyard run` does this every ~2 s while following, the
 * fleet controller for every running run.
 */
export async function sweepRun(deps: SweepDeps, run: RunRecord, tracker: UnschedulableTracker | undefined): Promise<SweepResult> {
  const stages = await deps.store.getStages(run.runId);
  for (const s of stages) if (s.state === 'ready') await enqueueStage(deps.queue, run, s.id);
  const result: SweepResult = { failed: [] };
  const waiting = stages.filter((s) => s.state === 'ready' || s.state === 'running').map((s) => ({ id: s.id, requires: requirementsOf(run, s.id) }));
  if (deps.fleet && tracker && waiting.some((s) => requirementsKey(s.requires) !== '')) {
    const workers = await deps.fleet.liveWorkers();
    for (const f of tracker.check(run.runId, waiting, workers)) {
      const fin = await deps.store.finishStage(run.runId, f.id, { status: 'failed', reason: f.reason, retryable: false });
      if (fin.applied) result.failed.push(f);
      for (const id of fin.released) await enqueueStage(deps.queue, run, id);
    }
  }
  if (waiting.length === 0 || result.failed.length > 0) {
    const final = await deps.store.finishRunIfDone(run.runId);
    if (final) result.finished = final;
  }
  return result;
}
