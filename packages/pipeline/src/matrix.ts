import type { Diagnostic, MatrixOrigin } from '@fipsyard/core';
import type { Locator, PathSegment } from './document.js';
import { describe, isObj, readMatrix, type Obj, type Reporter, type Values } from './matrix-combinations.js';
import { IMAGE_NAME } from './schema.js';

/** Variants all declarations of a file together may expand to; keeps a hostile file cheap to refuse. */
export const MAX_MATRIX_IMAGES = 2048;

export interface MatrixExpansion {
  /** The raw pipeline with each matrix declaration replaced by its variants, in place. */
  raw: unknown;
  /** Variant name -> the declaration and values it comes from. */
  origins: Map<string, MatrixOrigin>;
  /** Declarations left out because their matrix is invalid (reported in `errors`). */
  dropped: string[];
  errors: Diagnostic[];
  warnings: Diagnostic[];
}

/**
 * Replaces every image declaring `matrix:` by one image per combination of its axes, with
 * `${matrix.AXIS}` substituted in all its string values (their `$` escaped as `$$` by
 * interpolation). Runs on the plain data, before the schema: each variant is validated as an image.
 */
export function expandMatrices(raw: unknown, source: Locator): MatrixExpansion {
  const out: MatrixExpansion = { raw, origins: new Map(), dropped: [], errors: [], warnings: [] };
  if (!isObj(raw) || !isObj(raw['images'])) return out;
  const report: Reporter = {
    error: (at, message, hint, key) => out.errors.push({ severity: 'error', message, hint, location: source.locate(at, key ? { key: true } : {}), path: at.join('.') }),
    warning: (at, message, hint) => out.warnings.push({ severity: 'warning', message, hint, location: source.locate(at), path: at.join('.') }),
    errorCount: () => out.errors.length,
  };
  const declared = raw['images'];
  // Plain images keep their names; variants may not take them.
  const owners = new Map<string, string>(Object.entries(declared).filter(([, img]) => !isMatrixImage(img)).map(([name]) => [name, name]));
  const images: Obj = {};
  let total = 0;
  for (const [key, img] of Object.entries(declared)) {
    if (!isMatrixImage(img) || !IMAGE_NAME.test(key)) {
      // Not a matrix image; a bad declaration name is the schema's to report.
      if (isObj(img) && img['name'] !== undefined && !isMatrixImage(img)) {
        report.error(['images', key, 'name'], `"name:" of image "${key}" is for matrix images only`, `the image's name is its key under "images:" ("${key}"); remove "name:", or add "matrix:"`, true);
      }
      images[key] = img;
      continue;
    }
    const variants = variantsOf(key, img, report);
    if (variants === undefined) {
      out.dropped.push(key);
      continue;
    }
    total += variants.length;
    if (total > MAX_MATRIX_IMAGES) {
      report.error(['images', key, 'matrix'], `the matrices of this file expand to more than ${MAX_MATRIX_IMAGES} images`, 'split the pipeline into several files, or drop combinations with exclude:', true);
      break;
    }
    for (const { name, values } of variants) {
      const owner = owners.get(name);
      if (owner !== undefined) {
        const refs = Object.keys(values).map((a) => `\${matrix.${a}}`).join('-');
        report.error(
          nameAt(key, img),
          `variant "${name}" of matrix image "${key}" has the same name as ${owner === name ? `image "${name}"` : `a variant of "${owner}"`}`,
          owner === name ? `names must be unique after expansion: rename image "${name}", or name the variants another way, e.g. name: ${key}-v${refs}` : `names must be unique after expansion: give "${key}" or "${owner}" a "name:" template that sets their variants apart, e.g. name: ${key}-${refs}`,
        );
        continue;
      }
      owners.set(name, key);
      images[name] = substituteDeep(withoutMatrixKeys(img), values);
      out.origins.set(name, { declaredAs: key, values });
    }
  }
  out.raw = { ...raw, images };
  return out;
}

/** The variants of one declaration with their names, or undefined when the matrix is invalid. */
function variantsOf(key: string, img: Obj, report: Reporter): { name: string; values: Values }[] | undefined {
  const combinations = readMatrix(key, img['matrix'], report);
  if (combinations === undefined) return undefined;
  const template = typeof img['name'] === 'string' ? img['name'] : undefined;
  const variants = combinations.map((values) => ({ name: template === undefined ? defaultName(key, values) : substituteMatrix(template, values), values }));
  const bad = variants.find((v) => !IMAGE_NAME.test(v.name));
  if (bad) {
    report.error(
      nameAt(key, img),
      `matrix image "${key}" gives a variant the invalid image name "${bad.name}"`,
      template === undefined
        ? `the default name is the key and the values joined by "-"; give "name:" a shorter template, e.g. name: ${key}-\${matrix.${Object.keys(bad.values)[0] ?? 'AXIS'}}`
        : 'after substitution, image names are lowercase letters, digits, ".", "_" and "-", starting with a letter or digit, at most 63 characters',
    );
    return undefined;
  }
  const seen = new Map<string, Values>();
  for (const v of variants) {
    const first = seen.get(v.name);
    if (first) {
      report.error(nameAt(key, img), `two variants of matrix image "${key}" are both named "${v.name}" (${describe(first)} and ${describe(v.values)})`, `use every axis in "name:", e.g. name: ${key}-${Object.keys(v.values).map((a) => `\${matrix.${a}}`).join('-')}`);
      return undefined;
    }
    seen.set(v.name, v.values);
  }
  return variants;
}

/** Where naming problems are shown: the `name:` template if there is one, else the `matrix:` key. */
function nameAt(key: string, img: Obj): PathSegment[] {
  return img['name'] === undefined ? ['images', key, 'matrix'] : ['images', key, 'name'];
}

/** `python-dev` with 3.12 -> `python-dev-3.12`; characters an image name cannot hold become `-`. */
function defaultName(key: string, values: Values): string {
  return [key, ...Object.values(values)]
    .join('-')
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-');
}

/**
 * Finishes a template made by `interpolate(..., { template: true })`: `${matrix.AXIS}` becomes
 * the variant's value and `$$` a literal `$`. Anything else is kept as written.
 */
export function substituteMatrix(template: string, values: Values): string {
  let out = '';
  for (let i = 0; i < template.length; i++) {
    const c = template[i]!;
    if (c === '$' && template[i + 1] === '$') {
      out += '$';
      i += 1;
      continue;
    }
    if (c === '$' && template.startsWith('{matrix.', i + 1)) {
      const end = template.indexOf('}', i);
      const axis = template.slice(i + '${matrix.'.length, end);
      if (end >= 0 && Object.hasOwn(values, axis)) {
        out += values[axis];
        i = end;
        continue;
      }
    }
    out += c;
  }
  return out;
}

function substituteDeep(value: unknown, values: Values): unknown {
  if (typeof value === 'string') return substituteMatrix(value, values);
  if (Array.isArray(value)) return value.map((v) => substituteDeep(v, values));
  if (isObj(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substituteDeep(v, values)]));
  return value;
}

function withoutMatrixKeys(img: Obj): Obj {
  const { matrix: _matrix, name: _name, ...rest } = img;
  return rest;
}

function isMatrixImage(img: unknown): img is Obj {
  return isObj(img) && img['matrix'] !== undefined;
}
