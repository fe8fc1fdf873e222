import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fipsyard } from './cli.js';

// Matrix variants through the real command; no Docker needed (pipelines/examples/matrix.yaml
// builds for real with `fipsyard run`, in about 1.5 minutes here).
describe('fipsyard validate and plan with a matrix', () => {
  it('validates the example and shows each variant with its values', async () => {
    expect((await fipsyard(['validate', 'pipelines/examples/matrix.yaml'])).stdout).toMatch(/valid \(3 images/);
    const plan = await fipsyard(['plan', 'pipelines/examples/matrix.yaml']);
    expect(plan.code).toBe(0);
    expect(plan.stdout).toMatch(/build-tools-curl\s+after build-base, test-base\s+\[tools: TOOL=curl\]/);
    expect(plan.stdout).toMatch(/build-tools-socat\s+after build-base, test-base\s+\[tools: TOOL=socat\]/);
    const json = JSON.parse((await fipsyard(['plan', 'pipelines/examples/matrix.yaml', '--json'])).stdout) as { images: { name: string; args: Record<string, string>; matrix?: unknown }[] };
    expect(json.images.find((i) => i.name === 'tools-socat')).toMatchObject({ args: { TOOL: 'socat' }, matrix: { declaredAs: 'tools', values: { TOOL: 'socat' } } });
  });

  it('exits 2 on a parent naming the matrix declaration, at its line, with a hint', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'fy-matrix-'));
    const file = path.join(dir, 'pipeline.yaml');
    writeFileSync(file, 'version: 1\nimages:\n  tools:\n    context: .\n    matrix: { TOOL: [curl, socat] }\n  app:\n    parent: tools\n    context: .\n');
    writeFileSync(path.join(dir, 'Dockerfile'), 'ARG BASE_IMAGE\nFROM ${BASE_IMAGE}\n');
    const r = await fipsyard(['validate', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${file}:7:13: error: parent "tools" of image "app" is a matrix declaration`);
    expect(r.stderr).toMatch(/hint: name one variant, e\.g\. parent: tools-socat/);
  });
});
