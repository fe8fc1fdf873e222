import { CancelledError, ExitCode, formatDiagnostic, LABELS, type Logger } from '../deps.js';
import { cancelRun, fanOut, followRun, hostFacts, newRunId, promoteRun, snapshotRun, submitRun, type RunObserver } from '@fipsyard/engine';
import { planStages } from '@fipsyard/pipeline';
import { DockerRuntime, registryAuthFromEnv } from '@fipsyard/runtime';
import { VerdictStore } from '@fipsyard/queue';
import { dockerOptions, redisOptions, type EnvConfig } from '../config.js';
import { loadOrThrow } from '../load.js';
import { openProgress } from '../progress/open.js';
import { openRedis, startLocalWorkers, type LocalWorkers } from '../session.js';
import { workerLabels } from '../labels.js';
import { WorkerRegistry } from '@fipsyard/queue';
import type { Output } from '../output.js';
import { TOOL_VERSION } from '../version.js';
import { finishReport, prepareReportDir } from '../write-report.js';
import { UsageError, type PipelineSpec, type Plan } from '@fipsyard/core';

export interface RunOptions {
  /** The pipeline file; absent when resuming. */
  file?: string;
  /** Follow (and finish) a run already in Redis instead of starting one. */
  resume?: string;
  vars: Record<string, string>;
  workers: number;
  reportDir?: string;
  verbose: boolean;
  /** Directory build contexts must stay inside. */
  root?: string;
  /** `--label NAME=VALUE`: labels the in-process workers advertise besides the automatic ones. */
  labels?: Record<string, string>;
  /** Build and check everything again. */
  noCache?: boolean;
  /** Registry mode, overriding the file's `registry:`. */
  registry?: string;
  /** How progress is shown (`--progress`, resolved from `auto`). Default `plain`. */
  progress?: 'tty' | 'plain' | 'json';
}

/** `fipsyard run FILE`: validate, plan, queue, follow, report. Returns the exit code. */
export async function runCommand(opts: RunOptions, cfg: EnvConfig, out: Output, log: Logger): Promise<number> {
  if (opts.workers === 0 && !cfg.redisUrl) {
    throw new UsageError('--workers 0 needs REDIS_URL: without it fipsyard starts a private Redis that no other worker can reach', { hint: 'set REDIS_URL to the Redis your workers use, or give --workers 1 or more' });
  }
  if (opts.resume !== undefined && !cfg.redisUrl) {
    throw new UsageError('--resume reads the run from Redis: set REDIS_URL to the Redis the run used', { hint: 'runs of a private Redis end with their process; their report is in .fipsyard/runs/' });
  }
  if ((opts.file === undefined) === (opts.resume === undefined)) throw new UsageError('give a pipeline file, or --resume RUN_ID (not both)');
  const reportDir = prepareReportDir(opts.reportDir);
  let submission: { spec: PipelineSpec; plan: Plan } | undefined;
  if (opts.file !== undefined) {
    const { spec, warnings } = await loadOrThrow(opts.file, cfg.env, opts.vars, opts.root);
    for (const w of warnings) out.err(formatDiagnostic(w));
    if (opts.registry !== undefined) {
      if (!/^[a-z0-9.-]+(:\d{1,5})?(\/[a-z0-9._-]+)*$/.test(opts.registry)) throw new UsageError(`--registry "${opts.registry}" is not host[:port][/path]`, { hint: 'e.g. --registry 127.0.0.1:5000 or --registry registry.example/fips' });
      spec.registry = opts.registry;
    }
    submission = { spec, plan: planStages(spec.images) };
  }
  const runtime = new DockerRuntime(dockerOptions(cfg));
  // Local workers need the engine; a controller feeding remote workers does not.
  let host: Record<string, unknown> = {};
  if (opts.workers > 0) host = await hostFacts(runtime);
  else host = await hostFacts(runtime).catch(() => ({ note: 'Docker Engine not reachable from the controller; see each stage worker' }));

  const session = await openRedis(cfg.redisUrl, log, redisOptions(cfg), cfg.stateDir);
  let workers: LocalWorkers | undefined;
  const runId = opts.resume ?? newRunId();
  const cancel = new AbortController();
  let interrupted = 0;
  const onSignal = (sig: NodeJS.Signals) => {
    interrupted += 1;
    if (interrupted > 1) {
      out.err(`${sig} again: exiting at once; containers of run ${runId} may remain (fipsyard gc removes them)`);
      process.exit(ExitCode.Cancelled);
    }
    out.err(`${sig}: cancelling run ${runId} (press Ctrl-C again to exit at once)`);
    cancel.abort(new CancelledError());
  };
  const progress = openProgress(opts.progress ?? 'plain', { out, verbose: opts.verbose });
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    if (opts.workers > 0) {
      const labels = workerLabels({ architecture: String(host['architecture'] ?? '') }, cfg.workerLabels, opts.labels ?? {}, log);
      workers = await startLocalWorkers(opts.workers, session, runtime, log, cfg.stallMs, 1, labels);
    }
    const observers: RunObserver[] = [progress.observer];
    const deps = { store: session.store, queue: session.queue, blocking: session.blocking, observer: fanOut(observers), fleet: new WorkerRegistry(session.command) };
    if (submission) {
      await submitRun(deps, { runId, pipeline: submission.spec, plan: submission.plan, host, options: { noCache: opts.noCache === true, noReuse: !cfg.reuse } }, cfg.unschedulableMs);
    } else {
      const run = await session.store.getRun(runId);
      if (!run) throw new UsageError(`no run ${runId} in this Redis`, { hint: 'fipsyard status shows recent runs; finished runs expire after 7 days' });
      progress.out.line(`${progress.out.style.bold('fipsyard')} resuming run ${runId} (${run.status}): finished stages are not run again`);
      deps.observer.runStarted({ runId, stages: run.plan.stages.map((s) => ({ id: s.id, kind: s.kind, image: s.image })) });
    }
    const status = await followRun(deps, runId, { signal: cancel.signal, unschedulableMs: cfg.unschedulableMs });
    if (status === undefined) {
      const running = await cancelRun(deps, runId, 'cancelled by user');
      workers?.cancel(runId, running);
    }
    await workers?.close();
    workers = undefined;
    // Containers of this run that a stage could not remove (crash, cancellation) go now.
    const swept = await runtime.removeContainersByLabel({ [LABELS.run]: runId }).catch(() => []);
    if (swept.length) log.warn(`removed ${swept.length} leftover container(s) of the run`);

    const snapshot = await snapshotRun(session.store, runId, TOOL_VERSION);
    // Release tags move now, and only if the whole run passed (promote.ts); a failed promotion
    // fails the run in its report.
    if (!cancel.signal.aborted) {
      const auth = registryAuthFromEnv(process.env);
      await promoteRun(snapshot, runtime, { ...(auth ? { auth } : {}), signal: cancel.signal, log: (l) => log.info(l) });
    }
    progress.stop(snapshot.status === 'running' ? undefined : snapshot.status);
    const { code, dir, report, written } = finishReport(snapshot, reportDir, progress.out);
    progress.finished({ runId, status: report.status, exitCode: code, reports: written });
    // Later runs that reuse this run's verdicts point at its evidence.
    await new VerdictStore(session.command).setEvidenceDir(runId, dir).catch(() => undefined);
    return code;
  } finally {
    progress.stop();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await workers?.close(true).catch(() => undefined);
    await runtime.removeContainersByLabel({ [LABELS.run]: runId }).catch(() => []);
    await session.close();
  }
}
