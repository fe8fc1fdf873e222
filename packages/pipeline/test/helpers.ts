import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadPipelineFile, projectRoot, type LoadOptions } from '../src/index.js';

export const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));

/** Writes `text` as a pipeline file next to the fixtures (contexts resolve against them). */
export function load(text: string, options: LoadOptions = {}) {
  const dir = mkdtempSync(path.join(tmpdir(), 'fy-pipeline-'));
  const file = path.join(dir, 'pipeline.yaml');
  writeFileSync(file, text.replaceAll('@FIX@', FIXTURES.replace(/\/$/, '')));
  // The file lives in a temporary directory; its contexts are the repository's fixtures.
  return { file, ...loadPipelineFile(file, { knownSuites: ['openssl-fips'], root: projectRoot(FIXTURES), ...options }) };
}

export function messages(r: { errors: { message: string }[] }): string[] {
  return r.errors.map((e) => e.message);
}
