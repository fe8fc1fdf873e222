import { describeError, isInfrastructureError, type PipelineSpec, type StageOutcome } from '@fipsyard/core';
import type { ContainerRuntime, RegistryAuth } from '@fipsyard/plugin-api';

/**
 * Registry mode: images move between engines through a registry, pinned by digest. A build
 * pushes its image as `<registry>/<pipeline>/<image>:run-<runId>`; whoever needs it next (a
 * derived build, a test stage on another engine) pulls exactly that digest; tags are pushed only
 * once the image passed every check.
 */
export interface RegistryTarget {
  /** `host[:port]`, as the engine addresses it. */
  host: string;
  /** Repository path prefix inside the registry (may be empty). */
  prefix: string;
}

export function registryTargetOf(pipeline: Pick<PipelineSpec, 'registry'>): RegistryTarget | undefined {
  if (!pipeline.registry) return undefined;
  const [host = '', ...rest] = pipeline.registry.replace(/^[a-z]+:\/\//i, '').replace(/\/+$/, '').split('/');
  return { host, prefix: rest.join('/') };
}

/** Repository names must be lowercase path components. */
function component(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, '') || 'x';
}

/** The per-run reference a built image is pushed as (without the registry host). */
export function runRef(target: RegistryTarget, pipeline: string, image: string, runId: string): string {
  return `${target.prefix ? `${target.prefix}/` : ''}${component(pipeline)}/${component(image)}:run-${runId}`;
}

/** Pushes a built image; returns the build outcome with its digest and pinned reference. */
export async function pushBuilt(runtime: ContainerRuntime, target: RegistryTarget, ref: string, outcome: StageOutcome, auth: RegistryAuth | undefined, signal: AbortSignal): Promise<StageOutcome> {
  if (outcome.status !== 'succeeded' || outcome.output?.kind !== 'build') return outcome;
  const build = outcome.output.build;
  try {
    const pushed = await runtime.pushImage(build.imageId, ref, { registry: target.host, signal, ...(auth ? { auth } : {}) });
    return { ...outcome, output: { kind: 'build', build: { ...build, digest: pushed.digest, pinned: pushed.pinned } } };
  } catch (err) {
    return { ...outcome, status: 'failed', reason: `built, but pushing to ${target.host} failed: ${describeError(err)}`, infrastructure: isInfrastructureError(err) };
  }
}

/**
 * Makes sure this engine has the image a stage needs: present already, or pulled by its digest.
 * The pulled image must have the very image ID recorded when it was built (IDs are content hashes).
 * Returns a failure reason, or undefined when the image is here.
 */
export async function ensureLocal(runtime: ContainerRuntime, what: string, imageId: string, pinned: string | undefined, auth: RegistryAuth | undefined, signal: AbortSignal, log: (line: string) => void): Promise<string | undefined> {
  if (await runtime.inspectImage(imageId)) return undefined;
  if (!pinned) return `${what} ${imageId} is not on this engine and no registry digest was recorded for it`;
  log(`pulling ${what} ${pinned}`);
  const pulled = await runtime.pullImage(pinned, { signal, ...(auth ? { auth } : {}) });
  if (pulled.imageId !== imageId) return `pulled ${pinned}, but it is image ${pulled.imageId}, not ${imageId} as built`;
  return undefined;
}
