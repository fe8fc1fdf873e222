import { checkFails, describeError, type CheckResult, type StageOutcome } from '@fipsyard/core';
import type { CheckDefinition, ContainerHandle, EngineInfo, ImageInfo, ProbeContext, StageContext } from '@fipsyard/plugin-api';
import { commandCheck } from './command-check.js';

interface PlannedCheck {
  suite: string;
  def: CheckDefinition;
}

/** Expands the image's check list: suites into their checks, inline commands as they are. */
export function plannedChecks(ctx: Pick<StageContext, 'image' | 'suites'>): PlannedCheck[] {
  return ctx.image.checks.flatMap((spec): PlannedCheck[] => {
    switch (spec.kind) {
      case 'suite': {
        const suite = ctx.suites.get(spec.suite);
        if (!suite) throw new Error(`unknown check suite "${spec.suite}" on this worker`);
        return suite.checks(ctx.image).map((def) => ({ suite: suite.name, def }));
      }
      case 'command':
        return [{ suite: 'custom', def: commandCheck(spec) }];
      default: {
        const never: never = spec;
        throw new Error(`unknown check kind ${JSON.stringify(never)}`);
      }
    }
  });
}

/**
 * Runs every check of an image inside one idle container, each as an exec. The container is
 * removed in all cases; after a timed-out check a fresh container serves the remaining ones.
 */
export async function runChecks(ctx: StageContext): Promise<StageOutcome> {
  const imageId = ctx.builtImageId;
  if (!imageId) return { status: 'failed', reason: 'no image ID from the build stage' };
  const image = await ctx.runtime.inspectImage(imageId);
  if (!image) return { status: 'failed', reason: `image ${imageId} is not in the Docker Engine`, infrastructure: true };
  const engine = await ctx.runtime.info(ctx.signal);
  const checks = plannedChecks(ctx);
  const results: CheckResult[] = [];
  let container: ContainerHandle | undefined;
  const start = async () => {
    container = await ctx.runtime.startIdle({ image: imageId, labels: { ...ctx.labels } }, ctx.signal);
    ctx.logger.debug('check container started', { containerId: container.id });
    return container;
  };
  try {
    try {
      await start();
    } catch (err) {
      return { status: 'failed', reason: `cannot start a container of the image: ${describeError(err)}` };
    }
    for (let i = 0; i < checks.length; i++) {
      if (ctx.signal.aborted) throw ctx.signal.reason;
      if (!container) {
        // The previous check hung and its container could not be replaced: the rest cannot run.
        results.push(notRun(checks[i]!, 'not run: no container after an earlier check timed out'));
        continue;
      }
      const { result, timedOut } = await runOne(ctx, checks[i]!, container, image, engine);
      results.push(result);
      if (timedOut && i < checks.length - 1) {
        // The hung process may still hold the container: replace it for the remaining checks.
        const old = container;
        container = undefined;
        await ctx.runtime.remove(old.id).catch((err: unknown) => ctx.logger.warn(`cannot remove container: ${describeError(err)}`, { containerId: old.id }));
        await start().catch((err: unknown) => ctx.logger.warn(`cannot start a new container: ${describeError(err)}`));
      }
    }
  } finally {
    if (container) {
      const id = container.id;
      // Clean up, then let the original error (if any) through; a failed removal never hides it.
      await ctx.runtime.remove(id).catch((err: unknown) => ctx.logger.warn(`cannot remove check container (the run-end sweep by label will): ${describeError(err)}`, { containerId: id }));
    }
  }
  const failed = results.filter(checkFails);
  const output: StageOutcome['output'] = { kind: 'test', test: { imageId, checks: results, tagged: [] } };
  if (failed.length > 0) {
    return { status: 'failed', reason: `${failed.length} of ${results.length} checks failed: ${failed.map((c) => c.id).join(', ')}`, output };
  }
  return { status: 'succeeded', output };
}

function notRun({ suite, def }: PlannedCheck, reason: string): CheckResult {
  return { id: def.id, title: def.title, suite, status: 'fail', reason, command: [], exitCode: null, stdout: '', stderr: '', durationMs: 0 };
}

async function runOne(ctx: StageContext, { suite, def }: PlannedCheck, container: ContainerHandle, image: ImageInfo, engine: EngineInfo): Promise<{ result: CheckResult; timedOut: boolean }> {
  const startedAt = new Date();
  let timedOut = false;
  const probe: ProbeContext = {
    image,
    engine,
    signal: ctx.signal,
    exec: async (argv, options = {}) => {
      const r = await ctx.runtime.exec(container.id, { argv, ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }) }, ctx.signal);
      if (r.timedOut) timedOut = true;
      return { command: argv, exitCode: r.exitCode, stdout: r.stdout, stderr: r.stderr, durationMs: r.durationMs, timedOut: r.timedOut };
    },
  };
  let verdict: Omit<CheckResult, 'id' | 'title' | 'suite'>;
  try {
    verdict = await def.run(probe);
  } catch (err) {
    if (ctx.signal.aborted) throw err;
    verdict = { status: 'fail', reason: `check could not run: ${describeError(err)}`, command: [], exitCode: null, stdout: '', stderr: '', durationMs: Date.now() - startedAt.getTime() };
  }
  const result: CheckResult = { id: def.id, title: def.title, suite, ...verdict, startedAt: startedAt.toISOString(), finishedAt: new Date().toISOString() };
  ctx.logger.info(`check ${result.status}: ${def.title}`, { check: def.id, status: result.status });
  return { result, timedOut };
}
