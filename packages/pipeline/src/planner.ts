import { stageId, type ImageSpec, type Plan, type Stage } from '@fipsyard/core';

/**
 * Turns images into a DAG of stages: each image gets a build and a test stage; a derived image's
 * build waits for its parent's build *and* test, so nothing is built on a base that failed its
 * checks. Pure: no clock, no I/O. The input must be valid (no cycles, parents exist).
 */
export function planStages(images: readonly ImageSpec[]): Plan {
  const byName = new Map(images.map((i) => [i.name, i]));
  const stages: Stage[] = [];
  const done = new Set<string>();
  const visiting = new Set<string>();
  const visit = (image: ImageSpec): void => {
    if (done.has(image.name)) return;
    if (visiting.has(image.name)) throw new Error(`planner: cycle through image "${image.name}"`);
    visiting.add(image.name);
    const parent = image.parent === undefined ? undefined : byName.get(image.parent);
    if (image.parent !== undefined && !parent) throw new Error(`planner: unknown parent "${image.parent}" of "${image.name}"`);
    if (parent) visit(parent);
    const build = stageId('build', image.name);
    stages.push({ id: build, kind: 'build', image: image.name, needs: parent ? [stageId('build', parent.name), stageId('test', parent.name)] : [] });
    stages.push({ id: stageId('test', image.name), kind: 'test', image: image.name, needs: [build] });
    visiting.delete(image.name);
    done.add(image.name);
  };
  for (const image of images) visit(image);
  // Longest chain of dependents, computed from the end of the topological order.
  const dependents = dependentsOf({ stages });
  const height = new Map<string, number>();
  for (let i = stages.length - 1; i >= 0; i--) {
    const s = stages[i]!;
    const h = Math.max(0, ...(dependents.get(s.id) ?? []).map((d) => (height.get(d) ?? 0) + 1));
    height.set(s.id, h);
    s.height = h;
  }
  return { stages };
}

/** The stages that depend on each stage, directly. */
export function dependentsOf(plan: Plan): Map<string, string[]> {
  const out = new Map<string, string[]>(plan.stages.map((s) => [s.id, []]));
  for (const s of plan.stages) for (const n of s.needs) out.get(n)?.push(s.id);
  return out;
}
