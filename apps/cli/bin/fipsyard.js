#!/usr/bin/env node
// The fipsyard CLI, in this very process (no child process, so signals from a terminal or
// `timeout` reach it once). When every workspace package has compiled output at least as new as
// its sources (`npm start`/`npm test` build it), that output runs: it starts about half a second
// sooner. Otherwise tsx compiles the TypeScript sources, and a small resolution hook picks the
// packages' source export condition. FIPSYARD_FROM_SOURCE=1 forces the sources.
import { readdirSync, statSync } from 'node:fs';
import { register } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../', import.meta.url));

/** Newest modification time of the files under dir (0 when it does not exist). */
function newest(dir) {
  let max = 0;
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const e of entries) {
    const p = `${dir}/${e.name}`;
    max = Math.max(max, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return max;
}

/** True when each project's dist is at least as new as its src and its package.json. */
function compiledIsFresh() {
  const projects = ['apps/cli'];
  for (const group of ['packages', 'packages/plugins']) {
    for (const e of readdirSync(`${root}${group}`, { withFileTypes: true })) {
      if (e.isDirectory() && e.name !== 'plugins') projects.push(`${group}/${e.name}`);
    }
  }
  for (const p of projects) {
    let built;
    try {
      built = statSync(`${root}${p}/dist/tsconfig.lib.tsbuildinfo`).mtimeMs;
    } catch {
      return false;
    }
    if (newest(`${root}${p}/src`) > built || statSync(`${root}${p}/package.json`).mtimeMs > built) return false;
  }
  return true;
}

if (process.env.FIPSYARD_FROM_SOURCE !== '1' && compiledIsFresh()) {
  await import('../dist/main.js');
} else {
  register('./conditions-hook.mjs', import.meta.url);
  await import('tsx/esm');
  await import('../src/main.ts');
}
