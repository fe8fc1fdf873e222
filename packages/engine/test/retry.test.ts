import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedRedis, type EmbeddedRedis } from '@fipsyard/queue';
import { buildReport } from '@fipsyard/report';
import { followRun, snapshotRun, submitRun } from '../src/index.js';
import { harness, singleImage, uniqueId, type Harness } from './helpers.js';

// Retries on real Redis and BullMQ: environment failures are retried with backoff, check failures
// never; a stage that passed only after a retry is marked flaky.
let server: EmbeddedRedis;
let h: Harness | undefined;
beforeAll(async () => {
  server = await startEmbeddedRedis();
});
afterEach(async () => {
  await h?.close();
  h = undefined;
});
afterAll(async () => {
  await server?.stop();
});

async function run(plugins: Parameters<typeof harness>[1]['plugins']) {
  h = await harness(server.url, { workers: 1, ...(plugins ? { plugins } : {}) });
  const runId = uniqueId('run');
  await submitRun(h.deps, { runId, ...singleImage() });
  const status = await followRun(h.deps, runId, { signal: AbortSignal.timeout(30_000) });
  return { status, report: buildReport(await snapshotRun(h.store, runId, 'test')), h };
}

describe('retries', () => {
  it('retries a build that failed from the environment, and marks the stage flaky', async () => {
    const { status, report } = await run({ build: { base: 'infrastructure-once' } });
    expect(status).toBe('passed');
    expect(report.stages.find((s) => s.id === 'build-base')).toMatchObject({ status: 'succeeded', attempts: 2, flaky: true });
    expect(report.stages.find((s) => s.id === 'test-base')?.flaky).toBeUndefined();
  });

  it('gives up after four attempts when the environment keeps failing', async () => {
    const { status, report } = await run({ build: { base: 'throw-infrastructure' } });
    expect(status).toBe('failed');
    expect(report.stages.find((s) => s.id === 'build-base')).toMatchObject({ status: 'failed', attempts: 4, infrastructure: true });
  });

  it('never retries a check that failed', async () => {
    const { status, report } = await run({ test: { base: 'fail' } });
    expect(status).toBe('failed');
    expect(report.stages.find((s) => s.id === 'test-base')).toMatchObject({ status: 'failed', attempts: 1 });
  });
});
