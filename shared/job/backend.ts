/**
 * The batch-backend contract `executeShard` uses for resampling workloads (issue 5). `shared/`
 * stays pure: the gpu.js implementation lives in `worker/gpu/` and satisfies this interface
 * structurally; a caller passes one in, and without one the shard runs on the CPU path.
 * Every implementation must return the CPU path's bits (exact counts), so a backend moves only
 * time, never a result.
 */
import type { EstimatorInput, EstimatorParams } from '../estimators/index.js';
import type { Measure } from './spec.js';

export interface ShardBackend {
  /**
   * Estimates for a batch of permutations (bijections), one per entry: for 'mi' row i is paired
   * with y[perm[i]]; for 'cmi' x[perm[i]] goes with y[i], z[i] (as `createPermutationContext`).
   */
  permutationBatch(measure: Measure, estimator: string, input: EstimatorInput, params: EstimatorParams, perms: readonly Int32Array[]): Float64Array;
  /** Estimates on rows `idx` of every block, one per index set (bootstrap, jackknife, bagging). */
  indexBatch(measure: Measure, estimator: string, input: EstimatorInput, params: EstimatorParams, indexSets: readonly Int32Array[]): Float64Array;
  /** What ran the last batch (e.g. 'cpu', 'gpu.js/webasm', 'auto→cpu'); `provenance.backend` is its class (merge.ts). */
  describe(): string;
}

/**
 * Replicates per backend call. Large enough to amortise a kernel launch, small enough to bound
 * the index arrays held at once (batch × N Int32) and to keep cancel latency at one batch.
 * @default 64
 */
export const DEFAULT_BACKEND_BATCH = 64;
