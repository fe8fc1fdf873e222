import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { connectRedis, RunStore, startEmbeddedRedis, type EmbeddedRedis, type Redis, type RunEvent } from '../src/index.js';
import { built, diamondRun, failed, singleRun, tested, uniqueId, waitFor } from './helpers.js';

let server: EmbeddedRedis;
let redis: Redis;
let blocking: Redis;
let store: RunStore;

beforeAll(async () => {
  server = await startEmbeddedRedis();
});
afterAll(async () => {
  await server?.stop();
});
beforeEach(async () => {
  redis = await connectRedis({ url: server.url, role: 'command' });
  blocking = await connectRedis({ url: server.url, role: 'worker' });
  store = new RunStore(redis);
});
afterEach(() => {
  redis?.disconnect();
  blocking?.disconnect();
});

const stateOf = async (runId: string) => Object.fromEntries((await store.getStages(runId)).map((s) => [s.id, s.state]));
const allEvents = (runId: string) => store.readEvents(blocking, runId, '0', 10);

/** Claims then finishes a stage, as a worker would. */
async function runStage(runId: string, stageId: string, outcome = built(`sha256:${stageId}`)) {
  expect(await store.claimStage(runId, stageId, 'w1')).toBeGreaterThan(0);
  return store.finishStage(runId, stageId, outcome);
}

describe('RunStore.createRun', () => {
  it('stores the run and returns the root stages as ready, the others pending', async () => {
    const run = diamondRun(uniqueId('create'));
    const ready = await store.createRun({ ...run, host: { hostname: 'h1' } });
    expect(ready.sort()).toEqual(['build-base', 'build-other']);
    expect(await stateOf(run.runId)).toEqual({
      'build-base': 'ready',
      'test-base': 'pending',
      'build-child': 'pending',
      'test-child': 'pending',
      'build-other': 'ready',
      'test-other': 'pending',
    });
    expect((await store.readyStages(run.runId)).sort()).toEqual(['build-base', 'build-other']);
    const rec = await store.getRun(run.runId);
    expect(rec).toMatchObject({ runId: run.runId, status: 'running', plan: run.plan, pipeline: run.pipeline, host: { hostname: 'h1' } });
    expect(rec?.finishedAt).toBeUndefined();
    expect(await store.listRuns(1000)).toContain(run.runId);
  });

  it('refuses to create the same run twice', async () => {
    const run = singleRun(uniqueId('twice'));
    await store.createRun(run);
    await expect(store.createRun(run)).rejects.toThrow(/already exists/);
  });

  it('knows nothing of an unknown run', async () => {
    const runId = uniqueId('unknown');
    expect(await store.getRun(runId)).toBeUndefined();
    expect(await store.runStatus(runId)).toBeUndefined();
  });
});

describe('RunStore.claimStage', () => {
  it('returns attempt 1, then 2 when a redelivered job re-claims it, 0 once finished, -1 when pending', async () => {
    const run = singleRun(uniqueId('claim'));
    await store.createRun(run);
    expect(await store.claimStage(run.runId, 'test-base', 'w1')).toBe(-1);
    expect(await store.claimStage(run.runId, 'no-such-stage', 'w1')).toBe(-1);

    expect(await store.claimStage(run.runId, 'build-base', 'w1')).toBe(1);
    expect(await store.getStage(run.runId, 'build-base')).toMatchObject({ state: 'running', worker: 'w1', attempt: 1 });

    // w1 died; BullMQ hands the stalled job to w2.
    expect(await store.claimStage(run.runId, 'build-base', 'w2')).toBe(2);
    expect(await store.getStage(run.runId, 'build-base')).toMatchObject({ state: 'running', worker: 'w2', attempt: 2 });

    await store.finishStage(run.runId, 'build-base', built('sha256:b'));
    expect(await store.claimStage(run.runId, 'build-base', 'w3')).toBe(0);
    expect(await store.getStage(run.runId, 'build-base')).toMatchObject({ state: 'succeeded', worker: 'w2', attempt: 2 });

    const started = (await allEvents(run.runId)).filter((e) => e.type === 'stage-started');
    expect(started).toEqual([
      expect.objectContaining({ stage: 'build-base', worker: 'w1', attempt: 1 }),
      expect.objectContaining({ stage: 'build-base', worker: 'w2', attempt: 2 }),
    ]);
  });
});

describe('RunStore.finishStage', () => {
  it('releases a dependent only when every stage it needs has succeeded (diamond)', async () => {
    const run = diamondRun(uniqueId('diamond'));
    await store.createRun(run);

    const afterBuild = await runStage(run.runId, 'build-base');
    // build-child also needs test-base: not released yet.
    expect(afterBuild).toEqual({ applied: true, runFinished: false, released: ['test-base'], skipped: [] });
    expect((await stateOf(run.runId))['build-child']).toBe('pending');

    const afterTest = await runStage(run.runId, 'test-base', tested('sha256:build-base'));
    expect(afterTest).toEqual({ applied: true, runFinished: false, released: ['build-child'], skipped: [] });
    expect((await stateOf(run.runId))['build-child']).toBe('ready');
    expect(await store.getStage(run.runId, 'build-base')).toMatchObject({ outcome: built('sha256:build-base') });
  });

  it('does not release a stage whose other need is still running', async () => {
    const run = diamondRun(uniqueId('halfdiamond'));
    await store.createRun(run);
    await runStage(run.runId, 'build-base');
    expect(await store.claimStage(run.runId, 'test-base', 'w1')).toBe(1);
    expect(await store.readyStages(run.runId)).toEqual(['build-other']);
    expect(await store.claimStage(run.runId, 'build-child', 'w2')).toBe(-1);
  });

  it('on failure skips every transitive dependent, naming the failed stage, and leaves unrelated branches alone', async () => {
    const run = diamondRun(uniqueId('fail'));
    await store.createRun(run);
    expect(await store.claimStage(run.runId, 'build-other', 'w2')).toBe(1);

    const fin = await runStage(run.runId, 'build-base', failed('build failed: exit 1'));
    expect(fin.applied).toBe(true);
    expect(fin.runFinished).toBe(false);
    expect(fin.released).toEqual([]);
    expect(fin.skipped.sort()).toEqual(['build-child', 'test-base', 'test-child']);

    const stages = await store.getStages(run.runId);
    for (const id of ['test-base', 'build-child', 'test-child']) {
      const s = stages.find((x) => x.id === id);
      expect(s?.state, id).toBe('skipped');
      expect(s?.reason, id).toMatch(/build-base/);
      expect(s?.reason, id).toMatch(/failed/);
    }
    expect(stages.find((s) => s.id === 'build-base')).toMatchObject({ state: 'failed', outcome: { status: 'failed', reason: 'build failed: exit 1' } });
    // The unrelated branch keeps going and may still release its own dependents.
    expect(stages.find((s) => s.id === 'build-other')?.state).toBe('running');
    expect(stages.find((s) => s.id === 'test-other')?.state).toBe('pending');
    expect(await store.runStatus(run.runId)).toBe('running');

    const skippedEvents = (await allEvents(run.runId)).filter((e): e is Extract<RunEvent, { type: 'stage-finished' }> => e.type === 'stage-finished' && e.status === 'skipped');
    expect(skippedEvents.map((e) => e.stage).sort()).toEqual(['build-child', 'test-base', 'test-child']);
    for (const e of skippedEvents) expect(e.reason).toMatch(/build-base failed/);

    expect((await store.finishStage(run.runId, 'build-other', built('sha256:o'))).released).toEqual(['test-other']);
    const last = await runStage(run.runId, 'test-other', tested('sha256:o'));
    expect(last.runFinished).toBe(true);
    expect(await store.runStatus(run.runId)).toBe('failed');
  });

  it('a second finish of the same stage is not applied and changes nothing', async () => {
    const run = singleRun(uniqueId('idem'));
    await store.createRun(run);
    const first = await runStage(run.runId, 'build-base', built('sha256:first'));
    expect(first.applied).toBe(true);

    const again = await store.finishStage(run.runId, 'build-base', failed('late duplicate'));
    expect(again).toEqual({ applied: false, runFinished: false, released: [], skipped: [] });
    expect(await store.getStage(run.runId, 'build-base')).toMatchObject({ state: 'succeeded', outcome: built('sha256:first') });
    expect((await stateOf(run.runId))['test-base']).toBe('ready');
    // The duplicate must not count as a finished stage: the run still waits for test-base.
    expect(await store.runStatus(run.runId)).toBe('running');
    const finishedEvents = (await allEvents(run.runId)).filter((e) => e.type === 'stage-finished');
    expect(finishedEvents).toHaveLength(1);
  });

  it('does not finish a stage that is still pending', async () => {
    const run = singleRun(uniqueId('pendingfinish'));
    await store.createRun(run);
    expect((await store.finishStage(run.runId, 'test-base', tested('x'))).applied).toBe(false);
    expect((await stateOf(run.runId))['test-base']).toBe('pending');
  });

  it("marks the run 'passed' when the last stage succeeds and writes run-finished", async () => {
    const run = singleRun(uniqueId('pass'));
    await store.createRun(run);
    expect((await runStage(run.runId, 'build-base')).runFinished).toBe(false);
    const last = await runStage(run.runId, 'test-base', tested('sha256:build-base'));
    expect(last).toEqual({ applied: true, runFinished: true, released: [], skipped: [] });
    const rec = await store.getRun(run.runId);
    expect(rec?.status).toBe('passed');
    expect(rec?.finishedAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    const events = await allEvents(run.runId);
    expect(events.at(-1)).toMatchObject({ type: 'run-finished', status: 'passed' });
    expect(events.filter((e) => e.type === 'run-finished')).toHaveLength(1);
  });

  it("marks the run 'failed' when the last stage fails", async () => {
    const run = singleRun(uniqueId('lastfail'));
    await store.createRun(run);
    await runStage(run.runId, 'build-base');
    const last = await runStage(run.runId, 'test-base', failed('check openssl-fips failed'));
    expect(last.runFinished).toBe(true);
    expect(await store.runStatus(run.runId)).toBe('failed');
    expect((await allEvents(run.runId)).at(-1)).toMatchObject({ type: 'run-finished', status: 'failed' });
  });

  it("marks the run 'failed' when a failure skips all remaining stages", async () => {
    const run = singleRun(uniqueId('rootfail'));
    await store.createRun(run);
    const fin = await runStage(run.runId, 'build-base', failed('boom'));
    expect(fin).toEqual({ applied: true, runFinished: true, released: [], skipped: ['test-base'] });
    expect(await store.runStatus(run.runId)).toBe('failed');
  });

  it('the stage-finished event of a failed stage carries the failure reason', async () => {
    const run = singleRun(uniqueId('failreason'));
    await store.createRun(run);
    await runStage(run.runId, 'build-base', failed('build failed: exit 1'));
    const ev = (await allEvents(run.runId)).find((e) => e.type === 'stage-finished' && e.stage === 'build-base');
    expect(ev).toMatchObject({ type: 'stage-finished', status: 'failed', reason: 'build failed: exit 1' });
  });
});

describe('RunStore.cancelRun', () => {
  it("skips unfinished stages, marks the run 'cancelled' and returns the running ones", async () => {
    const run = diamondRun(uniqueId('cancel'));
    await store.createRun(run);
    await runStage(run.runId, 'build-base'); // succeeded; test-base is now ready
    expect(await store.claimStage(run.runId, 'build-other', 'w2')).toBe(1); // running

    const running = await store.cancelRun(run.runId, 'cancelled by test');
    expect(running).toEqual(['build-other']);

    const stages = await store.getStages(run.runId);
    expect(stages.find((s) => s.id === 'build-base')?.state).toBe('succeeded');
    for (const id of ['test-base', 'build-child', 'test-child', 'build-other', 'test-other']) {
      const s = stages.find((x) => x.id === id);
      expect(s?.state, id).toBe('skipped');
      expect(s?.reason, id).toBe('cancelled by test');
    }
    const rec = await store.getRun(run.runId);
    expect(rec?.status).toBe('cancelled');
    expect(rec?.finishedAt).toBeDefined();
    expect((await allEvents(run.runId)).at(-1)).toMatchObject({ type: 'run-finished', status: 'cancelled' });

    // A worker still busy with build-other finds nothing to record and nothing to start.
    expect((await store.finishStage(run.runId, 'build-other', built('sha256:late'))).applied).toBe(false);
    expect(await store.claimStage(run.runId, 'test-base', 'w3')).toBe(0);
    expect(await store.readyStages(run.runId)).toEqual([]);
    // Cancelling again, or a finished run, changes nothing.
    expect(await store.cancelRun(run.runId)).toEqual([]);
    expect(await store.runStatus(run.runId)).toBe('cancelled');
  });

  it('does not cancel a run that already finished', async () => {
    const run = singleRun(uniqueId('cancelfinished'));
    await store.createRun(run);
    await runStage(run.runId, 'build-base');
    await runStage(run.runId, 'test-base', tested('x'));
    expect(await store.cancelRun(run.runId)).toEqual([]);
    expect(await store.runStatus(run.runId)).toBe('passed');
  });
});

describe('RunStore.readEvents', () => {
  it('returns stage-started, log, stage-finished and run-finished events in order, and resumes after an id', async () => {
    const run = singleRun(uniqueId('events'));
    await store.createRun(run);
    expect(await store.claimStage(run.runId, 'build-base', 'w1')).toBe(1);
    await store.appendLog(run.runId, 'build-base', 'Step 1/2 : FROM scratch');
    await store.appendLog(run.runId, 'build-base', 'Successfully built');
    await store.finishStage(run.runId, 'build-base', built('sha256:b'));
    const first = await allEvents(run.runId);
    expect(first.map((e) => e.type)).toEqual(['stage-started', 'log', 'log', 'stage-finished']);
    expect(first[0]).toMatchObject({ type: 'stage-started', stage: 'build-base', worker: 'w1', attempt: 1 });
    expect(first[1]).toMatchObject({ type: 'log', stage: 'build-base', line: 'Step 1/2 : FROM scratch' });
    expect(first[2]).toMatchObject({ type: 'log', line: 'Successfully built' });
    expect(first[3]).toMatchObject({ type: 'stage-finished', stage: 'build-base', status: 'succeeded' });
    expect(new Set(first.map((e) => e.id)).size).toBe(4);

    await runStage(run.runId, 'test-base', tested('sha256:b'));
    const rest = await store.readEvents(blocking, run.runId, first.at(-1)!.id, 10);
    expect(rest.map((e) => (e.type === 'run-finished' ? `${e.type}:${e.status}` : `${e.type}:${'stage' in e ? e.stage : ''}`))).toEqual([
      'stage-started:test-base',
      'stage-finished:test-base',
      'run-finished:passed',
    ]);
  });

  it('blocks at most the given time when nothing happens', async () => {
    const run = singleRun(uniqueId('block'));
    await store.createRun(run);
    const t0 = Date.now();
    expect(await store.readEvents(blocking, run.runId, '$', 300)).toEqual([]);
    const took = Date.now() - t0;
    expect(took).toBeGreaterThanOrEqual(250);
    expect(took).toBeLessThan(2000);
  });

  it('wakes up as soon as an event arrives', async () => {
    const run = singleRun(uniqueId('wake'));
    await store.createRun(run);
    const t0 = Date.now();
    const reading = store.readEvents(blocking, run.runId, '0', 10_000);
    await store.appendLog(run.runId, 'build-base', 'hello');
    const got = await reading;
    expect(got).toEqual([expect.objectContaining({ type: 'log', line: 'hello' })]);
    expect(Date.now() - t0).toBeLessThan(5000);
  });
});

describe('RunStore retention', () => {
  const runKeys = (runId: string) => redis.keys(`*{${runId}}*`);

  it('sets no TTL while running, a TTL on every key of the run once it finished', async () => {
    const retentionSeconds = 3600;
    const s = new RunStore(redis, { retentionSeconds });
    const run = singleRun(uniqueId('ttl'));
    await s.createRun(run);
    expect(await s.claimStage(run.runId, 'build-base', 'w1')).toBe(1);
    for (const key of await runKeys(run.runId)) expect(await redis.ttl(key), key).toBe(-1);

    await s.finishStage(run.runId, 'build-base', built('sha256:b'));
    expect(await s.claimStage(run.runId, 'test-base', 'w1')).toBe(1);
    expect((await s.finishStage(run.runId, 'test-base', tested('sha256:b'))).runFinished).toBe(true);
    const keys = await runKeys(run.runId);
    expect(keys.length).toBeGreaterThanOrEqual(6);
    for (const key of keys) {
      const ttl = await redis.ttl(key);
      expect(ttl, key).toBeGreaterThan(0);
      expect(ttl, key).toBeLessThanOrEqual(retentionSeconds);
    }
  });

  it('a finished run disappears after its retention', async () => {
    const s = new RunStore(redis, { retentionSeconds: 1 });
    const run = singleRun(uniqueId('expire'));
    await s.createRun(run);
    expect(await s.claimStage(run.runId, 'build-base', 'w1')).toBe(1);
    await s.finishStage(run.runId, 'build-base', failed('boom')); // skips test-base, finishes the run
    expect(await s.runStatus(run.runId)).toBe('failed');
    await waitFor('the run keys to expire', async () => (await runKeys(run.runId)).length === 0, 5000, 100);
    expect(await s.getRun(run.runId)).toBeUndefined();
  });

  it('listRuns forgets a run once it expired', async () => {
    const s = new RunStore(redis, { retentionSeconds: 1 });
    const run = singleRun(uniqueId('ghost'));
    await s.createRun(run);
    expect(await s.claimStage(run.runId, 'build-base', 'w1')).toBe(1);
    await s.finishStage(run.runId, 'build-base', failed('boom'));
    await waitFor('the run to expire', async () => (await s.getRun(run.runId)) === undefined, 5000, 100);
    expect(await s.listRuns(10_000)).not.toContain(run.runId);
  });

  it('a cancelled run expires too', async () => {
    const s = new RunStore(redis, { retentionSeconds: 3600 });
    const run = singleRun(uniqueId('cancelttl'));
    await s.createRun(run);
    await s.cancelRun(run.runId);
    const keys = await runKeys(run.runId);
    expect(keys.length).toBeGreaterThan(0);
    for (const key of keys) expect(await redis.ttl(key), key).toBeGreaterThan(0);
  });
});
