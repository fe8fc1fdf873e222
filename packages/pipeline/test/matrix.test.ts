import Ajv2020 from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import type { ImageSpec } from '@fipsyard/core';
import { interpolate, pipelineJsonSchema, planStages } from '../src/index.js';
import { substituteMatrix } from '../src/matrix.js';
import { load, messages } from './helpers.js';

const BASE = `version: 1
images:
  base:
    context: @FIX@/ctx
`;

const TOOLS = `${BASE}  tools:
    name: tools-\${matrix.FLAVOR}
    parent: base
    context: @FIX@/child
    matrix:
      FLAVOR: [curl, wget]
    args: { TOOL: "\${matrix.FLAVOR}", FIXED: "1" }
    tags: ["fipsyard/tools:\${matrix.FLAVOR}"]
    labels: { flavor: "\${matrix.FLAVOR}" }
    checks:
      - id: has-\${matrix.FLAVOR}
        title: \${matrix.FLAVOR} is installed
        command: ["\${matrix.FLAVOR}", --version]
        expect: { stdout: '^\${matrix.FLAVOR} ' }
      - id: binary
        file: { path: "/usr/bin/\${matrix.FLAVOR}", contains: 'x\${matrix.FLAVOR}' }
`;

function image(images: readonly ImageSpec[] | undefined, name: string): ImageSpec {
  const found = images?.find((i) => i.name === name);
  if (!found) throw new Error(`no image ${name} among ${images?.map((i) => i.name).join(', ')}`);
  return found;
}

describe('matrix variants: expansion', () => {
  it('expands one declaration into one image per value, substituting name, args, tags, labels and checks', () => {
    const r = load(TOOLS);
    expect(r.errors).toEqual([]);
    expect(r.value!.images.map((i) => i.name)).toEqual(['base', 'tools-curl', 'tools-wget']);
    const curl = image(r.value!.images, 'tools-curl');
    expect(curl).toMatchObject({ parent: 'base', args: { TOOL: 'curl', FIXED: '1' }, tags: ['fipsyard/tools:curl'], labels: { flavor: 'curl' }, matrix: { declaredAs: 'tools', values: { FLAVOR: 'curl' } } });
    expect(curl.line).toBe(6);
    const [cmd, file] = curl.checks;
    expect(cmd).toMatchObject({ kind: 'command', id: 'has-curl', title: 'curl is installed', argv: ['curl', '--version'], origin: 'tools-curl', expect: { stdout: [{ source: '^curl ', flags: '' }] } });
    expect(file).toMatchObject({ kind: 'file', id: 'binary', path: '/usr/bin/curl', contains: [{ source: 'xcurl', flags: '' }] });
    expect(image(r.value!.images, 'tools-wget')).toMatchObject({ args: { TOOL: 'wget' }, tags: ['fipsyard/tools:wget'], matrix: { values: { FLAVOR: 'wget' } } });
    expect(image(r.value!.images, 'base').matrix).toBeUndefined();
  });

  it('substitutes context and dockerfile too', () => {
    const r = load(`version: 1\nimages:\n  m:\n    matrix: { DIR: [ctx, child] }\n    context: @FIX@/\${matrix.DIR}\n    dockerfile: ./Dockerfile\n`);
    // child's Dockerfile builds FROM ${BASE_IMAGE}, fine for an image without parent.
    expect(r.errors).toEqual([]);
    expect(r.value!.images.map((i) => i.context.split('/').pop())).toEqual(['ctx', 'child']);
  });

  it('names variants <key>-<value>[-<value>...] by default, and takes the cartesian product, first axis slowest', () => {
    const r = load(`${BASE}  py:\n    parent: base\n    context: @FIX@/child\n    matrix:\n      PY: [3.11, 3.10]\n      FLAVOR: [slim, Full]\n    args: { V: "\${matrix.PY}-\${matrix.FLAVOR}" }\n`);
    expect(r.errors).toEqual([]);
    // 3.10 stays "3.10" (not the number 3.1); characters a name cannot hold become "-".
    expect(r.value!.images.map((i) => i.name)).toEqual(['base', 'py-3.11-slim', 'py-3.11-full', 'py-3.10-slim', 'py-3.10-full']);
    expect(image(r.value!.images, 'py-3.10-full')).toMatchObject({ args: { V: '3.10-Full' }, matrix: { declaredAs: 'py', values: { PY: '3.10', FLAVOR: 'Full' } } });
  });

  it('drops combinations with exclude and adds whole ones with include', () => {
    const r = load(`${BASE}  py:\n    parent: base\n    context: @FIX@/child\n    matrix:\n      PY: ["3.11", "3.12"]\n      FLAVOR: [slim, full]\n      exclude:\n        - { PY: "3.11", FLAVOR: full }\n      include:\n        - { PY: "3.13", FLAVOR: slim }\n`);
    expect(r.errors).toEqual([]);
    expect(r.value!.images.map((i) => i.name)).toEqual(['base', 'py-3.11-slim', 'py-3.12-slim', 'py-3.12-full', 'py-3.13-slim']);
  });

  it('lets a matrix image be the parent of a matrix image, variant by variant', () => {
    const r = load(`${BASE}  py:\n    parent: base\n    context: @FIX@/child\n    matrix: { PY: ["3.12", "3.13"] }\n  app:\n    name: app-py\${matrix.PY}-\${matrix.MODE}\n    parent: py-\${matrix.PY}\n    context: @FIX@/child\n    matrix: { PY: ["3.12", "3.13"], MODE: [dev, prod] }\n    checks:\n      - { id: mode, command: [echo, "\${matrix.MODE}"] }\n`);
    expect(r.errors).toEqual([]);
    const app = image(r.value!.images, 'app-py3.13-prod');
    expect(app.parent).toBe('py-3.13');
    const plan = planStages(r.value!.images);
    expect(plan.stages.find((s) => s.id === 'build-app-py3.13-prod')!.needs).toEqual(['build-py-3.13', 'test-py-3.13']);
  });

  it('leaves ${VAR} to the variables and keeps $$ and bare $ literal around matrix references', () => {
    const r = load(`version: 1\nvariables: { PREFIX: "acme", ODD: 'a$\${x}' }\nimages:\n  m:\n    matrix: { V: [one] }\n    context: @FIX@/ctx\n    tags: ["\${PREFIX}/m:\${matrix.V}"]\n    labels:\n      literal: "$\${matrix.V} $$HOME \${ODD} \${matrix.V}"\n      bare: "$HOME-\${matrix.V}"\n`);
    expect(r.errors).toEqual([]);
    expect(r.value!.images[0]!.tags).toEqual(['acme/m:one']);
    expect(r.value!.images[0]!.labels).toEqual({ literal: '${matrix.V} $HOME a${x} one', bare: '$HOME-one' });
  });

  it('interpolates a template: matrix references kept and reported, every literal $ escaped', () => {
    const sources = { overrides: {}, env: { V: 'a$b' }, defaults: {} };
    expect(interpolate('${V}-${matrix.X}-$$-$Y', sources, { template: true })).toEqual({ value: 'a$$b-${matrix.X}-$$-$$Y', errors: [], matrixRefs: [{ axis: 'X', offset: 5 }] });
    expect(interpolate('${V}-${matrix.X}', sources).value).toBe('a$b-${matrix.X}');
  });

  it('finishes templates: ${matrix.X} replaced, $$ unescaped, other text kept', () => {
    expect(substituteMatrix('a-${matrix.X}-$$-${matrix.Y}-${other}', { X: '1' })).toBe('a-1-$-${matrix.Y}-${other}');
  });

  it('warns about an exclude entry that matches nothing and an include already in the product', () => {
    const r = load(`version: 1\nimages:\n  m:\n    context: @FIX@/ctx\n    matrix:\n      A: [x, y]\n      exclude: [{ A: z }]\n      include: [{ A: x }]\n`);
    expect(r.errors).toEqual([]);
    expect(r.warnings.map((w) => [w.location!.line, w.message])).toEqual([
      [7, expect.stringMatching(/exclude entry A=z of "m" matches no combination/)],
      [8, expect.stringMatching(/include entry A=x of "m" is already a combination/)],
    ]);
  });

  it('accepts a matrix given only by include entries', () => {
    const r = load(`version: 1\nimages:\n  m:\n    context: @FIX@/ctx\n    matrix:\n      include:\n        - { OS: bookworm, PY: "3.11" }\n        - { OS: trixie, PY: "3.13" }\n`);
    expect(r.errors).toEqual([]);
    expect(r.value!.images.map((i) => i.name)).toEqual(['m-bookworm-3.11', 'm-trixie-3.13']);
  });
});

describe('matrix variants: errors carry file:line:col, a message and a hint', () => {
  const img = (body: string) => `${BASE}  tools:\n    parent: base\n    context: @FIX@/child\n${body}`;
  const cases: { name: string; text: string; line: number; col?: number; message: RegExp }[] = [
    { name: 'empty axis', text: img('    matrix:\n      FLAVOR: []\n'), line: 9, col: 15, message: /matrix axis "FLAVOR" of "tools" has no values/ },
    { name: 'axis not a list', text: img('    matrix:\n      FLAVOR: curl\n'), line: 9, message: /must be a list of values, not string "curl"/ },
    { name: 'non-scalar value', text: img('    matrix:\n      FLAVOR:\n        - curl\n        - { name: wget }\n'), line: 11, col: 11, message: /value 2 of matrix axis "FLAVOR" of "tools" is a mapping/ },
    { name: 'empty value', text: img('    matrix:\n      FLAVOR: [curl, ~]\n'), line: 9, message: /value 2 of matrix axis "FLAVOR" .* is empty/ },
    { name: 'duplicate value', text: img('    matrix:\n      FLAVOR: [curl, curl]\n'), line: 9, message: /value "curl" appears twice/ },
    { name: 'bad axis name', text: img('    matrix:\n      my-axis: [a]\n'), line: 9, col: 7, message: /invalid matrix axis name "my-axis"/ },
    { name: 'matrix not a mapping', text: img('    matrix: [a, b]\n'), line: 8, message: /"matrix:" of "tools" must be a mapping/ },
    { name: 'matrix without axes', text: img('    matrix: {}\n'), line: 8, message: /matrix of "tools" declares no axis/ },
    { name: 'reference to an axis that does not exist', text: img('    matrix: { FLAVOR: [a] }\n    args: { X: "v-${matrix.FLAVR}" }\n'), line: 9, col: 19, message: /"\$\{matrix\.FLAVR\}": matrix image "tools" has no axis "FLAVR"/ },
    { name: 'reference in an image without matrix', text: img('    tags: ["x/y:${matrix.V}"]\n'), line: 8, col: 17, message: /"\$\{matrix\.V\}" in image "tools", which has no "matrix:"/ },
    { name: 'reference outside images', text: 'version: 1\nname: "p-${matrix.V}"\nimages:\n  a:\n    context: @FIX@/ctx\n', line: 2, col: 10, message: /outside an image/ },
    { name: 'reference inside the matrix', text: img('    matrix: { A: ["${matrix.A}"] }\n'), line: 8, message: /a matrix value cannot refer to the matrix/ },
    { name: 'reference with a default', text: img('    matrix: { A: [a] }\n    tags: ["x/y:${matrix.A:-b}"]\n'), line: 9, message: /invalid matrix reference/ },
    { name: 'exclude naming an unknown axis', text: img('    matrix:\n      A: [a, b]\n      exclude: [{ B: a }]\n'), line: 10, message: /"exclude" entry of "tools" names "B", which is not an axis/ },
    { name: 'include missing an axis', text: img('    matrix:\n      A: [a]\n      B: [b]\n      include:\n        - { A: c }\n'), line: 12, message: /"include" entry of "tools" gives no value for "B"/ },
    { name: 'everything excluded', text: img('    matrix:\n      A: [a]\n      exclude: [{ A: a }]\n'), line: 8, message: /leaves no combination/ },
    { name: 'too many combinations', text: img(`    matrix:\n      A: [${Array.from({ length: 20 }, (_, i) => i).join(', ')}]\n      B: [${Array.from({ length: 20 }, (_, i) => i).join(', ')}]\n`), line: 8, col: 5, message: /matrix of "tools" expands to 400 images, more than the limit of 256/ },
    { name: 'far too many combinations (refused before enumerating)', text: img(`    matrix:\n${['A', 'B', 'C', 'D', 'E', 'F'].map((a) => `      ${a}: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]\n`).join('')}`), line: 8, message: /has 1000000 combinations \(10 x 10 x 10 x 10 x 10 x 10\)/ },
    { name: 'variants named alike', text: img('    name: tools-${matrix.A}\n    matrix:\n      A: [a]\n      B: [x, y]\n'), line: 8, col: 11, message: /two variants of matrix image "tools" are both named "tools-a" \(A=a B=x and A=a B=y\)/ },
    { name: 'variant named like another image', text: `${BASE}  tools-a:\n    context: @FIX@/ctx\n  tools:\n    context: @FIX@/ctx\n    matrix: { A: [a, b] }\n`, line: 9, message: /variant "tools-a" of matrix image "tools" has the same name as image "tools-a"/ },
    { name: 'variants of two declarations named alike', text: `${BASE}  x:\n    name: same-\${matrix.A}\n    context: @FIX@/ctx\n    matrix: { A: [a] }\n  y:\n    name: same-\${matrix.A}\n    context: @FIX@/ctx\n    matrix: { A: [a] }\n`, line: 10, message: /variant "same-a" of matrix image "y" has the same name as a variant of "x"/ },
    { name: 'invalid variant name', text: img('    name: Tools-${matrix.A}\n    matrix: { A: [a] }\n'), line: 8, message: /gives a variant the invalid image name "Tools-a"/ },
    { name: 'name: without matrix', text: img('    name: other\n'), line: 8, col: 5, message: /"name:" of image "tools" is for matrix images only/ },
    { name: 'same tag for every variant', text: img('    matrix: { A: [a, b, c] }\n    tags: ["fipsyard/tools:latest"]\n'), line: 9, col: 12, message: /tag "fipsyard\/tools:latest" is given to several variants of matrix image "tools"/ },
    { name: 'parent naming a matrix declaration', text: `${BASE}  py:\n    parent: base\n    context: @FIX@/child\n    matrix: { PY: ["3.11", "3.12"] }\n  app:\n    parent: py\n    context: @FIX@/child\n`, line: 10, col: 13, message: /parent "py" of image "app" is a matrix declaration, not one image: it expands to py-3.11, py-3.12/ },
    { name: 'variant with an invalid value after substitution', text: img('    matrix: { MODE: ["0644", "999"] }\n    checks:\n      - id: f\n        file: { path: /x, mode: "${matrix.MODE}" }\n'), line: 11, message: /images\.tools\.checks\[0\]\.file\.mode has an invalid value "999"|file\.mode/ },
    { name: 'variant whose Dockerfile is missing', text: img('    matrix: { DF: [Dockerfile, Nope] }\n    dockerfile: ${matrix.DF}\n'), line: 9, col: 17, message: /Dockerfile of "tools-nope" not found/ },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const r = load(c.text);
      expect(r.value).toBeUndefined();
      const hit = r.errors.find((e) => c.message.test(e.message));
      expect(hit, `messages: ${messages(r).join(' | ')}`).toBeDefined();
      expect(hit!.location!.file).toBe(r.file);
      expect(hit!.location!.line, `${hit!.message}`).toBe(c.line);
      if (c.col !== undefined) expect(hit!.location!.col).toBe(c.col);
      expect(hit!.hint ?? '').not.toBe('');
    });
  }

  it('reports a problem shared by every variant once, at the declaration', () => {
    const r = load(img('    matrix: { A: [a, b, c] }\n    checks:\n      - { id: c, command: [x], expect: { stdout: "(" } }\n'));
    expect(r.errors.filter((e) => /invalid regular expression/.test(e.message))).toHaveLength(1);
    const tag = load(img('    matrix: { A: [a, b, c] }\n    tags: ["fipsyard/tools:latest"]\n'));
    expect(tag.errors).toHaveLength(1);
    expect(tag.errors[0]!.hint).toContain('fipsyard/tools:${matrix.A}');
  });

  it('refuses a huge matrix fast', () => {
    // 10^12 combinations: enumerating them would never finish.
    const values = Array.from({ length: 10 }, (_, i) => i).join(', ');
    const started = Date.now();
    const r = load(`version: 1\nimages:\n  tools:\n    context: @FIX@/ctx\n    matrix:\n${Array.from({ length: 12 }, (_, i) => `      A${i}: [${values}]\n`).join('')}`);
    expect(r.value).toBeUndefined();
    expect(messages(r)).toEqual([expect.stringMatching(/has 1000000000000 combinations .* more than the limit of 256/)]);
    expect(Date.now() - started).toBeLessThan(2000);
  });
});

describe('matrix variants: the JSON Schema', () => {
  const validate = new Ajv2020.default({ strict: false }).compile(pipelineJsonSchema());
  const pipeline = (matrix: unknown) => ({ version: 1, images: { m: { name: 'm-${matrix.A}', context: 'x', matrix } } });

  it('describes matrix:, its axes, include and exclude', () => {
    expect(validate(pipeline({ A: ['3.12', 3.13, true], exclude: [{ A: true }], include: [{ A: 'x' }] }))).toBe(true);
    expect(validate(pipeline({ A: [] }))).toBe(false);
    expect(validate(pipeline({ A: [{ nested: 1 }] }))).toBe(false);
    expect(validate(pipeline({ A: ['a'], include: ['a'] }))).toBe(false);
  });

  it('lets values with references pass patterns (checked after substitution), but not keys', () => {
    const child = (parent: string) => ({ version: 1, images: { m: { context: 'x', parent, matrix: { A: ['a'] }, checks: [{ id: '${matrix.A}-ok', command: ['x'] }] } } });
    expect(validate(child('base-${matrix.A}'))).toBe(true);
    expect(validate(child('Bad Name'))).toBe(false);
    expect(validate({ version: 1, images: { 'x-${matrix.A}': { context: 'x' } } })).toBe(false);
  });
});
