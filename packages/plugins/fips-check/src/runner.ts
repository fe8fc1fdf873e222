import { checkFails, describeError, type CheckResult, type CheckSpec, type StageOutcome } from '@fipsyard/core';
import type { CheckDefinition, CheckSuite, ContainerHandle, EngineInfo, ImageInfo, ProbeContext, StageContext } from '@fipsyard/plugin-api';
import { customCheck } from './custom-checks.js';
import { applyWaivers } from './waivers.js';

const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

interface PlannedCheck {
  suite: string;
  def: CheckDefinition;
  spec: CheckSpec;
}

/** Expands the image's check list: suites (and the suites they include) into their checks, custom checks as they are. */
export async function plannedChecks(ctx: Pick<StageContext, 'image' | 'suites'>, probe: ProbeContext): Promise<PlannedCheck[]> {
  const out: PlannedCheck[] = [];
  const seen = new Set<string>();
  const expandSuite = async (name: string, spec: CheckSpec, depth: number): Promise<void> => {
    if (seen.has(name) || depth > 5) return;
    seen.add(name);
    const suite: CheckSuite | undefined = ctx.suites.get(name);
    if (!suite) throw new Error(`unknown check suite "${name}" on this worker`);
    for (const inc of suite.includes ?? []) await expandSuite(inc, spec, depth + 1);
    const options = spec.kind === 'suite' ? spec.options : {};
    for (const def of await suite.expand(probe, options)) out.push({ suite: suite.name, def, spec });
  };
  for (const spec of ctx.image.checks) {
    switch (spec.kind) {
      case 'suite':
        await expandSuite(spec.suite, spec, 0);
        break;
      case 'command':
      case 'file':
      case 'env':
      case 'metadata':
        out.push({ suite: 'custom', def: customCheck(spec), spec });
        break;
      default: {
        const never: never = spec;
        throw new Error(`unknown check kind ${JSON.stringify(never)}`);
      }
    }
  }
  // Two suites may share a check (e.g. auto and node): run each id once.
  const ids = new Set<string>();
  return out.filter((p) => (ids.has(p.def.id) ? false : (ids.add(p.def.id), true)));
}

function probeFor(ctx: StageContext, container: () => ContainerHandle | undefined, image: ImageInfo, engine: EngineInfo, onTimeout: () => void): ProbeContext {
  const id = () => {
    const c = container();
    if (!c) throw new Error('no running container for this check');
    return c.id;
  };
  const pathDirs = (image.env['PATH'] ?? DEFAULT_PATH).split(':').filter((d) => d.startsWith('/'));
  const whichCache = new Map<string, Promise<string | undefined>>();
  return {
    image,
    engine,
    signal: ctx.signal,
    exec: async (argv, options = {}) => {
      const r = await ctx.runtime.exec(id(), { argv, ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }), ...(options.env ? { env: options.env } : {}) }, ctx.signal);
      if (r.timedOut) onTimeout();
      return { command: argv, exitCode: r.exitCode, stdout: r.stdout, stderr: r.stderr, durationMs: r.durationMs, timedOut: r.timedOut, truncated: r.truncated };
    },
    stat: (p) => ctx.runtime.statPath(id(), p),
    readFile: (p, max) => ctx.runtime.readFile(id(), p, max),
    writeFile: async (p, content, mode) => {
      try {
        await ctx.runtime.writeFile(id(), p, content, mode);
      } catch (err) {
        // The archive API cannot write into a tmpfs of a read-only container: write from inside.
        // The content travels as an argument, never through the shell's parsing.
        const text = Buffer.isBuffer(content) ? content.toString('utf8') : content;
        const r = await ctx.runtime.exec(id(), { argv: ['/bin/sh', '-c', 'printf "%s" "$1" > "$2"', 'sh', text, p], timeoutMs: 10_000 }, ctx.signal);
        if (r.exitCode !== 0) throw new Error(`cannot write ${p}: ${describeError(err)}; from inside: exit code ${r.exitCode} ${r.stderr.trim()}`);
      }
    },
    which: (name) => {
      let found = whichCache.get(name);
      if (!found) {
        found = (async () => {
          for (const dir of pathDirs) {
            const st = await ctx.runtime.statPath(id(), `${dir}/${name}`);
            if (st && (st.type === 'file' || st.type === 'symlink')) return `${dir}/${name}`;
          }
          return undefined;
        })();
        whichCache.set(name, found);
      }
      return found;
    },
  };
}

/**
 * Runs every check of an image inside one idle container, each as an exec or a file read. The
 * container is removed in all cases; after a timed-out check a fresh one serves the rest.
 */
export async function runChecks(ctx: StageContext): Promise<StageOutcome> {
  const imageId = ctx.builtImageId;
  if (!imageId) return { status: 'failed', reason: 'no image ID from the build stage' };
  const image = await ctx.runtime.inspectImage(imageId);
  if (!image) return { status: 'failed', reason: `image ${imageId} is not in the Docker Engine`, infrastructure: true };
  const engine = await ctx.runtime.info(ctx.signal);
  const results: CheckResult[] = [];
  let container: ContainerHandle | undefined;
  let timedOut = false;
  const start = async () => {
    container = await ctx.runtime.startIdle({ image: imageId, labels: { ...ctx.labels }, ...(ctx.image.checkUser ? { user: ctx.image.checkUser } : {}) }, ctx.signal);
    ctx.logger.debug('check container started', { containerId: container.id, idle: container.idle });
  };
  const probe = probeFor(ctx, () => container, image, engine, () => (timedOut = true));
  try {
    try {
      await start();
    } catch (err) {
      return { status: 'failed', reason: `cannot start a container of the image: ${describeError(err)}` };
    }
    const checks = await plannedChecks(ctx, probe);
    for (let i = 0; i < checks.length; i++) {
      if (ctx.signal.aborted) throw ctx.signal.reason;
      if (!container) {
        results.push(result(checks[i]!, { status: 'fail', reason: 'not run: no container after an earlier check timed out', command: [], exitCode: null, stdout: '', stderr: '', durationMs: 0 }));
        continue;
      }
      timedOut = false;
      results.push(await runOne(ctx, checks[i]!, probe));
      // A cancellation during the check: its result is not a verdict.
      if (ctx.signal.aborted) throw ctx.signal.reason;
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
  const today = (ctx.now?.() ?? new Date()).toISOString().slice(0, 10);
  const final = applyWaivers(ctx.image.name, results, ctx.image.waivers ?? [], today);
  const failed = final.filter(checkFails);
  const output: StageOutcome['output'] = {
    kind: 'test',
    test: { imageId, checks: final, tagged: [], image: { repoTags: image.repoTags, labels: image.labels, user: image.user, entrypoint: image.entrypoint, cmd: image.cmd, created: image.created } },
  };
  if (failed.length > 0) {
    return { status: 'failed', reason: `${failed.length} of ${final.length} checks failed: ${failed.map((c) => c.id).join(', ')}`, output };
  }
  return { status: 'succeeded', output };
}

function result({ suite, def, spec }: PlannedCheck, verdict: Omit<CheckResult, 'id' | 'title' | 'suite'>, startedAt?: Date): CheckResult {
  const severity = spec.severity ?? verdict.severity ?? def.severity;
  const controls = spec.controls ?? def.controls;
  const rationale = spec.rationale ?? def.rationale;
  const r: CheckResult = { id: def.id, title: def.title, suite, ...verdict, origin: spec.origin };
  if (severity) r.severity = severity;
  if (controls) r.controls = controls;
  if (rationale) r.rationale = rationale;
  if (startedAt) {
    r.startedAt = startedAt.toISOString();
    r.finishedAt = new Date().toISOString();
  }
  return r;
}

async function runOne(ctx: StageContext, planned: PlannedCheck, probe: ProbeContext): Promise<CheckResult> {
  const startedAt = new Date();
  let verdict: Omit<CheckResult, 'id' | 'title' | 'suite'>;
  try {
    verdict = await planned.def.run(probe);
  } catch (err) {
    if (ctx.signal.aborted) throw err;
    verdict = { status: 'fail', reason: `check could not run: ${describeError(err)}`, command: [], exitCode: null, stdout: '', stderr: '', durationMs: Date.now() - startedAt.getTime() };
  }
  const r = result(planned, verdict, startedAt);
  ctx.logger.info(`check ${r.status}: ${r.title}`, { check: r.id, status: r.status });
  return r;
}
