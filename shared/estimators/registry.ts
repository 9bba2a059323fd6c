/**
 * The estimator registry: which estimators serve which measure, and the one dispatch
 * from (measure, estimator) to the code. Input is assumed validated (see check.ts).
 */
import type { Measure } from '../job/spec.js';
import type { Matrix } from '../data/matrix.js';
import { gaussianMi } from './gaussian.js';
import { klEntropy } from './kl-entropy.js';
import { ksg1 } from './ksg1.js';
import { ksg2 } from './ksg2.js';
import { ksgCmi } from './ksg-cmi.js';
import { mixedKsg } from './mixed-ksg.js';
import { pluginEntropy, pluginMi } from './plugin.js';
import type { EstimatorInput, EstimatorParams } from './types.js';

export const ESTIMATORS: Readonly<Record<Measure, readonly string[]>> = {
  mi: ['ksg1', 'ksg2', 'mixed_ksg', 'plugin', 'gaussian'],
  entropy: ['kl', 'plugin'],
  cmi: ['ksg_cmi'],
};

export const KNN_ESTIMATORS: ReadonlySet<string> = new Set(['ksg1', 'ksg2', 'mixed_ksg', 'kl', 'ksg_cmi']);

/** Run the estimator on validated blocks. */
export function dispatch(measure: Measure, estimator: string, input: EstimatorInput, params: EstimatorParams): number {
  const { x } = input;
  const y = input.y as Matrix, z = input.z as Matrix;
  const k = params.k;
  switch (`${measure}:${estimator}`) {
    case 'mi:ksg1': return ksg1(x, y, k);
    case 'mi:ksg2': return ksg2(x, y, k);
    case 'mi:mixed_ksg': return mixedKsg(x, y, k);
    case 'mi:plugin': return pluginMi(x, y, { millerMadow: params.millerMadow ?? false });
    case 'mi:gaussian': return gaussianMi(x, y);
    case 'entropy:kl': return klEntropy(x, k);
    case 'entropy:plugin': return pluginEntropy(x, { millerMadow: params.millerMadow ?? false });
    case 'cmi:ksg_cmi': return ksgCmi(x, y, z, k);
  }
  throw new Error(`unreachable: ${measure}:${estimator} passed validation`);
}
