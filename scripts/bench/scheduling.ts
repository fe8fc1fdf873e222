// Scheduling overhead: how long a stage waits between being queued and starting, when a worker
// is free. The real engine (RunStore's Lua scripts, BullMQ queues, StageExecutor) on a real
// Redis; only the stage plugins do nothing, so what is measured is fipsyard's own overhead.
// A chain of images keeps exactly one stage ready at a time: every wait is overhead, none is
// queueing behind busy workers. Prints one JSON line.
import { performance } from 'node:perf_hooks';
import { silentLogger, type ImageSpec, type StageOutcome, type PipelineSpec } from '@fipsyard/core';
import { StageExecutor, submitRun, fanOut, newRunId, followRun } from '@fipsyard/engine';
import type { ContainerRuntime, StagePlugin } from '@fipsyard/plugin-api';
import { planStages } from '@fipsyard/pipeline';
import { connectRedis, RunStore, StageQueue, StageWorkers, startEmbeddedRedis } from '@fipsyard/queue';

const images = Number(process.argv[2] ?? 100);
const workersWanted = Number(process.argv[3] ?? 2);

const queuedAt = new Map<string, number>();
const startedAt = new Map<string, number>();
const noop = (kind: 'build' | 'test'): StagePlugin => ({
  name: `noop-${kind}`,
  kind,
  async run(ctx): Promise<StageOutcome> {
    startedAt.set(ctx.stage.id, performance.now());
    return kind === 'build'
      ? { status: 'succeeded', output: { kind: 'build', build: { imageId: `sha256:${ctx.image.name}`, logTail: [] } } }
      : { status: 'succeeded', output: { kind: 'test', test: { imageId: `sha256:${ctx.image.name}`, checks: [], tagged: [] } } };
  },
});

const spec = (name: string, parent?: string): ImageSpec => ({
  name, context: '/nonexistent', dockerfile: 'Dockerfile', args: {}, secretArgs: [], tags: [], labels: {}, parentArg: 'BASE_IMAGE', checks: [], waivers: [],
  ...(parent ? { parent } : {}),
});

const redis = await startEmbeddedRedis();
try {
  const command = await connectRedis({ url: redis.url, role: 'command' });
  const blocking = await connectRedis({ url: redis.url, role: 'worker' });
  const store = new RunStore(command);
  const queue = new StageQueue(command);
  // Stamp every enqueue: the moment a stage became ready and was handed to BullMQ.
  const enqueue = queue.enqueue.bind(queue);
  queue.enqueue = async (kind, job, requires) => {
    if (!queuedAt.has(job.stageId)) queuedAt.set(job.stageId, performance.now());
    return enqueue(kind, job, requires);
  };
  // The no-op plugins never touch the engine; the executor asks whether a stage's image is on
  // this engine (it is: one engine here), which a real engine answers in a millisecond or two.
  const runtime = { inspectImage: async (id: string) => ({ id }) } as unknown as ContainerRuntime;
  const workers: StageWorkers[] = [];
  const connections = [command, blocking];
  for (let i = 0; i < workersWanted; i++) {
    const connection = await connectRedis({ url: redis.url, role: 'worker' });
    connections.push(connection);
    const executor = new StageExecutor({ store, queue, runtime, plugins: { build: noop('build'), test: noop('test') }, suites: [], logger: silentLogger, workerName: `bench-w${i}` });
    workers.push(new StageWorkers(connection, executor.process, { name: `bench-w${i}`, concurrency: 1, onGiveUp: executor.giveUp }));
  }
  await Promise.all(workers.map((w) => w.ready()));

  const chain = Array.from({ length: images }, (_, i) => spec(`img-${i}`, i ? `img-${i - 1}` : undefined));
  const pipeline: PipelineSpec = { file: '/bench/chain.yaml', name: 'bench-chain', sha256: '0'.repeat(64), images: chain };
  const deps = { store, queue, blocking, observer: fanOut([]) };
  const runId = newRunId();
  const t0 = performance.now();
  await submitRun(deps, { runId, pipeline, plan: planStages(chain) });
  const status = await followRun(deps, runId);
  const wall = performance.now() - t0;

  const waits = [...startedAt.entries()].map(([id, t]) => t - (queuedAt.get(id) ?? t)).sort((a, b) => a - b);
  const q = (p: number) => waits[Math.min(waits.length - 1, Math.floor(p * waits.length))]!;
  console.log(JSON.stringify({ status, stages: waits.length, workers: workersWanted, medianMs: q(0.5), p95Ms: q(0.95), maxMs: waits.at(-1), wallMs: wall }));
  await Promise.all(workers.map((w) => w.close()));
  await queue.close();
  for (const c of connections) c.disconnect();
} finally {
  await redis.stop();
}
