import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The tool's version, from apps/cli/package.json. */
export const TOOL_VERSION: string = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;

let fingerprint: string | undefined;

/**
 * The version plus a hash of the code that decides verdicts (the check plugins, their probes, the
 * module table, the probe kit): an input of the verdict cache key, so a changed check invalidates
 * cached verdicts even before a version bump. Builds key on the version alone: the engine builds.
 */
export function toolFingerprint(): string {
  if (fingerprint === undefined) {
    const root = fileURLToPath(new URL('../../../', import.meta.url));
    const h = createHash('sha256');
    // Sources only: build outputs (dist, out-tsc) are rewritten by every type-check.
    const plugins = readdirSync(path.join(root, 'packages/plugins')).sort().map((p) => `packages/plugins/${p}/src`);
    for (const dir of [...plugins, 'packages/plugin-api/src']) hashTree(h, root, dir);
    fingerprint = `${TOOL_VERSION}+${h.digest('hex').slice(0, 16)}`;
  }
  return fingerprint;
}

function hashTree(h: ReturnType<typeof createHash>, root: string, rel: string): void {
  let names: string[];
  try {
    names = readdirSync(path.join(root, rel)).sort();
  } catch {
    return;
  }
  for (const name of names) {
    if (name === 'node_modules' || name === 'test' || name === 'dist' || name === 'out-tsc' || name.startsWith('.')) continue;
    const sub = `${rel}/${name}`;
    if (!name.includes('.')) hashTree(h, root, sub);
    else if (/\.(ts|mts|js|mjs|json|sh)$/.test(name) && !name.endsWith('.test.ts')) {
      try {
        h.update(`${sub}\0`).update(readFileSync(path.join(root, sub))).update('\0');
      } catch {
        hashTree(h, root, sub); // a directory with a dot in its name
      }
    }
  }
}
