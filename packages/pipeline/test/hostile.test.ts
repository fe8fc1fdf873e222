import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadPipelineFile } from '../src/index.js';
import { recheckChecker } from '../src/regex-safety.js';

// A corpus of broken and hostile pipeline files. Each must be refused with a located error, fast,
// without the parser running away with memory.
const ROOT = mkdtempSync(path.join(tmpdir(), 'fy-hostile-'));
mkdirSync(path.join(ROOT, 'ctx'));
writeFileSync(path.join(ROOT, 'ctx', 'Dockerfile'), 'FROM debian:trixie-slim\n');
mkdirSync(path.join(ROOT, 'child'));
writeFileSync(path.join(ROOT, 'child', 'Dockerfile'), 'ARG BASE_IMAGE\nFROM ${BASE_IMAGE}\n');
const OUTSIDE = mkdtempSync(path.join(tmpdir(), 'fy-outside-'));
writeFileSync(path.join(OUTSIDE, 'Dockerfile'), 'FROM debian:trixie-slim\n');
symlinkSync(OUTSIDE, path.join(ROOT, 'escape'));
mkdirSync(path.join(ROOT, 'dflink'));
symlinkSync(path.join(OUTSIDE, 'Dockerfile'), path.join(ROOT, 'dflink', 'Dockerfile'));

const ok = (body: string) => `version: 1\nimages:\n  a:\n    context: ./ctx\n${body}`;
const check = (c: string) => ok(`    checks:\n      - ${c}\n`);

function bomb(levels: number): string {
  const lines = ['version: 1', 'a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
  for (let i = 1; i < levels; i++) lines.push(`a${i}: &a${i} [${Array.from({ length: 9 }, () => `*a${i - 1}`).join(',')}]`);
  lines.push('images: { a: { context: ./ctx } }');
  return lines.join('\n');
}

const CORPUS: Record<string, string | (() => string)> = {
  'unclosed flow sequence': 'version: 1\nimages:\n  a:\n    context: [x\n',
  'unclosed double quote': 'version: 1\nimages:\n  a:\n    context: "x\n',
  'unclosed single quote': "version: 1\nimages:\n  a:\n    context: 'x\n",
  'tab indentation': 'version: 1\nimages:\n\ta:\n\t\tcontext: x\n',
  'bad indentation': 'version: 1\nimages:\n  a:\n    context: ./ctx\n   tags: []\n',
  'mapping value in plain scalar': 'version: 1\nimages: a: b: c\n',
  'undefined alias': 'version: 1\nimages: *nope\n',
  'duplicate top-level key': 'version: 1\nversion: 1\nimages: { a: { context: ./ctx } }\n',
  'duplicate image': 'version: 1\nimages:\n  a: { context: ./ctx }\n  a: { context: ./ctx }\n',
  'duplicate image key': ok('    context: ./ctx\n'),
  'billion laughs': () => bomb(9),
  'deep flow nesting': () => `version: 1\nimages: ${'['.repeat(5000)}${']'.repeat(5000)}\n`,
  'deep mapping nesting': () => `version: 1\nimages: ${'{a: '.repeat(3000)}1${'}'.repeat(3000)}\n`,
  'deep block nesting': () => `version: 1\nx:\n${Array.from({ length: 400 }, (_, i) => `${' '.repeat(i + 1)}k${i}:`).join('\n')}\n`,
  'not a mapping': '- a\n- b\n',
  'a scalar': 'hello\n',
  'empty document': '',
  'only comments': '# nothing here\n# at all\n',
  'binary garbage': () => String.fromCharCode(...Array.from({ length: 400 }, (_, i) => (i * 37) % 256)),
  'missing version': 'images: { a: { context: ./ctx } }\n',
  'version 2': 'version: 2\nimages: { a: { context: ./ctx } }\n',
  'version as string': 'version: "1"\nimages: { a: { context: ./ctx } }\n',
  'no images': 'version: 1\nimages: {}\n',
  'images is a list': 'version: 1\nimages: [a, b]\n',
  'unknown top-level key': 'version: 1\nimgaes: {}\nimages: { a: { context: ./ctx } }\n',
  'unknown image key': ok('    contxt: x\n'),
  'context is a number': 'version: 1\nimages:\n  a:\n    context: 5\n',
  'context is null': 'version: 1\nimages:\n  a:\n    context:\n',
  'tags is a string': ok('    tags: a/b:1\n'),
  'args is a list': ok('    args: [A=1]\n'),
  'arg name invalid': ok('    args: { "1BAD": x }\n'),
  'label value is a map': ok('    labels: { a: { b: c } }\n'),
  'image name uppercase': 'version: 1\nimages:\n  Base: { context: ./ctx }\n',
  'image name with colon': 'version: 1\nimages:\n  "a:b": { context: ./ctx }\n',
  'image name too long': `version: 1\nimages:\n  ${'a'.repeat(80)}: { context: ./ctx }\n`,
  'tag uppercase repository': ok('    tags: ["Acme/app:1"]\n'),
  'tag with bad characters': ok('    tags: ["acme/app:1 2"]\n'),
  'tag too long': ok(`    tags: ["acme/app:${'x'.repeat(200)}"]\n`),
  'unknown parent': ok('    parent: nope\n'),
  'self parent': 'version: 1\nimages:\n  a: { parent: a, context: ./child }\n',
  'two-image cycle': 'version: 1\nimages:\n  a: { parent: b, context: ./child }\n  b: { parent: a, context: ./child }\n',
  'three-image cycle': 'version: 1\nimages:\n  a: { parent: c, context: ./child }\n  b: { parent: a, context: ./child }\n  c: { parent: b, context: ./child }\n',
  'context missing': 'version: 1\nimages:\n  a: { context: ./nope }\n',
  'context outside through ..': 'version: 1\nimages:\n  a: { context: ../.. }\n',
  'context absolute elsewhere': 'version: 1\nimages:\n  a: { context: /etc }\n',
  'context outside through a symlink': 'version: 1\nimages:\n  a: { context: ./escape }\n',
  'dockerfile outside the context': ok('    dockerfile: ../../etc/passwd\n'),
  'dockerfile absolute': ok('    dockerfile: /etc/passwd\n'),
  'dockerfile symlink outside': 'version: 1\nimages:\n  a: { context: ./dflink }\n',
  'unknown suite': check('suite: openssl-fipz'),
  'check without kind': check('foo: bar'),
  'check with two kinds': check('{ id: c, command: [x], shell: y }'),
  'command is a string': check('{ id: c, command: "rm -rf /" }'),
  'empty command': check('{ id: c, command: [] }'),
  'invalid regex': check('{ id: c, command: [x], expect: { stdout: "(" } }'),
  'catastrophic regex': check('{ id: c, command: [x], expect: { stdout: "(a+)+$" } }'),
  'catastrophic regex alternation': check('{ id: c, command: [x], expect: { stderr: ["(a|aa)*b"] } }'),
  'bad regex flags': check('{ id: c, command: [x], expect: { stdout: { regex: a, flags: g } } }'),
  'exit code out of range': check('{ id: c, command: [x], expect: { exitCode: 300 } }'),
  'negative timeout': check('{ id: c, command: [x], timeout: -1 }'),
  'duplicate check id': ok('    checks:\n      - { id: c, command: [x] }\n      - { id: c, command: [y] }\n'),
  'file check relative path': check('{ id: c, file: { path: etc/passwd } }'),
  'file mode as number': check('{ id: c, file: { path: /x, mode: 644 } }'),
  'undefined variable': ok('    tags: ["${NOPE}/x:1"]\n'),
  'bad variable name': ok('    tags: ["${1X}/x:1"]\n'),
  'unterminated variable': ok('    tags: ["${X"]\n'),
  'waiver without reason': ok('    waivers: [{ check: c, expires: 2027-01-01 }]\n'),
  'waiver bad date': ok('    waivers: [{ check: c, reason: a long enough reason, expires: tomorrow }]\n'),
  'plugins not a list': 'version: 1\nplugins: ./x.mjs\nimages: { a: { context: ./ctx } }\n',
};

describe('hostile and broken pipeline files', () => {
  // The time bound below is the file's cost, not the one-time start of the regex checker's process.
  beforeAll(() => void recheckChecker('(b+)+c', 'm', 5000));

  it('has at least 50 cases', () => {
    expect(Object.keys(CORPUS).length).toBeGreaterThanOrEqual(50);
  });
  for (const [name, content] of Object.entries(CORPUS)) {
    it(`refuses: ${name}`, () => {
      const file = path.join(ROOT, `${name.replace(/\W+/g, '-')}.yaml`);
      writeFileSync(file, typeof content === 'function' ? content() : content);
      const heapBefore = process.memoryUsage().heapUsed;
      const started = performance.now();
      const r = loadPipelineFile(file, { knownSuites: ['fips'], root: ROOT });
      const ms = performance.now() - started;
      expect(r.value, `accepted ${name}`).toBeUndefined();
      expect(r.errors.length).toBeGreaterThan(0);
      for (const e of r.errors) {
        expect(e.location?.file).toBe(file);
        expect(e.location?.line).toBeGreaterThanOrEqual(1);
        expect(e.location?.col).toBeGreaterThanOrEqual(1);
        expect(e.message.length).toBeGreaterThan(10);
      }
      expect(ms).toBeLessThan(1000);
      expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(64 * 1024 * 1024);
    });
  }

  it('refuses a 20 MB file before reading it', () => {
    const file = path.join(ROOT, 'huge.yaml');
    writeFileSync(file, `version: 1\n# ${'x'.repeat(20 * 1024 * 1024)}\n`);
    const started = performance.now();
    const r = loadPipelineFile(file, { root: ROOT });
    expect(performance.now() - started).toBeLessThan(1000);
    expect(r.errors[0]!.message).toMatch(/more than the limit/);
  });

  it('refuses a directory and a missing file', () => {
    expect(loadPipelineFile(ROOT).errors[0]!.message).toMatch(/not a regular file/);
    expect(loadPipelineFile(path.join(ROOT, 'nope.yaml')).errors[0]!.message).toMatch(/no such file/);
  });
});
