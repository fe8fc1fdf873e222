import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import Docker from 'dockerode';
import { describe, expect, it } from 'vitest';
import { startEmbeddedRedis } from '@fipsyard/queue';
import type { RunReport } from '@fipsyard/report';
import { fipsyard, REPO } from './cli.js';

// End to end: the real CLI, a private Redis, the real Docker Engine, real images.
const docker = new Docker();

function workspace(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'fy-e2e-'));
  for (const [rel, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), content);
  }
  // The FIPS base's build context, copied in: build contexts must stay inside the project.
  cpSync(path.join(REPO, 'images', 'fips-base'), path.join(dir, 'fips-base'), { recursive: true });
  return dir;
}

function readReport(dir: string): RunReport {
  return JSON.parse(readFileSync(path.join(dir, 'report.json'), 'utf8')) as RunReport;
}

async function containersOf(runId: string): Promise<number> {
  return (await docker.listContainers({ all: true, filters: { label: [`dev.fipsyard.run=${runId}`] } })).length;
}

const SMALL = {
  'pipeline.yaml': `version: 1
name: small
images:
  base:
    context: ./fips-base
    tags: ["fipsyard-e2e/base:\${TAG:-test}"]
    checks:
      - suite: fips
  app:
    parent: base
    context: ./app
    checks:
      - suite: fips
      - id: marker
        title: The app marker file is there
        command: [cat, /marker]
        expect: { stdout: '^app$' }
`,
  'app/Dockerfile': 'ARG BASE_IMAGE\nFROM ${BASE_IMAGE}\nRUN echo app > /marker\n',
};

describe('fipsyard run (end to end)', () => {
  it('builds a FIPS base and a derived image on exactly that base, checks both, reports, leaves nothing', async () => {
    const dir = workspace(SMALL);
    const reportDir = path.join(dir, 'out');
    const r = await fipsyard(['run', path.join(dir, 'pipeline.yaml'), '--report-dir', reportDir, '--var', 'TAG=e2e']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/ok\s+build base/);
    expect(r.stdout).toMatch(/ok\s+test\s+app/);
    const report = readReport(reportDir);
    expect(report.status).toBe('passed');
    expect(report.stages.map((s) => `${s.id}:${s.status}`)).toEqual(['build-base:succeeded', 'test-base:succeeded', 'build-app:succeeded', 'test-app:succeeded']);
    for (const s of report.stages) expect(s).toMatchObject({ worker: expect.any(String), startedAt: expect.any(String), finishedAt: expect.any(String) });
    const base = report.images.find((i) => i.name === 'base')!;
    const app = report.images.find((i) => i.name === 'app')!;
    expect(app.parentImageId).toBe(base.imageId);
    expect(base.tagged).toEqual(['fipsyard-e2e/base:e2e']);
    expect(app.checks.find((c) => c.id === 'marker')).toMatchObject({ status: 'pass', command: ['cat', '/marker'], exitCode: 0, stdout: 'app\n' });
    expect(base.checks.find((c) => c.id === 'openssl-md5-refused')?.status).toBe('pass');
    // The derived image's layers start with all of the base's layers.
    const [bi, ai] = await Promise.all([docker.getImage(base.imageId!).inspect(), docker.getImage(app.imageId!).inspect()]);
    expect(ai.RootFS.Layers!.slice(0, bi.RootFS.Layers!.length)).toEqual(bi.RootFS.Layers);
    expect(readFileSync(path.join(reportDir, 'junit.xml'), 'utf8')).toContain('<testsuite name="app"');
    expect(await containersOf(report.runId)).toBe(0);
  });

  it('fails a plain-OpenSSL image on the provider and MD5 checks, with MD5 computed in the evidence', async () => {
    const reportDir = mkdtempSync(path.join(tmpdir(), 'fy-e2e-report-'));
    const r = await fipsyard(['run', 'pipelines/examples/not-fips.yaml', '--report-dir', reportDir]);
    expect(r.code, r.stdout + r.stderr).toBe(1);
    const report = readReport(reportDir);
    const checks = report.images[0]!.checks;
    expect(checks.find((c) => c.id === 'openssl-fips-provider-active')?.status).toBe('fail');
    const md5 = checks.find((c) => c.id === 'openssl-md5-refused')!;
    expect(md5.status).toBe('fail');
    expect(md5.exitCode).toBe(0);
    expect(md5.stdout).toContain('d41d8cd98f00b204e9800998ecf8427e');
    expect(await containersOf(report.runId)).toBe(0);
  });

  it('reports a failing RUN with the daemon message, skips its dependents by name, runs other branches', async () => {
    const reportDir = mkdtempSync(path.join(tmpdir(), 'fy-e2e-report-'));
    const r = await fipsyard(['run', 'pipelines/examples/broken-build.yaml', '--report-dir', reportDir]);
    expect(r.code, r.stdout + r.stderr).toBe(1);
    const report = readReport(reportDir);
    const stage = (id: string) => report.stages.find((s) => s.id === id)!;
    expect(stage('build-broken')).toMatchObject({ status: 'failed', reason: expect.stringMatching(/returned a non-zero code/) });
    expect(stage('build-broken').log?.join('\n')).toContain('about to fail');
    expect(stage('build-broken-child')).toMatchObject({ status: 'skipped', reason: expect.stringContaining('build-broken') });
    expect(stage('test-broken-child')).toMatchObject({ status: 'skipped', reason: expect.stringContaining('build-broken') });
    expect(stage('test-fine').status).toBe('succeeded');
    expect(await containersOf(report.runId)).toBe(0);
  });

  it('ends the Amazon Linux 2 recipe with "cannot pull amazonlinux:2" and exit 3 where no registry is reachable', async () => {
    const have = await docker.getImage('amazonlinux:2').inspect().then(() => true, () => false);
    const reportDir = mkdtempSync(path.join(tmpdir(), 'fy-e2e-report-'));
    const r = await fipsyard(['run', 'pipelines/al2.yaml', '--report-dir', reportDir]);
    if (have) return; // a machine that has the image runs the recipe for real
    expect(r.code, r.stdout + r.stderr).toBe(3);
    expect(r.stdout).toContain('cannot pull amazonlinux:2');
  });

  it('uses a given Redis with --workers 0 and a standalone `fipsyard worker`', async () => {
    const redis = await startEmbeddedRedis();
    const { spawn } = await import('node:child_process');
    const worker = spawn(process.execPath, [path.join(REPO, 'apps/cli/bin/fipsyard.js'), 'worker', '--name', 'standalone-1'], { cwd: REPO, env: { ...process.env, REDIS_URL: redis.url }, stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      await new Promise<void>((resolve, reject) => {
        let err = '';
        worker.stderr.on('data', (b: Buffer) => {
          err += b.toString();
          if (err.includes('ready')) resolve();
        });
        worker.on('exit', (code) => reject(new Error(`worker exited ${code}: ${err}`)));
      });
      const dir = workspace(SMALL);
      const reportDir = path.join(dir, 'out');
      const r = await fipsyard(['run', path.join(dir, 'pipeline.yaml'), '--workers', '0', '--report-dir', reportDir], { REDIS_URL: redis.url });
      expect(r.code, r.stdout + r.stderr).toBe(0);
      expect(new Set(readReport(reportDir).stages.map((s) => s.worker))).toEqual(new Set(['standalone-1']));
    } finally {
      const exited = new Promise((res) => worker.once('exit', res));
      worker.kill('SIGTERM');
      await exited;
      await redis.stop();
    }
  });
});

describe('fipsyard: bad input and unreachable services', () => {
  const bad: Record<string, { text: string; line: number; message: RegExp }> = {
    'unknown parent': { text: 'version: 1\nimages:\n  a:\n    parent: nope\n    context: .\n', line: 4, message: /unknown parent "nope"/ },
    cycle: { text: 'version: 1\nimages:\n  a:\n    parent: b\n    context: ./c\n  b:\n    parent: a\n    context: ./c\n', line: 4, message: /cycle: (a -> b -> a|b -> a -> b)/ },
    'missing context': { text: 'version: 1\nimages:\n  a:\n    context: ./missing\n', line: 4, message: /not a directory/ },
    'wrong type': { text: 'version: 1\nimages:\n  a:\n    context: ./c\n    checks: yes\n', line: 5, message: /must be an array/ },
    'unknown key': { text: 'version: 1\nimages:\n  a:\n    context: ./c\n    parnet: x\n', line: 5, message: /unknown key "parnet"/ },
    'YAML syntax': { text: 'version: 1\nimages:\n  a:\n    context: "./c\n', line: 4, message: /YAML syntax/ },
  };
  for (const [name, c] of Object.entries(bad)) {
    it(`exits 2 on ${name}, with file:line:col, a hint and no stack trace (run and validate)`, async () => {
      const dir = workspace({ 'p.yaml': c.text, 'c/Dockerfile': 'ARG BASE_IMAGE\nFROM ${BASE_IMAGE}\n' });
      const file = path.join(dir, 'p.yaml');
      for (const cmd of ['validate', 'run']) {
        const r = await fipsyard([cmd, file]);
        expect(r.code, r.stderr).toBe(2);
        expect(r.stderr).toMatch(new RegExp(`${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:${c.line}:\\d+: error: `));
        expect(r.stderr).toMatch(c.message);
        expect(r.stderr).toContain('hint:');
        expect(r.stderr).not.toMatch(/\n\s+at /);
      }
    });
  }

  it('exits 2 on bad usage', async () => {
    expect((await fipsyard(['run'])).code).toBe(2);
    expect((await fipsyard(['run', 'pipelines/fips.yaml', '--workers', 'many'])).code).toBe(2);
    expect((await fipsyard(['frobnicate'])).code).toBe(2);
  });

  it('exits 2, before any work, on a bad REDIS_URL, DOCKER_HOST or --report-dir, and on --workers 0 without REDIS_URL', async () => {
    const cases: [string[], Record<string, string>, RegExp][] = [
      [['run', 'pipelines/fips.yaml'], { REDIS_URL: 'redis://127.0.0.1:99999' }, /REDIS_URL=.* is not a URL/],
      [['run', 'pipelines/fips.yaml'], { REDIS_URL: 'http://127.0.0.1:6379' }, /REDIS_URL must use redis: or rediss:/],
      [['run', 'pipelines/fips.yaml'], { DOCKER_HOST: 'garbage' }, /DOCKER_HOST=.* is not a URL/],
      [['run', 'pipelines/fips.yaml', '--report-dir', '/etc/passwd'], {}, /cannot write the report to \/etc\/passwd/],
      [['run', 'pipelines/fips.yaml', '--report-dir', '/proc/fipsyard-nope'], {}, /cannot write the report/],
      [['run', 'pipelines/fips.yaml', '--workers', '0'], {}, /--workers 0 needs REDIS_URL/],
    ];
    for (const [args, env, message] of cases) {
      const r = await fipsyard(args, env, 30_000);
      expect(r.code, `${args.join(' ')} ${JSON.stringify(env)}: ${r.stderr}`).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  });

  it('exits 3 naming Redis, within seconds, when REDIS_URL is unreachable', async () => {
    const r = await fipsyard(['run', 'pipelines/fips.yaml'], { REDIS_URL: 'redis://127.0.0.1:1' });
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/Redis unreachable at redis:\/\/127\.0\.0\.1:1/);
    expect(r.stderr).toContain('hint:');
    expect(r.ms).toBeLessThan(15_000);
  });

  it('exits 3 naming Docker when the engine is unreachable', async () => {
    const r = await fipsyard(['run', 'pipelines/fips.yaml'], { DOCKER_HOST: 'unix:///tmp/fipsyard-no-such-docker.sock' });
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/Docker Engine unreachable/);
    expect(r.stderr).toContain('hint:');
  });

  it('validates, plans and prints the schema', async () => {
    expect((await fipsyard(['validate', 'pipelines/fips.yaml'])).stdout).toMatch(/valid \(5 images/);
    const plan = await fipsyard(['plan', 'pipelines/fips.yaml']);
    expect(plan.stdout).toMatch(/build-python-dev\s+after build-fips-base, test-fips-base/);
    const schema = JSON.parse((await fipsyard(['schema'])).stdout) as { properties: Record<string, unknown> };
    expect(Object.keys(schema.properties)).toEqual(expect.arrayContaining(['version', 'images', 'variables']));
  });
});
