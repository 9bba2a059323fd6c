/**
 * The backend contract the job engine calls for batched resampling work (issue 5). A backend
 * turns a batch of replicates over one preprocessed input into estimates; every backend must
 * return the same bits as the CPU float64 path, so the choice never changes a result.
 */
import type { EstimatorInput, EstimatorParams } from '../../shared/estimators/types.js';
import type { Measure } from '../../shared/job/spec.js';

export type { EstimatorInput, EstimatorParams };

/** What `--backend` accepts. */
export type BackendKind = 'auto' | 'cpu' | 'gpu';

export interface Backend {
  /** 'cpu', 'gpu' or 'auto'. */
  readonly kind: BackendKind;
  /**
   * Estimates for a batch of permutations, one per entry of `perms`, with the semantics of
   * `createPermutationContext`: for 'mi' row i is paired with y[perm[i]]; for 'cmi' x[perm[i]]
   * goes with y[i], z[i].
   */
  permutationBatch(measure: Measure, estimator: string, input: EstimatorInput, params: EstimatorParams, perms: readonly Int32Array[]): Float64Array;
  /** Estimates on the rows `idx` of every block (bootstrap draws, subsamples), one per set. */
  indexBatch(measure: Measure, estimator: string, input: EstimatorInput, params: EstimatorParams, indexSets: readonly Int32Array[]): Float64Array;
  /** True when this backend handles the estimator on its own kernels (else it delegates to the CPU). */
  supports(measure: Measure, estimator: string, params?: EstimatorParams): boolean;
  /**
   * What actually ran, for `provenance.backend`: e.g. 'cpu', 'gpu.js/webasm',
   * 'auto→cpu (calibrated)'. Reflects the last batch.
   */
  describe(): string;
}

export interface GpuBackendOptions {
  /**
   * gpu.js mode: 'gpu' lets gpu.js pick (headlessgl/webgl2/webgl, else webasm), or an explicit
   * internal mode ('webasm', 'webgpu', 'headlessgl', 'cpu').
   * @default 'gpu'
   */
  mode?: string;
  /**
   * Upper bound on the bytes one kernel call reads and writes (inputs + outputs, counted as
   * 4 bytes per float32 plus the per-thread result objects gpu.js allocates). Replicates and
   * query points are split into equal chunks to stay under it.
   * @default DEFAULT_MAX_BYTES_PER_CALL (64 MiB)
   */
  maxBytesPerCall?: number;
}

/** @see GpuBackendOptions.maxBytesPerCall */
export const DEFAULT_MAX_BYTES_PER_CALL = 64 * 1024 * 1024;
