import type { Logger } from '@fipsyard/core';
import { defaultPlugins, defaultSuites, StageExecutor } from '@fipsyard/engine';
import type { ContainerRuntime } from '@fipsyard/plugin-api';
import { registryAuthFromEnv } from '@fipsyard/runtime';
import { connectRedis, RunStore, StageQueue, StageWorkers, startEmbeddedRedis, VerdictStore, WorkerHeartbeat, WorkerRegistry, type EmbeddedRedis, type Redis } from '@fipsyard/queue';
import { TOOL_VERSION, toolFingerprint } from './version.js';
import { hostname } from 'node:os';

/** Redis connections of one CLI process, and what must be stopped at the end. */
export interface RedisSession {
  url: string;
  /** Connection options (TLS CA) every further connection needs too. */
  connect: { tlsCa?: string };
  embedded?: EmbeddedRedis;
  /** Fails fast when Redis is down: the controller's connection. */
  command: Redis;
  /** For blocking reads of the event stream. */
  blocking: Redis;
  store: RunStore;
  queue: StageQueue;
  close(): Promise<void>;
}

export async function openRedis(url: string | undefined, log: Logger, connect: { tlsCa?: string } = {}, stateDir?: string): Promise<RedisSession> {
  let embedded: EmbeddedRedis | undefined;
  if (!url) {
    embedded = await startEmbeddedRedis(stateDir === undefined ? {} : { dataDir: stateDir });
    log.info('started a private redis-server', { url: embedded.url, dir: embedded.dir });
  }
  const target = url ?? embedded!.url;
  try {
    const command = await connectRedis({ url: target, role: 'command', ...connect });
    const blocking = await connectRedis({ url: target, role: 'worker', ...connect });
    // A private Redis reloaded from its snapshot keeps only the cache of earlier runs.
    if (embedded && stateDir !== undefined) await new VerdictStore(command).keepOnlyCache();
    const store = new RunStore(command);
    const queue = new StageQueue(command);
    const session: RedisSession = {
      url: target,
      connect,
      command,
      blocking,
      store,
      queue,
      async close() {
        await queue.close().catch(() => undefined);
        blocking.disconnect();
        command.disconnect();
        await embedded?.stop();
      },
    };
    if (embedded) session.embedded = embedded;
    return session;
  } catch (err) {
    await embedded?.stop();
    throw err;
  }
}

export interface LocalWorkers {
  executors: StageExecutor[];
  workers: StageWorkers[];
  close(force?: boolean): Promise<void>;
  cancel(runId: string, stageIds: readonly string[]): void;
}

/**
 * Starts `count` in-process workers on the same Redis (each its own BullMQ workers and connection),
 * advertised in the worker registry with `labels` (automatic ones and `--label`).
 */
export async function startLocalWorkers(count: number, session: RedisSession, runtime: ContainerRuntime, log: Logger, stallMs: number, concurrency = 1, labels: Record<string, string> = {}): Promise<LocalWorkers> {
  const registry = new WorkerRegistry(session.command);
  const registryAuth = registryAuthFromEnv(process.env);
  const executors: StageExecutor[] = [];
  const workers: StageWorkers[] = [];
  const connections: Redis[] = [];
  for (let i = 1; i <= count; i++) {
    const name = `${hostname()}-${process.pid}-w${i}`;
    const connection = await connectRedis({ url: session.url, role: 'worker', ...session.connect });
    connections.push(connection);
    const executor = new StageExecutor({
      store: session.store,
      queue: session.queue,
      runtime,
      plugins: defaultPlugins,
      suites: defaultSuites,
      logger: log.child({ worker: name }),
      workerName: name,
      verdicts: new VerdictStore(session.command),
      toolVersion: TOOL_VERSION,
      checksFingerprint: toolFingerprint(),
      ...(registryAuth ? { registryAuth } : {}),
    });
    const heartbeat = new WorkerHeartbeat(registry, { name, host: hostname(), pid: process.pid, version: TOOL_VERSION, concurrency, labels, startedAt: new Date().toISOString() });
    const w = new StageWorkers(connection, executor.process, { name, concurrency, labels, heartbeat, onGiveUp: executor.giveUp, lockDurationMs: stallMs, stalledIntervalMs: Math.max(500, Math.floor(stallMs / 2)) });
    executors.push(executor);
    workers.push(w);
  }
  await Promise.all(workers.map((w) => w.ready()));
  return {
    executors,
    workers,
    async close(force = false) {
      await Promise.all(workers.map((w) => w.close(force)));
      for (const c of connections) c.disconnect();
    },
    cancel(runId, stageIds) {
      for (const w of workers) w.cancelRun(runId, stageIds);
    },
  };
}
