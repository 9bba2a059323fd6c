/**
 * One step of multivariate TE network inference (docs/screening.md, "Network inference";
 * shared/job/network.ts drives the steps): a job whose statistic is a vector over items, each
 * item a conditional mutual information
 *
 *   θ_t = I(X_t ; Y | Z_t)     Y = the target's present value, X_t = candidate source past
 *                                (one or more (variable, lag) columns), Z_t = conditioning past
 *
 * on the embedded rows s = offset..n−1 (row s − offset holds x_v[s − lag] for each (v, lag)).
 * Replicate r reorders the rows of every X_t by ONE surrogate ordering (shuffle or circular
 * shift, `shufflePermutation`/`shiftPermutation(seed, r, n − offset)`): the source past only,
 * never the target or the conditioning set (Novelli et al. 2019, §Statistical tests; IDTxl's
 * `_get_surrogates`). Sharing the ordering across items gives one P × items null table from
 * which the step reports every test IDTxl uses (stats.py): the maximum statistic (the largest
 * θ_t against the row maxima), the minimum statistic (the smallest θ_t against the row minima),
 * the sequential maximum statistic (the c-th largest θ against the c-th largest of each row)
 * and each item's own p-value (the omnibus test is a one-item step).
 *
 * Estimators: `ksg` = Frenzel–Pompe (ksg_cmi; KSG-1 MI when Z is empty), `gaussian` =
 * the Gaussian CMI (MI when Z is empty). With ksg, the Z and (Y, Z) range counters depend only
 * on Z, so items sharing a conditioning set (all candidates of an inclusion step) share them:
 * per shard they are built once per distinct Z, not once per candidate.
 */
import { DataError, InternalError, OptionError } from '../errors.js';
import type { Matrix } from '../data/matrix.js';
import { hstack, gatherRows } from '../data/matrix.js';
import { resolveColumn } from '../data/select.js';
import { datasetHash } from '../data/hash.js';
import { createPermutationContext, estimate, type EstimatorInput, type EstimatorParams, type PermutationContext } from '../estimators/index.js';
import { ksgCmiFromParts } from '../estimators/ksg-cmi.js';
import { tieTolerance } from '../estimators/ties.js';
import { KdTree, rangeCounter, type RangeCounter } from '../knn/index.js';
import { permutationPValue, shiftPermutation, shufflePermutation } from '../resampling/permutation.js';
import { rowMaxima } from '../resampling/multiple-testing.js';
import { sampleSd } from '../stats/moments.js';
import { assembleMatrix } from './many.js';
import type { FinalizeMeta } from './merge.js';
import type { PreparedJob } from './prepare.js';
import type { ShardPartial, ShardRequest } from './shard.js';
import { DEFAULTS, type Job, type JobResult, type JobSpec } from './spec.js';

/** A (variable index into `x`, lag ≥ 0) column of the embedding; lag 0 is the present. */
export type LaggedVar = [number, number];

export interface TeStepItem {
  /** Candidate source past (permuted by the surrogates). */
  x: LaggedVar[];
  /** Conditioning past (never permuted); may be empty. */
  z: LaggedVar[];
}

export interface TeStepOptions {
  /** Index into `x` of the target variable (its present value is Y). */
  target: number;
  /** First embedded row: the largest lag of the whole analysis (the same rows for every step). */
  offset: number;
  items: TeStepItem[];
}

export interface TeStepResult {
  /** θ_t in nats, item order. */
  estimates: number[];
  /** Each item against its own null. */
  pValues: number[];
  /** Maximum statistic: the largest θ (first on ties) against the row maxima. */
  max: { item: number; pValue: number };
  /** Minimum statistic: the smallest θ (first on ties) against the row minima. */
  min: { item: number; pValue: number };
  /** Sequential maximum statistic: item t's p-value at its rank among the θ, item order. */
  sequential: number[];
}

export const TE_STEP_ESTIMATORS = ['ksg', 'gaussian'] as const;

export interface PreparedTeStep {
  /** The `x` variables, normalised (÷ sd) when the job normalises; full length n. */
  series: Float64Array[];
  target: number;
  offset: number;
  items: TeStepItem[];
  /** Embedded rows n − offset. */
  rows: number;
}

function lagged(v: unknown, field: string, vars: number): LaggedVar {
  if (!Array.isArray(v) || v.length !== 2 || !Number.isInteger(v[0]) || !Number.isInteger(v[1]) || v[0] < 0 || v[0] >= vars || v[1] < 0) {
    throw new OptionError(`${field} must be [variable index < ${vars}, lag ≥ 0]; got ${JSON.stringify(v)}`, field);
  }
  return [v[0], v[1]];
}

/** Up-front checks of a teStep spec (validateSpec calls this instead of its block rules). */
export function validateTeStep(spec: JobSpec): void {
  const o = spec.teStep;
  if (o === null || typeof o !== 'object' || Array.isArray(o)) throw new OptionError('teStep must be an object', 'teStep');
  if (spec.measure !== 'te') throw new OptionError(`teStep jobs measure te; got ${spec.measure}`, 'measure');
  if (!(TE_STEP_ESTIMATORS as readonly string[]).includes(spec.estimator)) {
    throw new OptionError(`network inference estimators are ${TE_STEP_ESTIMATORS.join(', ')}; got ${JSON.stringify(spec.estimator)}`, 'estimator');
  }
  if (spec.y !== undefined || spec.z !== undefined) throw new OptionError('teStep items name their columns by index into x; y and z are not used', spec.y !== undefined ? 'y' : 'z');
  const V = Array.isArray(spec.x) ? spec.x.length : 0;
  if (!Number.isInteger(o.target) || o.target < 0 || o.target >= V) throw new OptionError(`teStep.target must index x (0..${V - 1}); got ${JSON.stringify(o.target)}`, 'teStep.target');
  if (!Number.isInteger(o.offset) || o.offset < 1) throw new OptionError(`teStep.offset must be a positive integer; got ${JSON.stringify(o.offset)}`, 'teStep.offset');
  if (!Array.isArray(o.items) || o.items.length === 0) throw new OptionError('teStep.items must be a non-empty list', 'teStep.items');
  if (o.items.length > DEFAULTS.maxItems) throw new OptionError(`teStep: ${o.items.length} items exceed the job limit of ${DEFAULTS.maxItems}`, 'teStep.items');
  o.items.forEach((it, t) => {
    const f = `teStep.items[${t}]`;
    if (!it || !Array.isArray(it.x) || it.x.length === 0 || !Array.isArray(it.z)) throw new OptionError(`${f} must be { x: [[var, lag], …] (non-empty), z: [[var, lag], …] }`, f);
    const seen = new Set<string>();
    for (const [b, list] of [['x', it.x], ['z', it.z]] as const) {
      list.forEach((c, i) => {
        const [v, lag] = lagged(c, `${f}.${b}[${i}]`, V);
        if (lag > o.offset) throw new OptionError(`${f}.${b}[${i}]: lag ${lag} exceeds teStep.offset ${o.offset}`, `${f}.${b}[${i}]`);
        if (lag === 0) throw new OptionError(`${f}.${b}[${i}]: lag 0 is the present; candidates are pasts (lag ≥ 1)`, `${f}.${b}[${i}]`);
        const key = `${v}:${lag}`;
        if (seen.has(key)) throw new OptionError(`${f}: [${v}, ${lag}] appears twice`, f);
        seen.add(key);
      });
    }
  });
  if (!spec.permutation) throw new OptionError('teStep needs permutation.shuffles (its tests come from the surrogates)', 'permutation');
  if (spec.permutation.surrogates) throw new OptionError('teStep draws its own surrogates; user surrogates are not supported', 'permutation.surrogates');
  for (const f of ['bootstrap', 'ensemble', 'jitter', 'screen', 'pairwise', 'test', 'trial', 'summaries'] as const) {
    if (spec[f] !== undefined) throw new OptionError(`teStep does not take ${f}`, f);
  }
  if (spec.options !== undefined && Object.keys(spec.options).length > 0) throw new OptionError('teStep takes no measure options (the embedding is in its items)', 'options');
}

/** Rows s = offset..n−1 of the lagged columns, row-major (n − offset) × list.length. */
export function embedColumns(series: readonly Float64Array[], list: readonly LaggedVar[], offset: number): Matrix {
  const n = series[0]!.length - offset, d = list.length;
  const data = new Float64Array(n * d);
  for (let j = 0; j < d; j++) {
    const [v, lag] = list[j]!;
    const s = series[v]!;
    for (let i = 0; i < n; i++) data[i * d + j] = s[offset + i - lag]!;
  }
  return { n, d, data };
}

/** The estimator call of one item: CMI given Z, or MI (candidate as the permuted y block) when Z is empty. */
interface ItemCall {
  measure: 'cmi' | 'mi';
  estimator: string;
  input: EstimatorInput;
}

function itemCall(p: PreparedJob, t: number): ItemCall {
  const s = p.teStep!;
  const it = s.items[t]!;
  const x = embedColumns(s.series, it.x, s.offset);
  const y = embedColumns(s.series, [[s.target, 0]], s.offset);
  if (it.z.length === 0) return { measure: 'mi', estimator: p.estimator === 'ksg' ? 'ksg1' : 'gaussian', input: { x: y, y: x } };
  return { measure: 'cmi', estimator: p.estimator === 'ksg' ? 'ksg_cmi' : 'gaussian', input: { x, y, z: embedColumns(s.series, it.z, s.offset) } };
}

/** θ_t of every item on the unpermuted rows (nats). */
export function teStepEstimates(p: PreparedJob): Float64Array {
  const F = p.teStep!.items.length;
  const out = new Float64Array(F);
  for (let t = 0; t < F; t++) {
    const c = itemCall(p, t);
    out[t] = estimate(c.measure, c.estimator, c.input, p.params);
  }
  return out;
}

/** Prepare a teStep job: the referenced series (checked, normalised) and the item list. */
export function prepareTeStep(job: Job): PreparedJob {
  validateTeStep(job);
  const ds = job.data;
  if (!ds || !Array.isArray(ds.columns) || ds.columns.length === 0 || !(ds.n > 0)) throw new DataError('the dataset is empty');
  const o = job.teStep!;
  const cols = job.x.map((c, i) => resolveColumn(ds, c, `x[${i}]`));
  const normalize = job.normalize ?? true;
  const series = cols.map((j) => {
    const c = Float64Array.from(ds.columns[j]!);
    const sd = sampleSd(c);
    if (!(sd > 0)) throw new DataError(`column ${JSON.stringify(ds.names[j])} is constant: it carries no information (drop it from --vars)`);
    if (normalize) for (let i = 0; i < c.length; i++) c[i] = c[i]! / sd;
    return c;
  });
  const k = job.k ?? DEFAULTS.k;
  const rows = ds.n - o.offset;
  const widest = o.items.reduce((m, it) => Math.max(m, it.x.length + it.z.length + 1), 0);
  const need = job.estimator === 'ksg' ? k + 2 : widest + 2;
  if (rows < need) {
    throw new DataError(`${ds.n} rows leave ${rows} samples after the largest lag ${o.offset}; the ${job.estimator} estimator needs at least ${need} (fewer lags or more rows)`);
  }
  const params: EstimatorParams = { k };
  const prepared: PreparedJob = {
    measure: 'te',
    estimator: job.estimator,
    k,
    knn: job.estimator === 'ksg',
    usesK: job.estimator === 'ksg',
    normalize,
    units: job.units ?? DEFAULTS.units,
    jitter: 0,
    seed: job.seed ?? DEFAULTS.seed,
    millerMadow: false,
    backend: 'cpu',
    n: rows,
    options: {},
    columns: { x: cols.map((j) => ds.names[j]!) },
    input: { x: { n: rows, d: 1, data: new Float64Array(rows) } },
    params,
    dataHash: datasetHash(ds),
    warnings: [],
    permutation: { shuffles: job.permutation!.shuffles, kind: job.permutation!.kind ?? 'shuffle', block: 'y', localK: DEFAULTS.localK },
    teStep: { series, target: o.target, offset: o.offset, items: o.items.map((it) => ({ x: it.x.map(([v, l]) => [v, l]), z: it.z.map(([v, l]) => [v, l]) })), rows },
  };
  prepared.input = itemCall(prepared, 0).input;
  return prepared;
}

/** Surrogate r of the step: the rows of every candidate block reorder by this. */
export function teStepPermutation(p: PreparedJob, r: number): Int32Array {
  return p.permutation!.kind === 'shift' ? shiftPermutation(p.seed, r, p.n) : shufflePermutation(p.seed, r, p.n);
}

/**
 * ksg CMI under candidate reorderings with the Z and YZ counters passed in (shared by items
 * with the same Z): the same calls as the catalog's cmi permutation context (estimators/context.ts),
 * so each value is bit-identical to ksgCmi on the explicitly permuted rows.
 */
function sharedCmiContext(x: Matrix, y: Matrix, z: Matrix, shared: { yz: Matrix; yzc: RangeCounter; zc: RangeCounter }, k: number): PermutationContext {
  const tol = tieTolerance(x, y, z);
  return {
    estimate(perm) {
      const xp = gatherRows(x, perm);
      const xz = hstack(xp, z);
      return ksgCmiFromParts(new KdTree(hstack(xp, y, z)), xz, rangeCounter(xz), shared.yz, shared.yzc, z, shared.zc, k, tol);
    },
  };
}

/** The values of a shard of a teStep job: replicate-major, (r1 − r0) × items. */
export function executeTeStepShard(p: PreparedJob, shard: ShardRequest, stop: () => void = () => {}): ShardPartial {
  const s = p.teStep!;
  if (shard.workload !== 'permutation') throw new InternalError(`teStep jobs have no ${shard.workload} workload`);
  const { r0, r1 } = shard;
  const reps = r1 - r0, F = s.items.length;
  const perms: Int32Array[] = [];
  for (let r = r0; r < r1; r++) perms.push(teStepPermutation(p, r));
  const values = new Float64Array(reps * F);
  const byZ = new Map<string, { yz: Matrix; yzc: RangeCounter; zc: RangeCounter }>();
  for (let t = 0; t < F; t++) {
    const c = itemCall(p, t);
    let ctx: PermutationContext;
    if (c.estimator === 'ksg_cmi') {
      const key = JSON.stringify(s.items[t]!.z);
      let sh = byZ.get(key);
      if (!sh) {
        const yz = hstack(c.input.y!, c.input.z!);
        sh = { yz, yzc: rangeCounter(yz), zc: rangeCounter(c.input.z!) };
        byZ.set(key, sh);
      }
      ctx = sharedCmiContext(c.input.x, c.input.y!, c.input.z!, sh, p.k);
    } else {
      // mi (y = candidate) and gaussian cmi (x = candidate): the catalog's permuted block is the candidate
      ctx = createPermutationContext(c.measure, c.estimator, c.input, p.params);
    }
    for (let i = 0; i < reps; i++, stop()) values[i * F + t] = ctx.estimate(perms[i]!);
  }
  return { jobId: shard.jobId, shardId: shard.shardId, workload: shard.workload, r0, r1, width: F, values };
}

/** Indices 0..F−1 ordered by value, largest first (ties: lower index first). */
function descending(v: ArrayLike<number>): number[] {
  return Array.from({ length: v.length }, (_, i) => i).sort((a, b) => v[b]! - v[a]! || a - b);
}

/** The step's tests from θ (nats) and the P × F null table (exported for the reference test). */
export function teStepTests(observed: Float64Array, nul: Float64Array, P: number): TeStepResult {
  const F = observed.length;
  const col = new Float64Array(P);
  const pValues: number[] = [];
  for (let t = 0; t < F; t++) {
    for (let r = 0; r < P; r++) col[r] = nul[r * F + t]!;
    pValues.push(permutationPValue(col, observed[t]!).pValue);
  }
  const order = descending(observed);
  const iMax = order[0]!, iMin = order[F - 1]!;
  // first index among equal minima
  let argMin = iMin;
  for (let t = 0; t < F; t++) if (observed[t] === observed[iMin]) { argMin = t; break; }
  const maxima = rowMaxima(nul, F);
  const minima = new Float64Array(P);
  // sorted[c * P + r] = the c-th largest value of null row r
  const sorted = new Float64Array(F * P);
  const row = new Float64Array(F);
  for (let r = 0; r < P; r++) {
    let m = Infinity;
    for (let t = 0; t < F; t++) {
      const v = nul[r * F + t]!;
      row[t] = v;
      if (!(v >= m)) m = v;
    }
    minima[r] = m;
    const o = descending(row);
    for (let c = 0; c < F; c++) sorted[c * P + r] = row[o[c]!]!;
  }
  const sequential = new Array<number>(F);
  order.forEach((t, c) => (sequential[t] = permutationPValue(sorted.subarray(c * P, (c + 1) * P), observed[t]!).pValue));
  return {
    estimates: Array.from(observed),
    pValues,
    max: { item: iMax, pValue: permutationPValue(maxima, observed[iMax]!).pValue },
    min: { item: argMin, pValue: permutationPValue(minima, observed[argMin]!).pValue },
    sequential,
  };
}

/** The result of a teStep job; job-level fields are those of the max statistic (as many.ts). */
export function finalizeTeStep(
  p: PreparedJob,
  observed: Float64Array,
  partials: Iterable<ShardPartial>,
  meta: FinalizeMeta,
  finalizeScalar: (p: PreparedJob, theta: number, partials: ShardPartial[], meta: FinalizeMeta) => JobResult,
): JobResult {
  const F = p.teStep!.items.length, P = p.permutation!.shuffles;
  const nul = assembleMatrix(P, F, partials);
  const tests = teStepTests(observed, nul, P);
  const maxima = rowMaxima(nul, F);
  const result = finalizeScalar(p, observed[tests.max.item]!, [{ jobId: '', shardId: `permutation:0-${P}`, workload: 'permutation', r0: 0, r1: P, values: maxima }], meta);
  result.teStep = tests;
  return result;
}
