import { formatLabels, UsageError } from '@fipsyard/core';
import { fleetStatus, type FleetStatus } from '@fipsyard/engine';
import { connectRedis, RunStore, StageQueue, WorkerRegistry } from '@fipsyard/queue';
import { redisOptions, type EnvConfig } from '../config.js';
import type { Output } from '../output.js';

/** `fipsyard fleet status [--json]`: the workers seen, what each runs, queue depths, runs in progress. */
export async function fleetStatusCommand(opts: { json: boolean }, cfg: EnvConfig, out: Output): Promise<number> {
  if (!cfg.redisUrl) throw new UsageError('fleet status reads the fleet from Redis: set REDIS_URL to the Redis the workers use', { hint: 'e.g. REDIS_URL=redis://127.0.0.1:6379 fipsyard fleet status' });
  const redis = await connectRedis({ url: cfg.redisUrl, role: 'command', ...redisOptions(cfg) });
  const queue = new StageQueue(redis);
  try {
    const status = await fleetStatus({ store: new RunStore(redis), queue, registry: new WorkerRegistry(redis) });
    if (opts.json) out.line(JSON.stringify(status, null, 2));
    else for (const l of formatFleet(status, out.style.dim)) out.line(l);
    return 0;
  } finally {
    await queue.close().catch(() => undefined);
    redis.disconnect();
  }
}

const secs = (ms: number) => (ms < 60_000 ? `${Math.round(ms / 1000)} s` : `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`);

/** The human view of `fleet status`. */
export function formatFleet(s: FleetStatus, dim: (t: string) => string = (t) => t): string[] {
  const lines: string[] = [`workers (${s.workers.length})${s.workers.length ? '' : ': none alive (a worker shows up within seconds of starting and disappears ~15 s after it dies)'}`];
  for (const w of s.workers) {
    lines.push(`  ${w.name}  ${dim(`${w.host} pid ${w.pid} v${w.version}`)}  ${formatLabels(w.labels)}  concurrency ${w.concurrency}  last heartbeat ${secs(w.lastSeenAgoMs)} ago`);
    if (w.running.length === 0) lines.push(`    ${dim('idle')}`);
    for (const r of w.running) lines.push(`    running ${r.stageId} of run ${r.runId} for ${secs(r.elapsedMs)}`);
  }
  lines.push('queues', `  ${'name'.padEnd(28)} ${'waiting'.padStart(7)} ${'active'.padStart(6)} ${'delayed'.padStart(7)} ${'failed'.padStart(6)}  requires`);
  for (const q of s.queues) {
    const req = Object.keys(q.requires).length ? formatLabels(q.requires) : '-';
    lines.push(`  ${q.name.padEnd(28)} ${String(q.waiting).padStart(7)} ${String(q.active).padStart(6)} ${String(q.delayed).padStart(7)} ${String(q.failed).padStart(6)}  ${req}`);
  }
  lines.push(`runs in progress (${s.runs.length})`);
  for (const r of s.runs) {
    const running = r.stages.running.length ? `, running ${r.stages.running.join(', ')}` : '';
    const ready = r.stages.ready.length ? `, waiting for a worker: ${r.stages.ready.join(', ')}` : '';
    lines.push(`  ${r.runId}  ${r.pipeline}  ${r.stages.done}/${r.stages.total} stages done${running}${ready}`);
  }
  return lines;
}
