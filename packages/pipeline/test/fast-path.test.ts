import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadPipelineFile, loadPipelineText, projectRoot, type LoadOptions } from '../src/index.js';
import { fastParse, NotFast } from '../src/fast-parse.js';
import { FIXTURES } from './helpers.js';

// The fast parser (fast-parse.ts) may only ever be a shortcut: for every file, loading with it
// must give exactly what the located path gives (spec, errors and warnings), and it must really be
// taken for ordinary valid files.

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const NOW = new Date('2026-12-01T00:00:00Z');
const ENV = { DEBIAN_IMAGE: 'debian:trixie-slim', HOME: '/root' };

function bothWays(file: string, text: string, options: LoadOptions) {
  const fast = loadPipelineText(file, text, { ...options, now: NOW });
  const located = loadPipelineText(file, text, { ...options, now: NOW, fastPath: false });
  return { fast, located };
}

function takesFastPath(file: string, text: string, env: Record<string, string> = {}): boolean {
  try {
    fastParse(file, text, { overrides: {}, env, defaults: {} });
    return true;
  } catch (err) {
    if (err instanceof NotFast) return false;
    throw err;
  }
}

function yamlFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? yamlFiles(path.join(dir, e.name)) : /\.ya?ml$/.test(e.name) ? [path.join(dir, e.name)] : []));
}

describe('the fast path gives what the located path gives', () => {
  it.each(yamlFiles(path.join(REPO, 'pipelines')).map((f) => [path.relative(REPO, f), f]))('%s', (_name, file) => {
    const text = readFileSync(file, 'utf8');
    const { fast, located } = bothWays(file, text, { env: ENV, root: REPO });
    expect(fast).toEqual(located);
  });

  it('takes the fast path for the repository pipelines without a matrix', () => {
    for (const f of ['pipelines/fips.yaml', 'pipelines/examples/many.yaml', 'pipelines/examples/not-fips.yaml']) {
      const file = path.join(REPO, f);
      expect(loadPipelineFile(file, { env: ENV, root: REPO }).errors, f).toEqual([]);
      expect(takesFastPath(file, readFileSync(file, 'utf8'), ENV), f).toBe(true);
    }
  });

  const base = (body: string) => `version: 1\nname: t\n${body}`;
  const image = (extra = '') => `images:\n  base:\n    context: @FIX@/ctx\n${extra}`;
  const cases: [string, string, boolean][] = [
    // [what, file text, taken by the fast parser?]
    ['a plain valid file', base(image('    tags: ["x/base:1"]\n    checks:\n      - id: a\n        command: [echo, hi]\n        expect: { stdout: "^hi$", exitCode: 0 }\n')), true],
    ['a comment before the first key of an image', base('images:\n  base:\n    # the base\n\n    context: @FIX@/ctx\n'), true],
    ['flow-style images', base('images: { base: { context: "@FIX@/ctx", tags: [a/b] } }\n'), true],
    ['a block scalar shell check', base(image('    checks:\n      - id: s\n        shell: |\n          echo one\n          echo two\n')), true],
    ['quoted numbers stay strings', base(image('    args: { A: "3.10", B: \'07\' }\n')), true],
    ['canonical numbers in args keep their text', base(image('    args: { A: 3, B: 12 }\n')), true],
    ['variables with defaults', base(`variables:\n  P: \${PREFIX:-acme}\n  N: 3\n${image('    tags: ["${P}/base:${N}"]\n    args: { HOME_DIR: "${HOME}", LIT: "$$x" }\n')}`), true],
    ['3.10 in args (a number the parsers spell differently)', base(image('    args: { PY: 3.10 }\n')), false],
    ['a hex exit code', base(image('    checks:\n      - id: a\n        command: [true]\n        expect: { exitCode: 0x0 }\n')), false],
    ['True spelled with a capital', base(image('    checks:\n      - id: f\n        file: { path: /x, exists: True }\n')), false],
    ['an anchor and an alias', base(`images:\n  base:\n    context: @FIX@/ctx\n    labels: &l { a: b }\n  two:\n    context: @FIX@/ctx\n    labels: *l\n`), false],
    ['a repeated key', base(image('    tags: [a/b]\n    tags: [c/d]\n')), false],
    ['a tag', base(image('    tags: !!seq [a/b]\n')), false],
    ['a YAML directive', `%YAML 1.2\n---\n${base(image())}`, false],
    ['an unset variable', base(image('    tags: ["${NOPE}/base:1"]\n')), false],
    ['an unknown key (a schema error)', base(image('    contxt: x\n')), true],
    ['a parent that does not exist (a rule error)', base(`${image()}  child:\n    parent: nope\n    context: @FIX@/child\n`), true],
    ['a tab-indented line', base('images:\n\tbase:\n\t\tcontext: x\n'), false],
    ['an unclosed quote', base(image('    tags: ["a/b]\n')), false],
    ['a key named __proto__', base(image('    labels: { __proto__: x }\n')), false],
    ['null written as ~ and empty', base(image('    dockerfile: ~\n    checkUser:\n')), true],
  ];

  it.each(cases)('%s', (_what, raw, fast) => {
    const dir = mkdtempSync(path.join(tmpdir(), 'fy-fast-'));
    const file = path.join(dir, 'pipeline.yaml');
    const text = raw.replaceAll('@FIX@', FIXTURES.replace(/\/$/, ''));
    writeFileSync(file, text);
    const { fast: a, located: b } = bothWays(file, text, { env: { HOME: '/home/u' }, root: projectRoot(FIXTURES), knownSuites: ['openssl-fips'] });
    expect(a).toEqual(b);
    // "Taken" means the fast parser produced a value; whether the file is then valid is another matter.
    expect(takesFastPath(file, text, { HOME: '/home/u' })).toBe(fast);
  });

  it('a generated pipeline of 300 images, with each image at its own line', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'fy-fast-gen-'));
    const lines = ['version: 1', 'name: gen', 'images:'];
    for (let i = 0; i < 300; i++) {
      const ctx = path.join(dir, `img-${i}`);
      mkdirSync(ctx);
      writeFileSync(path.join(ctx, 'Dockerfile'), i === 0 ? 'FROM scratch\n' : 'ARG BASE_IMAGE\nFROM ${BASE_IMAGE}\n');
      lines.push(`  img-${i}:`, ...(i > 0 ? [`    parent: img-${Math.floor((i - 1) / 3)}`] : []), `    context: ./img-${i}`, `    tags: ["gen/img-${i}:1.${i}"]`, '    checks:', `      - id: c${i}`, `        command: [/bin/true]`, `        expect: { stdout: '^v${i}$' }`);
    }
    const file = path.join(dir, 'pipeline.yaml');
    const text = `${lines.join('\n')}\n`;
    writeFileSync(file, text);
    expect(takesFastPath(file, text)).toBe(true);
    const { fast, located } = bothWays(file, text, { root: dir });
    expect(fast.errors).toEqual([]);
    expect(fast).toEqual(located);
    expect(fast.value!.images[7]!.line).toBe(lines.indexOf('  img-7:') + 2);
  });
});
