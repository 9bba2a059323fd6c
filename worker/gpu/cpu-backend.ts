/** The float64 reference backend: delegates to `shared/estimators` (kd-trees, reused marginals). */
import { createPermutationContext, estimateOnRows } from '../../shared/estimators/index.js';
import type { Measure } from '../../shared/job/spec.js';
import type { Backend, EstimatorInput, EstimatorParams } from './types.js';

export class CpuBackend implements Backend {
  readonly kind = 'cpu' as const;

  supports(): boolean {
    return true;
  }

  permutationBatch(measure: Measure, estimator: string, input: EstimatorInput, params: EstimatorParams, perms: readonly Int32Array[]): Float64Array {
    const out = new Float64Array(perms.length);
    if (perms.length === 0) return out;
    const ctx = createPermutationContext(measure, estimator, input, params);
    for (let r = 0; r < perms.length; r++) out[r] = ctx.estimate(perms[r]!);
    return out;
  }

  indexBatch(measure: Measure, estimator: string, input: EstimatorInput, params: EstimatorParams, indexSets: readonly Int32Array[]): Float64Array {
    const out = new Float64Array(indexSets.length);
    // estimateOnRows reuses the parent's column orders, as the plain CPU path does (bit-identical)
    for (let r = 0; r < indexSets.length; r++) out[r] = estimateOnRows(measure, estimator, input, params, indexSets[r]!);
    return out;
  }

  describe(): string {
    return 'cpu';
  }
}
