/**
 * CONTRACT STUB (owned by the estimators work): the public estimator API used by the job
 * engine. Inputs are already preprocessed (columns selected, normalized, jittered).
 */
import type { Matrix } from '../data/matrix.js';
import type { Measure } from '../job/spec.js';

export interface EstimatorInput {
  x: Matrix;
  y?: Matrix;
  z?: Matrix;
}

export interface EstimatorParams {
  k: number;
  millerMadow?: boolean;
}

/** Point estimate in nats. Throws OptionError / EstimatorError for a bad combination. */
export function estimate(_measure: Measure, _estimator: string, _input: EstimatorInput, _params: EstimatorParams): number {
  throw new Error('not implemented');
}

/**
 * Validate up front (unknown estimator, missing y/z, k ≥ n, duplicates where fatal).
 * Returns warnings (e.g. "N duplicate rows in the joint space") for non-fatal issues.
 */
export function checkEstimator(_measure: Measure, _estimator: string, _input: EstimatorInput, _params: EstimatorParams): string[] {
  throw new Error('not implemented');
}

/** Measure → estimator names. */
export function listEstimators(): Record<Measure, string[]> {
  throw new Error('not implemented');
}

/** True for kNN-based estimators (bootstrap default scheme is 'subsample' for these). */
export function isKnnEstimator(_estimator: string): boolean {
  throw new Error('not implemented');
}

/**
 * Structures that do not change under a shuffle are built once; `estimate(perm)` then gives
 * the statistic with the permuted block: for 'mi' Y rows are permuted (row i paired with
 * y[perm[i]]); for 'cmi' X rows are permuted (x[perm[i]] with y[i], z[i]).
 */
export interface PermutationContext {
  estimate(perm: Int32Array): number;
}
export function createPermutationContext(_measure: Measure, _estimator: string, _input: EstimatorInput, _params: EstimatorParams): PermutationContext {
  throw new Error('not implemented');
}
