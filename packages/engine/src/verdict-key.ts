import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { contentKey, type ImageSpec, type PluginRef } from '@fipsyard/core';
import { resolvePluginFile } from './plugins.js';

/** Everything a test stage's verdict depends on. */
export interface VerdictInputs {
  toolVersion: string;
  /** The exact image checked. */
  imageId: string;
  image: Pick<ImageSpec, 'checks' | 'waivers' | 'checkUser'>;
  /** `YYYY-MM-DD` (UTC): a waiver that has expired since must not keep a cached pass alive. */
  today: string;
  /** Check plugins, each with a hash of its module file. */
  plugins: { specifier: string; sha256: string }[];
  /** The host the checks ran on: kernel-dependent verdicts (fips_enabled) change with it. */
  host: { kernelFipsEnabled: string | null; kernelVersion: string; architecture: string };
}

/**
 * The verdict cache key. Tags, labels, timeouts and the image's name are not inputs: they do not
 * change what the checks find. Waivers enter with whether each still holds today.
 */
export function verdictCacheKey(inputs: VerdictInputs): string {
  const { today, image, ...rest } = inputs;
  const waivers = image.waivers.map((w) => ({ ...w, holds: w.expires >= today }));
  return contentKey({ schema: 'fipsyard-verdict/1', ...rest, checks: image.checks, waivers, checkUser: image.checkUser ?? null });
}

/** A plugin reference with the hash of the file it loads (`unresolved` when it cannot be found). */
export function pluginFingerprints(refs: readonly PluginRef[]): { specifier: string; sha256: string }[] {
  return refs.map((ref) => {
    try {
      return { specifier: ref.specifier, sha256: createHash('sha256').update(readFileSync(resolvePluginFile(ref))).digest('hex') };
    } catch {
      return { specifier: ref.specifier, sha256: 'unresolved' };
    }
  });
}
