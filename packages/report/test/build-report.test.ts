import { describe, expect, it } from 'vitest';
import { buildReport, renderSummary, reportExitCode, type RunReport, type StageSnapshot } from '@fipsyard/report';
import { BASE_ID, NODE_ID, builtStage, check, image, snapshot, testedStage } from './snapshot.js';

const base = image('fips-base', { tags: ['registry.example/fips-base:1'] });
const node = image('node-dev', { parent: 'fips-base' });
const python = image('python-dev', { parent: 'fips-base' });

const baseChecks = [
  check('openssl-fips-provider-active'),
  check('openssl-md5-refused'),
  check('kernel-fips-enabled', { status: 'warn', severity: 'information', reason: 'host-dependent: not in FIPS mode' }),
  check('openssl-fips-env', { status: 'skip', severity: 'information' }),
];
const nodeChecks = [check('openssl-fips-provider-active'), check('openssl-md5-refused', { status: 'fail', reason: 'MD5 was computed' })];

const pythonBuildFailed: StageSnapshot = {
  id: 'build-python-dev',
  state: 'failed',
  worker: 'worker-1',
  attempt: 2,
  startedAt: '2025-01-01T10:02:00.000Z',
  finishedAt: '2025-01-01T10:02:01.000Z',
  outcome: { status: 'failed', reason: 'cannot pull python:3.12: registry unreachable', infrastructure: true, log: ['#2 ERROR: no such host'] },
};

/** fips-base passes, node-dev fails a check, python-dev cannot be built. */
const mixedRun = () =>
  snapshot(
    [base, node, python],
    [
      builtStage('fips-base', BASE_ID),
      testedStage('fips-base', BASE_ID, baseChecks, ['registry.example/fips-base:1']),
      builtStage('node-dev', NODE_ID, BASE_ID),
      testedStage('node-dev', NODE_ID, nodeChecks),
      pythonBuildFailed,
      { id: 'test-python-dev', state: 'skipped', reason: 'build-python-dev failed' },
    ],
  );

const stage = (r: RunReport, id: string) => r.stages.find((s) => s.id === id);
const img = (r: RunReport, name: string) => r.images.find((i) => i.name === name);

describe('buildReport', () => {
  it('describes the run and its pipeline', () => {
    const r = buildReport(mixedRun());
    expect(r).toMatchObject({
      reportVersion: 1,
      tool: { name: 'fipsyard', version: '0.1.0' },
      runId: 'run-20250101-abc',
      pipeline: '/work/pipelines/fips.yaml',
      pipelineName: 'fips',
      pipelineSha256: 'ab'.repeat(32),
      status: 'failed',
      startedAt: '2025-01-01T10:00:00.000Z',
      finishedAt: '2025-01-01T10:05:00.000Z',
      host: { docker: '27.3.1' },
    });
  });

  it('lists stages in plan order with their status', () => {
    const r = buildReport(mixedRun());
    expect(r.stages.map((s) => [s.id, s.kind, s.image, s.status])).toEqual([
      ['build-fips-base', 'build', 'fips-base', 'succeeded'],
      ['test-fips-base', 'test', 'fips-base', 'succeeded'],
      ['build-node-dev', 'build', 'node-dev', 'succeeded'],
      ['test-node-dev', 'test', 'node-dev', 'failed'],
      ['build-python-dev', 'build', 'python-dev', 'failed'],
      ['test-python-dev', 'test', 'python-dev', 'skipped'],
    ]);
  });

  it('records who ran a stage, how often, when and for how long', () => {
    const r = buildReport(mixedRun());
    expect(stage(r, 'build-fips-base')).toEqual({
      id: 'build-fips-base',
      kind: 'build',
      image: 'fips-base',
      status: 'succeeded',
      worker: 'worker-1',
      attempts: 1,
      startedAt: '2025-01-01T10:00:00.000Z',
      finishedAt: '2025-01-01T10:01:30.000Z',
      durationMs: 90_000,
    });
    expect(stage(r, 'test-python-dev')).toMatchObject({ worker: null, attempts: 0, startedAt: null, finishedAt: null, durationMs: null });
  });

  it("gives a failed stage its outcome's reason, infrastructure flag and log", () => {
    const r = buildReport(mixedRun());
    expect(stage(r, 'build-python-dev')).toMatchObject({
      reason: 'cannot pull python:3.12: registry unreachable',
      infrastructure: true,
      log: ['#2 ERROR: no such host'],
      attempts: 2,
    });
    expect(stage(r, 'test-node-dev')?.reason).toBe('1 of 2 checks failed: openssl-md5-refused');
    expect(stage(r, 'test-node-dev')).not.toHaveProperty('infrastructure');
  });

  it('gives a skipped stage the reason it was skipped', () => {
    expect(stage(buildReport(mixedRun()), 'test-python-dev')?.reason).toBe('build-python-dev failed');
  });

  it('reports stages that never got to run as skipped, "not run"', () => {
    const run = snapshot([base], [builtStage('fips-base', BASE_ID), { id: 'test-fips-base', state: 'pending' }], { status: 'cancelled' });
    const r = buildReport(run);
    expect(stage(r, 'test-fips-base')).toMatchObject({ status: 'skipped', reason: 'not run' });
    const missing = buildReport(snapshot([base], [builtStage('fips-base', BASE_ID)], { status: 'cancelled' }));
    expect(stage(missing, 'test-fips-base')).toMatchObject({ status: 'skipped', reason: 'not run' });
  });

  it('gives succeeded stages no reason and no log', () => {
    const r = buildReport(mixedRun());
    expect(stage(r, 'build-fips-base')).not.toHaveProperty('reason');
    expect(stage(r, 'build-fips-base')).not.toHaveProperty('log');
  });

  it('takes image IDs and parent image IDs from the build outputs', () => {
    const r = buildReport(mixedRun());
    expect(r.images.map((i) => [i.name, i.imageId, i.parent, i.parentImageId])).toEqual([
      ['fips-base', BASE_ID, null, null],
      ['node-dev', NODE_ID, 'fips-base', BASE_ID],
      ['python-dev', null, 'fips-base', null],
    ]);
  });

  it('takes checks and applied tags from the test outputs', () => {
    const r = buildReport(mixedRun());
    expect(img(r, 'fips-base')).toMatchObject({ tags: ['registry.example/fips-base:1'], tagged: ['registry.example/fips-base:1'], checks: baseChecks });
    expect(img(r, 'node-dev')).toMatchObject({ tags: [], tagged: [], checks: nodeChecks });
    expect(img(r, 'python-dev')).toMatchObject({ tagged: [], checks: [] });
  });

  it('gives each image the status of its stages: failed if any failed, succeeded if all did, otherwise skipped', () => {
    const r = buildReport(mixedRun());
    expect(r.images.map((i) => [i.name, i.status])).toEqual([
      ['fips-base', 'succeeded'],
      ['node-dev', 'failed'],
      ['python-dev', 'failed'],
    ]);
    const skipped = buildReport(snapshot([base], [builtStage('fips-base', BASE_ID), { id: 'test-fips-base', state: 'skipped', reason: 'cancelled' }], { status: 'cancelled' }));
    expect(img(skipped, 'fips-base')?.status).toBe('skipped');
  });

  it('counts images, stages by status and checks by status', () => {
    expect(buildReport(mixedRun()).summary).toEqual({
      images: 3,
      stages: { succeeded: 3, failed: 2, skipped: 1, cached: 0 },
      checks: { pass: 3, fail: 1, warn: 1, skip: 1, waived: 0 },
    });
  });

  it('keeps the status of a finished run', () => {
    expect(buildReport(snapshot([base], [], { status: 'cancelled' })).status).toBe('cancelled');
    const passed = snapshot([base], [builtStage('fips-base', BASE_ID), testedStage('fips-base', BASE_ID, baseChecks)], { status: 'passed' });
    expect(buildReport(passed).status).toBe('passed');
  });

  it('derives the status of a run still marked running from its stages', () => {
    expect(buildReport({ ...mixedRun(), status: 'running' }).status).toBe('failed');
    const clean = snapshot([base], [builtStage('fips-base', BASE_ID), testedStage('fips-base', BASE_ID, baseChecks)], { status: 'running' });
    expect(buildReport(clean).status).toBe('passed');
  });

  it('is plain JSON', () => {
    const r = buildReport(mixedRun());
    expect(JSON.parse(JSON.stringify(r))).toEqual(r);
  });
});

describe('reportExitCode', () => {
  const passedRun = () => snapshot([base], [builtStage('fips-base', BASE_ID), testedStage('fips-base', BASE_ID, baseChecks)], { status: 'passed' });

  it('is 0 for a passed run', () => {
    expect(reportExitCode(buildReport(passedRun()))).toBe(0);
  });

  it('is 1 when an image failed its checks', () => {
    const run = snapshot([node], [builtStage('node-dev', NODE_ID, BASE_ID), testedStage('node-dev', NODE_ID, nodeChecks)]);
    expect(reportExitCode(buildReport(run))).toBe(1);
  });

  it('is 3 when every failed stage failed for infrastructure', () => {
    const run = snapshot([python], [pythonBuildFailed, { id: 'test-python-dev', state: 'skipped', reason: 'build-python-dev failed' }]);
    expect(reportExitCode(buildReport(run))).toBe(3);
  });

  it('is 1 when infrastructure failures come with a real failure', () => {
    expect(reportExitCode(buildReport(mixedRun()))).toBe(1);
  });

  it('is 130 for a cancelled run, whatever failed', () => {
    expect(reportExitCode(buildReport({ ...mixedRun(), status: 'cancelled' }))).toBe(130);
  });
});

describe('buildReport with cached stages', () => {
  it('marks reused stages, counts them, and says where the reused verdict came from', () => {
    const hit = { key: 'sha256:k', runId: 'r-old', at: '2026-12-01T10:00:00Z', evidenceDir: '/tmp/old/evidence' };
    const snap = snapshot([base], [builtStage('fips-base', BASE_ID), testedStage('fips-base', BASE_ID, [check('openssl-fips-provider-active', { status: 'pass' })])], { status: 'passed' });
    for (const s of snap.stages) if (s.state === 'succeeded' && s.outcome) s.outcome = { ...s.outcome, cached: hit };
    const report = buildReport(snap);
    const cached = report.stages.filter((s) => s.cached);
    expect(cached.length).toBeGreaterThan(0);
    expect(cached.every((s) => s.status === 'succeeded')).toBe(true);
    expect(report.summary.stages.cached).toBe(cached.length);
    expect(renderSummary(report)).toMatch(/\(\d+ cached\)/);
  });
});
