/**
 * The job contract shared by the CLI, the library, the embedded engine and the cluster.
 * Types only (plus defaults): validation lives in `validate.ts`, planning in `plan.ts`,
 * merging in `merge.ts`.
 */
import type { Dataset } from '../data/matrix.js';
import type { Correction } from '../resampling/multiple-testing.js';
import type { TeStepOptions, TeStepResult } from './te-step.js';
import type { SimulationOptions } from './simulation.js';
import type { NeuralEnsembleSummary } from '../resampling/neural-ensemble.js';

/** A measure name from the catalog (shared/catalog/measures.ts): mi, entropy, cmi, te, divergence, … */
export type Measure = string;
export type Units = 'nats' | 'bits';
export type CiMethod = 'percentile' | 'basic' | 'bca' | 'normal';
export type BootstrapScheme = 'iid' | 'subsample';
export type Backend = 'auto' | 'cpu' | 'gpu';
export type SignificanceTest = 'permutation' | 'analytic';
/** Column reference: a header name or a 0-based index. */
export type ColumnRef = string | number;

export interface BootstrapOptions {
  /** Number of bootstrap replicates B. */
  replicates: number;
  /** @default by estimator (resampling/recipes.ts) */
  method?: CiMethod;
  /** @default 0.95 */
  level?: number;
  /** @default 'subsample' for kNN estimators, 'iid' for plugin/gaussian */
  scheme?: BootstrapScheme;
  /** Subsample size m for scheme 'subsample'. @default max(floor(N / 4), k + 1); floor(N / 2) for ksg_cmi (resampling/recipes.ts) */
  m?: number;
  /** Groups G of the delete-d jackknife used by BCa. @default min(N, 100) */
  jackknifeGroups?: number;
  /**
   * What the interval covers. 'mean' (default): E[Î_N], the estimator's expectation at this N.
   * 'truth': the true value, with the kNN bias extrapolated away and the width widened for it
   * (resampling/truth-interval.ts; kNN estimators ksg1, ksg2, kl, ksg_cmi only, method normal,
   * default m). @default 'mean'
   */
  target?: 'mean' | 'truth';
}

export interface PermutationOptions {
  /** Number of shuffles P. */
  shuffles: number;
  /**
   * 'shuffle' the measure's permuted block (mi: Y rows; cmi: X rows; te: the source past;
   * divergence: the sample labels), 'local' (Runge 2018, cmi), 'shift' (circular time shift of
   * the source past, te). @default the measure's first kind in the catalog
   */
  kind?: 'shuffle' | 'local' | 'shift' | 'columns';
  /** Neighbourhood size in Z for local permutation. @default 5 */
  localK?: number;
  /** User-supplied orderings (each a permutation of 0..N-1); replaces random shuffles. */
  surrogates?: readonly (readonly number[])[];
}

export interface EnsembleOptions {
  /** Bagging: estimate over B subsamples of size fraction·N (without replacement). */
  bagging?: { replicates: number; fraction?: number };
  /** Estimate for each k and combine (mean). */
  kValues?: number[];
  /**
   * Neural estimators (mine, nwj, infonce, smile): R critics, each with its own seed-derived
   * split, initial weights and batch order; one critic per replicate of the `neural` workload.
   * @default 1
   */
  critics?: number;
}

export interface JobSpec {
  measure: Measure;
  estimator: string;
  /** @default 3 */
  k?: number;
  x: ColumnRef[];
  y?: ColumnRef[];
  z?: ColumnRef[];
  /** Divide each column by its sample sd (ddof 1). @default the catalog's scaleInvariant (true for mi, cmi, te; false for entropy, divergence) */
  normalize?: boolean;
  /** @default 'nats' */
  units?: Units;
  /** Seeded uniform noise amplitude, relative to each column's sd (0 = off). @default 0 */
  jitter?: number;
  /** Miller–Madow correction for plugin entropy/MI. @default false */
  millerMadow?: boolean;
  /** @default 0 */
  seed?: number;
  bootstrap?: BootstrapOptions;
  permutation?: PermutationOptions;
  ensemble?: EnsembleOptions;
  /** @default 'auto' */
  backend?: Backend;
  /** Measure and estimator options from the catalog, e.g. TE's `targetHistory`; unknown names are rejected. Choice options (e.g. `norm`) by name. */
  options?: Record<string, number | string>;
  /**
   * The significance test: 'permutation' (surrogates; needs `permutation`) or 'analytic'
   * (2N·Î ~ χ²(df), shared/resampling/analytic.ts; the catalog says which pairs have one).
   * @default 'permutation' when `permutation` is given
   */
  test?: SignificanceTest;
  /**
   * A column naming the trial (realisation) of each row: rows with the same value form one
   * trial, in file order. Embeddings (te, ais, pi, entropy_rate) never cross trials, and
   * permutation surrogates permute or shift rows within trials only (docs/info-dynamics.md, "Trials").
   */
  trial?: ColumnRef;
  /** Screening (docs/screening.md): every feature against the target `x` (given `z` for cmi). */
  screen?: ScreenOptions;
  /** Pairwise matrix (docs/screening.md): every pair of the `x` columns (given `z` for cmi). */
  pairwise?: PairwiseOptions;
  /** One step of TE network inference (te-step.ts; driven by network.ts): x = the variables. */
  teStep?: TeStepOptions;
  /** A simulation / calibration study as one farm job (simulation.ts): cells of generator × N × job; `data` is a placeholder. */
  simulate?: SimulationOptions;
  /**
   * Merge partial statistics instead of replicate vectors (job/summary.ts): true for every
   * bootstrap, permutation and bagging workload, false never. @default per workload: on above
   * SUMMARY_THRESHOLD (100 000) replicates
   */
  summaries?: boolean;
}

/** Multiple-testing control of a many-variable job. */
export interface CorrectionOptions {
  /** @default 'fdr_bh' */
  correction?: Correction;
  /** Level at which an item is selected (adjusted p ≤ alpha). @default 0.05 */
  alpha?: number;
}

export interface ScreenOptions extends CorrectionOptions {
  /** Feature columns, one feature each; 'all' = every column not in the target or z. */
  features: ColumnRef[] | 'all';
}

export type PairwiseOptions = CorrectionOptions;

/** One tested item of a many-variable job (a feature, or a pair). Estimates in the job's units. */
export interface ItemResult {
  estimate: number;
  pValue: number;
  pAdjusted: number;
  selected: boolean;
  /** Mean of the item's permutation null (estimate − nullMean is the bias-corrected value). */
  nullMean: number;
}

export interface ScreenResult {
  correction: Correction;
  alpha: number;
  /** Target and conditioning columns. */
  target: string[];
  z?: string[];
  /** Sorted by estimate, largest first (ties: input order). */
  features: (ItemResult & { name: string })[];
  /** Names of the selected features, in the order of `features`. */
  selected: string[];
}

export interface PairwiseResult {
  correction: Correction;
  alpha: number;
  variables: string[];
  z?: string[];
  /** Pairs a < b in the order of `variables` (row-major upper triangle). */
  pairs: (ItemResult & { a: string; b: string })[];
  /** Symmetric V × V matrices; the diagonal is null (not estimated). */
  matrix: (number | null)[][];
  pMatrix: (number | null)[][];
}

/** A job with its data attached (library / embedded engine form). */
export interface Job extends JobSpec {
  data: Dataset;
  /**
   * Two-sample measures (divergence): the Q sample, with the same x columns as `data` (P).
   * The engines stack P and Q into one table with a label column (catalog/two-sample.ts)
   * before anything else, so the result and its hash do not depend on the form given.
   */
  dataQ?: Dataset;
}

export interface ConfidenceInterval {
  low: number;
  high: number;
  level: number;
  method: CiMethod;
  scheme: BootstrapScheme;
  /** Subsample size (scheme 'subsample'). */
  m?: number;
  /** Jackknife groups used for BCa's acceleration. */
  jackknifeGroups?: number;
  /**
   * How replicates were mapped before the CI method (resampling/bootstrap.ts): 'none' (iid:
   * used as drawn) or 'sqrt(m/(N-m))' (subsample: recentred on the estimate, scaled by `scale`).
   */
  scaling?: 'none' | 'sqrt(m/(N-m))';
  /** The factor applied: √(m/(N − m)) for subsample, 1 for iid. */
  scale?: number;
  /**
   * What the interval covers: 'E[estimate at N]', the estimator's expectation at this sample
   * size, which differs from the true value by the estimator's bias (see `bias`).
   */
  target?: 'E[estimate at N]' | 'truth';
  /**
   * target 'truth' only (resampling/truth-interval.ts): the union over `fits` (alpha = min(1, 2/d)
   * and 1) of centre ± z·se, centre = the least-squares intercept of E[Î_n] = I + c·(N/n)^alpha
   * through the mean estimates at `m`; se from `replicates` subsamples of `subsampleRows` rows of
   * the corrected statistic (scaled by `scale`) plus the Monte Carlo error of the means (`mcSe`);
   * `bias` = estimate − centre.
   */
  truth?: { dimension: number; m: number[]; fits: { alpha: number; weights: number[]; centre: number; se: number; mcSe: number; partitionSd: number; bias: number }[]; subsampleRows: number; replicates: number; scale: number; method: string };
  /**
   * Subsample bias diagnostic (resampling/bootstrap.ts, `subsampleBias`): z = (mean of the m-row
   * estimates − estimate)/se; `extrapolated` = E[Î_N] − I from a least-squares fit linear in 1/m
   * through the mean estimates at `fit.m` (m, the bias probe's m' = N/2 by default, and N).
   */
  bias?: { z: number; subsampleMean: number; extrapolated: number; fit?: { m: number[]; mean: number[] } };
}

export interface NullSummary {
  count: number;
  mean: number;
  sd: number;
  /** Keys '0.01', '0.05', '0.5', '0.95', '0.99'. */
  quantiles: Record<string, number>;
}

/**
 * Which path made a result's numbers (issue 18): 'vector' = from the full replicate vector;
 * 'counts' = exact exceedance counts (same bytes as the vector path); 'moments' = Chan et al.'s
 * merge of block moments; 'sketch' = the quantile sketch (accuracy in `sketch`).
 */
export type NumberPath = 'vector' | 'counts' | 'moments' | 'sketch';

export interface SummaryInfo {
  /** Workloads merged as summaries (the others are vectors). */
  workloads: string[];
  /** Replicates per moments block; blocks are folded in block order. */
  blockSize: number;
  sketch: {
    kind: 'DDSketch (Masson, Rim & Lee 2019) of offsets from the estimate';
    relativeAccuracy: number;
    /** The centre the accuracy is relative to: the estimate (result units). */
    centre: number;
    accuracy: string;
  };
  /** Result field → the path that made it, e.g. { 'ci.low': 'sketch', pValue: 'counts' }. */
  paths: Record<string, NumberPath>;
  /**
   * The replicate histograms drawn from the sketches (reports plot them where the vector path
   * plots the replicates): equal-width bins over the finite replicates' exact range; a replicate
   * is binned at its sketch bucket's value, within relativeAccuracy × its distance from the estimate.
   */
  histograms?: { bootstrap?: { low: number; high: number; counts: number[] }; null?: { low: number; high: number; counts: number[] } };
}

export interface JobResult {
  measure: Measure;
  estimator: string;
  k: number | null;
  /** Measure and estimator options in effect (defaults filled), when the pair takes any; choice options by name. */
  options?: Record<string, number | string>;
  n: number;
  estimate: number;
  units: Units;
  normalize: boolean;
  seed: number;
  ci?: ConfidenceInterval;
  pValue?: number;
  /** Which test gave `pValue`. */
  test?: SignificanceTest;
  /** e.g. '(b+1)/(m+1), b = #{null >= observed - tol} (Phipson & Smyth 2010)' */
  pValueConvention?: string;
  /** The analytic test: 2N·Î (Î in nats) and its χ² degrees of freedom. */
  chi2?: { statistic: number; df: number };
  /** Trials pooled (`trial` column): its name and the number of trials. */
  trials?: { column: string; count: number };
  null?: NullSummary;
  /** estimate − mean(null), when a null was computed (analytic test: estimate − df/(2N)). */
  biasCorrected?: number;
  /** Replicate counts by workload. */
  replicates: { bootstrap?: number; permutation?: number; jackknife?: number; bagging?: number; neural?: number; biasprobe?: number; extrapolation?: number };
  /** Raw replicate values (library only; the CLI writes them with --replicates-out). */
  bootstrapDistribution?: Float64Array;
  nullDistribution?: Float64Array;
  ensemble?: {
    bagging?: { mean: number; sd: number; replicates: number; fraction: number };
    byK?: { k: number; estimate: number }[];
    combined?: number;
    /** Neural estimators: the critics' mean (= `estimate`), spread and intervals (resampling/neural-ensemble.ts). */
    neural?: NeuralEnsembleSummary & {
      /** cmi: how it was estimated (NEURAL_CMI_METHOD: the chain-rule difference of two MIs, not a bound). */
      method?: string;
    };
  };
  /**
   * Many-variable jobs: the per-item results. `estimate` is then the largest item estimate,
   * `pValue` the max-statistic test of the global null and `null` the null of that maximum.
   */
  screen?: ScreenResult;
  pairwise?: PairwiseResult;
  /** teStep jobs: θ per item (nats) and the step's max / min / sequential tests. */
  teStep?: TeStepResult;
  /** Simulation jobs: datasets per cell and values per record; the records are `simulationRecords` (simulation.ts). */
  simulation?: { datasets: number[]; width: number };
  /** Simulation jobs: one record per (cell, dataset), replicate order, `simulation.width` values each (library; `simulationResults` summarises them). */
  simulationRecords?: Float64Array;
  /** Present when any workload took the summary path: what was merged and which path made each number. */
  summaries?: SummaryInfo;
  warnings: string[];
  timings: { loadMs?: number; estimateMs: number; resampleMs?: number; totalMs: number };
  provenance: {
    version: string;
    dataHash: string;
    engine: 'embedded' | 'cluster';
    threads?: number;
    workers?: number;
    backend?: string;
  };
}

/** Job-wide progress: replicates done over all workloads; never goes backwards. */
export interface Progress {
  jobId: string;
  /** 'estimate', a workload name while its shards complete, then 'done'. */
  phase: string;
  done: number;
  total: number;
  /** Per workload (embedded engine; the cluster reports the job-wide totals). */
  byWorkload?: Record<string, { done: number; total: number }>;
  /**
   * Present on a neural critic's training update (phase 'neural'; done/total repeat the latest
   * counts): which critic, its step and held-out (validation) value, and its early-stopping state.
   * At most about 4 per second per critic (TRAINING_EVENT_MS); the last one of a critic always comes.
   */
  training?: TrainingProgress;
}

/** One neural critic's training state (estimators/neural/train.ts), as progress shows it. */
export interface TrainingProgress {
  /** Replicate (ensemble member) index r. */
  critic: number;
  /** 'mi'; for cmi 'joint' (the X;[Y,Z] critic) or 'conditioning' (the X;Z critic). */
  part: 'mi' | 'joint' | 'conditioning';
  /** Adam steps taken so far, and the most it will take (--steps). */
  step: number;
  steps: number;
  /** The bound on the validation rows at `step` (nats). */
  validation: number;
  /** Best validation value so far and its step (the weights kept). */
  best: number;
  bestStep: number;
  /** Evaluations without improvement, and how many stop training (--patience). */
  stale: number;
  patience: number;
  /** 'training'; the last event of a critic says 'early-stopped' or 'finished' (reached --steps). */
  state: 'training' | 'early-stopped' | 'finished';
}

/** A replicate series as `--replicates-out` writes it: the bootstrap distribution or the permutation null. */
export type ReplicateSeries = 'bootstrap' | 'null';

/**
 * Receives the raw replicate values of a run as its shards complete (in completion order, in
 * the result's units), so that they can be written without being held: `begin` once with the
 * series and their lengths, then `push` per shard. The job's numbers come from the usual path
 * (summaries above the threshold), so memory does not grow with the replicate count.
 */
export interface ReplicateSink {
  begin(series: { name: ReplicateSeries; count: number }[]): void;
  push(name: ReplicateSeries, r0: number, values: Float64Array): void;
}

export interface RunOptions {
  signal?: AbortSignal;
  onProgress?: (p: Progress) => void;
  /**
   * Stream the bootstrap and permutation replicates here (embedded engine; single-statistic jobs,
   * not screen/pairwise, network steps or neural critics — for those `begin` is never called).
   */
  onReplicates?: ReplicateSink;
}

/** A submitted job: progress as an async iterable, the result as a promise. */
export interface JobHandle {
  readonly id: string;
  progress(): AsyncIterable<Progress>;
  result(): Promise<JobResult>;
  cancel(): Promise<void>;
}

/** Both the embedded engine and the cluster client implement this. */
export interface Engine {
  submit(job: Job): Promise<JobHandle>;
  run(job: Job, opts?: RunOptions): Promise<JobResult>;
  close(): Promise<void>;
}

export const DEFAULTS = {
  k: 3,
  /** Scale-invariant measures only: the default comes from the catalog (scaleInvariant). */
  normalize: true,
  units: 'nats' as Units,
  jitter: 0,
  seed: 0,
  level: 0.95,
  method: 'percentile' as CiMethod,
  localK: 5,
  jackknifeGroups: 100,
  baggingFraction: 0.5,
  correction: 'fdr_bh' as const,
  alpha: 0.05,
  /** Cap on tested items: features (screen) or pairs (pairwise). */
  maxItems: 100_000,
  /**
   * Cap on B or P unless raised by the caller (a bad job is rejected up front). Above 1e5 the
   * summary path keeps memory independent of B (job/summary.ts), so the cap is 1e9.
   */
  maxReplicates: 1_000_000_000,
} as const;
