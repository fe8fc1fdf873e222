import type { CheckResult, ImageSpec, Stage } from '@fipsyard/core';
import type { RunSnapshot, StageSnapshot } from '@fipsyard/report';

export const BASE_ID = 'sha256:0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9';
export const NODE_ID = 'sha256:f9e8d7c6b5a4938271605f4e3d2c1b0af9e8d7c6b5a4938271605f4e3d2c1b0a';

export function image(name: string, overrides: Partial<ImageSpec> = {}): ImageSpec {
  return {
    name,
    context: `/work/images/${name}`,
    dockerfile: 'Dockerfile',
    args: {},
    secretArgs: [],
    tags: [],
    labels: {},
    parentArg: 'BASE_IMAGE',
    checks: [],
    waivers: [],
    ...overrides,
  };
}

export function check(id: string, overrides: Partial<CheckResult> = {}): CheckResult {
  return {
    id,
    title: `Check ${id}`,
    status: 'pass',
    command: ['openssl', 'version'],
    exitCode: 0,
    stdout: 'OpenSSL 3.5.1\n',
    stderr: '',
    durationMs: 12,
    suite: 'openssl-fips',
    ...overrides,
  };
}

/** The build and test stages of each image, derived builds after their parent's test. */
export function planOf(images: ImageSpec[]): Stage[] {
  return images.flatMap((img): Stage[] => [
    { id: `build-${img.name}`, kind: 'build', image: img.name, needs: img.parent ? [`build-${img.parent}`, `test-${img.parent}`] : [] },
    { id: `test-${img.name}`, kind: 'test', image: img.name, needs: [`build-${img.name}`] },
  ]);
}

export function snapshot(images: ImageSpec[], stages: StageSnapshot[], overrides: Partial<RunSnapshot> = {}): RunSnapshot {
  return {
    runId: 'run-20250101-abc',
    status: 'failed',
    pipeline: { file: '/work/pipelines/fips.yaml', name: 'fips', sha256: 'ab'.repeat(32), images },
    plan: { stages: planOf(images) },
    createdAt: '2025-01-01T10:00:00.000Z',
    finishedAt: '2025-01-01T10:05:00.000Z',
    host: { docker: '27.3.1' },
    stages,
    toolVersion: '0.1.0',
    ...overrides,
  };
}

export const builtStage = (name: string, imageId: string, parentImageId?: string): StageSnapshot => ({
  id: `build-${name}`,
  state: 'succeeded',
  worker: 'worker-1',
  attempt: 1,
  startedAt: '2025-01-01T10:00:00.000Z',
  finishedAt: '2025-01-01T10:01:30.000Z',
  outcome: { status: 'succeeded', output: { kind: 'build', build: { imageId, ...(parentImageId ? { parentImageId } : {}), logTail: ['#9 DONE'] } } },
});

export const testedStage = (name: string, imageId: string, checks: CheckResult[], tagged: string[] = []): StageSnapshot => {
  const failed = checks.filter((c) => c.status === 'fail' && c.severity !== 'information');
  return {
    id: `test-${name}`,
    state: failed.length ? 'failed' : 'succeeded',
    worker: 'worker-2',
    attempt: 1,
    startedAt: '2025-01-01T10:02:00.000Z',
    finishedAt: '2025-01-01T10:02:05.500Z',
    outcome: {
      status: failed.length ? 'failed' : 'succeeded',
      ...(failed.length ? { reason: `${failed.length} of ${checks.length} checks failed: ${failed.map((c) => c.id).join(', ')}` } : {}),
      output: { kind: 'test', test: { imageId, checks, tagged } },
    },
  };
};
