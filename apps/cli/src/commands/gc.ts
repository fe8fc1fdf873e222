import { LABELS, type Logger } from '../deps.js';
import { connectRedis, RunStore } from '@fipsyard/queue';
import type { DockerRuntime } from '@fipsyard/runtime';
import { DockerRuntime as Runtime } from '@fipsyard/runtime';
import { dockerOptions, redisOptions, type EnvConfig } from '../config.js';
import type { Output } from '../output.js';

/**
 * Removes containers fipsyard left behind (a killed worker, a second Ctrl-C): those of runs that
 * are not running. With REDIS_URL, running runs are asked for; without it every fipsyard
 * container counts as left over. Returns the ids removed.
 */
export async function sweepLeftovers(runtime: DockerRuntime, isLeftover: (runId: string) => Promise<boolean>): Promise<{ id: string; runId: string }[]> {
  const removed: { id: string; runId: string }[] = [];
  for (const c of await runtime.listContainersWithLabel(LABELS.managed)) {
    const runId = c.labels[LABELS.run] ?? '';
    if (!(await isLeftover(runId))) continue;
    await runtime.remove(c.id);
    removed.push({ id: c.id, runId });
  }
  return removed;
}

export async function gcCommand(opts: { images: boolean; run?: string }, cfg: EnvConfig, out: Output, log: Logger): Promise<number> {
  const runtime = new Runtime(dockerOptions(cfg));
  await runtime.info();
  let isRunning = async (_runId: string) => false;
  const only = opts.run;
  const redis = cfg.redisUrl ? await connectRedis({ url: cfg.redisUrl, role: 'command', ...redisOptions(cfg) }) : undefined;
  try {
    if (redis) {
      const store = new RunStore(redis);
      isRunning = async (runId) => (await store.runStatus(runId)) === 'running';
    } else {
      log.info('no REDIS_URL: every fipsyard container counts as left over');
    }
    const removed = await sweepLeftovers(runtime, async (runId) => (only === undefined || runId === only) && !(await isRunning(runId)));
    for (const r of removed) out.line(`removed container ${r.id.slice(0, 12)} (run ${r.runId || 'unknown'})`);
    let images: string[] = [];
    if (opts.images && only === undefined) {
      images = await runtime.removeUntaggedImagesWithLabel(LABELS.managed);
      for (const id of images) out.line(`removed untagged image ${id.replace(/^sha256:/, '').slice(0, 12)}`);
    }
    out.line(`gc: removed ${removed.length} container(s)${opts.images ? ` and ${images.length} untagged image(s)` : ''}`);
    return 0;
  } finally {
    redis?.disconnect();
  }
}
