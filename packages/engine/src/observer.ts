import type { RunStatus, StageKind } from '@fipsyard/core';

/** Lifecycle of a run as the controller sees it; fanned out to terminal, files, JSON lines. */
export interface RunObserver {
  runStarted?(e: { runId: string; stages: { id: string; kind: StageKind; image: string }[] }): void;
  stageQueued?(e: { stage: string }): void;
  stageStarted?(e: { stage: string; worker: string; attempt: number; at: string }): void;
  /** `cached`: the stage's result was reused from an earlier run (nothing rebuilt or re-checked). */
  stageFinished?(e: { stage: string; status: 'succeeded' | 'failed' | 'skipped'; reason?: string; at: string; cached?: boolean }): void;
  buildLog?(e: { stage: string; line: string }): void;
  notice?(message: string): void;
  runFinished?(e: { runId: string; status: RunStatus }): void;
}

/** Calls every observer; one observer's exception does not stop the others or the run. */
export function fanOut(observers: readonly RunObserver[]): Required<RunObserver> {
  const call =
    <K extends keyof RunObserver>(key: K) =>
    (arg: Parameters<NonNullable<RunObserver[K]>>[0]) => {
      for (const o of observers) {
        try {
          (o[key] as ((a: typeof arg) => void) | undefined)?.(arg);
        } catch {
          // An observer is a view; it never decides the run.
        }
      }
    };
  return {
    runStarted: call('runStarted'),
    stageQueued: call('stageQueued'),
    stageStarted: call('stageStarted'),
    stageFinished: call('stageFinished'),
    buildLog: call('buildLog'),
    notice: call('notice') as (m: string) => void,
    runFinished: call('runFinished'),
  };
}
