import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv2020 from 'ajv/dist/2020.js';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { pipelineJsonSchema } from '../src/index.js';

const ROOT = fileURLToPath(new URL('../../../pipelines/', import.meta.url));

function pipelineFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? pipelineFiles(path.join(dir, e.name)) : e.name.endsWith('.yaml') ? [path.join(dir, e.name)] : []));
}

describe('the generated JSON Schema', () => {
  const ajv = new Ajv2020.default({ strict: false, allErrors: true });
  const validate = ajv.compile(pipelineJsonSchema());

  it('accepts every pipeline file in the repository', () => {
    const files = pipelineFiles(ROOT);
    expect(files.length).toBeGreaterThan(2);
    for (const f of files) {
      const ok = validate(parse(readFileSync(f, 'utf8')));
      expect(ok, `${f}: ${JSON.stringify(validate.errors)}`).toBe(true);
    }
  });

  it('rejects what the loader rejects: unknown keys, wrong types, bad names', () => {
    expect(validate({ version: 1, images: { a: { context: 'x', tgas: [] } } })).toBe(false);
    expect(validate({ version: 1, images: { a: { context: 'x', tags: 'x' } } })).toBe(false);
    expect(validate({ version: 1, images: { Bad: { context: 'x' } } })).toBe(false);
    expect(validate({ version: 2, images: { a: { context: 'x' } } })).toBe(false);
    expect(validate({ version: 1, images: { a: { context: 'x', checks: [{ suite: 'openssl-fips' }, { id: 'c', command: ['x'] }] } } })).toBe(true);
  });
});
