/**
 * Up-front validation of (measure, estimator, blocks, params): cheap structural checks
 * (`validateShape`, run by every estimate) and data scans (`checkData`: non-finite cells,
 * duplicates) run once per job. Errors name the field, row or column.
 */
import { hstack, type Matrix } from '../data/matrix.js';
import { DataError, EstimatorError, OptionError } from '../errors.js';
import type { Measure } from '../job/spec.js';
import { duplicateRows } from './cells.js';
import { ESTIMATORS, KNN_ESTIMATORS } from './registry.js';
import { checkTies } from './ties-guard.js';
import type { EstimatorInput, EstimatorParams } from './types.js';

const MEASURES = Object.keys(ESTIMATORS) as Measure[];

function checkBlock(m: Matrix | undefined, name: string, n: number): void {
  if (!m) return;
  if (!Number.isInteger(m.n) || !Number.isInteger(m.d) || m.d < 1) throw new DataError(`${name}: needs at least one column (got d = ${m.d})`);
  if (m.data.length !== m.n * m.d) throw new DataError(`${name}: data holds ${m.data.length} values, expected n·d = ${m.n}·${m.d}`);
  if (m.n !== n) throw new DataError(`${name} has ${m.n} rows but x has ${n}: blocks must have the same rows`);
}

/** Structural checks; throws OptionError / DataError / EstimatorError. */
export function validateShape(measure: Measure, estimator: string, input: EstimatorInput, params: EstimatorParams): void {
  if (!MEASURES.includes(measure)) {
    throw new OptionError(`unknown measure '${String(measure)}'; valid measures: ${MEASURES.join(', ')}`, 'measure');
  }
  const valid = ESTIMATORS[measure];
  if (!valid.includes(estimator)) {
    throw new OptionError(`unknown estimator '${estimator}' for ${measure}; valid estimators: ${valid.join(', ')}`, 'estimator');
  }
  if (!input.x) throw new OptionError(`${measure} needs x`, 'x');
  const n = input.x.n;
  checkBlock(input.x, 'x', n);
  if (n < 1) throw new DataError('x: no rows (empty data)');
  if ((measure === 'mi' || measure === 'cmi') && !input.y) throw new OptionError(`${measure} needs y (columns for Y)`, 'y');
  if (measure === 'cmi' && !input.z) throw new OptionError('cmi needs z (columns to condition on)', 'z');
  if (measure !== 'entropy') checkBlock(input.y, 'y', n);
  if (measure === 'cmi') checkBlock(input.z, 'z', n);
  if (KNN_ESTIMATORS.has(estimator)) {
    const k = params.k;
    if (!Number.isInteger(k) || k < 1) throw new OptionError(`k must be a positive integer, got ${k}`, 'k');
    if (k >= n) {
      throw new EstimatorError(`${estimator} with k = ${k} needs at least k + 1 = ${k + 1} rows, got ${n}`);
    }
  }
  if (estimator === 'gaussian' && n < 2) throw new EstimatorError(`gaussian needs at least 2 rows, got ${n}`);
}

function checkFinite(m: Matrix | undefined, name: string): void {
  if (!m) return;
  const { n, d, data } = m;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) {
      const v = data[i * d + j]!;
      if (!Number.isFinite(v)) throw new DataError(`${name}: non-finite value ${v} at row ${i}, column ${j}`);
    }
  }
}

/** The space whose duplicate rows bias the estimator (joint space for MI/CMI). */
function jointSpace(measure: Measure, input: EstimatorInput): Matrix {
  if (measure === 'entropy') return input.x;
  if (measure === 'mi') return hstack(input.x, input.y!);
  return hstack(input.x, input.y!, input.z!);
}

/** Full check: shape, finite values, duplicates. Returns warnings for non-fatal issues. */
export function checkInput(measure: Measure, estimator: string, input: EstimatorInput, params: EstimatorParams): string[] {
  validateShape(measure, estimator, input, params);
  const warnings: string[] = [];
  checkFinite(input.x, 'x');
  if (measure !== 'entropy') checkFinite(input.y, 'y');
  if (measure === 'cmi') checkFinite(input.z, 'z');
  if (measure === 'entropy' && input.y) warnings.push('y is ignored for entropy');
  if (measure !== 'cmi' && input.z) warnings.push(`z is ignored for ${measure}`);
  if (params.millerMadow && estimator !== 'plugin') warnings.push(`millerMadow applies to the plugin estimator only; ignored for ${estimator}`);
  if (estimator === 'kl') {
    const dup = duplicateRows(input.x);
    if (dup > 0) {
      throw new EstimatorError(
        `kl entropy: x has ${dup} duplicate row${dup === 1 ? '' : 's'}, which give zero neighbour distances and a ` +
          `biased or infinite estimate; add a small seeded noise with the 'jitter' option`,
      );
    }
  } else if (KNN_ESTIMATORS.has(estimator) && estimator !== 'mixed_ksg') {
    // mixed_ksg is built for ties (discrete components), so duplicates are expected there
    checkTies(estimator, measure === 'cmi' ? input : { x: input.x, y: input.y! }, params.k);
    const dup = duplicateRows(jointSpace(measure, input));
    if (dup > 0) {
      warnings.push(
        `${dup} duplicate row${dup === 1 ? '' : 's'} in the joint space: kNN estimators are biased by ties; consider jitter` +
          (measure === 'mi' ? ' or the mixed_ksg estimator' : ''),
      );
    }
  } else if (estimator === 'plugin') {
    const space = measure === 'mi' ? hstack(input.x, input.y!) : input.x;
    if (duplicateRows(space) === 0 && space.n > 1) {
      warnings.push('plugin: every row is distinct, so each is its own category; plugin treats values as discrete (use a kNN estimator for continuous data)');
    }
  }
  return warnings;
}
