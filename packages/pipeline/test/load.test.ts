import { describe, expect, it } from 'vitest';
import { load, messages } from './helpers.js';

const VALID = `version: 1
name: demo
variables:
  PREFIX: \${TAG_PREFIX:-acme}
images:
  base:
    context: @FIX@/ctx
    args: { VERSION: 3, DEBUG: true }
    tags: ["\${PREFIX}/base:1"]
    labels: { team: platform }
    checks:
      - suite: openssl-fips
      - id: hello
        title: Says hello
        command: [echo, hello]
        expect:
          stdout: '^hello$'
          stderrNot: [error, { regex: 'warn', flags: i }]
  child:
    parent: base
    context: @FIX@/child
    checks:
      - id: sh
        shell: 'echo $$HOME && true'
        timeout: 5
`;

describe('loadPipelineFile: valid files', () => {
  it('normalizes images, checks and variables', () => {
    const r = load(VALID);
    expect(r.errors).toEqual([]);
    const spec = r.value!;
    expect(spec.name).toBe('demo');
    expect(spec.sha256).toMatch(/^[0-9a-f]{64}$/);
    const base = spec.images[0]!;
    expect(base).toMatchObject({ name: 'base', dockerfile: 'Dockerfile', args: { VERSION: '3', DEBUG: 'true' }, tags: ['acme/base:1'], labels: { team: 'platform' }, parentArg: 'BASE_IMAGE' });
    expect(base.context.endsWith('/fixtures/ctx')).toBe(true);
    expect(base.checks[0]).toEqual({ kind: 'suite', suite: 'openssl-fips', options: {}, origin: 'base' });
    expect(base.checks[1]).toMatchObject({ kind: 'command', id: 'hello', title: 'Says hello', argv: ['echo', 'hello'], shell: false });
    const hello = base.checks[1]!;
    if (hello.kind !== 'command') throw new Error('expected a command check');
    expect(hello.expect).toEqual({ exitCode: 0, stdout: [{ source: '^hello$', flags: '' }], stdoutNot: [], stderr: [], stderrNot: [{ source: 'error', flags: '' }, { source: 'warn', flags: 'i' }] });
    const child = spec.images[1]!;
    expect(child.parent).toBe('base');
    expect(child.checks[0]).toMatchObject({ argv: ['/bin/sh', '-c', 'echo $HOME && true'], shell: true, timeoutMs: 5000, title: 'sh', origin: 'child' });
    // A derived image runs its parent's checks after its own, marked with where they come from.
    expect(child.checks.map((c) => `${c.kind === 'suite' ? c.suite : c.id}@${c.origin}`)).toEqual(['sh@child', 'openssl-fips@base', 'hello@base']);
  });

  it('lets --var override the environment, and the environment override variables:', () => {
    expect(load(VALID, { env: { TAG_PREFIX: 'env' } }).value!.images[0]!.tags).toEqual(['env/base:1']);
    expect(load(VALID, { env: { TAG_PREFIX: 'env' }, vars: { PREFIX: 'cli' } }).value!.images[0]!.tags).toEqual(['cli/base:1']);
  });
});

describe('loadPipelineFile: errors carry file:line:col, a message and a hint', () => {
  const cases: { name: string; text: string; line: number; col?: number; message: RegExp }[] = [
    { name: 'YAML syntax error', text: 'version: 1\nimages:\n  a:\n    context: [x\n', line: 5, message: /YAML syntax/ },
    { name: 'duplicate key', text: 'version: 1\nimages:\n  a:\n    context: @FIX@/ctx\n    context: @FIX@/ctx\n', line: 5, col: 5, message: /YAML syntax: Map keys must be unique/ },
    { name: 'duplicate key in a flow mapping', text: 'version: 1\nimages:\n  a:\n    context: @FIX@/ctx\n    args: { A: "1", B: "2", A: "3" }\n', line: 5, col: 29, message: /YAML syntax: Map keys must be unique/ },
    { name: 'duplicate image name', text: 'version: 1\nimages:\n  a:\n    context: @FIX@/ctx\n  b:\n    context: @FIX@/ctx\n  a:\n    context: @FIX@/ctx\n', line: 7, col: 3, message: /YAML syntax: Map keys must be unique/ },
    { name: 'unknown key', text: 'version: 1\nimages:\n  a:\n    context: @FIX@/ctx\n    tgas: [x]\n', line: 5, col: 5, message: /unknown key "tgas" in images\.a/ },
    { name: 'wrong type', text: 'version: 1\nimages:\n  a:\n    context: @FIX@/ctx\n    tags: fipsyard/a\n', line: 5, col: 11, message: /images\.a\.tags must be an array, not string/ },
    { name: 'missing required key', text: 'version: 1\nimages:\n  a:\n    tags: [x]\n', line: 4, message: /images\.a\.context is required/ },
    { name: 'wrong version', text: 'version: 2\nimages:\n  a:\n    context: @FIX@/ctx\n', line: 1, col: 10, message: /version/ },
    { name: 'unknown parent', text: 'version: 1\nimages:\n  base:\n    context: @FIX@/ctx\n  kid:\n    parent: bsae\n    context: @FIX@/child\n', line: 6, col: 13, message: /unknown parent "bsae"/ },
    { name: 'self parent', text: 'version: 1\nimages:\n  a:\n    parent: a\n    context: @FIX@/child\n', line: 4, col: 13, message: /names itself as its parent/ },
    { name: 'missing context dir', text: 'version: 1\nimages:\n  a:\n    context: ./nope\n', line: 4, col: 14, message: /build context of "a" is not a directory/ },
    { name: 'missing Dockerfile', text: 'version: 1\nimages:\n  a:\n    context: @FIX@/ctx\n    dockerfile: Other.Dockerfile\n', line: 5, col: 17, message: /Dockerfile of "a" not found/ },
    { name: 'undefined variable', text: 'version: 1\nimages:\n  a:\n    context: @FIX@/ctx\n    tags: ["x/${NOPE}"]\n', line: 5, col: 15, message: /variable "NOPE" is not defined/ },
    { name: 'unknown suite', text: 'version: 1\nimages:\n  a:\n    context: @FIX@/ctx\n    checks:\n      - suite: openssl-fipz\n', line: 6, col: 16, message: /unknown check suite "openssl-fipz"/ },
    { name: 'invalid regex', text: 'version: 1\nimages:\n  a:\n    context: @FIX@/ctx\n    checks:\n      - id: c\n        command: [x]\n        expect: { stdout: "(" }\n', line: 8, message: /invalid regular expression/ },
    { name: 'bad image name', text: 'version: 1\nimages:\n  Bad_Name:\n    context: @FIX@/ctx\n', line: 3, col: 3, message: /invalid name "Bad_Name"/ },
    { name: 'bad tag', text: 'version: 1\nimages:\n  a:\n    context: @FIX@/ctx\n    tags: ["UPPER/x:1"]\n', line: 5, col: 12, message: /not a valid image reference/ },
    { name: 'derived image not FROM its parent', text: 'version: 1\nimages:\n  a:\n    context: @FIX@/ctx\n  b:\n    parent: a\n    context: @FIX@/not-derived\n', line: 6, message: /does not build FROM its parent/ },
    { name: 'check with both command and shell', text: 'version: 1\nimages:\n  a:\n    context: @FIX@/ctx\n    checks:\n      - { id: c, command: [x], shell: "y" }\n', line: 6, message: /has "command" and "shell"/ },
    { name: 'check that is neither', text: 'version: 1\nimages:\n  a:\n    context: @FIX@/ctx\n    checks:\n      - foo: bar\n', line: 6, message: /a check needs either "suite"/ },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const r = load(c.text);
      expect(r.value).toBeUndefined();
      const hit = r.errors.find((e) => c.message.test(e.message));
      expect(hit, `messages: ${messages(r).join(' | ')}`).toBeDefined();
      expect(hit!.location!.file).toBe(r.file);
      expect(hit!.location!.line).toBe(c.line);
      if (c.col !== undefined) expect(hit!.location!.col).toBe(c.col);
      expect(hit!.hint ?? '').not.toBe('');
    });
  }

  it('shows a cycle in build order', () => {
    const r = load('version: 1\nimages:\n  a:\n    parent: c\n    context: @FIX@/child\n  b:\n    parent: a\n    context: @FIX@/child\n  c:\n    parent: b\n    context: @FIX@/child\n');
    const cycle = r.errors.filter((e) => /cycle/.test(e.message));
    expect(cycle).toHaveLength(1);
    expect(cycle[0]!.message).toMatch(/(a -> b -> c -> a|b -> c -> a -> b|c -> a -> b -> c)/);
  });

  it('tells keys that differ only in type apart, as the YAML parser does (1 and "1")', () => {
    const r = load('version: 1\nimages:\n  a:\n    context: @FIX@/ctx\n    labels: { 1: x, "1": y }\n');
    expect(r.errors.filter((e) => /unique/.test(e.message))).toEqual([]);
  });

  it('reports a cycle reached through a long chain once, and a long acyclic chain not at all', () => {
    const chain = (n: number, cyclic: boolean) => {
      const lines = ['version: 1', 'images:'];
      for (let i = 0; i < n; i++) lines.push(`  i${i}:`, ...(i > 0 || cyclic ? [`    parent: i${i === 0 ? n - 1 : i - 1}`] : []), `    context: ${i > 0 || cyclic ? '@FIX@/child' : '@FIX@/ctx'}`);
      return `${lines.join('\n')}\n`;
    };
    const acyclic = load(chain(400, false));
    expect(messages(acyclic)).toEqual([]);
    expect(acyclic.value!.images).toHaveLength(400);
    const cyclic = load(chain(400, true)).errors.filter((e) => /cycle/.test(e.message));
    expect(cyclic).toHaveLength(1);
    expect(cyclic[0]!.message).toContain('i0 -> i1 -> i2');
  });

  it('reports every problem of a file in one pass, sorted by position', () => {
    const r = load('version: 1\nimages:\n  a:\n    context: @FIX@/ctx\n    tgas: [x]\n  b:\n    context: @FIX@/ctx\n    labels: "${NOPE}"\n');
    expect(r.errors.length).toBeGreaterThanOrEqual(2);
    const lines = r.errors.map((e) => e.location!.line);
    expect([...lines].sort((x, y) => x - y)).toEqual(lines);
  });

  it('refuses alias bombs instead of expanding them', () => {
    const bomb = ['version: 1', 'a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (let i = 0; i < 8; i++) bomb.push(`${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)}]`);
    bomb.push('images: {}');
    const started = Date.now();
    const r = load(bomb.join('\n'));
    expect(r.value).toBeUndefined();
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('refuses a file that is not there, with a hint', () => {
    const r = load('');
    expect(r.value).toBeUndefined();
  });
});
