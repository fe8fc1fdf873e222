import type { RunStatus, StageKind } from '@fipsyard/core';
import type { RunObserver } from '@fipsyard/engine';

/** Absolute paths of what `run` wrote. */
export interface ReportPaths {
  dir: string;
  json: string;
  junit: string;
  sarif: string;
  evidence: string;
}

/** One line of `run --progress json`; `time` is when fipsyard saw it (ISO 8601). */
export type JsonEvent =
  | { type: 'run-started'; time: string; runId: string; images: string[]; stages: { id: string; kind: StageKind; image: string }[] }
  | { type: 'stage-queued'; time: string; stage: string; kind?: StageKind; image?: string }
  | { type: 'stage-started'; time: string; stage: string; kind?: StageKind; image?: string; worker: string; attempt: number; at: string }
  | {
      type: 'stage-finished';
      time: string;
      stage: string;
      kind?: StageKind;
      image?: string;
      status: 'succeeded' | 'failed' | 'skipped';
      /** The result was reused from an earlier run. */
      cached: boolean;
      reason?: string;
      at: string;
      /** From the worker's start and finish times, when the stage started in this stream. */
      durationMs?: number;
    }
  | { type: 'log'; time: string; stage: string; line: string }
  | { type: 'notice'; time: string; message: string }
  | { type: 'run-finished'; time: string; runId: string; status: RunStatus; exitCode: number; reports?: ReportPaths };

export interface JsonLinesObserver extends RunObserver {
  /** The last line: after the reports are written, with their paths and the exit code. */
  finished(e: { runId: string; status: RunStatus; exitCode: number; reports?: ReportPaths }): void;
}

/**
 * Every run event as one JSON object per line, for programs. The engine's own run-finished is not
 * written: the line that ends the stream comes from `finished`, once the reports exist.
 */
export function jsonLinesObserver({ write, logs, now = () => new Date() }: { write: (line: string) => void; /** Include build output (`log` events). */ logs: boolean; now?: () => Date }): JsonLinesObserver {
  const stages = new Map<string, { kind: StageKind; image: string }>();
  const startedAt = new Map<string, number>();
  const emit = (e: JsonEvent) => write(JSON.stringify(e));
  const time = () => now().toISOString();
  const where = (stage: string) => stages.get(stage) ?? {};
  return {
    runStarted(e) {
      for (const s of e.stages) stages.set(s.id, { kind: s.kind, image: s.image });
      const images = [...new Set(e.stages.map((s) => s.image))];
      emit({ type: 'run-started', time: time(), runId: e.runId, images, stages: e.stages.map((s) => ({ id: s.id, kind: s.kind, image: s.image })) });
    },
    stageQueued(e) {
      emit({ type: 'stage-queued', time: time(), stage: e.stage, ...where(e.stage) });
    },
    stageStarted(e) {
      const at = Date.parse(e.at);
      if (Number.isFinite(at)) startedAt.set(e.stage, at);
      emit({ type: 'stage-started', time: time(), stage: e.stage, ...where(e.stage), worker: e.worker, attempt: e.attempt, at: e.at });
    },
    stageFinished(e) {
      const ev: JsonEvent = { type: 'stage-finished', time: time(), stage: e.stage, ...where(e.stage), status: e.status, cached: e.cached === true, at: e.at };
      if (e.reason) ev.reason = e.reason;
      const t0 = startedAt.get(e.stage);
      const t1 = Date.parse(e.at);
      if (t0 !== undefined && Number.isFinite(t1) && t1 >= t0) ev.durationMs = t1 - t0;
      emit(ev);
    },
    buildLog(e) {
      if (logs) emit({ type: 'log', time: time(), stage: e.stage, line: e.line });
    },
    notice(message) {
      emit({ type: 'notice', time: time(), message });
    },
    finished(e) {
      const ev: JsonEvent = { type: 'run-finished', time: time(), runId: e.runId, status: e.status, exitCode: e.exitCode };
      if (e.reports) ev.reports = e.reports;
      emit(ev);
    },
  };
}
