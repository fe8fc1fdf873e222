export type StageKind = 'build' | 'test';

/** One node of the run's DAG. */
export interface Stage {
  /** `build-<image>` or `test-<image>`; never contains `:`. */
  id: string;
  kind: StageKind;
  image: string;
  /** Stage ids that must succeed before this one may start. */
  needs: string[];
}

/** A pipeline turned into a DAG of stages, in a topological order. */
export interface Plan {
  stages: Stage[];
}

export function stageId(kind: StageKind, image: string): string {
  return `${kind}-${image}`;
}
