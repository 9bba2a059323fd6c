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
import { checkEstimator, isKnnEstimator, type EstimatorInput, type EstimatorParams } from '../estimators/index.js';
import { Domain, stream } from '../rng/index.js';
import { defaultSubsampleSize } from '../resampling/bootstrap.js';
import { validateSurrogates } from '../resampling/permutation.js';
import { baggingSize } from '../resampling/ensemble.js';
import { DEFAULTS, type Backend, type BootstrapScheme, type CiMethod, type Job, type Measure, type Units } from './spec.js';
import { validateSpec, type ValidateOptions } from './validate.js';
import { normalizeDefault } from './normalize-default.js';
import { checkDistinctColumns, checkResolution, checkScalable } from './column-checks.js';

export interface ResolvedBootstrap {
  replicates: number;
  method: CiMethod;
  level: number;
  scheme: BootstrapScheme;
  /** Rows per replicate: N for iid, m for subsample. */
  m: number;
  /** Jackknife groups G (BCa only; 0 otherwise). */
  jackknifeGroups: number;
}

export interface ResolvedPermutation {
  shuffles: number;
  kind: 'shuffle' | 'local';
  localK: number;
  surrogates?: Int32Array[];
}

export interface PreparedJob {
  measure: Measure;
  estimator: string;
  k: number;
  /** Whether the estimator uses k (kNN family). */
  knn: boolean;
  normalize: boolean;
  units: Units;
  jitter: number;
  seed: number;
  millerMadow: boolean;
  backend: Backend;
  /** Rows. */
  n: number;
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
}

/** Column index for a reference: exact name first, then a 0-based index (number or numeric string). */
/** Sample standard deviation (ddof = 1). */
function sampleSd(c: Float64Array): number {
  let mean = 0;
  for (let i = 0; i < c.length; i++) mean += c[i]!;
  mean /= c.length;
  let s = 0;
  for (let i = 0; i < c.length; i++) s += (c[i]! - mean) ** 2;
  return Math.sqrt(s / (c.length - 1));
}

interface BlockPlan {
  field: 'x' | 'y' | 'z';
  cols: number[];
}

/**
 * Build one block: copy columns, add seeded jitter (uniform on [−a·sd, a·sd), a = `jitter`,
 * sd of the raw column, or absolute a for a constant column), then divide by the sample sd
 * when normalising. Jitter draws come from one stream, `stream(seed, 0, Domain.jitter)`,
 * consumed block by block (x, y, z), column by column, row by row.
 */
function buildBlock(ds: Dataset, plan: BlockPlan, normalize: boolean, jitter: number, rng: ReturnType<typeof stream> | null): Matrix {
  const cols = plan.cols.map((j) => {
    const src = ds.columns[j]!;
    const c = Float64Array.from(src);
    const rawSd = sampleSd(src);
    if (normalize && !(rawSd > 0)) {
      throw new DataError(`column ${JSON.stringify(ds.names[j])} (in ${plan.field}) has zero variance: it cannot be normalized (set normalize: false, or drop the column)`);
    }
    if (rng && jitter > 0) {
      const amp = jitter * (rawSd > 0 ? rawSd : 1);
      for (let i = 0; i < c.length; i++) c[i] = c[i]! + amp * (2 * rng.nextFloat64() - 1);
    }
    if (normalize) {
      const s = sampleSd(c);
      for (let i = 0; i < c.length; i++) c[i] = c[i]! / s;
    }
    return c;
  });
  return columnsToMatrix(cols);
}

export interface PrepareOptions extends ValidateOptions {}

export function prepareJob(job: Job, opts: PrepareOptions = {}): PreparedJob {
  validateSpec(job, opts);
  const ds = job.data;
  if (!ds || !Array.isArray(ds.columns) || ds.columns.length === 0 || !(ds.n > 0)) throw new DataError('the dataset is empty');
  if (ds.n < 2) throw new DataError(`the dataset has ${ds.n} row; at least 2 are needed`);
  const n = ds.n;
  const k = job.k ?? DEFAULTS.k;
  const normalize = job.normalize ?? normalizeDefault(job.measure);
  const jitter = job.jitter ?? DEFAULTS.jitter;
  const seed = job.seed ?? DEFAULTS.seed;
  const warnings: string[] = [];

  const plans: BlockPlan[] = [{ field: 'x', cols: job.x.map((c, i) => resolveColumn(ds, c, `x[${i}]`)) }];
  if (job.y) plans.push({ field: 'y', cols: job.y.map((c, i) => resolveColumn(ds, c, `y[${i}]`)) });
  if (job.z) plans.push({ field: 'z', cols: job.z.map((c, i) => resolveColumn(ds, c, `z[${i}]`)) });

  checkDistinctColumns(plans, ds.names);
  if (normalize) for (const p of plans) for (const j of p.cols) checkScalable(ds, j);
  const rng = jitter > 0 ? stream(seed, 0, Domain.jitter) : null;
  const blocks = plans.map((p) => buildBlock(ds, p, normalize, jitter, rng));
  // plugin compares values exactly; every other estimator works at the resolution τ of the blocks
  if (job.estimator !== 'plugin') checkResolution(plans.map((p, b) => ({ field: p.field, m: blocks[b]!, names: p.cols.map((j) => ds.names[j]!) })));
  if (jitter > 0) warnings.push(`jitter: added seeded uniform noise of ±${jitter}·sd to every selected column (seed ${seed}); estimates are for the jittered data`);
  const input: EstimatorInput = { x: blocks[0]! };
  const names = (p: BlockPlan) => p.cols.map((j) => ds.names[j]!);
  const columns: PreparedJob['columns'] = { x: names(plans[0]!) };
  for (let b = 1; b < plans.length; b++) {
    const f = plans[b]!.field as 'y' | 'z';
    input[f] = blocks[b]!;
    columns[f] = names(plans[b]!);
  }

  const params: EstimatorParams = { k, ...(job.millerMadow !== undefined ? { millerMadow: job.millerMadow } : {}) };
  warnings.push(...checkEstimator(job.measure, job.estimator, input, params));
  const knn = isKnnEstimator(job.estimator);

  const prepared: PreparedJob = {
    measure: job.measure,
    estimator: job.estimator,
    k,
    knn,
    normalize,
    units: job.units ?? DEFAULTS.units,
    jitter,
    seed,
    millerMadow: job.millerMadow ?? false,
    backend: job.backend ?? 'auto',
    n,
    columns,
    input,
    params,
    dataHash: datasetHash(ds),
    warnings,
  };

  if (job.bootstrap) {
    const b = job.bootstrap;
    const scheme = b.scheme ?? (knn ? 'subsample' : 'iid');
    const method = b.method ?? DEFAULTS.method;
    let m = n;
    if (scheme === 'subsample') {
      m = b.m ?? defaultSubsampleSize(n);
      if (m < 2 || m >= n) throw new OptionError(`bootstrap.m must be in [2, N) = [2, ${n}); got ${m}`, 'bootstrap.m');
      if (knn && m <= k) throw new OptionError(`bootstrap.m = ${m} must exceed k = ${k}`, 'bootstrap.m');
    } else if (b.m !== undefined) {
      throw new OptionError('bootstrap.m only applies to scheme subsample', 'bootstrap.m');
    } else if (knn) {
      warnings.push('bootstrap scheme iid repeats rows; repeated points are at distance 0 and bias kNN estimators upwards (scheme subsample avoids it)');
    }
    let jackknifeGroups = 0;
    if (method === 'bca') {
      jackknifeGroups = b.jackknifeGroups ?? Math.min(n, DEFAULTS.jackknifeGroups);
      if (jackknifeGroups > n) throw new OptionError(`bootstrap.jackknifeGroups = ${jackknifeGroups} exceeds N = ${n}`, 'bootstrap.jackknifeGroups');
    }
    prepared.bootstrap = { replicates: b.replicates, method, level: b.level ?? DEFAULTS.level, scheme, m, jackknifeGroups };
  }

  if (job.permutation) {
    const p = job.permutation;
    const kind = p.kind ?? (job.measure === 'cmi' ? 'local' : 'shuffle');
    const localK = p.localK ?? DEFAULTS.localK;
    if (kind === 'local' && localK >= n) throw new OptionError(`permutation.localK = ${localK} must be below N = ${n}`, 'permutation.localK');
    prepared.permutation = { shuffles: p.shuffles, kind, localK };
    if (p.surrogates) prepared.permutation.surrogates = validateSurrogates(p.surrogates, n);
  }

  const e = job.ensemble;
  if (e?.bagging) {
    const fraction = e.bagging.fraction ?? DEFAULTS.baggingFraction;
    const size = baggingSize(n, fraction);
    if (knn && size <= k) throw new OptionError(`ensemble.bagging.fraction gives ${size} rows, not more than k = ${k}`, 'ensemble.bagging.fraction');
    prepared.bagging = { replicates: e.bagging.replicates, fraction, size };
  }
  if (e?.kValues) {
    e.kValues.forEach((kv, i) => {
      if (kv >= n) throw new OptionError(`ensemble.kValues[${i}] = ${kv} must be below N = ${n}`, `ensemble.kValues[${i}]`);
    });
    prepared.kValues = [...e.kValues];
  }
  return prepared;
}
