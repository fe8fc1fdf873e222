import { describeError, type StageOutcome } from '@fipsyard/core';
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { definePlugin, LABELS, type StageContext } from '@fipsyard/plugin-api';
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
    ctx.logger.info('building', { context: image.context, dockerfile: image.dockerfile });
    const result = await runtime.build(
      { context: image.context, dockerfile: image.dockerfile, args, secretArgs: image.secretArgs, labels, onLog: (l) => ctx.buildLog(l) },
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
    return { status: 'succeeded', output };
  },
});

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
