import type { QueueDepth, RunStore, StageQueue, WorkerInfo } from '@fipsyard/queue';

/** `fipsyard fleet status --json` and the controller's `GET /fleet`: one shape for both. */
export interface FleetStatus {
  at: string;
  workers: (Omit<WorkerInfo, 'running'> & {
    running: { runId: string; stageId: string; kind: string; startedAt: string; elapsedMs: number }[];
    /** Milliseconds since its last heartbeat. */
    lastSeenAgoMs: number;
  })[];
  queues: QueueDepth[];
  runs: { runId: string; pipeline: string; createdAt: string; stages: { total: number; done: number; running: string[]; ready: string[] } }[];
}

export interface FleetStatusDeps {
  store: RunStore;
  queue: StageQueue;
  registry: { liveWorkers(): Promise<WorkerInfo[]> };
  now?: () => Date;
}

/** The workers seen, what each runs, queue depths and the runs in progress, from Redis. */
export async function fleetStatus(deps: FleetStatusDeps): Promise<FleetStatus> {
  const now = (deps.now ?? (() => new Date()))();
  const t = now.getTime();
  const [workers, queues, runIds] = await Promise.all([deps.registry.liveWorkers(), deps.queue.queueDepths(), deps.store.runningRuns()]);
  const runs: FleetStatus['runs'] = [];
  for (const runId of runIds) {
    const [run, stages] = await Promise.all([deps.store.getRun(runId), deps.store.getStages(runId)]);
    if (!run) continue;
    runs.push({
      runId,
      pipeline: run.pipeline.file,
      createdAt: run.createdAt,
      stages: {
        total: stages.length,
        done: stages.filter((s) => s.state === 'succeeded' || s.state === 'failed' || s.state === 'skipped').length,
        running: stages.filter((s) => s.state === 'running').map((s) => s.id),
        ready: stages.filter((s) => s.state === 'ready').map((s) => s.id),
      },
    });
  }
  return {
    at: now.toISOString(),
    workers: workers.map((w) => ({
      ...w,
      running: w.running.map((r) => ({ ...r, elapsedMs: Math.max(0, t - Date.parse(r.startedAt)) })),
      lastSeenAgoMs: Math.max(0, t - Date.parse(w.lastSeen)),
    })),
    queues,
    runs,
  };
}
