import { labelProblem, type Diagnostic, type ImageSpec, type PipelineSpec } from '@fipsyard/core';
import type { Locator, PathSegment } from './document.js';
import { closest } from './suggest.js';

/** What rules may ask of the file system; injected so rules stay testable. */
export interface FileProbe {
  /** The path with symlinks resolved, or undefined when it does not exist. */
  realpath(path: string): string | undefined;
  isDirectory(path: string): boolean;
  isFile(path: string): boolean;
  readText(path: string): string | undefined;
}

export interface RuleContext {
  spec: PipelineSpec;
  source: Locator;
  files: FileProbe;
  /** Built-in suite names the workers know. Undefined: not checked. */
  knownSuites?: readonly string[];
  suiteCheckIds?: Readonly<Record<string, readonly string[]>>;
  now: Date;
  /** Contexts and Dockerfiles must resolve inside this directory. */
  root: string;
  /** `path.join` for the platform. */
  join(...parts: string[]): string;
  report(d: Omit<Diagnostic, 'location'> & { at: readonly PathSegment[]; key?: boolean }): void;
}

export type Rule = (ctx: RuleContext) => void;

/** Images by name, built once per spec: rules look images up for every check of every image. */
const byName = new WeakMap<PipelineSpec, ReadonlyMap<string, ImageSpec>>();
function imageNamed(spec: PipelineSpec, name: string): ImageSpec | undefined {
  let index = byName.get(spec);
  if (!index) {
    index = new Map(spec.images.map((i) => [i.name, i]));
    byName.set(spec, index);
  }
  return index.get(name);
}

const parentExists: Rule = ({ spec, report }) => {
  const names = spec.images.map((i) => i.name);
  for (const image of spec.images) {
    if (image.parent === undefined) continue;
    if (image.parent === image.name) {
      report({ severity: 'error', message: `image "${image.name}" names itself as its parent`, hint: 'remove "parent:" or name another image', at: ['images', image.name, 'parent'] });
    } else if (!imageNamed(spec, image.parent)) {
      const variants = spec.images.filter((i) => i.matrix?.declaredAs === image.parent).map((i) => i.name);
      if (variants.length > 0) {
        report({
          severity: 'error',
          message: `parent "${image.parent}" of image "${image.name}" is a matrix declaration, not one image: it expands to ${variants.join(', ')}`,
          hint: `name one variant, e.g. parent: ${variants[variants.length - 1]}; or give "${image.name}" the same matrix and write parent: with \${matrix.AXIS} references`,
          at: ['images', image.name, 'parent'],
        });
        continue;
      }
      const guess = closest(image.parent, names);
      report({
        severity: 'error',
        message: `image "${image.name}" has unknown parent "${image.parent}"`,
        hint: guess ? `did you mean "${guess}"? images in this file: ${names.join(', ')}` : `images in this file: ${names.join(', ')}`,
        at: ['images', image.name, 'parent'],
      });
    }
  }
};

const noCycles: Rule = ({ spec, report }) => {
  const parentOf = new Map(spec.images.map((i) => [i.name, i.parent]));
  const reported = new Set<string>();
  // Images whose ancestry was already walked: a later walk stops there, so a long chain of images
  // costs linear time, and a cycle is still reported from the first image that leads into it.
  const walked = new Set<string>();
  for (const image of spec.images) {
    const chain: string[] = [];
    const onChain = new Set<string>();
    let cur: string | undefined = image.name;
    while (cur !== undefined && parentOf.has(cur) && !onChain.has(cur) && !walked.has(cur)) {
      chain.push(cur);
      onChain.add(cur);
      cur = parentOf.get(cur);
    }
    for (const name of chain) walked.add(name);
    if (cur === undefined || !onChain.has(cur)) continue;
    const cycle = [...chain.slice(chain.indexOf(cur)), cur];
    if (cycle.length <= 2) continue; // self-parent: reported by parentExists
    const key = [...cycle.slice(0, -1)].sort().join(',');
    if (reported.has(key)) continue;
    reported.add(key);
    // Show the cycle in build order: parent -> child -> ... -> parent.
    const order = [...cycle].reverse();
    report({
      severity: 'error',
      message: `images depend on each other in a cycle: ${order.join(' -> ')}`,
      hint: 'a base image cannot be built on one of its own descendants; remove one "parent:" in the cycle',
      at: ['images', cycle[0]!, 'parent'],
    });
  }
};

function inside(root: string, p: string): boolean {
  const r = root.endsWith('/') ? root : `${root}/`;
  return p === root || p.startsWith(r);
}

/** A committed pipeline file must not send files from elsewhere on the machine to the engine. */
const staysInsideRoot: Rule = ({ spec, files, join, root, report }) => {
  const realRoot = files.realpath(root) ?? root;
  for (const image of spec.images) {
    if (image.context.includes('${')) continue;
    const hint = `keep build contexts inside the project root ${realRoot} (the git repository holding the pipeline file, or its directory), or pass --root DIR`;
    const real = files.realpath(image.context);
    if (!inside(realRoot, image.context) || (real !== undefined && !inside(realRoot, real))) {
      report({ severity: 'error', message: `build context of "${image.name}" is outside the project: ${real ?? image.context}${real && real !== image.context ? ` (through a symlink: ${image.context})` : ''}`, hint, at: ['images', image.name, 'context'] });
      continue;
    }
    if (image.dockerfile.startsWith('../') || image.dockerfile === '..' || image.dockerfile.startsWith('/')) {
      report({ severity: 'error', message: `Dockerfile of "${image.name}" is outside its build context: ${image.dockerfile}`, hint: '"dockerfile:" is a path inside the context; move the Dockerfile into it', at: ['images', image.name, 'dockerfile'] });
      continue;
    }
    const realDockerfile = files.realpath(join(image.context, image.dockerfile));
    if (real !== undefined && realDockerfile !== undefined && !inside(real, realDockerfile)) {
      report({ severity: 'error', message: `Dockerfile of "${image.name}" leads outside its build context through a symlink: ${realDockerfile}`, hint: 'replace the symlink with the file itself', at: ['images', image.name, 'dockerfile'] });
    }
  }
};

const contextExists: Rule = ({ spec, files, join, report }) => {
  for (const image of spec.images) {
    if (image.context.includes('${')) continue; // already reported as an undefined variable
    if (!files.isDirectory(image.context)) {
      report({
        severity: 'error',
        message: `build context of "${image.name}" is not a directory: ${image.context}`,
        hint: 'context paths are relative to the pipeline file; create the directory or fix the path',
        at: ['images', image.name, 'context'],
      });
      continue;
    }
    const dockerfile = join(image.context, image.dockerfile);
    if (!files.isFile(dockerfile)) {
      report({
        severity: 'error',
        message: `Dockerfile of "${image.name}" not found: ${dockerfile}`,
        hint: '"dockerfile:" is relative to the context directory (default "Dockerfile")',
        at: ['images', image.name, image.dockerfile === 'Dockerfile' ? 'context' : 'dockerfile'],
      });
    }
  }
};

/** A derived image must really be built FROM the parent's image ID, or the lineage is a lie. */
const derivedUsesParentArg: Rule = ({ spec, files, join, report }) => {
  for (const image of spec.images) {
    if (image.parent === undefined) continue;
    const text = files.readText(join(image.context, image.dockerfile));
    if (text === undefined) continue;
    if (!firstFromUses(text, image.parentArg)) {
      report({
        severity: 'error',
        message: `Dockerfile of "${image.name}" does not build FROM its parent: its first FROM does not use \${${image.parentArg}}`,
        hint: `start it with "ARG ${image.parentArg}" and "FROM \${${image.parentArg}}"; fipsyard passes the exact image ID of "${image.parent}" in that build arg`,
        at: ['images', image.name, 'parent'],
      });
    }
  }
};

export function firstFromUses(dockerfile: string, arg: string): boolean {
  const joined = dockerfile.replace(/\\\r?\n/g, ' ');
  for (const line of joined.split(/\r?\n/)) {
    const m = /^\s*FROM\s+(?:--platform=\S+\s+)?(\S+)/i.exec(line);
    if (!m) continue;
    const ref = m[1] ?? '';
    return ref === `$${arg}` || ref === `\${${arg}}`;
  }
  return false;
}

/** Where a check of an image was declared in the file: its own list or an ancestor's. */
function checkPath(spec: PipelineSpec, image: ImageSpec, index: number): PathSegment[] {
  const check = image.checks[index]!;
  const owner = imageNamed(spec, check.origin) ?? image;
  const ownIndex = owner.checks.filter((c) => c.origin === owner.name).indexOf(check);
  return ['images', owner.name, 'checks', ownIndex < 0 ? 0 : ownIndex];
}

const checksValid: Rule = ({ spec, knownSuites, report }) => {
  for (const image of spec.images) {
    const seenSuites = new Set<string>();
    const seenIds = new Map<string, string>();
    image.checks.forEach((check, i) => {
      // Inherited checks are reported once, at the image that declares them.
      const own = check.origin === image.name;
      const at = checkPath(spec, image, i);
      if (check.kind === 'suite') {
        if (own && knownSuites && !knownSuites.includes(check.suite)) {
          const guess = closest(check.suite, knownSuites);
          report({
            severity: 'error',
            message: `unknown check suite "${check.suite}" for image "${image.name}"`,
            hint: `${guess ? `did you mean "${guess}"? ` : ''}suites: ${knownSuites.join(', ')}; a plugin named under "plugins:" can add more`,
            at: [...at, 'suite'],
          });
        }
        if (own && seenSuites.has(check.suite)) report({ severity: 'warning', message: `suite "${check.suite}" is listed twice for "${image.name}"`, at: [...at, 'suite'] });
        seenSuites.add(check.suite);
        return;
      }
      const prev = seenIds.get(check.id);
      if (prev !== undefined && (own || prev === image.name)) {
        const inherited = prev !== image.name ? prev : check.origin !== image.name ? check.origin : undefined;
        report({
          severity: 'error',
          message: inherited ? `check id "${check.id}" of image "${image.name}" is already a check inherited from "${inherited}"` : `check id "${check.id}" is used twice in image "${image.name}"`,
          hint: inherited ? 'a derived image cannot replace an inherited check; give yours another id, or accept the inherited result with a waiver' : 'give each check of an image its own id',
          at: [...at, 'id'],
        });
      }
      seenIds.set(check.id, check.origin);
    });
  }
};

function isoDay(d: Date): string {
  return d.toISOString().slice(0, 10);
}

const waiversValid: Rule = ({ spec, suiteCheckIds, now, report }) => {
  const today = isoDay(now);
  for (const image of spec.images) {
    const ids = new Set<string>();
    for (const c of image.checks) {
      if (c.kind !== 'suite') ids.add(c.id);
      else for (const id of suiteCheckIds?.[c.suite] ?? []) ids.add(id);
    }
    image.waivers.forEach((w, i) => {
      const at = ['images', image.name, 'waivers', i] as const;
      if (Number.isNaN(Date.parse(`${w.expires}T00:00:00Z`)) || isoDay(new Date(`${w.expires}T00:00:00Z`)) !== w.expires) {
        report({ severity: 'error', message: `waiver for "${w.check}" expires on an impossible date "${w.expires}"`, hint: 'write a real date as YYYY-MM-DD', at: [...at, 'expires'] });
      } else if (w.expires < today) {
        report({ severity: 'warning', message: `waiver for "${w.check}" of "${image.name}" expired on ${w.expires}: the run will fail on it`, hint: 'fix the image, or renew the waiver with a new date and reason', at: [...at, 'expires'] });
      }
      if (suiteCheckIds && !ids.has(w.check)) {
        const guess = closest(w.check, [...ids]);
        report({
          severity: 'error',
          message: `waiver names check "${w.check}", which image "${image.name}" does not run`,
          hint: guess ? `did you mean "${guess}"?` : `checks of this image: ${[...ids].join(', ') || 'none'}`,
          at: [...at, 'check'],
        });
      }
    });
  }
};

const DOMAIN = /^(?:localhost|(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?\.)*[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)(?::[0-9]+)?$/;
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;

/** Docker's reference grammar: [domain/]path[:tag]; a first part is a domain only with "." or ":" or "localhost". */
export function isValidReference(ref: string): boolean {
  if (ref.length > 255 || ref.includes('@')) return false;
  const parts = ref.split('/');
  const first = parts[0] ?? '';
  if (parts.length > 1 && (first.includes('.') || first.includes(':') || first === 'localhost')) {
    if (!DOMAIN.test(first)) return false;
    parts.shift();
  }
  const last = parts.pop() ?? '';
  const colon = last.indexOf(':');
  const name = colon < 0 ? last : last.slice(0, colon);
  if (colon >= 0 && !TAG.test(last.slice(colon + 1))) return false;
  return [...parts, name].every((c) => PATH_COMPONENT.test(c));
}

const tagsValid: Rule = ({ spec, report }) => {
  const owner = new Map<string, string>();
  for (const image of spec.images) {
    image.tags.forEach((tag, i) => {
      if (!isValidReference(tag)) {
        report({
          severity: 'error',
          message: `"${tag}" is not a valid image reference (image "${image.name}")`,
          hint: 'write [registry/]repository[:tag] in lowercase, e.g. fipsyard/node-dev:20',
          at: ['images', image.name, 'tags', i],
        });
        return;
      }
      const prev = owner.get(withTag(tag));
      if (prev !== undefined && prev !== image.name) report(duplicateTag(spec, tag, prev, image, i));
      owner.set(withTag(tag), image.name);
    });
  }
};

/** A tag named twice; when both are variants of one matrix image, say so and point at the declaration. */
function duplicateTag(spec: PipelineSpec, tag: string, prev: string, image: ImageSpec, index: number): Parameters<RuleContext['report']>[0] {
  const at = ['images', image.name, 'tags', index];
  const declaredAs = image.matrix?.declaredAs;
  if (declaredAs === undefined || imageNamed(spec, prev)?.matrix?.declaredAs !== declaredAs) {
    return { severity: 'error', message: `tag "${tag}" is given to both "${prev}" and "${image.name}"`, hint: 'each tag may name one image', at };
  }
  const axes = Object.keys(image.matrix?.values ?? {});
  const colon = tag.indexOf(':', tag.lastIndexOf('/') + 1);
  // The same message for every variant, so it is shown once, at the declaration's tag.
  return {
    severity: 'error',
    message: `tag "${tag}" is given to several variants of matrix image "${declaredAs}"`,
    hint: `"${prev}" and "${image.name}" both get it, and each tag may name one image: put the axes in it, e.g. ${colon < 0 ? tag : tag.slice(0, colon)}:${axes.map((a) => `\${matrix.${a}}`).join('-')}`,
    at,
  };
}

function withTag(ref: string): string {
  const slash = ref.lastIndexOf('/');
  return ref.slice(slash + 1).includes(':') ? ref : `${ref}:latest`;
}

const secretArgsDeclared: Rule = ({ spec, report }) => {
  for (const image of spec.images) {
    image.secretArgs.forEach((name, i) => {
      if (!Object.hasOwn(image.args, name)) {
        report({ severity: 'warning', message: `secret build arg "${name}" of "${image.name}" is not among its args`, at: ['images', image.name, 'secretArgs', i] });
      }
    });
  }
};

/** The rules, in the order their messages are most useful. */
/** Label values are checked after scalars became strings; a test stage's requirements must agree. */
const requiresValid: Rule = ({ spec, report }) => {
  for (const image of spec.images) {
    const check = (r: Record<string, string> | undefined, at: PathSegment[]) => {
      for (const [name, value] of Object.entries(r ?? {})) {
        const problem = labelProblem(name, value);
        if (problem) report({ severity: 'error', message: problem, hint: 'e.g. requires: { fips-host: "true", arch: amd64 }', at: [...at, 'requires', name] });
      }
    };
    check(image.requires, ['images', image.name]);
    const union = new Map(Object.entries(image.requires ?? {}).map(([k, v]) => [k, { v, from: `image "${image.name}"` }]));
    image.checks.forEach((c, i) => {
      const at = checkPath(spec, image, i);
      if (c.origin === image.name) check(c.requires, at);
      for (const [k, v] of Object.entries(c.requires ?? {})) {
        const from = `check ${c.kind === 'suite' ? `suite "${c.suite}"` : `"${c.id}"`}${c.origin === image.name ? '' : ` (inherited from "${c.origin}")`}`;
        const prev = union.get(k);
        if (prev && prev.v !== v) {
          report({
            severity: 'error',
            message: `the test stage of "${image.name}" can run on no worker: ${prev.from} requires ${k}=${prev.v} and ${from} requires ${k}=${v}`,
            hint: 'a stage runs on one worker; make the requirements agree, or move the check to another image',
            at: c.origin === image.name ? [...at, 'requires', k] : ['images', image.name],
          });
        } else union.set(k, { v, from });
      }
    });
  }
};

export const RULES: readonly Rule[] = [parentExists, noCycles, staysInsideRoot, contextExists, derivedUsesParentArg, checksValid, waiversValid, tagsValid, secretArgsDeclared, requiresValid];

export type { ImageSpec };
