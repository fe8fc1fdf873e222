import { isMap, isPair, isScalar, isSeq, type YAMLMap } from 'yaml';
import type { InterpolationError, MatrixReference } from './interpolate.js';
import { closest } from './suggest.js';

/** Keys of a `matrix:` block that are not axes. */
export const MATRIX_LISTS = ['include', 'exclude'] as const;

/** Where a string value stands, which decides what `${matrix.AXIS}` means there. */
export type MatrixScope =
  /** A top-level value (`image` unset), or a value of an image without `matrix:`. */
  | { kind: 'outside'; image?: string }
  /** Inside a `matrix:` block: axis values, include and exclude entries. */
  | { kind: 'matrix'; image: string }
  /** Elsewhere in a matrix image: a template, finished per variant. `axes` unset: the block is not a mapping. */
  | { kind: 'variant'; image: string; axes?: readonly string[] };

/**
 * The scope of a scalar from its ancestors as `yaml`'s `visit` gives them:
 * [Document, root map, Pair(images), images map, Pair(name), image map, Pair(key), ...].
 */
export function matrixScopes(): (ancestors: readonly unknown[]) => MatrixScope {
  const axesOf = new WeakMap<YAMLMap, readonly string[] | undefined>();
  return (ancestors) => {
    const images = ancestors[2];
    const image = ancestors[4];
    const body = ancestors[5];
    if (!isPair(images) || !isScalar(images.key) || images.key.value !== 'images' || !isPair(image) || !isScalar(image.key) || !isMap(body)) {
      return { kind: 'outside' };
    }
    const name = String(image.key.value);
    const matrix = body.items.find((p) => isScalar(p.key) && p.key.value === 'matrix');
    if (!matrix) return { kind: 'outside', image: name };
    if (ancestors[6] === matrix) return { kind: 'matrix', image: name };
    if (!axesOf.has(body)) axesOf.set(body, declaredAxes(matrix.value));
    const axes = axesOf.get(body);
    return axes ? { kind: 'variant', image: name, axes } : { kind: 'variant', image: name };
  };
}

/** Axis names as written: the block's keys, and those of its include entries. */
function declaredAxes(block: unknown): readonly string[] | undefined {
  if (!isMap(block)) return undefined;
  const axes = new Set<string>();
  for (const pair of block.items) {
    if (!isScalar(pair.key)) continue;
    const key = String(pair.key.value);
    if (key === 'include' && isSeq(pair.value)) {
      for (const entry of pair.value.items) if (isMap(entry)) for (const p of entry.items) if (isScalar(p.key)) axes.add(String(p.key.value));
    } else if (!(MATRIX_LISTS as readonly string[]).includes(key)) {
      axes.add(key);
    }
  }
  return [...axes];
}

/** `${matrix.AXIS}` references that mean nothing where they stand. */
export function misplacedMatrixRefs(refs: readonly MatrixReference[], scope: MatrixScope): InterpolationError[] {
  return refs.flatMap(({ axis, offset }): InterpolationError[] => {
    const ref = `\${matrix.${axis}}`;
    switch (scope.kind) {
      case 'outside':
        return [
          scope.image === undefined
            ? { offset, message: `"${ref}" outside an image: matrix references work only in a matrix image`, hint: 'declare "matrix:" on an image and use the reference in its values; write $${matrix...} for the literal text' }
            : { offset, message: `"${ref}" in image "${scope.image}", which has no "matrix:"`, hint: `declare the axis on this image, e.g. matrix: { ${axis}: [a, b] }, or write $${ref} for the literal text` },
        ];
      case 'matrix':
        return [{ offset, message: `a matrix value cannot refer to the matrix ("${ref}" in the matrix of "${scope.image}")`, hint: 'write the value itself; variables such as ${NAME} work here' }];
      case 'variant': {
        if (scope.axes === undefined || scope.axes.includes(axis)) return [];
        const guess = closest(axis, scope.axes);
        const axes = scope.axes.length > 0 ? `axes of "${scope.image}": ${scope.axes.join(', ')}` : `"${scope.image}" declares no axis yet`;
        return [{ offset, message: `"${ref}": matrix image "${scope.image}" has no axis "${axis}"`, hint: guess ? `did you mean "${guess}"? ${axes}` : axes }];
      }
      default: {
        const never: never = scope;
        return never;
      }
    }
  });
}
