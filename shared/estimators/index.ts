/**
 * The public estimator API used by the job engine. Inputs are already preprocessed
 * (columns selected, normalized, jittered); definitions in docs/estimators.md, one file per
 * estimator (ksg1, ksg2, mixed-ksg, plugin, gaussian, kl-entropy, ksg-cmi).
 */
import { isKnn, MEASURE_LIST } from '../catalog/index.js';
import { checkInput, validateShape } from './check.js';
import { buildContext, type PermutationContext } from './context.js';
import { dispatch } from './registry.js';
import type { EstimatorInput, EstimatorParams } from './types.js';

export type { EstimatorInput, EstimatorParams } from './types.js';
export type { PermutationContext } from './context.js';
export { ksg1 } from './ksg1.js';
export { ksg2 } from './ksg2.js';
export { mixedKsg } from './mixed-ksg.js';
export { pluginEntropy, pluginMi } from './plugin.js';
export { gaussianMi } from './gaussian.js';
export { klEntropy } from './kl-entropy.js';
export { ksgCmi } from './ksg-cmi.js';
export { duplicateRows, rowCells } from './cells.js';
export { estimateOnRows } from './rows.js';

/**
 * Point estimate in nats. Runs the cheap structural checks (names, blocks, k) but not the
 * data scans of {@link checkEstimator}, so it is cheap to call once per replicate.
 * @throws OptionError / DataError / EstimatorError for a bad combination.
 */
export function estimate(measure: string, estimator: string, input: EstimatorInput, params: EstimatorParams): number {
  validateShape(measure, estimator, input, params);
  return dispatch(measure, estimator, input, params);
}

/**
 * Validate up front: unknown measure / estimator (OptionError naming the field and listing
 * the valid names), missing y / z (OptionError), k not a positive integer (OptionError 'k'),
 * k ≥ n (EstimatorError), non-finite cells (DataError naming row and column), `kl` with
 * duplicate rows (EstimatorError suggesting jitter). Returns warnings for non-fatal issues,
 * e.g. "12 duplicate rows in the joint space: kNN estimators are biased by ties; consider jitter".
 */
export function checkEstimator(measure: string, estimator: string, input: EstimatorInput, params: EstimatorParams): string[] {
  return checkInput(measure, estimator, input, params);
}

/** Measure → estimator names. */
export function listEstimators(): Record<string, string[]> {
  return Object.fromEntries(MEASURE_LIST.map((m) => [m.name, [...m.estimators]]));
}

/** True for kNN-based estimators (bootstrap default scheme is 'subsample' for these). */
export function isKnnEstimator(estimator: string): boolean {
  return isKnn(estimator);
}

/**
 * Structures that do not change under a shuffle are built once; `estimate(perm)` then gives
 * the statistic with the permuted block: for 'mi' Y rows are permuted (row i paired with
 * y[perm[i]]); for 'cmi' X rows are permuted (x[perm[i]] with y[i], z[i]); for 'entropy'
 * the rows of x. Bit-identical to `estimate()` on the explicitly permuted data.
 */
export function createPermutationContext(measure: string, estimator: string, input: EstimatorInput, params: EstimatorParams): PermutationContext {
  validateShape(measure, estimator, input, params);
  return buildContext(measure, estimator, input, params);
}

export { klDivergence, type KlDivergenceOptions } from './kl-divergence.js';
export { transferEntropy, embedForTe, embedTe, DEFAULT_TE, type TransferEntropyOptions, type TeEmbedding } from './transfer-entropy.js';
