import type { PipelineSpec, Plan, RunStatus } from '@fipsyard/core';
import { LABELS } from '@fipsyard/plugin-api';
import { connectRedis, RunStore, StageQueue, startEmbeddedRedis, type EmbeddedRedis, type StageRecord } from '@fipsyard/queue';
import { buildReport, reportExitCode } from '@fipsyard/report';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { cancelRun, fanOut, followRun, promoteRun, snapshotRun, submitRun } from '../src/index.js';
import { baseWithDerived, DERIVED, harness, recordingObserver, singleImage, uniqueId, waitFor, type FakePluginOptions, type Harness } from './helpers.js';

let server: EmbeddedRedis;
beforeAll(async () => {
  server = await startEmbeddedRedis();
});
afterAll(async () => {
  await server?.stop();
});

const ALL_IMAGES = ['base', ...DERIVED];
const ALL_STAGES = ALL_IMAGES.flatMap((i) => [`build-${i}`, `test-${i}`]).sort();

/** Submits and follows a run to its end, as `fipsyard run` does; gives up after 20 s. */
async function runPipeline(h: Harness, def: { pipeline: PipelineSpec; plan: Plan }): Promise<{ runId: string; status: RunStatus | undefined; stages: StageRecord[] }> {
  const runId = uniqueId('run');
  await submitRun(h.deps, { runId, ...def, host: { hostname: 'test-host' } });
  const status = await followRun(h.deps, runId, { signal: AbortSignal.timeout(20_000) });
  return { runId, status, stages: await h.store.getStages(runId) };
}

const stage = (stages: StageRecord[], id: string): StageRecord => {
  const s = stages.find((x) => x.id === id);
  if (!s) throw new Error(`no stage ${id}`);
  return s;
};
const imageIdOf = (stages: StageRecord[], image: string): string => {
  const out = stage(stages, `build-${image}`).outcome?.output;
  if (out?.kind !== 'build') throw new Error(`build-${image} has no build output`);
  return out.build.imageId;
};

describe('a FIPS base with three derived images on two workers', () => {
  let h: Harness;
  let runId: string;
  let status: RunStatus | undefined;
  let stages: StageRecord[];
  let baseId: string;

  beforeAll(async () => {
    h = await harness(server.url, { workers: 2, plugins: { awaitParallelDerivedBuilds: true } });
    ({ runId, status, stages } = await runPipeline(h, baseWithDerived()));
    baseId = imageIdOf(stages, 'base');
  });
  afterAll(async () => {
    await h?.close();
  });

  it("runs every stage once and the run ends 'passed'", async () => {
    expect(status).toBe('passed');
    expect(stages.map((s) => s.id).sort()).toEqual(ALL_STAGES);
    for (const s of stages) {
      expect(s.state, s.id).toBe('succeeded');
      expect(s.attempt, s.id).toBe(1);
    }
    expect(h.pluginLog.started.sort()).toEqual(ALL_STAGES);
    expect((await h.store.getRun(runId))?.status).toBe('passed');
  });

  it("gives derived builds the base's image ID, and test stages their own build's image ID", () => {
    expect(baseId).toMatch(/^sha256:base-/);
    expect(h.pluginLog.builds.find((b) => b.image === 'base')?.parentImageId).toBeUndefined();
    for (const d of DERIVED) {
      expect(h.pluginLog.builds.find((b) => b.image === d)?.parentImageId, d).toBe(baseId);
      const req = h.runtime.builds.find((r) => r.labels[LABELS.image] === d);
      expect(req?.args, d).toMatchObject({ BASE_IMAGE: baseId, VERSION: '1' });
      expect(req?.labels, d).toMatchObject({ [LABELS.run]: runId, [LABELS.stage]: `build-${d}`, [LABELS.managed]: 'true' });
    }
    for (const image of ALL_IMAGES) {
      const t = h.pluginLog.tests.find((x) => x.image === image);
      expect(t?.builtImageId, image).toBe(imageIdOf(stages, image));
      expect(t?.parentImageId, image).toBe(image === 'base' ? undefined : baseId);
    }
    expect(new Set(ALL_IMAGES.map((i) => imageIdOf(stages, i))).size).toBe(ALL_IMAGES.length);
  });

  it('builds the derived images in parallel on both workers', () => {
    expect(h.pluginLog.maxParallelDerivedBuilds).toBeGreaterThanOrEqual(2);
    const derivedWorkers = new Set(DERIVED.map((d) => stage(stages, `build-${d}`).worker));
    expect(derivedWorkers).toEqual(new Set(['w1', 'w2']));
  });

  it('tags nothing while the run goes on; promoteRun tags every image once the whole run passed', async () => {
    expect(h.runtime.tags).toEqual([]);
    const snapshot = await snapshotRun(h.store, runId, '0.0.0-test');
    const promotions = await promoteRun(snapshot, h.runtime);
    expect(promotions.map((p) => p.error)).toEqual(ALL_IMAGES.map(() => undefined));
    const expected = ALL_IMAGES.flatMap((i) => (i === 'base' ? ['acme/base:1', 'acme/base:latest'] : [`acme/${i}:1`]).map((ref) => ({ imageId: imageIdOf(stages, i), ref })));
    expect([...h.runtime.tags].sort((a, b) => a.ref.localeCompare(b.ref))).toEqual(expected.sort((a, b) => a.ref.localeCompare(b.ref)));
    // Every check of every image came first.
    const lastCheck = Math.max(...ALL_IMAGES.map((i) => h.timeline.indexOf(`checked ${i}`)));
    for (const { ref } of expected) expect(h.timeline.indexOf(`tagged ${ref}`), ref).toBeGreaterThan(lastCheck);
    const out = snapshot.stages.find((s) => s.id === 'test-base')?.outcome?.output;
    expect(out?.kind === 'test' ? out.test.tagged : undefined).toEqual(['acme/base:1', 'acme/base:latest']);
    const report = buildReport(snapshot);
    expect(report.status).toBe('passed');
    expect(report.images.find((i) => i.name === 'base')?.tagged).toEqual(['acme/base:1', 'acme/base:latest']);
  });

  it('tells the observer of every stage start and finish, build logs, and the end of the run', () => {
    const { seen } = h;
    expect(seen.runStarted).toEqual([{ runId, stages: expect.any(Array) }]);
    expect(seen.runStarted[0]?.stages.map((s) => s.id).sort()).toEqual(ALL_STAGES);
    expect(seen.stageQueued).toEqual([{ stage: 'build-base' }]);
    expect(seen.stageStarted.map((e) => e.stage).sort()).toEqual(ALL_STAGES);
    for (const e of seen.stageStarted) {
      expect(e.attempt, e.stage).toBe(1);
      expect(['w1', 'w2'], e.stage).toContain(e.worker);
    }
    expect(seen.stageFinished.map((e) => e.stage).sort()).toEqual(ALL_STAGES);
    for (const e of seen.stageFinished) expect(e.status, e.stage).toBe('succeeded');
    expect(seen.runFinished).toEqual([{ runId, status: 'passed' }]);

    const at = (entry: string) => seen.order.indexOf(entry);
    for (const image of ALL_IMAGES) {
      const b = `build-${image}`;
      const logs = seen.buildLog.filter((e) => e.stage === b);
      expect(logs.map((e) => e.line), b).toEqual([expect.stringMatching(/^Step 1\/1 : FROM /), expect.stringMatching(/^Successfully built sha256:/)]);
      // Build output reaches the observer before the stage's end.
      seen.order.forEach((entry, i) => {
        if (entry === `log ${b}`) expect(i, b).toBeLessThan(at(`finished ${b}`));
      });
      expect(at(`started ${b}`)).toBeLessThan(at(`finished ${b}`));
      expect(at(`finished ${b}`)).toBeLessThan(at(`started test-${image}`));
    }
    for (const d of DERIVED) {
      expect(at('finished test-base')).toBeLessThan(at(`started build-${d}`));
    }
  });

  it('snapshotRun + promoteRun + buildReport give a report whose derived images name the base image ID', async () => {
    const snapshot = await snapshotRun(h.store, runId, '0.0.0-test');
    await promoteRun(snapshot, h.runtime);
    const report = buildReport(snapshot);
    expect(report).toMatchObject({ runId, status: 'passed', pipelineName: 'engine-test', host: { hostname: 'test-host' }, tool: { version: '0.0.0-test' } });
    expect(report.summary.stages).toEqual({ succeeded: 8, failed: 0, skipped: 0, cached: 0 });
    expect(report.summary.checks.pass).toBe(4);
    const base = report.images.find((i) => i.name === 'base');
    expect(base).toMatchObject({ imageId: baseId, parent: null, parentImageId: null, status: 'succeeded', tagged: ['acme/base:1', 'acme/base:latest'] });
    for (const d of DERIVED) {
      const img = report.images.find((i) => i.name === d);
      expect(img, d).toMatchObject({ imageId: imageIdOf(stages, d), parent: 'base', parentImageId: baseId, status: 'succeeded', tagged: [`acme/${d}:1`] });
    }
    for (const s of report.stages) {
      expect(s.worker, s.id).toMatch(/^w[12]$/);
      expect(s.durationMs, s.id).toBeGreaterThanOrEqual(0);
    }
    expect(reportExitCode(report)).toBe(0);
  });

  it('ignores a duplicate delivery of a finished stage', async () => {
    const builds = h.pluginLog.builds.length;
    await h.executors[0]!.process({ runId, stageId: 'build-base' }, 'build', new AbortController().signal);
    expect(h.pluginLog.builds).toHaveLength(builds);
    expect(await h.store.getStage(runId, 'build-base')).toEqual(stage(stages, 'build-base'));
  });
});

describe('a base image that fails its checks', () => {
  let h: Harness;
  let runId: string;
  let status: RunStatus | undefined;
  let stages: StageRecord[];

  beforeAll(async () => {
    h = await harness(server.url, { workers: 2, plugins: { test: { base: 'fail' } } });
    ({ runId, status, stages } = await runPipeline(h, baseWithDerived()));
  });
  afterAll(async () => {
    await h?.close();
  });

  it("skips every derived stage with a reason naming the failed stage, and the run ends 'failed'", () => {
    expect(status).toBe('failed');
    expect(stage(stages, 'build-base').state).toBe('succeeded');
    expect(stage(stages, 'test-base')).toMatchObject({ state: 'failed', outcome: { status: 'failed', reason: 'test-base: check openssl-fips failed' } });
    for (const d of DERIVED) {
      for (const id of [`build-${d}`, `test-${d}`]) {
        expect(stage(stages, id).state, id).toBe('skipped');
        expect(stage(stages, id).reason, id).toMatch(/test-base failed/);
      }
    }
    expect(h.pluginLog.builds.map((b) => b.image)).toEqual(['base']);
    expect(h.seen.runFinished).toEqual([{ runId, status: 'failed' }]);
    const skipped = h.seen.stageFinished.filter((e) => e.status === 'skipped');
    expect(skipped.map((e) => e.stage).sort()).toEqual(DERIVED.flatMap((d) => [`build-${d}`, `test-${d}`]).sort());
    for (const e of skipped) expect(e.reason, e.stage).toMatch(/test-base failed/);
  });

  it('tags nothing, and promoteRun moves no tag of a failed run', async () => {
    expect(h.runtime.tags).toEqual([]);
    expect(await promoteRun(await snapshotRun(h.store, runId, '0.0.0-test'), h.runtime)).toEqual([]);
    expect(h.runtime.tags).toEqual([]);
  });

  it('reports the failure and the skipped images', async () => {
    const report = buildReport(await snapshotRun(h.store, runId, '0.0.0-test'));
    expect(report.status).toBe('failed');
    expect(report.summary.stages).toEqual({ succeeded: 1, failed: 1, skipped: 6, cached: 0 });
    expect(report.images.find((i) => i.name === 'base')).toMatchObject({ status: 'failed', tagged: [] });
    for (const d of DERIVED) expect(report.images.find((i) => i.name === d), d).toMatchObject({ status: 'skipped', imageId: null });
    expect(report.stages.find((s) => s.id === 'test-base')).toMatchObject({ status: 'failed', reason: 'test-base: check openssl-fips failed', log: ['FIPS mode is off'] });
    expect(reportExitCode(report)).toBe(1);
  });

  it('tells the observer why a stage failed', () => {
    const ev = h.seen.stageFinished.find((e) => e.stage === 'test-base');
    expect(ev).toMatchObject({ status: 'failed', reason: 'test-base: check openssl-fips failed' });
  });
});

describe('plugins that throw', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });
  const start = async (plugins: FakePluginOptions) => {
    h = await harness(server.url, { workers: 2, plugins });
    return h;
  };

  it('a throwing build fails its stage, skips its test, and the other images still pass', async () => {
    const hh = await start({ build: { 'python-dev': 'throw' } });
    const { status, stages } = await runPipeline(hh, baseWithDerived());
    expect(status).toBe('failed');
    expect(stage(stages, 'build-python-dev')).toMatchObject({ state: 'failed', attempt: 1, outcome: { status: 'failed', reason: 'fake-build failed: boom in build-python-dev', infrastructure: false } });
    expect(stage(stages, 'test-python-dev')).toMatchObject({ state: 'skipped', reason: expect.stringMatching(/build-python-dev failed/) });
    for (const d of ['node-dev', 'java-dev']) {
      expect(stage(stages, `build-${d}`).state, d).toBe('succeeded');
      expect(stage(stages, `test-${d}`).state, d).toBe('succeeded');
    }
    // The run failed: no release tag moves, not even for the images that passed (promote.ts).
    expect(hh.runtime.tags).toEqual([]);
  });

  it('a throwing test stage fails and tags nothing', async () => {
    const hh = await start({ test: { base: 'throw' } });
    const { status, stages } = await runPipeline(hh, singleImage());
    expect(status).toBe('failed');
    expect(stage(stages, 'test-base')).toMatchObject({ state: 'failed', outcome: { reason: 'fake-check failed: boom in test-base' } });
    expect(hh.runtime.tags).toEqual([]);
  });

  it('an InfrastructureError is recorded as an infrastructure failure', async () => {
    const hh = await start({ build: { base: 'throw-infrastructure' } });
    const { runId, status, stages } = await runPipeline(hh, baseWithDerived());
    expect(status).toBe('failed');
    expect(stage(stages, 'build-base')).toMatchObject({ state: 'failed', outcome: { infrastructure: true, reason: expect.stringContaining('Docker Engine unreachable') } });
    expect(stages.filter((s) => s.state === 'skipped')).toHaveLength(7);
    const report = buildReport(await snapshotRun(hh.store, runId, '0.0.0-test'));
    expect(reportExitCode(report)).toBe(3);
  });
});

describe('controller', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('cancelRun stops the running stage, queues nothing more and the run ends cancelled', async () => {
    h = await harness(server.url, { workers: 2, plugins: { test: { base: 'wait-for-abort' } } });
    const hh = h;
    const runId = uniqueId('run');
    await submitRun(hh.deps, { runId, ...baseWithDerived() });
    const following = followRun(hh.deps, runId, { signal: AbortSignal.timeout(20_000) });
    await waitFor('test-base to start', () => hh.pluginLog.started.includes('test-base'));

    const running = await cancelRun(hh.deps, runId);
    expect(running).toEqual(['test-base']);
    for (const w of hh.workers) w.cancelRun(runId, running);
    expect(await following).toBe('cancelled');
    await waitFor('the plugin to see the abort', () => hh.pluginLog.aborted.includes('test-base'));
    await waitFor('the test job to end', async () => (await hh.queue.depths()).test['active'] === 0);

    const stages = await hh.store.getStages(runId);
    // The aborted stage's late outcome is not recorded over the cancellation.
    expect(stage(stages, 'test-base')).toMatchObject({ state: 'skipped', reason: 'cancelled by user' });
    expect(stage(stages, 'test-base').outcome).toBeUndefined();
    for (const d of DERIVED) expect(stage(stages, `build-${d}`).state).toBe('skipped');
    expect(hh.pluginLog.builds.map((b) => b.image)).toEqual(['base']);
    expect(hh.runtime.tags).toEqual([]);
    expect(hh.seen.runFinished).toEqual([{ runId, status: 'cancelled' }]);
    expect(await hh.store.runStatus(runId)).toBe('cancelled');
  });

  it('re-queues a ready stage nobody queued (a worker died before queueing it), and ignores early deliveries', async () => {
    h = await harness(server.url, { workers: 0 });
    const hh = h;
    const runId = uniqueId('run');
    const def = singleImage();
    await submitRun(hh.deps, { runId, ...def });

    // A delivery of a stage that is not ready yet does nothing and costs no attempt.
    await hh.makeExecutor('early').process({ runId, stageId: 'test-base' }, 'test', new AbortController().signal);
    expect(hh.pluginLog.started).toEqual([]);
    expect((await hh.store.getStage(runId, 'test-base'))?.state).toBe('pending');

    // A worker builds the base, records it, and dies before queueing test-base.
    expect(await hh.store.claimStage(runId, 'build-base', 'dead-worker')).toBe(1);
    const fin = await hh.store.finishStage(runId, 'build-base', { status: 'succeeded', output: { kind: 'build', build: { imageId: 'sha256:from-dead-worker', logTail: [] } } });
    expect(fin.released).toEqual(['test-base']);
    hh.runtime.images.add('sha256:from-dead-worker'); // the dead worker shared this engine

    await hh.startWorkers(1);
    const status = await followRun(hh.deps, runId, { signal: AbortSignal.timeout(15_000) });
    expect(status).toBe('passed');
    expect(hh.pluginLog.builds).toEqual([]); // the queued build-base job found its stage finished
    expect(hh.pluginLog.tests).toEqual([{ image: 'base', builtImageId: 'sha256:from-dead-worker', parentImageId: undefined }]);
    expect(await hh.store.getStage(runId, 'test-base')).toMatchObject({ state: 'succeeded', worker: 'w1', attempt: 1 });
  });

  it('without a registry, a stage whose image was built on another engine fails saying so, with the fix', async () => {
    h = await harness(server.url, { workers: 0 });
    const hh = h;
    const runId = uniqueId('run');
    await submitRun(hh.deps, { runId, ...singleImage() });
    expect(await hh.store.claimStage(runId, 'build-base', 'worker-elsewhere')).toBe(1);
    await hh.store.finishStage(runId, 'build-base', { status: 'succeeded', output: { kind: 'build', build: { imageId: 'sha256:built-elsewhere', logTail: [] } } });
    // An infrastructure failure: BullMQ is asked to retry (perhaps on a worker of the right engine).
    await expect(hh.makeExecutor('here').process({ runId, stageId: 'test-base' }, 'test', new AbortController().signal)).rejects.toThrow(
      /image base \(sha256:built-elsewhere\) is not in the Docker Engine of worker here: it was built on another engine.*registry:/,
    );
    expect(hh.pluginLog.started).toEqual([]);
  });

  it('warns when no worker is connected and nothing starts', async () => {
    const stop = new AbortController();
    h = await harness(server.url, { workers: 0, onNotice: () => stop.abort() });
    const runId = uniqueId('run');
    await submitRun(h.deps, { runId, ...singleImage() });
    const status = await followRun(h.deps, runId, { signal: AbortSignal.any([stop.signal, AbortSignal.timeout(10_000)]), idleWarningMs: 0 });
    expect(status).toBeUndefined();
    expect(h.seen.notice).toEqual([expect.stringMatching(/no worker is connected/)]);
    expect(await h.store.runStatus(runId)).toBe('running');
  });
});

describe('tagging', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('a tag the runtime refuses at promotion fails the image and the run, keeping the check results and naming the tags already applied', async () => {
    h = await harness(server.url, { workers: 1, failTags: ['acme/base:latest'] });
    const { runId: id, status } = await runPipeline(h, singleImage(['acme/base:1', 'acme/base:latest']));
    expect(status).toBe('passed');
    const snapshot = await snapshotRun(h.store, id, '0.0.0-test');
    const [p] = await promoteRun(snapshot, h.runtime);
    expect(p?.error).toMatch(/after tagging acme\/base:1: .*acme\/base:latest/);
    expect(h.runtime.tags.map((t) => t.ref)).toEqual(['acme/base:1']);
    expect(snapshot.status).toBe('failed');
    const test = snapshot.stages.find((s) => s.id === 'test-base')!;
    expect(test.state).toBe('failed');
    const out = test.outcome?.output;
    expect(out?.kind === 'test' ? out.test.checks.map((c) => c.status) : []).toEqual(['pass']);
    expect(out?.kind === 'test' ? out.test.tagged : []).toEqual(['acme/base:1']);
    const report = buildReport(snapshot);
    expect(report.status).toBe('failed');
    // The checks passed; what failed is the engine or the registry: exit 3, as for any outage.
    expect(reportExitCode(report)).toBe(3);
  });
});

describe('promotion: a failed run moves no release tag', () => {
  it('tags none of the images that passed when another image of the run failed its checks', async () => {
    const h = await harness(server.url, { workers: 2, plugins: { test: { [DERIVED[0]!]: 'fail' } } });
    try {
      const { runId, status, stages } = await runPipeline(h, baseWithDerived());
      expect(status).toBe('failed');
      const passed = stages.filter((s) => s.id.startsWith('test-') && s.state === 'succeeded').map((s) => s.id);
      expect(passed.length).toBeGreaterThanOrEqual(3); // base and the other derived images passed
      expect(await promoteRun(await snapshotRun(h.store, runId, '0.0.0-test'), h.runtime)).toEqual([]);
      expect(h.runtime.tags).toEqual([]);
    } finally {
      await h.close();
    }
  });
});

describe('followRun edge cases', () => {
  it('reports the last stage and runFinished even when the run ends right before the periodic status check', async () => {
    const command = await connectRedis({ url: server.url, role: 'command' });
    const blocking = await connectRedis({ url: server.url, role: 'worker' });
    const queue = new StageQueue(command, { prefix: uniqueId('bq') });
    try {
      const runId = uniqueId('run');
      let finishLastStage: (() => Promise<unknown>) | undefined;
      // The store as the controller sees it; a worker finishes the last stage just as it asks.
      class RacingStore extends RunStore {
        override async runStatus(id: string) {
          const f = finishLastStage;
          finishLastStage = undefined;
          if (f) await f();
          return super.runStatus(id);
        }
      }
      const store = new RacingStore(command);
      const { observer, seen } = recordingObserver();
      const deps = { store, queue, blocking, observer: fanOut([observer]) };
      await submitRun(deps, { runId, ...singleImage() });
      expect(await store.claimStage(runId, 'build-base', 'w1')).toBe(1);
      await store.finishStage(runId, 'build-base', { status: 'succeeded', output: { kind: 'build', build: { imageId: 'sha256:b', logTail: [] } } });
      expect(await store.claimStage(runId, 'test-base', 'w1')).toBe(1);
      finishLastStage = () => store.finishStage(runId, 'test-base', { status: 'succeeded' });

      const status = await followRun(deps, runId, { signal: AbortSignal.timeout(10_000) });
      expect(status).toBe('passed');
      expect(seen.stageFinished.map((e) => e.stage)).toEqual(['build-base', 'test-base']);
      expect(seen.runFinished).toEqual([{ runId, status: 'passed' }]);
    } finally {
      await queue.close();
      blocking.disconnect();
      command.disconnect();
    }
  });

  it('stops following when aborted, even after Redis went away', async () => {
    const own = await startEmbeddedRedis();
    const command = await connectRedis({ url: own.url, role: 'command' });
    const blocking = await connectRedis({ url: own.url, role: 'worker' });
    const queue = new StageQueue(command, { prefix: uniqueId('bq') });
    // StageQueue's BullMQ queues print every reconnection error (see the queue tests); keep the log readable.
    const mute = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      const store = new RunStore(command);
      const deps = { store, queue, blocking, observer: fanOut([]) };
      const runId = uniqueId('run');
      await submitRun(deps, { runId, ...singleImage() });
      const stop = new AbortController();
      let settled = false;
      void followRun(deps, runId, { signal: stop.signal }).then(
        () => (settled = true),
        () => (settled = true),
      );
      await own.stop();
      stop.abort();
      await waitFor('followRun to give up after abort', () => settled, 3000).catch(() => undefined);
      expect(settled).toBe(true);
    } finally {
      await queue.close().catch(() => undefined);
      blocking.disconnect();
      command.disconnect();
      mute.mockRestore();
      await own.stop();
    }
  });
});

describe('fanOut', () => {
  it("calls every observer even when one throws", () => {
    const { observer, seen } = recordingObserver();
    const all = fanOut([
      {
        stageStarted() {
          throw new Error('broken view');
        },
      },
      observer,
    ]);
    all.stageStarted({ stage: 'build-base', worker: 'w1', attempt: 1, at: 'now' });
    all.notice('hello');
    expect(seen.stageStarted).toEqual([{ stage: 'build-base', worker: 'w1', attempt: 1, at: 'now' }]);
    expect(seen.notice).toEqual(['hello']);
  });
});
