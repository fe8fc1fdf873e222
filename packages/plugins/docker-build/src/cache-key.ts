import { contentKey } from '@fipsyard/core';

/** Everything a build reads. Two builds with equal inputs give equivalent images. */
export interface BuildInputs {
  toolVersion: string;
  /** Content hash of the context after `.dockerignore` (the Dockerfile is part of it). */
  contextHash: string;
  dockerfile: string;
  /** Build args as sent, the parent's image ID included. */
  args: Record<string, string>;
  /**
   * Names of secret args. Their values are left out on purpose: the key is stored on the image as
   * a label, and a hash of a short secret can be guessed. Rotate a secret with `--no-cache`.
   */
  secretArgs: readonly string[];
  /** Labels the pipeline sets on the image. */
  labels: Record<string, string>;
  /** The parent's exact image ID, for a derived image. */
  parentImageId?: string;
  /** External FROM images and the engine's image ID for each (`missing` when absent). */
  fromImages: Record<string, string>;
}

/**
 * The build cache key: a SHA-256 over a canonical JSON of the inputs (keys sorted, secret values
 * dropped). Run-specific labels (run id, stage) are not inputs: they do not change what is built.
 */
export function buildCacheKey(inputs: BuildInputs): string {
  const secret = new Set(inputs.secretArgs);
  const args = Object.fromEntries(Object.entries(inputs.args).map(([k, v]) => [k, secret.has(k) ? '<secret>' : v]));
  return contentKey({ schema: 'fipsyard-build/1', ...inputs, args, secretArgs: [...inputs.secretArgs].sort() });
}
