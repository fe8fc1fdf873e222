// Planning cost at scale: validate and plan a generated pipeline of N images (a base, teams on
// it, services on the teams), as `fipsyard run` does before anything is queued. The same steps
// for pipelines/examples/many.yaml (31 images) are the baseline measured in the same process.
// Prints one JSON line: medians of several runs, the first (cold) run, and peak memory.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseEvents } from 'js-yaml';
import { loadPipelineFile, planStages } from '@fipsyard/pipeline';
import { loadOrThrow } from '../../apps/cli/src/load.ts';
import { SourceDocument } from '../../packages/pipeline/src/document.ts';

const count = Number(process.argv[2] ?? 1000);
const manyYaml = path.resolve(process.argv[3] ?? 'pipelines/examples/many.yaml');
const rounds = 5;

function generate(n: number): { dir: string; file: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'fy-plan-bench-'));
  const teams = Math.max(1, Math.round(Math.sqrt(n) / 3));
  const lines = ['version: 1', `name: generated-${n}`, 'images:'];
  const add = (name: string, parent: string | undefined, i: number) => {
    const ctx = path.join(dir, 'images', name);
    mkdirSync(ctx, { recursive: true });
    writeFileSync(path.join(ctx, 'Dockerfile'), parent ? 'ARG BASE_IMAGE\nFROM ${BASE_IMAGE}\nCOPY . /app\n' : 'FROM debian:trixie-slim\n');
    lines.push(`  ${name}:`, ...(parent ? [`    parent: ${parent}`] : []), `    context: ./images/${name}`, `    tags: ["bench/${name}:1.${i}"]`, '    checks:',
      `      - id: ${name}-runs`, `        command: [/app/run, --version]`, `        expect: { stdout: '^${name} [0-9]+\\.[0-9]+$', exitCode: 0 }`,
      `      - id: ${name}-config`, `        file: { path: /etc/${name}.conf, contains: '^fips = yes$' }`);
  };
  add('base', undefined, 0);
  for (let t = 0; t < teams; t++) add(`team-${t}`, 'base', t);
  for (let i = 0; i < n - 1 - teams; i++) add(`svc-${i}`, `team-${i % teams}`, i);
  const file = path.join(dir, 'pipeline.yaml');
  writeFileSync(file, `${lines.join('\n')}\n`);
  return { dir, file };
}

async function planOnce(file: string, root: string): Promise<{ ms: number; images: number; stages: number }> {
  const t0 = performance.now();
  const { spec } = await loadOrThrow(file, {}, {}, root);
  const plan = planStages(spec.images);
  return { ms: performance.now() - t0, images: spec.images.length, stages: plan.stages.length };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/**
 * Where the time goes, same file, same process: the two YAML parsers alone (js-yaml's events, as
 * the fast path reads a valid file; SourceDocument.parse, the `yaml` library with source positions,
 * as the located path does), the whole load forced down the located path (what every file cost before the fast
 * path), and the DAG planner alone.
 */
function parts(file: string, root: string) {
  const text = readFileSync(file, 'utf8');
  const fast: number[] = [];
  const positioned: number[] = [];
  const located: number[] = [];
  const plan: number[] = [];
  const spec = loadPipelineFile(file, { root }).value;
  for (let i = 0; i < rounds; i++) {
    let t = performance.now();
    parseEvents(text, {});
    fast.push(performance.now() - t);
    t = performance.now();
    SourceDocument.parse(file, text);
    positioned.push(performance.now() - t);
    t = performance.now();
    loadPipelineFile(file, { root, fastPath: false });
    located.push(performance.now() - t);
    if (spec) {
      t = performance.now();
      planStages(spec.images);
      plan.push(performance.now() - t);
    }
  }
  return { fastParseMs: median(fast), positionedParseMs: median(positioned), locatedLoadMs: median(located), planMs: plan.length ? median(plan) : NaN };
}

const { dir, file } = generate(count);
try {
  const rssBefore = process.memoryUsage().rss;
  const cold = await planOnce(file, dir); // first call: lazy initialisation (the regex safety checker) included
  const big: number[] = [];
  for (let i = 0; i < rounds; i++) big.push((await planOnce(file, dir)).ms);
  const small: number[] = [];
  const root = path.resolve(path.dirname(manyYaml), '../..');
  let smallImages = 0;
  for (let i = 0; i < rounds; i++) {
    const r = await planOnce(manyYaml, root);
    small.push(r.ms);
    smallImages = r.images;
  }
  const peakRssMb = process.resourceUsage().maxRSS / 1024;
  const split = parts(file, dir);
  console.log(JSON.stringify({
    images: cold.images, stages: cold.stages, coldMs: cold.ms, medianMs: median(big),
    baselineImages: smallImages, baselineMedianMs: median(small), peakRssMb, yamlFastParseMedianMs: split.fastParseMs, yamlPositionedParseMedianMs: split.positionedParseMs, locatedLoadMedianMs: split.locatedLoadMs, planStagesMedianMs: split.planMs, rssBeforeMb: rssBefore / 1048576,
  }));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
