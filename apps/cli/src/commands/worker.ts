import { hostname } from 'node:os';
import { formatLabels, UsageError, type Logger } from '@fipsyard/core';
import { defaultPlugins, defaultSuites, StageExecutor } from '@fipsyard/engine';
import { connectRedis, RunStore, StageQueue, StageWorkers, VerdictStore, WorkerHeartbeat, WorkerRegistry, redactUrl } from '@fipsyard/queue';
import { workerLabels } from '../labels.js';
import { TOOL_VERSION, toolFingerprint } from '../version.js';
import { DockerRuntime, registryAuthFromEnv } from '@fipsyard/runtime';
import type { RegistryAuth } from '@fipsyard/plugin-api';
import { dockerOptions, redisOptions, type EnvConfig } from '../config.js';
import type { Output } from '../output.js';
import { sweepLeftovers } from './gc.js';

export interface WorkerOptions {
  concurrency: number;
  name?: string;
  /** `--label NAME=VALUE`, besides the automatic labels and FIPSYARD_WORKER_LABELS. */
  labels?: Record<string, string>;
}

/** `fipsyard worker`: a standalone fleet worker on REDIS_URL, until SIGINT/SIGTERM. */
export async function workerCommand(opts: WorkerOptions, cfg: EnvConfig, out: Output, log: Logger): Promise<number> {
  if (!cfg.redisUrl) throw new UsageError('a standalone worker needs REDIS_URL', { hint: 'e.g. REDIS_URL=redis://127.0.0.1:6379 fipsyard worker' });
  const runtime = new DockerRuntime(dockerOptions(cfg));
  const engine = await runtime.info();
  const command = await connectRedis({ url: cfg.redisUrl, role: 'worker', ...redisOptions(cfg) });
  const connection = await connectRedis({ url: cfg.redisUrl, role: 'worker', ...redisOptions(cfg) });
  const name = opts.name ?? `${hostname()}-${process.pid}`;
  const store = new RunStore(command);
  const queue = new StageQueue(command);
  const executor = new StageExecutor({ store, queue, runtime, plugins: defaultPlugins, suites: defaultSuites, logger: log.child({ worker: name }), workerName: name, verdicts: new VerdictStore(command), toolVersion: TOOL_VERSION, checksFingerprint: toolFingerprint(), ...registryAuthOption() });
  const labels = workerLabels(engine, cfg.workerLabels, opts.labels ?? {}, log);
  const heartbeat = new WorkerHeartbeat(new WorkerRegistry(command), { name, host: hostname(), pid: process.pid, version: TOOL_VERSION, concurrency: opts.concurrency, labels, startedAt: new Date().toISOString() });
  const workers = new StageWorkers(connection, executor.process, {
    name,
    labels,
    heartbeat,
    concurrency: opts.concurrency,
    onGiveUp: executor.giveUp,
    lockDurationMs: cfg.stallMs,
    stalledIntervalMs: Math.max(500, Math.floor(cfg.stallMs / 2)),
  });
  await workers.ready();
  // Leftovers of runs this Redis knows have finished (a worker killed before it could clean up).
  // Runs it does not know may belong to another controller on the same engine: left alone.
  const swept = await sweepLeftovers(runtime, async (runId) => ['passed', 'failed', 'cancelled'].includes((await store.runStatus(runId)) ?? 'unknown')).catch(() => []);
  if (swept.length) out.err(`removed ${swept.length} leftover container(s) of finished runs`);
  out.err(`worker ${name} ready: Redis ${redactUrl(cfg.redisUrl)}, Docker ${engine.serverVersion} (API ${engine.apiVersion}), concurrency ${opts.concurrency}, labels ${formatLabels(labels)}`);
  await new Promise<void>((resolve) => {
    let signals = 0;
    const stop = (sig: NodeJS.Signals) => {
      signals += 1;
      if (signals > 1) process.exit(130);
      out.err(`${sig}: finishing running stages, then exiting (again to exit at once)`);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  await workers.close();
  await queue.close();
  connection.disconnect();
  command.disconnect();
  return 0;
}

/** Registry credentials from FIPSYARD_REGISTRY_USER / FIPSYARD_REGISTRY_PASSWORD, for registry mode. */
function registryAuthOption(): { registryAuth?: RegistryAuth } {
  const auth = registryAuthFromEnv(process.env);
  return auth ? { registryAuth: auth } : {};
}
