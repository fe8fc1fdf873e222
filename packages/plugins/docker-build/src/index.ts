import { describeError, type CacheHit, type StageOutcome } from '@fipsyard/core';
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { definePlugin, LABELS, type ImageInfo, type StageContext } from '@fipsyard/plugin-api';
import { buildCacheKey, type BuildInputs } from './cache-key.js';
import { externalFromRefs } from './from-refs.js';

/**
 * Builds an image with the Docker Engine. A derived image gets its parent's exact image ID in
 * `parentArg` (default BASE_IMAGE), and is verified afterwards to sit on the parent's layers.
 */
export const dockerBuildPlugin = definePlugin({
  name: 'docker-build',
  kind: 'build',
  async run(ctx: StageContext): Promise<StageOutcome> {
    const { image, runtime } = ctx;
    const args = { ...image.args };
    const labels: Record<string, string> = { ...image.labels, ...ctx.labels, [LABELS.image]: image.name };
    if (image.parent !== undefined) {
      if (!ctx.parentImageId) return { status: 'failed', reason: `no image ID recorded for parent "${image.parent}"` };
      args[image.parentArg] = ctx.parentImageId;
      labels[LABELS.parentImage] = ctx.parentImageId;
      labels[LABELS.parentName] = image.parent;
    }
    const { key, sound } = await cacheKey(ctx, args);
    labels[LABELS.buildKey] = key;
    // An external image the engine does not have yet is pulled by the build as whatever it is
    // then: the key cannot name it, so nothing is reused (and the new image is not indexed).
    if (ctx.useCache !== false && sound) {
      const hit = await findBuilt(ctx, key);
      // An image whose lineage check failed carries the key too: it is never reused.
      if (hit && !(ctx.parentImageId && (await verifyLineage(ctx, hit.id, ctx.parentImageId)))) return reuse(ctx, hit, key);
    }
    ctx.logger.info('building', { context: image.context, dockerfile: image.dockerfile, key });
    const result = await runtime.build(
      {
        context: image.context,
        dockerfile: image.dockerfile,
        args,
        secretArgs: image.secretArgs,
        labels,
        ...(ctx.engineCache === false ? { noCache: true } : {}),
        onLog: (l) => ctx.buildLog(l),
      },
      ctx.signal,
    );
    if (result.status === 'failed') {
      const missing = result.infrastructure ? await missingBaseImages(ctx, args) : [];
      return {
        status: 'failed',
        reason: missing.length
          ? `cannot pull ${missing.join(', ')}: not in the local Docker Engine and the registry is unreachable (${result.error})`
          : `build failed: ${result.error}`,
        infrastructure: result.infrastructure,
        log: result.logTail,
      };
    }
    const output: StageOutcome['output'] = { kind: 'build', build: { imageId: result.imageId, logTail: result.logTail } };
    if (ctx.parentImageId) output.build.parentImageId = ctx.parentImageId;
    if (ctx.parentImageId) {
      const lineage = await verifyLineage(ctx, result.imageId, ctx.parentImageId);
      if (lineage) return { status: 'failed', reason: lineage, output, log: result.logTail };
    }
    // Indexed only once it is known good: a failed build is never found again by its key.
    if (sound) await ctx.buildIndex?.set(key, result.imageId).catch((err: unknown) => ctx.logger.warn(`could not record the build in the cache index: ${describeError(err)}`));
    return { status: 'succeeded', output };
  },
});

/** The build's input hash: context, Dockerfile, args, labels, parent and FROM image IDs, tool. */
async function cacheKey(ctx: StageContext, args: Record<string, string>): Promise<{ key: string; sound: boolean }> {
  const { image, runtime } = ctx;
  const contextHash = await runtime.hashContext(image.context, image.dockerfile);
  const fromImages: Record<string, string> = {};
  let dockerfile = '';
  try {
    dockerfile = await readFile(path.join(image.context, image.dockerfile), 'utf8');
  } catch {
    // The build reports a missing Dockerfile; the key only needs to be stable.
  }
  for (const ref of externalFromRefs(dockerfile, args)) fromImages[ref] = (await runtime.inspectImage(ref))?.id ?? 'missing';
  const inputs: BuildInputs = {
    toolVersion: ctx.toolVersion ?? 'unknown',
    contextHash,
    dockerfile: image.dockerfile,
    args,
    secretArgs: image.secretArgs,
    labels: image.labels,
    fromImages,
  };
  if (ctx.parentImageId) inputs.parentImageId = ctx.parentImageId;
  return { key: buildCacheKey(inputs), sound: !Object.values(fromImages).includes('missing') };
}

/**
 * The image built earlier from this key, if the engine still has it and it carries the key: the
 * index is only a pointer. Without an index, the engine is searched by label.
 */
async function findBuilt(ctx: StageContext, key: string): Promise<ImageInfo | undefined> {
  if (!ctx.buildIndex) return ctx.runtime.findImageByLabel(LABELS.buildKey, key);
  const id = await ctx.buildIndex.get(key).catch(() => undefined);
  if (!id) return undefined;
  const image = await ctx.runtime.inspectImage(id);
  return image?.labels[LABELS.buildKey] === key ? image : undefined;
}

/** An image built earlier from the same inputs: reported as cached, nothing is built. */
async function reuse(ctx: StageContext, hit: ImageInfo, key: string): Promise<StageOutcome> {
  const builtBy = hit.labels[LABELS.run];
  const line = `cached: image ${hit.id} has the same inputs (${key.slice(0, 19)}…)${builtBy ? `, built by run ${builtBy}` : ''}`;
  ctx.buildLog(line);
  ctx.logger.info(line);
  const output: StageOutcome['output'] = { kind: 'build', build: { imageId: hit.id, logTail: [line] } };
  if (ctx.parentImageId) output.build.parentImageId = ctx.parentImageId;
  const cached: CacheHit = { key, at: hit.created };
  if (builtBy) cached.runId = builtBy;
  return { status: 'succeeded', output, cached };
}

/** The external FROM images of the Dockerfile that the engine does not have. */
async function missingBaseImages(ctx: StageContext, args: Record<string, string>): Promise<string[]> {
  try {
    const text = await readFile(path.join(ctx.image.context, ctx.image.dockerfile), 'utf8');
    const refs = externalFromRefs(text, args);
    const present = await Promise.all(refs.map((r) => ctx.runtime.inspectImage(r)));
    return refs.filter((_, i) => present[i] === undefined);
  } catch {
    return [];
  }
}

/** A derived image's layers must start with all of its parent's layers. */
async function verifyLineage(ctx: StageContext, imageId: string, parentId: string): Promise<string | undefined> {
  try {
    const [child, parent] = await Promise.all([ctx.runtime.inspectImage(imageId), ctx.runtime.inspectImage(parentId)]);
    if (!child || !parent) return `cannot inspect ${!child ? imageId : parentId} to verify the image is built on its parent`;
    const prefix = child.layers.slice(0, parent.layers.length);
    if (prefix.length !== parent.layers.length || prefix.some((l, i) => l !== parent.layers[i])) {
      return `image is not built on its parent ${parentId}: its layers do not start with the parent's (does the Dockerfile use FROM \${${ctx.image.parentArg}}?)`;
    }
    return undefined;
  } catch (err) {
    return `cannot verify the image is built on its parent: ${describeError(err)}`;
  }
}

export { externalFromRefs } from './from-refs.js';
export { buildCacheKey, type BuildInputs } from './cache-key.js';
