/**
 * prepareJob: everything about a job that does not depend on a replicate, computed once.
 * Defaults applied, spec validated, columns selected, jitter and normalisation applied, the
 * estimator checked, the dataset hashed. Pure and deterministic: a cluster worker calling it on
 * the same dataset and spec gets the same bytes, and the result is structured-cloneable (plain
 * objects and typed arrays) so it can cross to worker threads.
 */
import { DataError, OptionError } from '../errors.js';
import { datasetHash } from '../data/hash.js';
import { columnsToMatrix, type Dataset, type Matrix } from '../data/matrix.js';
import { resolveColumn } from '../data/select.js';
import { checkEstimator, type EstimatorInput, type EstimatorParams } from '../estimators/index.js';
import { ESTIMATOR_LIST, estimatorOf, isKnn, isNeural, measureOf, resolveOptions, stackSamples, usesK, type SurrogateKind } from '../catalog/index.js';
import { embedNextAndPast } from '../estimators/info-dynamics.js';
import { autoEmbedOptions, type AisEmbed } from './auto-embed.js';
import { checkWithinTrials, perTrial, trialSegments } from './trials.js';
import { Domain, stream } from '../rng/index.js';
import { biasProbe, defaultSubsampleSize } from '../resampling/bootstrap.js';
import { checkRecipe, intervalRecipe, neuralUncheckedWarning, uncheckedWarning } from '../resampling/recipes.js';
import { extrapolationSize, truthExponent, truthRefusal } from '../resampling/truth-interval.js';
import { validateSurrogates } from '../resampling/permutation.js';
import { baggingSize } from '../resampling/ensemble.js';
import { DEFAULTS, type Backend, type BootstrapScheme, type CiMethod, type Job, type Measure, type Units } from './spec.js';
import { validateSpec, type ValidateOptions } from './validate.js';
import { sampleSd } from '../stats/moments.js';
import { checkDistinctColumns, checkResolution, checkScalable } from './column-checks.js';
import { prepareMany, type PreparedMany } from './many.js';
import { prepareTeStep, type PreparedTeStep } from './te-step.js';
import { prepareSimulation, type PreparedSimulation } from './simulation.js';
import { SUMMARY_THRESHOLD } from './summary.js';
import type { WorkloadKind } from './shard.js';

export interface ResolvedBootstrap {
  replicates: number;
  method: CiMethod;
  level: number;
  scheme: BootstrapScheme;
  /** Rows per replicate: N for iid, m for subsample. */
  m: number;
  /** Jackknife groups G (BCa only; 0 otherwise). */
  jackknifeGroups: number;
  /**
   * Subsample only: the middle point of the bias fit (resampling/bootstrap.ts, `biasProbe`):
   * `replicates` extra estimates on `m` rows (m < this m < N), workload 'biasprobe'.
   */
  probe?: { m: number; replicates: number };
  /**
   * target 'truth' (resampling/truth-interval.ts): the bracket of bias exponents [min(1, 2/d), 1]
   * for d columns, and `replicates` replicates of the corrected statistic's parts on `m` = ⌊N/2⌋
   * rows (workload 'extrapolation').
   */
  truth?: { alphas: number[]; dimension: number; m: number; replicates: number };
}

export interface ResolvedPermutation {
  shuffles: number;
  kind: SurrogateKind;
  /** The block whose rows a replicate permutes (from the catalog). */
  block: 'x' | 'y';
  localK: number;
  surrogates?: Int32Array[];
}

export interface PreparedJob {
  measure: Measure;
  estimator: string;
  k: number;
  /** Whether the estimator is a nearest-neighbour method (ties bias it; subsample bootstrap by default). */
  knn: boolean;
  /** Whether k is a parameter of the estimator (reported in the result). */
  usesK: boolean;
  normalize: boolean;
  units: Units;
  jitter: number;
  seed: number;
  millerMadow: boolean;
  backend: Backend;
  /** Rows the estimator sees (after the measure's transform, e.g. TE's embedding). */
  n: number;
  /** Measure and estimator options in effect (defaults filled). */
  options: Record<string, number>;
  /** Resolved column names per block. */
  columns: { x: string[]; y?: string[]; z?: string[] };
  input: EstimatorInput;
  params: EstimatorParams;
  dataHash: string;
  warnings: string[];
  bootstrap?: ResolvedBootstrap;
  permutation?: ResolvedPermutation;
  bagging?: { replicates: number; fraction: number; size: number };
  kValues?: number[];
  /** Neural estimators: R critics, one per replicate of the `neural` workload. */
  neural?: { critics: number };
  /** Trial index of each row the estimator sees (a `trial` column; trials.ts). */
  groups?: Int32Array;
  trials?: { column: string; count: number };
  /** The analytic χ² test (test 'analytic'): its degrees of freedom. */
  analytic?: { df: number };
  /** Screen / pairwise jobs: the items (many.ts); `input` is then item 0's. */
  many?: PreparedMany;
  /** Network-inference steps: the series and items (te-step.ts); `input` is then item 0's. */
  teStep?: PreparedTeStep;
  /** Simulation jobs: the cells and their replicate offsets (simulation.ts); `input` is empty. */
  simulation?: PreparedSimulation;
  /** Workloads that return summaries instead of replicate values (job/summary.ts); absent = none. */
  summaries?: WorkloadKind[];
}


interface BlockPlan {
  field: 'x' | 'y' | 'z';
  cols: number[];
  /** Never normalised or jittered (a label, e.g. divergence's sample column). */
  raw: boolean;
}

/**
 * Build one block: the columns side by side, with seeded jitter (uniform on [−a·sd, a·sd),
 * a = `jitter`, sd of the raw column, or absolute a for a constant column) added, then divided
 * by the sample sd when normalising. `rawSds` holds the raw columns' sds where checkScalable
 * computed them. Jitter draws come from one stream, `stream(seed, 0, Domain.jitter)`,
 * consumed block by block (x, y, z), column by column, row by row. One copy per column, the
 * division included, unless jittered (issue 12: copies and sd passes were a cold-start cost).
 */
function buildBlock(ds: Dataset, plan: BlockPlan, normalize: boolean, jitter: number, rng: ReturnType<typeof stream> | null, rawSds: ReadonlyMap<number, number>): Matrix {
  if (plan.raw) return columnsToMatrix(plan.cols.map((j) => ds.columns[j]!));
  const jittered = rng !== null && jitter > 0;
  const divisors: number[] = [];
  const cols = plan.cols.map((j) => {
    let c = ds.columns[j]!;
    const rawSd = normalize || jittered ? rawSds.get(j) ?? sampleSd(c) : 0;
    if (normalize && !(rawSd > 0)) {
      throw new DataError(`column ${JSON.stringify(ds.names[j])} (in ${plan.field}) has zero variance: it cannot be normalized (set normalize: false, or drop the column)`);
    }
    if (jittered) {
      const amp = jitter * (rawSd > 0 ? rawSd : 1);
      c = Float64Array.from(c);
      for (let i = 0; i < c.length; i++) c[i] = c[i]! + amp * (2 * rng.nextFloat64() - 1);
    }
    // an unjittered column is the raw one: its sd is rawSd
    divisors.push(normalize ? (jittered ? sampleSd(c) : rawSd) : 1);
    return c;
  });
  return columnsToMatrix(cols, divisors);
}

export interface PrepareOptions extends ValidateOptions {}

/**
 * Degrees of freedom of the analytic test of this job (catalog: the estimator's `chi2` entry).
 * The test is of the uncorrected estimate, so bias corrections are refused with it.
 */
function analyticDf(job: Job, input: EstimatorInput, options: Readonly<Record<string, number>>): number {
  const e = estimatorOf(job.measure, job.estimator);
  const df = e.chi2?.[job.measure];
  if (!df) {
    const where = ESTIMATOR_LIST.flatMap((d) => Object.keys(d.chi2 ?? {}).map((m) => `${m} with ${d.name}`));
    throw new OptionError(`test analytic is not available for ${job.measure} with ${job.estimator} (it is for: ${where.join(', ')})`, 'test');
  }
  if (job.millerMadow) throw new OptionError('test analytic tests the uncorrected plug-in estimate; drop millerMadow (the result reports estimate − df/(2N) as biasCorrected)', 'millerMadow');
  if (options['biasCorrection'] === 1) throw new OptionError('test analytic tests the uncorrected estimate; drop options.biasCorrection (the result reports estimate − df/(2N) as biasCorrected)', 'options.biasCorrection');
  return df(input);
}

/**
 * The one-table form of a job: a two-sample job given as `data` (P) and `dataQ` (Q) becomes
 * one table with a sample label in y (catalog/two-sample.ts). Every engine calls this before
 * hashing or uploading, so the forms give the same bytes. Other jobs come back unchanged.
 */
export function canonicalJob(job: Job): Job {
  if (job.dataQ === undefined) return job;
  if (job.y !== undefined) throw new OptionError('give the Q sample either as dataQ (--data-q) or as a label column in y, not both', 'y');
  const { dataQ, ...rest } = job;
  if (!job.data || !dataQ) throw new DataError('a two-sample job needs both samples P (data) and Q (dataQ)');
  const s = stackSamples(job.data, dataQ, job.x);
  return { ...rest, data: s.data, x: s.x, y: s.y };
}

export function prepareJob(jobIn: Job, opts: PrepareOptions = {}): PreparedJob {
  const job = canonicalJob(jobIn);
  if (job.screen !== undefined || job.pairwise !== undefined) {
    validateSpec(job, opts);
    return prepareMany(job, (inner) => prepareJob(inner, opts));
  }
  if (job.simulate !== undefined) return prepareSimulation(job, opts);
  if (job.teStep !== undefined) {
    validateSpec(job, opts);
    return prepareTeStep(job);
  }
  validateSpec(job, opts);
  const md = measureOf(job.measure);
  estimatorOf(job.measure, job.estimator); // OptionError naming `estimator` before any data work
  const options = resolveOptions(job.measure, job.estimator, job.options);
  const ds = job.data;
  if (!ds || !Array.isArray(ds.columns) || ds.columns.length === 0 || !(ds.n > 0)) throw new DataError('the dataset is empty');
  if (ds.n < 2) throw new DataError(`the dataset has ${ds.n} row; at least 2 are needed`);
  const k = job.k ?? DEFAULTS.k;
  // dividing by the sd is harmless only for scale-invariant quantities (catalog)
  const normalize = job.normalize ?? md.scaleInvariant;
  const jitter = job.jitter ?? DEFAULTS.jitter;
  const seed = job.seed ?? DEFAULTS.seed;
  const warnings: string[] = [];

  const raw = (f: 'y' | 'z') => md.rawBlocks?.includes(f) ?? false;
  const plans: BlockPlan[] = [{ field: 'x', cols: job.x.map((c, i) => resolveColumn(ds, c, `x[${i}]`)), raw: false }];
  if (job.y) plans.push({ field: 'y', cols: job.y.map((c, i) => resolveColumn(ds, c, `y[${i}]`)), raw: raw('y') });
  if (job.z) plans.push({ field: 'z', cols: job.z.map((c, i) => resolveColumn(ds, c, `z[${i}]`)), raw: raw('z') });

  checkDistinctColumns(plans, ds.names);
  const rawSds = new Map<number, number>();
  if (normalize) for (const p of plans) for (const j of p.cols) rawSds.set(j, checkScalable(ds, j));
  const rng = jitter > 0 ? stream(seed, 0, Domain.jitter) : null;
  const blocks = plans.map((p) => buildBlock(ds, p, normalize, jitter, rng, rawSds));
  // plugin compares values exactly; every other estimator works at the resolution τ of the blocks
  if (job.estimator !== 'plugin') checkResolution(plans.map((p, b) => ({ field: p.field, m: blocks[b]!, names: p.cols.map((j) => ds.names[j]!) })));
  if (jitter > 0) warnings.push(`jitter: added seeded uniform noise of ±${jitter}·sd to every selected column (seed ${seed}); estimates are for the jittered data`);
  const selected: EstimatorInput = { x: blocks[0]! };
  const names = (p: BlockPlan) => p.cols.map((j) => ds.names[j]!);
  const columns: PreparedJob['columns'] = { x: names(plans[0]!) };
  for (let b = 1; b < plans.length; b++) {
    const f = plans[b]!.field as 'y' | 'z';
    selected[f] = blocks[b]!;
    columns[f] = names(plans[b]!);
  }
  // trials (trials.ts): the transform runs on each trial alone, surrogates stay within trials
  let segments: Int32Array[] | undefined, trialName: string | undefined;
  if (job.trial !== undefined) {
    const tc = resolveColumn(ds, job.trial, 'trial');
    trialName = ds.names[tc]!;
    if (plans.some((p) => p.cols.includes(tc))) throw new OptionError(`trial column ${JSON.stringify(trialName)} is also selected as data; the trial label must be a column of its own`, 'trial');
    segments = trialSegments(ds.columns[tc]!, trialName);
  }
  const transformed = (opts: Record<string, number>, sel: EstimatorInput = selected): { input: EstimatorInput; groups?: Int32Array } => {
    const f = (part: EstimatorInput) => (md.transform ? md.transform(part, opts) : part);
    return segments ? perTrial(sel, segments, f) : { input: f(sel) };
  };
  // auto-embedding (auto-embed.ts) chooses history lengths and delays before the embedding
  const baseParams: EstimatorParams = { k, ...(job.millerMadow !== undefined ? { millerMadow: job.millerMadow } : {}) };
  const aisEmbed: AisEmbed = (series, h) => (segments ? perTrial({ x: series }, segments, (part) => embedNextAndPast(part.x, h)).input : embedNextAndPast(series, h));
  const embedding = md.name === 'te' || md.name === 'ais' ? autoEmbedOptions(md.name, job.estimator, selected, options, job.options, baseParams, aisEmbed) : options;
  // the measure's transform (TE: delay embedding) runs once; replicates resample its rows
  const { input, groups } = transformed(embedding);
  const n = input.x.n;

  const params: EstimatorParams = { ...baseParams, ...(Object.keys(embedding).length > 0 ? { options: embedding } : {}) };
  warnings.push(...checkEstimator(job.measure, job.estimator, input, params));
  const knn = isKnn(job.estimator);
  // backend gpu for a pair without kernels (catalog: gpuSupports) runs on the CPU and says so in provenance.backend
  const backend = job.backend ?? 'auto';

  const prepared: PreparedJob = {
    measure: job.measure,
    estimator: job.estimator,
    k,
    knn,
    usesK: usesK(job.estimator),
    normalize,
    units: job.units ?? DEFAULTS.units,
    jitter,
    seed,
    millerMadow: job.millerMadow ?? false,
    backend,
    n,
    options: embedding,
    columns,
    input,
    params,
    dataHash: datasetHash(ds),
    warnings,
  };
  if (segments && groups) {
    prepared.groups = groups;
    prepared.trials = { column: trialName!, count: segments.length };
  }
  if (job.test === 'analytic') prepared.analytic = { df: analyticDf(job, input, embedding) };

  if (job.bootstrap) {
    const b = job.bootstrap;
    // interval recipe (resampling/recipes.ts): refuses iid for kNN and uncalibrated methods
    const recipe = intervalRecipe(job.measure, job.estimator);
    const scheme = b.scheme ?? recipe.schemes[0]!;
    const method = b.method ?? recipe.defaultMethod;
    checkRecipe(recipe, job.estimator, scheme, method);
    if (!recipe.checked) warnings.push(uncheckedWarning(job.measure, job.estimator));
    // the calibration behind a recipe ran with the max-norm; the Euclidean variant shares the recipe unchecked
    else if ((options['norm'] ?? 0) !== 0) warnings.push(`the coverage of bootstrap intervals for ${job.measure} with ${job.estimator} was checked by simulation with the max-norm only, not with norm euclidean (docs/intervals.md)`);
    let m = n;
    if (scheme === 'subsample') {
      m = b.m ?? defaultSubsampleSize(n, knn ? k : 1, recipe.subsampleFraction);
      if (m < 2 || m >= n) throw new OptionError(`bootstrap.m must be in [2, N) = [2, ${n}); got ${m}`, 'bootstrap.m');
      if (usesK(job.estimator) && m <= k) throw new OptionError(`bootstrap.m = ${m} must exceed k = ${k}`, 'bootstrap.m');
    } else if (b.m !== undefined) {
      throw new OptionError('bootstrap.m only applies to scheme subsample', 'bootstrap.m');
    }
    let jackknifeGroups = 0;
    if (method === 'bca') {
      jackknifeGroups = b.jackknifeGroups ?? Math.min(n, DEFAULTS.jackknifeGroups);
      if (jackknifeGroups > n) throw new OptionError(`bootstrap.jackknifeGroups = ${jackknifeGroups} exceeds N = ${n}`, 'bootstrap.jackknifeGroups');
    }
    let probe = scheme === 'subsample' ? biasProbe(b.replicates, m, n) : undefined;
    let truth: ResolvedBootstrap['truth'];
    if (b.target === 'truth') {
      ({ m, probe, truth } = truthTarget(job.measure, job.estimator, b, scheme, method, n, k, input));
    }
    prepared.bootstrap = { replicates: b.replicates, method, level: b.level ?? DEFAULTS.level, scheme, m, jackknifeGroups, ...(probe ? { probe } : {}), ...(truth ? { truth } : {}) };
  }

  if (job.permutation) {
    const p = job.permutation;
    const mp = md.permutation!; // validateSpec refused a permutation for a measure without one
    const kind = p.kind ?? mp.kinds[0]!;
    const localK = p.localK ?? DEFAULTS.localK;
    if (kind === 'local' && localK >= n) throw new OptionError(`permutation.localK = ${localK} must be below N = ${n}`, 'permutation.localK');
    if (kind === 'shift' && n < 3) throw new OptionError(`permutation.kind shift needs at least 3 samples; got ${n}`, 'permutation.kind');
    if (kind === 'local' && groups) throw new OptionError('permutation.kind local does not keep rows within trials; use shuffle with a trial column', 'permutation.kind');
    prepared.permutation = { shuffles: p.shuffles, kind, block: mp.block, localK };
    if (p.surrogates) {
      if (kind === 'columns') throw new OptionError(`permutation.surrogates are row orderings of one block; ${job.measure} permutes every column on its own`, 'permutation.surrogates');
      prepared.permutation.surrogates = validateSurrogates(p.surrogates, n);
      if (groups) checkWithinTrials(prepared.permutation.surrogates, groups);
    }
  }

  const e = job.ensemble;
  if (e?.bagging) {
    const fraction = e.bagging.fraction ?? DEFAULTS.baggingFraction;
    const size = baggingSize(n, fraction);
    if (usesK(job.estimator) && size <= k) throw new OptionError(`ensemble.bagging.fraction gives ${size} rows, not more than k = ${k}`, 'ensemble.bagging.fraction');
    prepared.bagging = { replicates: e.bagging.replicates, fraction, size };
  }
  if (e?.kValues) {
    e.kValues.forEach((kv, i) => {
      if (kv >= n) throw new OptionError(`ensemble.kValues[${i}] = ${kv} must be below N = ${n}`, `ensemble.kValues[${i}]`);
    });
    prepared.kValues = [...e.kValues];
  }
  if (isNeural(job.estimator)) {
    prepared.neural = { critics: e?.critics ?? 1 };
    // the neural ensemble recipe (recipes.ts): checked by simulation for NEURAL_CHECKED only; say so for the others
    const unchecked = neuralUncheckedWarning(job.measure, job.estimator);
    if (unchecked) warnings.push(unchecked);
  }
  const summarised = summaryWorkloads(prepared, job.summaries);
  if (summarised.length > 0) prepared.summaries = summarised;
  return prepared;
}

/**
 * The workloads that take the summary path: all of bootstrap, permutation and bagging when
 * `summaries` is true, none when false, else those above SUMMARY_THRESHOLD replicates. Many-variable
 * jobs decide in many.ts (their summary is per item: many-summary.ts).
 */
function summaryWorkloads(p: PreparedJob, summaries: boolean | undefined): WorkloadKind[] {
  if (summaries === false || p.many) return [];
  const counts: [WorkloadKind, number | undefined][] = [
    ['bootstrap', p.bootstrap?.replicates], ['permutation', p.permutation?.shuffles], ['bagging', p.bagging?.replicates],
  ];
  return counts.filter(([, c]) => c !== undefined && (summaries === true || c > SUMMARY_THRESHOLD)).map(([w]) => w);
}

/**
 * Checks and resolves `bootstrap.target: 'truth'` (resampling/truth-interval.ts): kNN estimators
 * of the Kozachenko–Leonenko family only (their bias expands in powers of N^(−2/d)); the fit needs
 * the points N/4, N/2, N, so m = ⌊N/4⌋, the probe at ⌊N/2⌋ with B replicates, and B replicates of
 * the corrected statistic on ⌊N/2⌋ rows whose quarters still hold more than k rows.
 */
function truthTarget(measure: Measure, estimator: string, b: NonNullable<Job['bootstrap']>, scheme: BootstrapScheme, method: CiMethod, n: number, k: number, input: EstimatorInput) {
  const refusal = truthRefusal(measure, estimator);
  if (refusal) throw new OptionError(refusal, 'bootstrap.target');
  if (scheme !== 'subsample') throw new OptionError('bootstrap.target truth needs scheme subsample', 'bootstrap.target');
  if (method !== 'normal') throw new OptionError(`bootstrap.target truth makes a normal interval; got bootstrap.method ${method}`, 'bootstrap.method');
  const m = Math.floor(n / 4);
  if (b.m !== undefined && b.m !== m) throw new OptionError(`bootstrap.target truth fits the bias at N/4, N/2, N: bootstrap.m must be ⌊N/4⌋ = ${m} (or unset); got ${b.m}`, 'bootstrap.m');
  const mt = extrapolationSize(n);
  if (Math.floor(mt / 4) <= k) throw new OptionError(`bootstrap.target truth needs N/8 > k rows (N ≥ ${8 * (k + 1)}); got N = ${n}`, 'bootstrap.target');
  const dimension = input.x.d + (input.y?.d ?? 0) + (input.z?.d ?? 0);
  const probe = { m: Math.floor(n / 2), replicates: b.replicates };
  const truth = { alphas: [...new Set([truthExponent(dimension), 1])], dimension, m: mt, replicates: b.replicates };
  return { m, probe, truth };
}
