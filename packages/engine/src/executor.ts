import { hostname } from 'node:os';
import {
  describeError,
  isInfrastructureError,
  type Logger,
  type StageKind,
  type CacheHit,
  type StageOutcome,
  type TestOutput,
} from '@fipsyard/core';
import { LABELS, type CheckSuite, type ContainerRuntime, type EngineInfo, type RegistryAuth, type StageContext, type StagePlugin } from '@fipsyard/plugin-api';
import { ensureLocal, pushBuilt, registryTargetOf, runRef } from './registry-mode.js';
import type { RunRecord, RunStore, StageJob, StageQueue, VerdictStore } from '@fipsyard/queue';
import { readFileSync } from 'node:fs';
import { pluginFingerprints, verdictCacheKey } from './verdict-key.js';
import { loadPluginSuites, mergeSuites } from './plugins.js';
import { enqueueStage } from './routing.js';

export interface StageExecutorDeps {
  store: RunStore;
  queue: StageQueue;
  runtime: ContainerRuntime;
  /** The plugin performing each kind of stage. */
  plugins: Record<StageKind, StagePlugin>;
  suites: readonly CheckSuite[];
  logger: Logger;
  /** Shown in reports. Default `<hostname>-<pid>`. */
  workerName?: string;
  /** Stage time limits when the image sets none. Default build 60 min, test 30 min. */
  defaultTimeouts?: { buildMs: number; testMs: number };
  /** Attempts for a stage failing from the environment (Docker, registry). Default 4 (backoff 1, 2, 4 s). */
  infrastructureAttempts?: number;
  /** Passed verdicts of earlier runs. Without it, test stages are never cached. */
  verdicts?: VerdictStore;
  /** The tool's version: an input of every cache key. */
  toolVersion?: string;
  /** A hash of the code that decides verdicts (check plugins): an input of the verdict key. */
  checksFingerprint?: string;
  /** Registry credentials (FIPSYARD_REGISTRY_USER / _PASSWORD) for registry mode. */
  registryAuth?: RegistryAuth;
}

const DEFAULT_TIMEOUTS = { buildMs: 60 * 60_000, testMs: 30 * 60_000 };

/**
 * Runs one stage for a worker: claims it in the run store (a duplicate or late delivery does
 * nothing), hands it to its plugin, records the outcome and queues the stages it released.
 */
export class StageExecutor {
  readonly workerName: string;
  private readonly infraAttempts: number;
  private readonly suites: ReadonlyMap<string, CheckSuite>;
  private readonly runs = new Map<string, RunRecord>();
  private readonly runSuites = new Map<string, Promise<ReadonlyMap<string, CheckSuite>>>();
  private engine: Promise<EngineInfo> | undefined;

  constructor(private readonly deps: StageExecutorDeps) {
    this.workerName = deps.workerName ?? `${hostname()}-${process.pid}`;
    this.infraAttempts = deps.infrastructureAttempts ?? 4;
    this.suites = new Map(deps.suites.map((s) => [s.name, s]));
  }

  /** The BullMQ processor. */
  readonly process = async (job: StageJob, kind: StageKind, signal: AbortSignal): Promise<void> => {
    const { store } = this.deps;
    const log = this.deps.logger.child({ runId: job.runId, stage: job.stageId, worker: this.workerName });
    const attempt = await store.claimStage(job.runId, job.stageId, this.workerName);
    if (attempt === 0) {
      log.debug('stage already finished; nothing to do');
      return;
    }
    if (attempt < 0) {
      log.warn('stage is not ready yet; ignoring this delivery');
      return;
    }
    const run = await this.run(job.runId);
    const outcome = await this.execute(run, job.stageId, kind, attempt, signal, log);
    if (signal.aborted || (await store.runStatus(job.runId)) !== 'running') {
      log.info('run cancelled; outcome not recorded');
      return;
    }
    // The environment failed (Docker restarting, a registry hiccup): retry with BullMQ's backoff.
    // A check that fails is an answer, never retried.
    if (outcome.status === 'failed' && outcome.infrastructure && outcome.retryable !== false && attempt < this.infraAttempts) {
      log.warn(`infrastructure failure, retrying (attempt ${attempt} of ${this.infraAttempts}): ${outcome.reason ?? ''}`);
      throw new Error(`retrying after an infrastructure failure: ${outcome.reason ?? ''}`);
    }
    // Passed only after a retry: say so, a flaky environment is worth knowing about.
    if (outcome.status === 'succeeded' && attempt > 1) outcome.flaky = true;
    const fin = await store.finishStage(job.runId, job.stageId, outcome);
    // Each released stage goes to the queue of its requirements (routing.ts).
    for (const id of fin.released) await enqueueStage(this.deps.queue, run, id);
    if (fin.runFinished) {
      this.runs.delete(job.runId);
      this.runSuites.delete(job.runId);
    }
  };

  /** For StageWorkers' onGiveUp: BullMQ gave up on a stage; record it as failed so the run ends. */
  readonly giveUp = async (job: StageJob, reason: string): Promise<void> => {
    await this.deps.store.failStage(job.runId, job.stageId, reason);
  };

  /** The suites of a run: built-ins plus the plugins its pipeline names, loaded once per run. */
  private suitesFor(run: RunRecord): Promise<ReadonlyMap<string, CheckSuite>> {
    let p = this.runSuites.get(run.runId);
    if (!p) {
      p = loadPluginSuites(run.pipeline.plugins ?? []).then((extra) => mergeSuites([...this.suites.values()], extra));
      p.catch(() => this.runSuites.delete(run.runId));
      if (this.runSuites.size > 50) this.runSuites.delete(this.runSuites.keys().next().value as string);
      this.runSuites.set(run.runId, p);
    }
    return p;
  }

  private async run(runId: string): Promise<RunRecord> {
    const cached = this.runs.get(runId);
    if (cached) return cached;
    const run = await this.deps.store.getRun(runId);
    if (!run) throw new Error(`run ${runId} not found in Redis`);
    if (this.runs.size > 50) this.runs.delete(this.runs.keys().next().value as string);
    this.runs.set(runId, run);
    return run;
  }

  private async execute(run: RunRecord, stageId: string, kind: StageKind, attempt: number, signal: AbortSignal, log: Logger): Promise<StageOutcome> {
    const stage = run.plan.stages.find((s) => s.id === stageId);
    const image = stage && run.pipeline.images.find((i) => i.name === stage.image);
    if (!stage || !image) return { status: 'failed', reason: `stage ${stageId} is not in the run's plan` };
    const plugin = this.deps.plugins[kind];
    const buildOf = async (buildStage: string) => {
      const rec = await this.deps.store.getStage(run.runId, buildStage);
      const out = rec?.outcome?.output;
      return out?.kind === 'build' ? out.build : undefined;
    };
    const registry = registryTargetOf(run.pipeline);
    let logChain: Promise<unknown> = Promise.resolve();
    const ctx: StageContext = {
      runId: run.runId,
      stage,
      image,
      pipeline: run.pipeline,
      runtime: this.deps.runtime,
      logger: log.child({ image: image.name }),
      buildLog: (line) => {
        logChain = logChain.then(() => this.deps.store.appendLog(run.runId, stageId, line)).catch(() => undefined);
      },
      signal,
      labels: { [LABELS.managed]: 'true', [LABELS.run]: run.runId, [LABELS.stage]: stageId, [LABELS.pipeline]: run.pipeline.name },
      suites: this.suites,
      useCache: run.options?.noCache !== true && run.options?.noReuse !== true,
    };
    if (this.deps.toolVersion) ctx.toolVersion = this.deps.toolVersion;
    if (run.options?.noCache) ctx.engineCache = false;
    const verdicts = this.deps.verdicts;
    if (verdicts) ctx.buildIndex = { get: (key) => verdicts.builtImage(key), set: (key, id) => verdicts.setBuiltImage(key, id) };
    if (kind === 'test' && run.pipeline.plugins?.length) {
      try {
        ctx.suites = await this.suitesFor(run);
      } catch (err) {
        return { status: 'failed', reason: describeError(err) };
      }
    }
    const parentBuild = image.parent === undefined ? undefined : await buildOf(`build-${image.parent}`);
    if (parentBuild) ctx.parentImageId = parentBuild.imageId;
    const ownBuild = kind === 'test' ? await buildOf(`build-${image.name}`) : undefined;
    if (ownBuild) ctx.builtImageId = ownBuild.imageId;
    log.info(`${kind} started (attempt ${attempt})`);
    // The image this stage starts from (a derived build's parent, a test stage's image) must be on
    // this worker's engine. With a registry, it is pulled by the digest recorded at its build.
    // Without one, it can only have been built here: say so plainly when it was built elsewhere
    // (a retry may land on a worker of the right engine).
    const needs = kind === 'build' ? (parentBuild ? { what: `parent ${image.parent}`, build: parentBuild } : undefined) : ownBuild ? { what: `image ${image.name}`, build: ownBuild } : undefined;
    if (needs && registry) {
      try {
        const missing = await ensureLocal(ctx.runtime, needs.what, needs.build.imageId, needs.build.pinned, this.deps.registryAuth, signal, (l) => ctx.buildLog(l));
        if (missing) return { status: 'failed', reason: missing };
      } catch (err) {
        await logChain;
        return { status: 'failed', reason: `cannot pull ${needs.what}: ${describeError(err)}`, infrastructure: isInfrastructureError(err) };
      }
    } else if (needs && !(await ctx.runtime.inspectImage(needs.build.imageId).catch(() => true))) {
      await logChain;
      return {
        status: 'failed',
        infrastructure: true,
        reason: `${needs.what} (${needs.build.imageId}) is not in the Docker Engine of worker ${this.workerName}: it was built on another engine, or removed since. Workers on separate engines share images only through a registry: set registry: in pipeline.yaml, or run with --registry HOST:PORT`,
      };
    }
    const verdictKey = kind === 'test' && ctx.builtImageId && this.deps.verdicts ? await this.verdictKey(run, ctx, ctx.builtImageId).catch(() => undefined) : undefined;
    if (verdictKey && ctx.useCache) {
      const hit = await this.cachedVerdict(ctx, verdictKey);
      if (hit) {
        await logChain;
        return hit;
      }
    }
    // One owner of the stage's time limit: the plugin sees a signal that fires on timeout or cancel.
    const defaults = this.deps.defaultTimeouts ?? DEFAULT_TIMEOUTS;
    const limitMs = kind === 'build' ? (image.timeouts?.buildMs ?? defaults.buildMs) : (image.timeouts?.testMs ?? defaults.testMs);
    const timer = new AbortController();
    const timeout = setTimeout(() => timer.abort(new Error('timeout')), limitMs);
    ctx.signal = AbortSignal.any([signal, timer.signal]);
    let outcome: StageOutcome;
    try {
      outcome = await plugin.run(ctx);
      if (timer.signal.aborted && !signal.aborted) outcome = { ...outcome, status: 'failed', reason: `timeout: the ${kind} stage did not finish within ${Math.round(limitMs / 1000)} s` };
    } catch (err) {
      outcome = {
        status: 'failed',
        reason: signal.aborted ? 'cancelled' : timer.signal.aborted ? `timeout: the ${kind} stage did not finish within ${Math.round(limitMs / 1000)} s` : `${plugin.name} failed: ${describeError(err)}`,
        infrastructure: !timer.signal.aborted && isInfrastructureError(err),
      };
    } finally {
      clearTimeout(timeout);
      await logChain;
    }
    if (kind === 'build' && registry) outcome = await pushBuilt(ctx.runtime, registry, runRef(registry, run.pipeline.name, image.name, run.runId), outcome, this.deps.registryAuth, signal);
    // Tags move at the end of the run, once every stage passed (promote.ts), never here.
    if (kind === 'test' && outcome.status === 'succeeded' && verdictKey && outcome.output?.kind === 'test') await this.remember(run, verdictKey, outcome.output.test, log);
    log.info(`${kind} ${outcome.status}${outcome.reason ? `: ${outcome.reason}` : ''}`);
    return outcome;
  }

  /** The verdict cache key of this test stage (see verdict-key.ts). */
  private async verdictKey(run: RunRecord, ctx: StageContext, imageId: string): Promise<string> {
    // A failed lookup (the engine restarting) is not kept: the next test stage asks again.
    this.engine ??= this.deps.runtime.info().catch((err: unknown) => {
      this.engine = undefined;
      throw err;
    });
    const engine = await this.engine;
    return verdictCacheKey({
      toolVersion: `${this.deps.toolVersion ?? 'unknown'}+${this.deps.checksFingerprint ?? ''}`,
      imageId,
      image: ctx.image,
      today: (ctx.now?.() ?? new Date()).toISOString().slice(0, 10),
      plugins: pluginFingerprints(run.pipeline.plugins ?? []),
      host: { kernelFipsEnabled: kernelFipsFlag(), kernelVersion: engine.kernelVersion, architecture: engine.architecture },
    });
  }

  /** A passing verdict for exactly this image and these checks, while the image is still there. */
  private async cachedVerdict(ctx: StageContext, key: string): Promise<StageOutcome | undefined> {
    const verdicts = this.deps.verdicts;
    if (!verdicts || !ctx.builtImageId) return undefined;
    const v = await verdicts.get(key).catch(() => undefined);
    if (!v || v.imageId !== ctx.builtImageId || !(await ctx.runtime.inspectImage(v.imageId))) return undefined;
    const cached: CacheHit = { key, runId: v.runId, at: v.at };
    const dir = await verdicts.evidenceDir(v.runId).catch(() => undefined);
    if (dir) cached.evidenceDir = dir;
    ctx.buildLog(`cached: image ${v.imageId} passed these checks in run ${v.runId} at ${v.at}${dir ? ` (evidence: ${dir})` : ''}`);
    ctx.logger.info(`test cached from run ${v.runId}`);
    return { status: 'succeeded', output: { kind: 'test', test: { ...v.test, tagged: [] } }, cached };
  }

  private async remember(run: RunRecord, key: string, test: TestOutput, log: Logger): Promise<void> {
    try {
      await this.deps.verdicts?.put(key, { imageId: test.imageId, runId: run.runId, at: new Date().toISOString(), worker: this.workerName, test: { ...test, tagged: [] } });
    } catch (err) {
      log.warn(`could not record the verdict in the cache: ${describeError(err)}`);
    }
  }
}

/** The host kernel's FIPS flag as this worker sees it; null where the kernel has none. */
function kernelFipsFlag(): string | null {
  try {
    return readFileSync('/proc/sys/crypto/fips_enabled', 'utf8').trim();
  } catch {
    return null;
  }
}
