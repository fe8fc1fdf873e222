import { stageRequirements, type PipelineSpec, type Plan, type Requirements } from '@fipsyard/core';
import type { StageQueue } from '@fipsyard/queue';

/** The part of a run routing needs. */
export interface RoutableRun {
  runId: string;
  pipeline: PipelineSpec;
  plan: Plan;
}

/** Worker labels a stage of the run needs (none for an unknown stage). */
export function requirementsOf(run: Omit<RoutableRun, 'runId'>, stageId: string): Requirements {
  const stage = run.plan.stages.find((s) => s.id === stageId);
  const image = stage && run.pipeline.images.find((i) => i.name === stage.image);
  return stage && image ? stageRequirements(image, stage.kind) : {};
}

/** Queues a stage on the queue its requirements route it to. False when the plan has no such stage. */
export async function enqueueStage(queue: StageQueue, run: RoutableRun, stageId: string): Promise<boolean> {
  const stage = run.plan.stages.find((s) => s.id === stageId);
  if (!stage) return false;
  await queue.enqueue(stage.kind, { runId: run.runId, stageId }, requirementsOf(run, stageId), priorityOf(stage.height));
  return true;
}

/** BullMQ priority (1 is first): stages with the longest chain of work behind them go first. */
export function priorityOf(height: number | undefined): number {
  return Math.max(1, 10_000 - (height ?? 0));
}
