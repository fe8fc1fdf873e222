import { randomBytes, randomUUID } from 'node:crypto';
import { InfrastructureError, silentLogger, type ImageSpec, type PipelineSpec, type Plan, type StageKind, type StageOutcome } from '@fipsyard/core';
import { planStages } from '@fipsyard/pipeline';
import {
  LABELS,
  type BuildRequest,
  type BuildResult,
  type ContainerHandle,
  type ContainerRuntime,
  type EngineInfo,
  type ExecResult,
  type ImageInfo,
  type StageContext,
  type StagePlugin,
} from '@fipsyard/plugin-api';
import { connectRedis, RunStore, StageQueue, StageWorkers, type Redis } from '@fipsyard/queue';
import { fanOut, StageExecutor, type ControllerDeps, type RunObserver } from '../src/index.js';
import { noBuildCache, noRegistry } from '@fipsyard/plugin-api/testing';

export function uniqueId(label: string): string {
  return `${label}-${randomUUID().slice(0, 8)}`;
}

/** Polls `probe` until it yields something other than undefined/false; fails after `timeoutMs`. */
export async function waitFor<T>(what: string, probe: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 10_000, intervalMs = 10): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

export function imageSpec(name: string, options: { parent?: string; tags?: string[] } = {}): ImageSpec {
  const spec: ImageSpec = {
    name,
    context: `/nonexistent/${name}`,
    dockerfile: 'Dockerfile',
    args: { VERSION: '1' },
    secretArgs: [],
    tags: options.tags ?? [],
    labels: {},
    parentArg: 'BASE_IMAGE',
    checks: [],
    waivers: [],
  };
  if (options.parent !== undefined) spec.parent = options.parent;
  return spec;
}

/** The FIPS base and three developer images on it, each with tags to apply once checked. */
export const DERIVED = ['node-dev', 'python-dev', 'java-dev'] as const;

export function baseWithDerived(): { pipeline: PipelineSpec; plan: Plan } {
  const images = [
    imageSpec('base', { tags: ['acme/base:1', 'acme/base:latest'] }),
    ...DERIVED.map((d) => imageSpec(d, { parent: 'base', tags: [`acme/${d}:1`] })),
  ];
  const pipeline: PipelineSpec = { file: '/nonexistent/pipeline.yaml', name: 'engine-test', sha256: 'f'.repeat(64), images };
  return { pipeline, plan: planStages(images) };
}

export function singleImage(tags: string[] = ['acme/base:1']): { pipeline: PipelineSpec; plan: Plan } {
  const images = [imageSpec('base', { tags })];
  return { pipeline: { file: '/nonexistent/pipeline.yaml', name: 'engine-test', sha256: 'f'.repeat(64), images }, plan: planStages(images) };
}

/**
 * A ContainerRuntime that builds nothing: each build returns a fresh image ID and one log line.
 * `timeline` records builds and tags in the order they happened, shared with the fake plugins.
 */
export class FakeRuntime implements ContainerRuntime {
  readonly builds: BuildRequest[] = [];
  readonly tags: { imageId: string; ref: string }[] = [];
  /** Tagging with one of these refs throws, as a daemon refusing a reference would. */
  readonly failTags = new Set<string>();
  /** Images this engine holds: those it built, less any a test removes (built on "another engine"). */
  readonly images = new Set<string>();
  constructor(readonly timeline: string[]) {}

  // The engine never reads container files itself; the fake plugins do not either.
  async statPath(): Promise<undefined> {
    return undefined;
  }
  async readFile(): Promise<undefined> {
    return undefined;
  }
  async writeFile(): Promise<void> {}

  async info(): Promise<EngineInfo> {
    return { serverVersion: 'fake', apiVersion: '1.41', kernelVersion: 'fake', operatingSystem: 'fake', architecture: 'x86_64' };
  }
  async build(request: BuildRequest): Promise<BuildResult> {
    this.builds.push(request);
    const image = request.labels[LABELS.image] ?? 'unknown';
    const imageId = `sha256:${image}-${randomBytes(4).toString('hex')}`;
    request.onLog?.(`Step 1/1 : FROM ${request.args['BASE_IMAGE'] ?? 'scratch'}`);
    request.onLog?.(`Successfully built ${imageId}`);
    this.timeline.push(`built ${image}`);
    this.images.add(imageId);
    return { status: 'built', imageId, logTail: [`Successfully built ${imageId}`] };
  }
  hashContext = noBuildCache.hashContext;
  findImageByLabel = noBuildCache.findImageByLabel;
  async inspectImage(ref: string): Promise<ImageInfo | undefined> {
    if (!this.images.has(ref)) return undefined;
    return { id: ref, repoTags: [], layers: [], env: {}, labels: {}, user: '', entrypoint: [], cmd: [], workingDir: '', exposedPorts: [], created: '' } as ImageInfo;
  }
  async tagImage(imageId: string, ref: string): Promise<void> {
    if (this.failTags.has(ref)) throw new Error(`cannot tag ${imageId} as ${ref}: refused by the fake daemon`);
    this.tags.push({ imageId, ref });
    this.timeline.push(`tagged ${ref}`);
  }
  async startIdle(): Promise<ContainerHandle> {
    throw new Error('FakeRuntime.startIdle: not used by the fake plugins');
  }
  async exec(): Promise<ExecResult> {
    throw new Error('FakeRuntime.exec: not used by the fake plugins');
  }
  async remove(): Promise<void> {}
  async removeContainersByLabel(): Promise<string[]> {
    return [];
  }
  // Registry mode is not exercised by these fakes.
  pushImage = noRegistry.pushImage;
  pullImage = noRegistry.pullImage;
  imageDigests = noRegistry.imageDigests;
}

export type Behaviour = 'pass' | 'fail' | 'throw' | 'throw-infrastructure' | 'infrastructure-once' | 'wait-for-abort';

export interface FakePluginOptions {
  /** Per image, what its build does. Default pass. */
  build?: Record<string, Behaviour>;
  /** Per image, what its test does. Default pass. */
  test?: Record<string, Behaviour>;
  /** Derived builds wait (up to 5 s) until two of them run at once. */
  awaitParallelDerivedBuilds?: boolean;
}

/** What the fake plugins saw. */
export interface PluginLog {
  builds: { image: string; parentImageId: string | undefined }[];
  tests: { image: string; builtImageId: string | undefined; parentImageId: string | undefined }[];
  started: string[];
  aborted: string[];
  /** Most derived builds seen running at the same time. */
  maxParallelDerivedBuilds: number;
}

/** Plain StagePlugin records, as a third party would write them against @fipsyard/plugin-api. */
export function fakePlugins(timeline: string[], options: FakePluginOptions = {}): { plugins: Record<StageKind, StagePlugin>; log: PluginLog } {
  const log: PluginLog = { builds: [], tests: [], started: [], aborted: [], maxParallelDerivedBuilds: 0 };
  let derivedInFlight = 0;
  const onceFailed = new Set<string>();

  const misbehave = async (ctx: StageContext, b: Behaviour): Promise<StageOutcome | undefined> => {
    switch (b) {
      case 'pass':
        return undefined;
      case 'fail':
        return { status: 'failed', reason: `${ctx.stage.id}: check openssl-fips failed`, log: ['FIPS mode is off'] };
      case 'throw':
        throw new Error(`boom in ${ctx.stage.id}`);
      case 'throw-infrastructure':
        throw new InfrastructureError('docker', 'Docker Engine unreachable');
      case 'infrastructure-once':
        // The engine restarting: the first attempt fails, later ones work.
        if (!onceFailed.has(ctx.stage.id)) {
          onceFailed.add(ctx.stage.id);
          throw new InfrastructureError('docker', 'Docker Engine unreachable (restarting)');
        }
        return undefined;
      case 'wait-for-abort':
        await new Promise<void>((resolve) => ctx.signal.addEventListener('abort', () => resolve(), { once: true }));
        log.aborted.push(ctx.stage.id);
        throw new Error('aborted');
      default: {
        const never: never = b;
        throw new Error(`unknown behaviour ${String(never)}`);
      }
    }
  };

  const build: StagePlugin = {
    name: 'fake-build',
    kind: 'build',
    async run(ctx) {
      log.started.push(ctx.stage.id);
      log.builds.push({ image: ctx.image.name, parentImageId: ctx.parentImageId });
      const bad = await misbehave(ctx, options.build?.[ctx.image.name] ?? 'pass');
      if (bad) return bad;
      const derived = ctx.image.parent !== undefined;
      if (derived) {
        derivedInFlight += 1;
        log.maxParallelDerivedBuilds = Math.max(log.maxParallelDerivedBuilds, derivedInFlight);
      }
      try {
        if (derived && options.awaitParallelDerivedBuilds) {
          await waitFor('a second derived build', () => log.maxParallelDerivedBuilds >= 2, 5000, 5).catch(() => undefined);
        }
        const args = { ...ctx.image.args };
        if (derived) {
          if (!ctx.parentImageId) return { status: 'failed', reason: `no image ID recorded for parent "${ctx.image.parent}"` };
          args[ctx.image.parentArg] = ctx.parentImageId;
        }
        const labels = { ...ctx.labels, [LABELS.image]: ctx.image.name };
        const res = await ctx.runtime.build({ context: ctx.image.context, dockerfile: ctx.image.dockerfile, args, labels, onLog: (l) => ctx.buildLog(l) }, ctx.signal);
        if (res.status === 'failed') return { status: 'failed', reason: res.error, infrastructure: res.infrastructure };
        const output: StageOutcome['output'] = { kind: 'build', build: { imageId: res.imageId, logTail: res.logTail } };
        if (ctx.parentImageId) output.build.parentImageId = ctx.parentImageId;
        return { status: 'succeeded', output };
      } finally {
        if (derived) derivedInFlight -= 1;
      }
    },
  };

  const test: StagePlugin = {
    name: 'fake-check',
    kind: 'test',
    async run(ctx) {
      log.started.push(ctx.stage.id);
      log.tests.push({ image: ctx.image.name, builtImageId: ctx.builtImageId, parentImageId: ctx.parentImageId });
      if (!ctx.builtImageId) return { status: 'failed', reason: 'no image ID from the build stage' };
      const bad = await misbehave(ctx, options.test?.[ctx.image.name] ?? 'pass');
      if (bad) return { ...bad, output: { kind: 'test', test: { imageId: ctx.builtImageId, checks: [], tagged: [] } } };
      timeline.push(`checked ${ctx.image.name}`);
      const at = new Date().toISOString();
      return {
        status: 'succeeded',
        output: {
          kind: 'test',
          test: {
            imageId: ctx.builtImageId,
            checks: [{ id: 'fips-mode', title: 'FIPS mode on', status: 'pass', command: ['cat', '/proc/sys/crypto/fips_enabled'], exitCode: 0, stdout: '1', stderr: '', durationMs: 1, suite: 'fake', startedAt: at, finishedAt: at }],
            tagged: [],
          },
        },
      };
    },
  };
  return { plugins: { build, test }, log };
}

type Arg<K extends keyof RunObserver> = Parameters<NonNullable<RunObserver[K]>>[0];

/** Everything the observer was told, plus one list of all calls in order. */
export interface Observed {
  runStarted: Arg<'runStarted'>[];
  stageQueued: Arg<'stageQueued'>[];
  stageStarted: Arg<'stageStarted'>[];
  stageFinished: Arg<'stageFinished'>[];
  buildLog: Arg<'buildLog'>[];
  notice: string[];
  runFinished: Arg<'runFinished'>[];
  order: string[];
}

export function recordingObserver(onNotice?: (m: string) => void): { observer: RunObserver; seen: Observed } {
  const seen: Observed = { runStarted: [], stageQueued: [], stageStarted: [], stageFinished: [], buildLog: [], notice: [], runFinished: [], order: [] };
  const observer: RunObserver = {
    runStarted: (e) => void seen.runStarted.push(e),
    stageQueued: (e) => void seen.stageQueued.push(e),
    stageStarted: (e) => {
      seen.stageStarted.push(e);
      seen.order.push(`started ${e.stage}`);
    },
    stageFinished: (e) => {
      seen.stageFinished.push(e);
      seen.order.push(`finished ${e.stage}`);
    },
    buildLog: (e) => {
      seen.buildLog.push(e);
      seen.order.push(`log ${e.stage}`);
    },
    notice: (m) => {
      seen.notice.push(m);
      onNotice?.(m);
    },
    runFinished: (e) => void seen.runFinished.push(e),
  };
  return { observer, seen };
}

export interface Harness {
  store: RunStore;
  queue: StageQueue;
  blocking: Redis;
  deps: ControllerDeps;
  runtime: FakeRuntime;
  timeline: string[];
  pluginLog: PluginLog;
  seen: Observed;
  executors: StageExecutor[];
  workers: StageWorkers[];
  /** An executor with the harness's store, queue, runtime and plugins, attached to no worker. */
  makeExecutor(name: string): StageExecutor;
  /** Starts `count` more StageWorkers (each with its own connection and executor). */
  startWorkers(count: number): Promise<void>;
  close(): Promise<void>;
}

/**
 * A controller and `workers` in-process fleet workers on one real Redis, as `fipsyard run`
 * wires them, with a fake runtime and fake plugins. Each harness has its own BullMQ prefix.
 */
export async function harness(url: string, options: { workers: number; plugins?: FakePluginOptions; onNotice?: (m: string) => void; failTags?: string[] }): Promise<Harness> {
  const prefix = uniqueId('bq');
  const command = await connectRedis({ url, role: 'command' });
  const blocking = await connectRedis({ url, role: 'worker' });
  const store = new RunStore(command);
  const queue = new StageQueue(command, { prefix });
  const timeline: string[] = [];
  const runtime = new FakeRuntime(timeline);
  for (const ref of options.failTags ?? []) runtime.failTags.add(ref);
  const { plugins, log } = fakePlugins(timeline, options.plugins);
  const { observer, seen } = recordingObserver(options.onNotice);
  const workerConnections: Redis[] = [];
  const h: Harness = {
    store,
    queue,
    blocking,
    deps: { store, queue, blocking, observer: fanOut([observer]) },
    runtime,
    timeline,
    pluginLog: log,
    seen,
    executors: [],
    workers: [],
    makeExecutor: (name) => new StageExecutor({ store, queue, runtime, plugins, suites: [], logger: silentLogger, workerName: name }),
    async startWorkers(count) {
      const started: StageWorkers[] = [];
      for (let i = 0; i < count; i++) {
        const name = `w${h.workers.length + 1}`;
        const connection = await connectRedis({ url, role: 'worker' });
        workerConnections.push(connection);
        const executor = h.makeExecutor(name);
        const w = new StageWorkers(connection, executor.process, { name, prefix });
        h.executors.push(executor);
        h.workers.push(w);
        started.push(w);
      }
      await Promise.all(started.map((w) => w.ready()));
    },
    async close() {
      // Forced: a failed test must not wait for a stage that never ends.
      await Promise.all(h.workers.map((w) => w.close(true)));
      for (const c of workerConnections) c.disconnect();
      await queue.close();
      blocking.disconnect();
      command.disconnect();
    },
  };
  await h.startWorkers(options.workers);
  return h;
}
