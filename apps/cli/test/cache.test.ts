import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import Docker from 'dockerode';
import { afterAll, describe, expect, it } from 'vitest';
import type { RunReport } from '@fipsyard/report';
import { fipsyard } from './cli.js';

// The build cache and the cascade, end to end: the real CLI, the real engine, real images, and
// the private Redis snapshot carried from one run to the next as a user's would be.
const docker = new Docker();
const id = `c${process.pid}${Date.now().toString(36)}`;
const dir = mkdtempSync(path.join(tmpdir(), 'fy-cache-'));
const stateDir = path.join(dir, 'state');

const files: Record<string, string> = {
  'pipeline.yaml': `version: 1
name: cache-${id}
images:
  base:
    context: ./base
    tags: ["fipsyard-cache-test/${id}-base:latest"]
    checks:
      - id: base-marker
        command: [cat, /base.txt]
        expect: { stdout: '^base' }
  a:
    parent: base
    context: ./a
    checks:
      - id: a-marker
        command: [cat, /a.txt]
        expect: { stdout: '^a' }
  b:
    parent: base
    context: ./b
    checks:
      - id: b-marker
        command: [cat, /b.txt]
        expect: { stdout: '^b' }
  c:
    parent: a
    context: ./c
`,
  'base/Dockerfile': 'FROM debian:trixie-slim\nCOPY base.txt /base.txt\n',
  'base/base.txt': 'base 1\n',
  'a/Dockerfile': 'ARG BASE_IMAGE\nFROM ${BASE_IMAGE}\nCOPY a.txt /a.txt\n',
  'a/a.txt': 'a 1\n',
  'b/Dockerfile': 'ARG BASE_IMAGE\nFROM ${BASE_IMAGE}\nCOPY b.txt /b.txt\n',
  'b/b.txt': 'b 1\n',
  'b/.dockerignore': 'notes.md\n',
  'c/Dockerfile': 'ARG BASE_IMAGE\nFROM ${BASE_IMAGE}\nRUN echo c > /c.txt\n',
};
for (const [rel, content] of Object.entries(files)) {
  mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
  writeFileSync(path.join(dir, rel), content);
}

afterAll(async () => {
  const images = await docker.listImages({ all: true, filters: { label: [`dev.fipsyard.pipeline=cache-${id}`] } });
  for (const img of images) await docker.getImage(img.Id).remove({ force: true }).catch(() => undefined);
  rmSync(dir, { recursive: true, force: true });
});

let runs = 0;
/** Runs the pipeline with the cache on; returns which stages were cached and the report. */
async function run(...extra: string[]): Promise<{ cached: string[]; fresh: string[]; report: RunReport }> {
  runs += 1;
  const reportDir = path.join(dir, `out-${runs}`);
  const r = await fipsyard(['run', path.join(dir, 'pipeline.yaml'), '--root', dir, '--report-dir', reportDir, ...extra], { FIPSYARD_CACHE: 'on', FIPSYARD_STATE_DIR: stateDir });
  expect(r.code, r.stdout + r.stderr).toBe(0);
  const report = JSON.parse(readFileSync(path.join(reportDir, 'report.json'), 'utf8')) as RunReport;
  return { cached: report.stages.filter((s) => s.cached).map((s) => s.id).sort(), fresh: report.stages.filter((s) => !s.cached).map((s) => s.id).sort(), report };
}

const ALL = ['build-a', 'build-b', 'build-base', 'build-c', 'test-a', 'test-b', 'test-base', 'test-c'];

describe('the build cache (real engine)', () => {
  it('builds everything the first time, and reuses everything when nothing changed', async () => {
    const first = await run();
    expect(first.cached).toEqual([]);
    const second = await run();
    expect(second.cached).toEqual(ALL);
    // The reused verdict points at the run that checked it, and its evidence.
    const t = second.report.stages.find((s) => s.id === 'test-b')!;
    expect(t.cached).toMatchObject({ runId: first.report.runId, evidenceDir: path.join(dir, 'out-1') });
    expect(second.report.images.find((i) => i.name === 'b')!.checks.map((c) => `${c.id}:${c.status}`).sort()).toEqual(['b-marker:pass', 'base-marker:pass']);
    // Same image IDs as the run that built them.
    expect(second.report.images.map((i) => i.imageId)).toEqual(first.report.images.map((i) => i.imageId));
  });

  it('ignores changes that are not inputs: file times, files .dockerignore leaves out', async () => {
    writeFileSync(path.join(dir, 'b/b.txt'), 'b 1\n'); // same bytes, new mtime
    writeFileSync(path.join(dir, 'b/notes.md'), 'not sent to the engine');
    expect((await run()).cached).toEqual(ALL);
  });

  it('a changed derived context rebuilds and re-checks only that image', async () => {
    appendFileSync(path.join(dir, 'b/b.txt'), 'more\n');
    expect((await run()).fresh).toEqual(['build-b', 'test-b']);
  });

  it('a changed image with a child rebuilds it and its descendants, nothing else', async () => {
    appendFileSync(path.join(dir, 'a/a.txt'), 'more\n');
    expect((await run()).fresh).toEqual(['build-a', 'build-c', 'test-a', 'test-c']);
  });

  it('a changed check definition re-checks the image without rebuilding it', async () => {
    const p = path.join(dir, 'pipeline.yaml');
    writeFileSync(p, readFileSync(p, 'utf8').replace("expect: { stdout: '^b' }", "expect: { stdout: '^b 1' }"));
    expect((await run()).fresh).toEqual(['test-b']);
  });

  it('a changed build arg rebuilds that image and its descendants', async () => {
    const p = path.join(dir, 'pipeline.yaml');
    writeFileSync(p, readFileSync(p, 'utf8').replace('    context: ./a\n', '    context: ./a\n    args: { FLAVOUR: x }\n'));
    expect((await run()).fresh).toEqual(['build-a', 'build-c', 'test-a', 'test-c']);
  });

  it('never reports cached for an image the engine no longer has', async () => {
    const before = await run();
    const bId = before.report.images.find((i) => i.name === 'b')!.imageId!;
    await docker.getImage(bId).remove({ force: true });
    const after = await run();
    expect(after.fresh).toEqual(['build-b', 'test-b']);
    expect(after.report.images.find((i) => i.name === 'b')!.imageId).not.toBe(bId);
  });

  it('a changed base rebuilds and re-checks everything', async () => {
    appendFileSync(path.join(dir, 'base/base.txt'), 'more\n');
    expect((await run()).cached).toEqual([]);
  });

  it('--no-cache rebuilds and re-checks everything', async () => {
    expect((await run()).cached).toEqual(ALL);
    expect((await run('--no-cache')).cached).toEqual([]);
  });
});
