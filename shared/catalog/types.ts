/**
 * Catalog descriptors: one entry per measure and per estimator. Everything that used to keep
 * its own list of measure or estimator names (validation, CLI choices and help, the job-file
 * schema, the wire check, backend support, the permutation plan) reads these instead, so a
 * new measure or estimator is one entry plus its code.
 */
import type { Matrix } from '../data/matrix.js';
import type { EstimatorInput, EstimatorParams } from '../estimators/types.js';
import type { CountsFormula } from '../estimators/point-counts.js';

/** Which block a permutation replicate permutes (row i takes row perm[i] of that block). */
export type PermutedBlock = 'x' | 'y';

/**
 * Surrogate kinds: 'shuffle' a block, Runge's 'local' permutation within Z-neighbourhoods, a
 * circular time 'shift', or 'columns' (every x column but the first shuffled on its own: the
 * null of mutual independence for multivariate measures).
 */
export type SurrogateKind = 'shuffle' | 'local' | 'shift' | 'columns';

/** A numeric option a measure or estimator takes (`spec.options[name]`, CLI `--<flag>`). */
export interface OptionDescriptor {
  /** Key in `spec.options` (camelCase). */
  name: string;
  /** CLI flag without dashes (kebab-case). */
  flag: string;
  help: string;
  integer: boolean;
  /** Inclusive lower bound (exclusive when `minExclusive`). */
  min: number;
  minExclusive?: boolean;
  /** Exclusive upper bound, when there is one. */
  maxExclusive?: number;
  default?: number;
  /** The pair cannot run without it (no sensible default, e.g. Rényi's α). */
  required?: boolean;
  /**
   * A named choice (e.g. `norm`: max | euclidean): the job file and CLI take the name, the
   * estimator gets its index (`integer`, min 0), and the result reports the name.
   */
  choices?: readonly string[];
}

export interface BlockRule {
  /** 'required', 'optional' or 'none' (the measure takes no such block). */
  y: 'required' | 'optional' | 'none';
  z: 'required' | 'optional' | 'none';
  /** What each block means, for help and error messages. */
  meaning: { x: string; y?: string; z?: string };
  /** Minimum number of x columns (tc, dtc, oinfo: each column is a variable, D ≥ 2). */
  minX?: number;
}

export interface MeasureDescriptor {
  name: string;
  summary: string;
  blocks: BlockRule;
  /** Estimator names, in the order help lists them; the first is the default. */
  estimators: readonly string[];
  /**
   * Whether the quantity is unchanged when each column is rescaled: only then is dividing
   * columns by their sd (`normalize`) harmless, so only then is it the default.
   */
  scaleInvariant: boolean;
  /** Blocks that `normalize` and `jitter` never touch (e.g. divergence's sample label). */
  rawBlocks?: readonly ('y' | 'z')[];
  /** Permutation tests: the block permuted and the surrogate kinds offered (first = default). Null: no permutation test. */
  permutation: null | { block: PermutedBlock; kinds: readonly SurrogateKind[]; nullHypothesis: string };
  /** Why there is no permutation test, and what to use instead (when `permutation` is null). */
  noPermutation?: string;
  /** Measure options (e.g. TE's embedding), in `spec.options`. */
  options?: readonly OptionDescriptor[];
  /**
   * Turns the selected blocks into the estimator's blocks, once per job (TE: delay embedding,
   * which changes N). Row i of the output is what a replicate resamples or permutes.
   */
  transform?: (input: EstimatorInput, options: Readonly<Record<string, number>>) => EstimatorInput;
  /** Cheap data-independent checks on the transformed input beyond the block rule. */
  check?: (input: EstimatorInput) => void;
}

/** How ties (duplicate rows in the estimator's space) affect an estimator. */
export type DuplicatePolicy =
  | 'warn' // kNN estimators biased by ties: warn, suggest jitter
  | 'refuse' // zero distances make the estimate infinite (KL entropy / divergence): error
  | 'expected' // built for ties (mixed_ksg, plugin)
  | 'ignore'; // parametric (gaussian, gcmi)

/** How a bootstrap interval is made for the estimator (shared/resampling/recipes.ts). */
export type IntervalFamily = 'knn' | 'plugin' | 'parametric' | 'neural';

export type EstimateFn = (input: EstimatorInput, params: EstimatorParams) => number;

/** Local (pointwise) values of an estimate, one per row the estimator sees; their mean is the estimate. */
export type LocalsFn = (input: EstimatorInput, params: EstimatorParams) => Float64Array;

/** Degrees of freedom of the analytic test 2N·Î ~ χ²(df) for this input (shared/resampling/analytic.ts). */
export type DfFn = (input: EstimatorInput) => number;

export interface EstimatorDescriptor {
  name: string;
  summary: string;
  /** Paper and equation, for help and `--help`. */
  reference: string;
  /** kNN-based: uses k, needs k < N, duplicate rows bias it; bootstrap scheme defaults to subsample. */
  knn: boolean;
  /** Whether `k` is a parameter (reported, checked k < N). @default knn */
  usesK?: boolean;
  duplicates: DuplicatePolicy;
  /** Interval recipe family. @default 'knn' for kNN estimators, else 'parametric' */
  interval?: IntervalFamily;
  /** One implementation per measure it serves. */
  measures: Readonly<Record<string, EstimateFn>>;
  /** Measures whose batched gpu.js kernels exist (worker/gpu). */
  gpu?: readonly string[];
  /**
   * The counts → estimate step shared by the CPU estimator and the GPU count plan
   * (shared/estimators/point-counts.ts): both paths end in this one formula.
   */
  fromCounts?: CountsFormula;
  /** Estimator options, in `spec.options`. */
  options?: readonly OptionDescriptor[];
  /** Local values per measure (`--locals`), where the estimator defines them. */
  locals?: Readonly<Record<string, LocalsFn>>;
  /** The analytic χ² test per measure (`test: 'analytic'`, `--test analytic`): its degrees of freedom. */
  chi2?: Readonly<Record<string, DfFn>>;
  /**
   * Trained estimator (shared/estimators/neural): a job runs the `neural` workload, one critic
   * per replicate, and its estimate is the ensemble mean; bootstrap and permutation are refused.
   */
  neural?: boolean;
  /** The space whose duplicate rows matter (default: all blocks side by side). */
  space?: (measure: string, input: EstimatorInput) => Matrix;
}
