import type { RunStatus, StageKind } from '@fipsyard/core';
import type { RunObserver } from '@fipsyard/engine';

/** What one image shows in the live view. */
export type ImageState = 'queued' | 'building' | 'testing' | 'passed' | 'cached' | 'failed' | 'skipped';

type StageState = 'waiting' | 'running' | 'succeeded' | 'failed' | 'skipped';

interface StageEntry {
  id: string;
  kind: StageKind;
  image: string;
  state: StageState;
  cached: boolean;
  reason?: string;
  /** Local clock when the start event arrived. */
  startedLocal?: number;
  /** The worker's timestamp of the start, when it parsed. */
  startedAt?: number;
  durationMs?: number;
  /** Local clock when it finished, to order "recently finished". */
  finishedLocal?: number;
}

export interface ImageRow {
  name: string;
  state: ImageState;
  /** Time spent in its stages so far; absent while nothing has started. */
  elapsedMs?: number;
  /** Why it failed or was skipped. */
  reason?: string;
  /** Position in the plan, for a stable order. */
  order: number;
  /** Local clock of its last change (failures are listed newest first). */
  changedAt: number;
}

/** Stage counts for the header; `queued` is every stage not started yet. */
export interface StageCounts {
  total: number;
  running: number;
  queued: number;
  done: number;
  succeeded: number;
  failed: number;
  cached: number;
  skipped: number;
}

/**
 * The run as the terminal shows it, built from observer events. Pure: the clock is injected and
 * nothing is written; renderers read it.
 */
export class Board {
  runId = '';
  readonly begun: number;
  /** Local clock when the run ended; freezes the header's elapsed time. */
  endedAt?: number;
  status?: RunStatus;
  private readonly stages = new Map<string, StageEntry>();
  private readonly imageOrder = new Map<string, number>();

  constructor(private readonly now: () => number = Date.now) {
    this.begun = now();
  }

  /** The observer that feeds this board. */
  observer(): RunObserver {
    return {
      runStarted: (e) => {
        this.runId = e.runId;
        for (const s of e.stages) this.entry(s.id, s.kind, s.image);
      },
      stageStarted: (e) => {
        const s = this.entry(e.stage);
        s.state = 'running';
        s.startedLocal = this.now();
        const at = Date.parse(e.at);
        if (Number.isFinite(at)) s.startedAt = at;
        else delete s.startedAt;
      },
      stageFinished: (e) => {
        const s = this.entry(e.stage);
        const t = this.now();
        const at = Date.parse(e.at);
        // Worker timestamps give true durations even when events are replayed (`run --resume`).
        if (s.startedAt !== undefined && Number.isFinite(at) && at >= s.startedAt) s.durationMs = at - s.startedAt;
        else if (s.startedLocal !== undefined) s.durationMs = t - s.startedLocal;
        s.state = e.status;
        s.cached = e.cached === true;
        s.finishedLocal = t;
        if (e.reason) s.reason = e.reason;
      },
      runFinished: (e) => this.end(e.status),
    };
  }

  /** Freezes the clock of the header (run finished, or the view stops on cancellation). */
  end(status?: RunStatus): void {
    this.endedAt ??= this.now();
    if (status) this.status = status;
    // The events of a cancelled run stop coming; what had not finished was skipped (as the report says).
    if (status !== 'cancelled') return;
    for (const s of this.stages.values()) {
      if (s.state !== 'waiting' && s.state !== 'running') continue;
      if (s.state === 'running' && s.startedLocal !== undefined) s.durationMs = this.endedAt - s.startedLocal;
      s.state = 'skipped';
      s.reason = 'cancelled';
      s.finishedLocal = this.endedAt;
    }
  }

  elapsedMs(): number {
    return (this.endedAt ?? this.now()) - this.begun;
  }

  counts(): StageCounts {
    const c: StageCounts = { total: 0, running: 0, queued: 0, done: 0, succeeded: 0, failed: 0, cached: 0, skipped: 0 };
    for (const s of this.stages.values()) {
      c.total += 1;
      switch (s.state) {
        case 'waiting':
          c.queued += 1;
          break;
        case 'running':
          c.running += 1;
          break;
        case 'succeeded':
        case 'failed':
        case 'skipped':
          c.done += 1;
          c[s.state] += 1;
          if (s.cached) c.cached += 1;
          break;
        default: {
          const _: never = s.state;
          return _;
        }
      }
    }
    return c;
  }

  /** One row per image, in plan order. */
  images(): ImageRow[] {
    const byImage = new Map<string, StageEntry[]>();
    for (const s of this.stages.values()) {
      const list = byImage.get(s.image);
      if (list) list.push(s);
      else byImage.set(s.image, [s]);
    }
    const t = this.now();
    const rows: ImageRow[] = [];
    for (const [name, stages] of byImage) {
      const row: ImageRow = { name, state: imageState(stages), order: this.imageOrder.get(name) ?? 0, changedAt: 0 };
      let elapsed: number | undefined;
      for (const s of stages) {
        const ms = s.state === 'running' && s.startedLocal !== undefined ? t - s.startedLocal : s.durationMs;
        if (ms !== undefined) elapsed = (elapsed ?? 0) + Math.max(0, ms);
        row.changedAt = Math.max(row.changedAt, s.finishedLocal ?? s.startedLocal ?? 0);
      }
      if (elapsed !== undefined) row.elapsedMs = elapsed;
      const why = stages.find((s) => s.state === 'failed') ?? stages.find((s) => s.state === 'skipped');
      if (why?.reason && (row.state === 'failed' || row.state === 'skipped')) row.reason = `${why.kind}: ${why.reason}`;
      rows.push(row);
    }
    return rows.sort((a, b) => a.order - b.order);
  }

  /** A stage's entry; stages the run did not announce (a resumed run) are added from their id. */
  private entry(id: string, kind?: StageKind, image?: string): StageEntry {
    let s = this.stages.get(id);
    if (!s) {
      const dash = id.indexOf('-');
      const k = kind ?? (id.slice(0, dash) === 'test' ? 'test' : 'build');
      const img = image ?? id.slice(dash + 1);
      s = { id, kind: k, image: img, state: 'waiting', cached: false };
      this.stages.set(id, s);
      if (!this.imageOrder.has(img)) this.imageOrder.set(img, this.imageOrder.size);
    }
    return s;
  }
}

function imageState(stages: readonly StageEntry[]): ImageState {
  const failed = stages.some((s) => s.state === 'failed');
  if (failed) return 'failed';
  const running = stages.find((s) => s.state === 'running');
  if (running) return running.kind === 'build' ? 'building' : 'testing';
  if (stages.some((s) => s.state === 'skipped')) return 'skipped';
  if (stages.every((s) => s.state === 'succeeded')) return stages.every((s) => s.cached) ? 'cached' : 'passed';
  return 'queued';
}
