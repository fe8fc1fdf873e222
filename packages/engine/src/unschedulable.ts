import { satisfies, unschedulableReason, type Requirements } from '@fipsyard/core';

/** What the controller needs to know of the fleet: who is alive and what each offers. */
export interface FleetView {
  liveWorkers(): Promise<{ name: string; labels: Record<string, string> }[]>;
}

export interface WaitingStage {
  id: string;
  requires: Requirements;
}

/**
 * Remembers since when each waiting stage has had no live worker able to take it, and names those
 * past the grace period. A worker that joins in time resets the clock. An unconstrained stage is
 * taken by any worker, so it is judged only when no worker at all is alive.
 */
export class UnschedulableTracker {
  private readonly since = new Map<string, number>();

  constructor(
    private readonly graceMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** The stages of `runId` to fail now, with the reason. */
  check(runId: string, waiting: readonly WaitingStage[], workers: readonly { name: string; labels: Record<string, string> }[]): { id: string; reason: string }[] {
    const out: { id: string; reason: string }[] = [];
    const t = this.now();
    const current = new Set<string>();
    for (const s of waiting) {
      const key = `${runId}/${s.id}`;
      if (workers.some((w) => satisfies(w.labels, s.requires))) {
        this.since.delete(key);
        continue;
      }
      current.add(key);
      const first = this.since.get(key) ?? t;
      this.since.set(key, first);
      if (t - first >= this.graceMs) {
        const why = Object.keys(s.requires).length > 0 ? unschedulableReason(s.requires, workers) : 'no worker is connected to this Redis';
        out.push({ id: s.id, reason: `unschedulable: ${why}; waited ${Math.round((t - first) / 1000)} s` });
      }
    }
    for (const key of this.since.keys()) if (key.startsWith(`${runId}/`) && !current.has(key)) this.since.delete(key);
    return out;
  }

  /** Forgets every run not in `runIds` (they finished). */
  retain(runIds: ReadonlySet<string>): void {
    for (const key of this.since.keys()) if (!runIds.has(key.slice(0, key.indexOf('/')))) this.since.delete(key);
  }

  /** Forgets a finished run. */
  forget(runId: string): void {
    for (const key of this.since.keys()) if (key.startsWith(`${runId}/`)) this.since.delete(key);
  }
}

/** Stages no live worker can take, at submit time: for a warning, not a failure. */
export function unmatched(waiting: readonly WaitingStage[], workers: readonly { name: string; labels: Record<string, string> }[]): WaitingStage[] {
  return waiting.filter((s) => Object.keys(s.requires).length > 0 && !workers.some((w) => satisfies(w.labels, s.requires)));
}
