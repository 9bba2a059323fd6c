/**
 * The one dispatch from (measure, estimator) to the code: the catalog's entry
 * (shared/catalog/estimators.ts). Input is assumed validated (see check.ts).
 */
import { computeFn } from '../catalog/index.js';
import type { EstimatorInput, EstimatorParams } from './types.js';

/** Run the estimator on validated blocks. */
export function dispatch(measure: string, estimator: string, input: EstimatorInput, params: EstimatorParams): number {
  return computeFn(measure, estimator)(input, params);
}
