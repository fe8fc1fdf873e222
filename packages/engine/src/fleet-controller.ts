import { describeError, type Logger } from '@fipsyard/core';
import type { RunStore, StageQueue } from '@fipsyard/queue';
import { sweepRun } from './sweep.js';
import { UnschedulableTracker, type FleetView } from './unschedulable.js';

export interface FleetControllerDeps {
  store: RunStore;
  queue: StageQueue;
  fleet: FleetView;
  logger: Logger;
}

export interface FleetControllerOptions {
  /** Time between sweeps. Default 2000 ms. */
  intervalMs?: number;
  /** How long a stage may wait for a worker offering its requirements before it fails. Default 30 s. */
  unschedulableMs?: number;
  now?: () => number;
}

/**
 * Keeps every running run of a Redis moving when no `fipsyard run` follows it: each round sweeps
 * each run (re-queue ready stages, fail unschedulable ones, finish runs that are done). Several
 * controllers, or a controller and a following CLI, may sweep the same run: every step is idempotent.
 */
export class FleetController {
  private readonly tracker: UnschedulableTracker;
  private timer: NodeJS.Timeout | undefined;
  private round: Promise<void> = Promise.resolve();
  private stopped = false;
  /** Rounds done, and whether the last one reached Redis. */
  readonly stats = { rounds: 0, lastOk: false };

  constructor(
    private readonly deps: FleetControllerDeps,
    private readonly options: FleetControllerOptions = {},
  ) {
    this.tracker = new UnschedulableTracker(options.unschedulableMs ?? 30_000, options.now);
  }

  start(): void {
    const tick = () => {
      if (this.stopped) return;
      this.round = this.sweepAll().finally(() => {
        if (!this.stopped) this.timer = setTimeout(tick, this.options.intervalMs ?? 2000);
      });
    };
    tick();
  }

  /** One round over every running run. Never rejects: Redis being away is logged and retried. */
  async sweepAll(): Promise<void> {
    const log = this.deps.logger;
    try {
      const runs = await this.deps.store.runningRuns();
      this.tracker.retain(new Set(runs));
      for (const runId of runs) {
        const run = await this.deps.store.getRun(runId);
        if (!run || run.status !== 'running') continue;
        const res = await sweepRun(this.deps, run, this.tracker);
        for (const f of res.failed) log.warn(`stage failed: ${f.reason}`, { runId, stage: f.id });
        if (res.finished) {
          log.info(`run finished: ${res.finished}`, { runId });
          this.tracker.forget(runId);
        }
      }
      this.stats.lastOk = true;
    } catch (err) {
      if (this.stats.lastOk || this.stats.rounds === 0) log.warn(`sweep failed: ${describeError(err)}`);
      this.stats.lastOk = false;
    }
    this.stats.rounds += 1;
  }

  /** Stops after the round in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.round;
  }
}
