import { UsageError } from '@fipsyard/core';
import { connectRedis, RunStore } from '@fipsyard/queue';
import { redisOptions, type EnvConfig } from '../config.js';
import type { Output } from '../output.js';

/** `fipsyard status RUN_ID`: where a run stands, from its state in Redis. */
export async function statusCommand(runId: string, cfg: EnvConfig, out: Output): Promise<number> {
  if (!cfg.redisUrl) throw new UsageError('status reads a run from Redis: set REDIS_URL to the Redis the run used', { hint: 'runs of the embedded Redis end with their process; their report is in .fipsyard/runs/' });
  const redis = await connectRedis({ url: cfg.redisUrl, role: 'command', ...redisOptions(cfg) });
  try {
    const store = new RunStore(redis);
    const run = await store.getRun(runId);
    if (!run) {
      const recent = await store.listRuns(5);
      throw new UsageError(`no run ${runId} in this Redis`, { hint: recent.length ? `recent runs: ${recent.join(', ')}` : 'finished runs expire after 7 days' });
    }
    const stages = await store.getStages(runId);
    out.line(`run ${runId}: ${run.status} (${run.pipeline.file}, started ${run.createdAt}${run.finishedAt ? `, finished ${run.finishedAt}` : ''})`);
    for (const s of run.plan.stages) {
      const r = stages.find((x) => x.id === s.id);
      const detail = [r?.worker ? `on ${r.worker}` : '', r?.attempt && r.attempt > 1 ? `attempt ${r.attempt}` : '', r?.outcome?.reason ?? r?.reason ?? ''].filter(Boolean).join(', ');
      out.line(`  ${(r?.state ?? 'unknown').padEnd(9)} ${s.id}${detail ? `  ${out.style.dim(detail)}` : ''}`);
    }
    return 0;
  } finally {
    redis.disconnect();
  }
}
