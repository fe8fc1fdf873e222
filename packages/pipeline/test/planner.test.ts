import type { ImageSpec } from '@fipsyard/core';
import { describe, expect, it } from 'vitest';
import { dependentsOf, planStages } from '../src/index.js';

const image = (name: string, parent?: string): ImageSpec => ({
  name,
  context: `/ctx/${name}`,
  dockerfile: 'Dockerfile',
  args: {},
  secretArgs: [],
  tags: [],
  labels: {},
  parentArg: 'BASE_IMAGE',
  checks: [],
  waivers: [],
  ...(parent ? { parent } : {}),
});

describe('planStages', () => {
  it('gives each image a build and a test stage; a derived build waits for its parent build and test', () => {
    const plan = planStages([image('node', 'base'), image('base'), image('python', 'base')]);
    expect(plan.stages).toEqual([
      { id: 'build-base', kind: 'build', image: 'base', needs: [], height: 3 },
      { id: 'test-base', kind: 'test', image: 'base', needs: ['build-base'], height: 2 },
      { id: 'build-node', kind: 'build', image: 'node', needs: ['build-base', 'test-base'], height: 1 },
      { id: 'test-node', kind: 'test', image: 'node', needs: ['build-node'], height: 0 },
      { id: 'build-python', kind: 'build', image: 'python', needs: ['build-base', 'test-base'], height: 1 },
      { id: 'test-python', kind: 'test', image: 'python', needs: ['build-python'], height: 0 },
    ]);
  });

  it('orders every stage after all it needs, for deep chains declared backwards', () => {
    const names = Array.from({ length: 20 }, (_, i) => `i${i}`);
    const images = names.map((n, i) => image(n, i === 0 ? undefined : names[i - 1])).reverse();
    const plan = planStages(images);
    const pos = new Map(plan.stages.map((s, i) => [s.id, i]));
    for (const s of plan.stages) for (const n of s.needs) expect(pos.get(n)!).toBeLessThan(pos.get(s.id)!);
    expect(dependentsOf(plan).get('test-i0')).toEqual(['build-i1']);
  });

  it('refuses cycles and unknown parents (validation catches them first)', () => {
    expect(() => planStages([image('a', 'b'), image('b', 'a')])).toThrow(/cycle/);
    expect(() => planStages([image('a', 'zz')])).toThrow(/unknown parent/);
  });
});

describe('stage heights (critical path first)', () => {
  it('gives each stage the length of the longest chain of stages waiting for it', () => {
    // base -> team -> svc; base -> leaf
    const plan = planStages([image('leaf', 'base'), image('svc', 'team'), image('team', 'base'), image('base')]);
    const h = Object.fromEntries(plan.stages.map((s) => [s.id, s.height]));
    expect(h).toEqual({
      'build-base': 5, 'test-base': 4, 'build-team': 3, 'test-team': 2, 'build-svc': 1, 'test-svc': 0,
      'build-leaf': 1, 'test-leaf': 0,
    });
    // The team's build, with more work behind it, outranks the leaf's build that is ready at the same time.
    expect(h['build-team']!).toBeGreaterThan(h['build-leaf']!);
  });
});
