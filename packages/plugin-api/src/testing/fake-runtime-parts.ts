import type { ContainerRuntime } from '../runtime.js';

/**
 * Container runtime calls that in-memory fakes do not exercise, written once: a fake takes them
 * as fields (`pushImage = noRegistry.pushImage`) instead of repeating the stubs.
 */
export const noRegistry: Pick<ContainerRuntime, 'pushImage' | 'pullImage' | 'imageDigests'> = {
  async pushImage(): Promise<never> {
    throw new Error('fake runtime: registry mode (pushImage) is not supported');
  },
  async pullImage(): Promise<never> {
    throw new Error('fake runtime: registry mode (pullImage) is not supported');
  },
  async imageDigests(): Promise<string[]> {
    return [];
  },
};

/** Build-cache lookups for fakes that never build: a constant context hash, no cached image. */
export const noBuildCache: Pick<ContainerRuntime, 'hashContext' | 'findImageByLabel'> = {
  async hashContext(): Promise<string> {
    return 'sha256:context';
  },
  async findImageByLabel(): Promise<undefined> {
    return undefined;
  },
};
