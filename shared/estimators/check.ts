/**
 * Up-front validation of (measure, estimator, blocks, params): cheap structural checks
 * (`validateShape`, run by every estimate) and data scans (`checkData`: non-finite cells,
 * duplicates) run once per job. Errors name the field, row or column.
 */
import type { Matrix } from '../data/matrix.js';
import { estimatorOf, measureOf, usesK, type MeasureDescriptor } from '../catalog/index.js';
import { DataError, EstimatorError, OptionError } from '../errors.js';
import { duplicateRows } from './cells.js';
import { firstNonFinite } from '../data/wasm/columns.js';
import { checkTies } from './ties-guard.js';
import type { EstimatorInput, EstimatorParams } from './types.js';

function checkBlock(m: Matrix | undefined, name: string, n: number): void {
  if (!m) return;
  if (!Number.isInteger(m.n) || !Number.isInteger(m.d) || m.d < 1) throw new DataError(`${name}: needs at least one column (got d = ${m.d})`);
  if (m.data.length !== m.n * m.d) throw new DataError(`${name}: data holds ${m.data.length} values, expected n·d = ${m.n}·${m.d}`);
  if (m.n !== n) throw new DataError(`${name} has ${m.n} rows but x has ${n}: blocks must have the same rows`);
}

/**
 * Whether block b of the estimator's input is in use: declared by the measure, or made by its
 * transform (ais, pi, entropy_rate take one series and embed it into x and y).
 */
function used(m: MeasureDescriptor, b: 'y' | 'z', input: EstimatorInput): boolean {
  return input[b] !== undefined && (m.blocks[b] !== 'none' || m.transform !== undefined);
}

/** Structural checks from the catalog entries; throws OptionError / DataError / EstimatorError. */
export function validateShape(measure: string, estimator: string, input: EstimatorInput, params: EstimatorParams): void {
  const m = measureOf(measure);
  const e = estimatorOf(measure, estimator);
  if (!input.x) throw new OptionError(`${measure} needs x`, 'x');
  const n = input.x.n;
  checkBlock(input.x, 'x', n);
  if (n < 1) throw new DataError('x: no rows (empty data)');
  for (const b of ['y', 'z'] as const) {
    const rule = m.blocks[b];
    if (rule === 'required' && !input[b]) throw new OptionError(`${measure} needs ${b} (${m.blocks.meaning[b]})`, b);
    if (rule !== 'none' || used(m, b, input)) checkBlock(input[b], b, n);
  }
  checkBlock(input.t, 't', n);
  if (m.blocks.minX !== undefined && input.x.d < m.blocks.minX) {
    throw new OptionError(`${measure} needs at least ${m.blocks.minX} x columns (${m.blocks.meaning.x}); got ${input.x.d}`, 'x');
  }
  if (usesK(e.name)) {
    const k = params.k;
    if (!Number.isInteger(k) || k < 1) throw new OptionError(`k must be a positive integer, got ${k}`, 'k');
    if (k >= n) {
      throw new EstimatorError(`${estimator} with k = ${k} needs at least k + 1 = ${k + 1} rows, got ${n}`);
    }
  }
  if (estimator === 'gaussian' && n < 2) throw new EstimatorError(`gaussian needs at least 2 rows, got ${n}`);
  m.check?.(input);
}

function checkFinite(m: Matrix | undefined, name: string): void {
  if (!m) return;
  const { n, d, data } = m;
  // the first bad value in row order (long blocks: found by the WebAssembly kernel)
  let at = firstNonFinite(data.subarray(0, n * d));
  if (at === undefined) {
    at = -1;
    for (let i = 0; i < n * d; i++) if (!Number.isFinite(data[i]!)) { at = i; break; }
  }
  if (at >= 0) throw new DataError(`${name}: non-finite value ${data[at]} at row ${Math.floor(at / d)}, column ${at % d}`);
}

/**
 * The space whose duplicate rows bias the estimator (the joint space of the blocks by default),
 * as its blocks: duplicateRows joins them only when it needs to.
 */
function jointSpace(measure: string, estimator: string, input: EstimatorInput): Matrix[] {
  const e = estimatorOf(measure, estimator);
  if (e.space) return [e.space(measure, input)];
  const blocks = [input.x];
  const m = measureOf(measure);
  if (used(m, 'y', input)) blocks.push(input.y!);
  if (used(m, 'z', input)) blocks.push(input.z!);
  return blocks;
}

/** Full check: shape, finite values, duplicates. Returns warnings for non-fatal issues. */
export function checkInput(measure: string, estimator: string, input: EstimatorInput, params: EstimatorParams): string[] {
  validateShape(measure, estimator, input, params);
  const m = measureOf(measure);
  const e = estimatorOf(measure, estimator);
  const warnings: string[] = [];
  checkFinite(input.x, 'x');
  for (const b of ['y', 'z'] as const) {
    if (m.blocks[b] !== 'none' || used(m, b, input)) checkFinite(input[b], b);
    else if (input[b]) warnings.push(`${b} is ignored for ${measure}`);
  }
  if (params.millerMadow && estimator !== 'plugin') warnings.push(`millerMadow applies to the plugin estimator only; ignored for ${estimator}`);
  if (e.duplicates === 'refuse') {
    const dup = duplicateRows(...jointSpace(measure, estimator, input));
    if (dup > 0) {
      throw new EstimatorError(
        `${estimator} ${measure}: x has ${dup} duplicate row${dup === 1 ? '' : 's'}, which give zero neighbour distances and a ` +
          `biased or infinite estimate; add a small seeded noise with the 'jitter' option`,
      );
    }
  } else if (e.duplicates === 'warn') {
    // kNN estimators with a k: refuse when ties make the k-th distance 0 for many rows (ties-guard.ts)
    if (usesK(estimator)) checkTies(estimator, { x: input.x, ...(used(m, 'y', input) ? { y: input.y } : {}), ...(used(m, 'z', input) ? { z: input.z } : {}) }, params.k);
    const dup = duplicateRows(...jointSpace(measure, estimator, input));
    if (dup > 0) {
      warnings.push(
        `${dup} duplicate row${dup === 1 ? '' : 's'} in the joint space: kNN estimators are biased by ties; consider jitter` +
          (measure === 'mi' ? ' or the mixed_ksg estimator' : ''),
      );
    }
  } else if (e.duplicates === 'expected' && !e.knn) {
    const space = jointSpace(measure, estimator, input);
    if (duplicateRows(...space) === 0 && space[0]!.n > 1) {
      warnings.push(`${estimator}: every row is distinct, so each is its own category; ${estimator} treats values as discrete (use a kNN estimator for continuous data)`);
    }
  }
  return warnings;
}
