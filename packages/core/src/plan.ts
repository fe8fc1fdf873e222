export type StageKind = 'build' | 'test';

/** One node of the run's DAG. */
export interface Stage {
  /** `build-<image>` or `test-<image>`; never contains `:`. */
  id: string;
  kind: StageKind;
  image: string;
  /** Stage ids that must succeed before this one may start. */
  needs: string[];
  /**
   * Stages on the longest chain that waits for this one. Workers take ready stages with more
   * work behind them first, so the critical path never waits behind unrelated stages.
   */
  height?: number;
}

/** A pipeline turned into a DAG of stages, in a topological order. */
export interface Plan {
  stages: Stage[];
}

export function stageId(kind: StageKind, image: string): string {
  return `${kind}-${image}`;
}
