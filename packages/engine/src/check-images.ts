import { describeError, stageId, UsageError, type ImageSpec, type Logger, type PipelineSpec, type StageOutcome } from '@fipsyard/core';
import { LABELS, type CheckSuite, type ContainerRuntime, type StagePlugin } from '@fipsyard/plugin-api';
import type { RunSnapshot, StageSnapshot } from '@fipsyard/report';

export interface CheckImagesOptions {
  runId: string;
  /** Image references or IDs in the local engine. */
  images: readonly string[];
  /** Suite names to run on each. */
  suites: readonly string[];
  available: ReadonlyMap<string, CheckSuite>;
  runtime: ContainerRuntime;
  plugin: StagePlugin;
  logger: Logger;
  signal: AbortSignal;
  toolVersion: string;
  host: Record<string, unknown>;
  /** Images checked at once. Default 2. */
  concurrency?: number;
  onStage?: (e: { stage: string; status: 'started' | 'succeeded' | 'failed'; reason?: string }) => void;
}

/** An image name for reports from a reference: `registry:5000/team/app:1.2` -> `team-app-1.2`. */
export function nameFor(ref: string, taken: Set<string>): string {
  const base = ref.replace(/^sha256:/, '').replace(/^[^/]+[.:][^/]*\//, '').toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^[^a-z0-9]+/, '').slice(0, 60) || 'image';
  let name = base;
  for (let i = 2; taken.has(name); i++) name = `${base}-${i}`;
  taken.add(name);
  return name;
}

/**
 * `fipsyard check`: the same checks as a pipeline's test stages, on images that already exist,
 * without a pipeline file or a queue. Returns what the report is made from.
 */
export async function checkImages(o: CheckImagesOptions): Promise<RunSnapshot> {
  for (const s of o.suites) {
    if (!o.available.has(s)) throw new UsageError(`unknown check suite "${s}"`, { hint: `suites: ${[...o.available.keys()].join(', ')}` });
  }
  const taken = new Set<string>();
  const targets: { spec: ImageSpec; id: string }[] = [];
  for (const ref of o.images) {
    const info = await o.runtime.inspectImage(ref);
    if (!info) throw new UsageError(`image "${ref}" is not in the local Docker Engine`, { hint: 'build or load it first (docker build / docker load), or give its image ID' });
    const name = nameFor(ref, taken);
    targets.push({
      id: info.id,
      spec: { name, context: '', dockerfile: '', args: {}, secretArgs: [], tags: [], labels: {}, parentArg: 'BASE_IMAGE', checks: o.suites.map((suite) => ({ kind: 'suite', suite, options: {}, origin: name })), waivers: [] },
    });
  }
  const pipeline: PipelineSpec = { file: `fipsyard check ${o.images.join(' ')}`, name: 'check', sha256: '', images: targets.map((t) => t.spec) };
  const createdAt = new Date().toISOString();
  const stages: StageSnapshot[] = [];
  const queue = [...targets];
  const worker = async () => {
    for (let t = queue.shift(); t; t = queue.shift()) {
      if (o.signal.aborted) return;
      const id = stageId('test', t.spec.name);
      const startedAt = new Date().toISOString();
      o.onStage?.({ stage: id, status: 'started' });
      let outcome: StageOutcome;
      try {
        outcome = await o.plugin.run({
          runId: o.runId,
          stage: { id, kind: 'test', image: t.spec.name, needs: [] },
          image: t.spec,
          pipeline,
          builtImageId: t.id,
          runtime: o.runtime,
          logger: o.logger.child({ image: t.spec.name }),
          buildLog: () => undefined,
          signal: o.signal,
          labels: { [LABELS.managed]: 'true', [LABELS.run]: o.runId, [LABELS.stage]: id },
          suites: o.available,
        });
      } catch (err) {
        outcome = { status: 'failed', reason: o.signal.aborted ? 'cancelled' : `fips-check failed: ${describeError(err)}` };
      }
      o.onStage?.({ stage: id, status: outcome.status, ...(outcome.reason ? { reason: outcome.reason } : {}) });
      stages.push({ id, state: outcome.status, worker: 'local', attempt: 1, startedAt, finishedAt: new Date().toISOString(), outcome });
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, o.concurrency ?? 2) }, worker));
  const status = o.signal.aborted ? 'cancelled' : stages.some((s) => s.state === 'failed') ? 'failed' : 'passed';
  return {
    runId: o.runId,
    status,
    pipeline,
    plan: { stages: targets.map((t) => ({ id: stageId('test', t.spec.name), kind: 'test' as const, image: t.spec.name, needs: [] })) },
    createdAt,
    finishedAt: new Date().toISOString(),
    host: o.host,
    stages,
    toolVersion: o.toolVersion,
  };
}
