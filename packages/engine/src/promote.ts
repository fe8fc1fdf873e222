import { describeError, type StageOutcome } from '@fipsyard/core';
import type { ContainerRuntime, RegistryAuth } from '@fipsyard/plugin-api';
import type { RunSnapshot } from '@fipsyard/report';
import { ensureLocal, registryTargetOf } from './registry-mode.js';

/** Images promoted at once: tagging is quick, pushing is bound by the registry. */
const PROMOTE_AT_ONCE = 4;

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
 * For each image with `tags:` (a few at a time): the image is made local to the promoting engine
 * (registry mode: pulled by the digest recorded at build, and checked to be the very image ID
 * built), each tag is applied, then (registry mode) pushed. The results are written
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
  const one = async (image: RunSnapshot['pipeline']['images'][number]): Promise<Promotion | undefined> => {
    const build = stage(`build-${image.name}`)?.outcome?.output;
    const test = stage(`test-${image.name}`);
    const testOut = test?.outcome?.output;
    if (build?.kind !== 'build' || !test?.outcome || testOut?.kind !== 'test') return undefined;
    const p: Promotion = { image: image.name, imageId: build.build.imageId, tagged: [], pushed: [] };
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
    return p;
  };
  // Images are independent here (every check already passed): a few at a time, results in
  // pipeline order.
  const tagged = snapshot.pipeline.images.filter((i) => i.tags.length > 0);
  const results: (Promotion | undefined)[] = new Array(tagged.length);
  let next = 0;
  const lane = async () => {
    while (next < tagged.length) {
      const i = next++;
      results[i] = await one(tagged[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(PROMOTE_AT_ONCE, tagged.length) }, lane));
  return results.filter((p): p is Promotion => p !== undefined);
}
