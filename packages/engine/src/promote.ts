import { describeError, type StageOutcome } from '@fipsyard/core';
import type { ContainerRuntime, RegistryAuth } from '@fipsyard/plugin-api';
import type { RunSnapshot } from '@fipsyard/report';
import { ensureLocal, registryTargetOf } from './registry-mode.js';

export interface Promotion {
  image: string;
  imageId: string;
  /** Tags applied on the promoting engine. */
  tagged: string[];
  /** Registry mode: the tags pushed, as `<registry>/<tag>`. */
  pushed: string[];
  error?: string;
}

/**
 * Release tags move once, at the end of a run, and only when the whole run passed: every image
 * built, every check of every image passed (or was waived). A run that failed anywhere, or was
 * cancelled, moves no tag at all, not even those of images that passed on their own.
 *
 * For each image with `tags:`, in pipeline order (parents first): the image is made local to the
 * promoting engine (registry mode: pulled by the digest recorded at build, and checked to be the
 * very image ID built), each tag is applied, then (registry mode) pushed. The results are written
 * into the snapshot's test stages (`tagged`, `pushed`), so the report shows them; a promotion
 * that fails marks that image's test stage failed, with the reason, and the run failed.
 */
export async function promoteRun(
  snapshot: RunSnapshot,
  runtime: ContainerRuntime,
  options: { auth?: RegistryAuth; signal?: AbortSignal; log?: (line: string) => void } = {},
): Promise<Promotion[]> {
  if (snapshot.status !== 'passed') return [];
  const signal = options.signal ?? new AbortController().signal;
  const log = options.log ?? (() => undefined);
  const registry = registryTargetOf(snapshot.pipeline);
  const stage = (id: string) => snapshot.stages.find((s) => s.id === id);
  const out: Promotion[] = [];
  for (const image of snapshot.pipeline.images) {
    if (image.tags.length === 0) continue;
    const build = stage(`build-${image.name}`)?.outcome?.output;
    const test = stage(`test-${image.name}`);
    const testOut = test?.outcome?.output;
    if (build?.kind !== 'build' || !test?.outcome || testOut?.kind !== 'test') continue;
    const p: Promotion = { image: image.name, imageId: build.build.imageId, tagged: [], pushed: [] };
    out.push(p);
    try {
      if (registry) {
        const missing = await ensureLocal(runtime, `image ${image.name}`, build.build.imageId, build.build.pinned, options.auth, signal, log);
        if (missing) throw new Error(missing);
      }
      for (const tag of image.tags) {
        await runtime.tagImage(build.build.imageId, tag);
        p.tagged.push(tag);
      }
      if (registry) {
        for (const tag of image.tags) {
          const pushed = await runtime.pushImage(build.build.imageId, tag, { registry: registry.host, signal, ...(options.auth ? { auth: options.auth } : {}) });
          p.pushed.push(pushed.tagged);
        }
      }
    } catch (err) {
      p.error = `checks passed, but promoting failed after ${p.tagged.length ? `tagging ${p.tagged.join(', ')}` : 'no tag'}${p.pushed.length ? ` and pushing ${p.pushed.join(', ')}` : ''}: ${describeError(err)}`;
    }
    testOut.test.tagged = p.tagged;
    if (registry) testOut.test.pushed = p.pushed;
    if (p.error) {
      const failed: StageOutcome = { ...test.outcome, status: 'failed', reason: p.error, infrastructure: true };
      test.outcome = failed;
      test.state = 'failed';
      test.reason = p.error;
      snapshot.status = 'failed';
      log(`promote ${image.name}: ${p.error}`);
    } else {
      log(`promoted ${image.name}: ${[...p.tagged, ...p.pushed].join(', ')}`);
    }
  }
  return out;
}
