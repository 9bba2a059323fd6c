/**
 * Many-variable jobs (docs/screening.md): screening (every feature against one target) and
 * pairwise matrices (every pair of variables). The statistic is a vector over items (features
 * or pairs); a permutation replicate computes every item under ONE draw of the row orderings,
 * so a shard [r0, r1) returns (r1 − r0) × items values, placed by replicate index. That shared
 * null is what gives the Westfall–Young max-statistic adjusted p-values (FWER) besides the
 * per-item p-values and their BH/BY/Holm corrections (shared/resampling/multiple-testing.ts).
 *
 *   screen:   replicate r permutes the TARGET rows by permutationFor(p, r) — the ordering an
 *             ordinary mi/cmi job uses (stream(seed, r, Domain.permutation)) — the same
 *             ordering for every feature. The target sits in the measure's permuted block
 *             (mi: y; cmi: x), each feature in the other block, so the catalog's permutation
 *             context (marginal structures built once per feature and shard) applies.
 *   pairwise: replicate r draws one permutation π_v per variable v = 0..V−1, in that order,
 *             from stream(seed, r, Domain.permutation), and every pair (i, j) is estimated on
 *             the permuted data (π_i x_i, π_j x_j [, z]): one transformation of the whole table,
 *             so the joint null of all pairs is that of mutually independent variables (the
 *             max statistic's requirement). MI is invariant to reordering rows, so pair (i, j)
 *             is computed as MI(x_i, x_j ∘ π_j ∘ π_i⁻¹) with the pair's permutation context.
 *             Z (cmi) is not permuted: each variable is shuffled against Z as well, as the
 *             ordinary cmi 'shuffle' kind does.
 */
import { DataError, InternalError, LimitError, OptionError } from '../errors.js';
import { gatherRows, type Matrix } from '../data/matrix.js';
import { resolveColumn } from '../data/select.js';
import { checkEstimator, createPermutationContext, estimate, type EstimatorInput } from '../estimators/index.js';
import { permuteBlock } from '../estimators/context.js';
import { measureOf } from '../catalog/index.js';
import { Domain, permutation, stream } from '../rng/index.js';
import { adjustPValues, CORRECTIONS, rowMaxima, type Correction } from '../resampling/multiple-testing.js';
import { permutationPValue } from '../resampling/permutation.js';
import { momentsOf } from '../stats/moments.js';
import { permutationFor } from './execute.js';
import type { FinalizeMeta } from './merge.js';
import type { ShardPartial, ShardRequest } from './shard.js';
import { DEFAULTS, type ColumnRef, type ItemResult, type Job, type JobResult, type JobSpec } from './spec.js';
import type { PreparedJob } from './prepare.js';
import { sampleSd } from '../stats/moments.js';
import { MANY_SUMMARY_VALUES, ManySummaryBuilder, mergeManySummaries, packManySummary, unpackManySummary } from './many-summary.js';
import { packSummary, SUMMARY_THRESHOLD } from './summary.js';
import { pValueFromCount } from '../resampling/permutation.js';

export interface PreparedMany {
  kind: 'screen' | 'pairwise';
  /** Screen: the features; pairwise: the variables. One normalised column each (n × 1). */
  columns: Matrix[];
  names: string[];
  /** Screen: the input block each feature takes (the block the permutation leaves alone). */
  itemBlock: 'x' | 'y';
  /** Tested items: features, or V(V−1)/2 pairs. */
  items: number;
  /** Pairwise: pair t is (pairs[2t], pairs[2t+1]), i < j, row-major. */
  pairs?: Int32Array;
  correction: Correction;
  alpha: number;
}

const MANY_MEASURES = ['mi', 'cmi'];

function fieldOf(spec: JobSpec): 'screen' | 'pairwise' {
  return spec.screen ? 'screen' : 'pairwise';
}

/** Up-front checks of a screen/pairwise spec (validateSpec calls this instead of its block rules). */
export function validateMany(spec: JobSpec): void {
  const f = fieldOf(spec);
  if (spec.screen && spec.pairwise) throw new OptionError('a job is either a screen or a pairwise job, not both', 'pairwise');
  const o = spec[f]!;
  if (o === null || typeof o !== 'object' || Array.isArray(o)) throw new OptionError(`${f} must be an object`, f);
  if (!MANY_MEASURES.includes(spec.measure)) throw new OptionError(`${f} supports measures ${MANY_MEASURES.join(', ')}; got ${spec.measure}`, 'measure');
  const m = measureOf(spec.measure);
  if (spec.y !== undefined) throw new OptionError(`y is not used by ${f} (${f === 'screen' ? 'the features are the other block' : 'the variables are x'})`, 'y');
  if (m.blocks.z === 'required' && spec.z === undefined) throw new OptionError(`${spec.measure} needs z (${m.blocks.meaning.z})`, 'z');
  if (m.blocks.z === 'none' && spec.z !== undefined) throw new OptionError(`z is not used by measure ${m.name} (use cmi to condition)`, 'z');
  if (o.correction !== undefined && !(CORRECTIONS as readonly string[]).includes(o.correction)) {
    throw new OptionError(`${f}.correction must be one of ${CORRECTIONS.join(', ')}; got ${JSON.stringify(o.correction)}`, `${f}.correction`);
  }
  if (o.alpha !== undefined && !(typeof o.alpha === 'number' && o.alpha > 0 && o.alpha < 1)) {
    throw new OptionError(`${f}.alpha must be in (0, 1); got ${JSON.stringify(o.alpha)}`, `${f}.alpha`);
  }
  if (spec.screen) {
    const fs = spec.screen.features;
    if (fs !== 'all' && (!Array.isArray(fs) || fs.length === 0)) throw new OptionError("screen.features must be a non-empty list of columns or 'all'", 'screen.features');
  } else if (Array.isArray(spec.x) && spec.x.length < 2) {
    throw new OptionError(`pairwise needs at least 2 variables in x; got ${spec.x.length}`, 'x');
  }
  if (!spec.permutation) throw new OptionError(`${f} needs permutations (the p-values and the ${f === 'screen' ? 'feature' : 'pair'} selection come from them)`, 'permutation');
  if (spec.pairwise && spec.permutation.surrogates) throw new OptionError('pairwise draws one permutation per variable; user surrogates are not supported', 'permutation.surrogates');
  if (spec.pairwise && spec.permutation.kind !== undefined && spec.permutation.kind !== 'shuffle') {
    throw new OptionError(`pairwise permutes every variable (kind shuffle); got ${spec.permutation.kind}`, 'permutation.kind');
  }
  if (spec.bootstrap) throw new OptionError(`${f} does not take a bootstrap yet (per-item intervals are not implemented)`, 'bootstrap');
  if (spec.ensemble) throw new OptionError(`${f} does not take an ensemble`, 'ensemble');
  if (spec.jitter) throw new OptionError(`${f} does not take jitter (one jitter stream per item is not defined)`, 'jitter');
}

/** One variable as an n × 1 block: copied, checked for variance, divided by its sd when normalising. */
function variableColumn(src: Float64Array, name: string, field: string, normalize: boolean): Matrix {
  const c = Float64Array.from(src);
  const s = sampleSd(c);
  if (!(s > 0)) throw new DataError(`column ${JSON.stringify(name)} (in ${field}) is constant: it carries no information about anything (drop it)`);
  if (normalize) for (let i = 0; i < c.length; i++) c[i] = c[i]! / s;
  return { n: c.length, d: 1, data: c };
}

const MAX_ITEM_WARNINGS = 10;

/**
 * Prepare a screen or pairwise job: an ordinary job on the first item (defaults, target/z
 * blocks, permutation plan, dataset hash) plus one column per feature/variable.
 */
export function prepareMany(job: Job, prepare: (j: Job) => PreparedJob): PreparedJob {
  validateMany(job);
  const f = fieldOf(job);
  const ds = job.data;
  if (!ds || !Array.isArray(ds.columns) || ds.columns.length === 0 || !(ds.n > 0)) throw new DataError('the dataset is empty');
  const xs = job.x.map((c, i) => resolveColumn(ds, c, `x[${i}]`));
  const zs = (job.z ?? []).map((c, i) => resolveColumn(ds, c, `z[${i}]`));
  let vars: number[];
  const listField = f === 'screen' ? 'screen.features' : 'x';
  if (f === 'screen') {
    const fs = job.screen!.features;
    const taken = new Set([...xs, ...zs]);
    vars = fs === 'all' ? ds.names.map((_, j) => j).filter((j) => !taken.has(j)) : fs.map((c: ColumnRef, i) => resolveColumn(ds, c, `screen.features[${i}]`));
    if (vars.length === 0) throw new OptionError("screen.features 'all' leaves no column besides the target and z", 'screen.features');
    for (const j of vars) {
      if (xs.includes(j)) throw new OptionError(`column ${JSON.stringify(ds.names[j])} is the target and also listed among the features`, 'screen.features');
      if (zs.includes(j)) throw new OptionError(`column ${JSON.stringify(ds.names[j])} is in z and also listed among the features`, 'screen.features');
    }
  } else {
    vars = xs;
    for (const j of vars) if (zs.includes(j)) throw new OptionError(`column ${JSON.stringify(ds.names[j])} is in z and also among the variables`, 'x');
  }
  const seen = new Set<number>();
  for (const j of vars) {
    if (seen.has(j)) throw new OptionError(`column ${JSON.stringify(ds.names[j])} is listed twice in ${listField}`, listField);
    seen.add(j);
  }
  const items = f === 'screen' ? vars.length : (vars.length * (vars.length - 1)) / 2;
  if (items > DEFAULTS.maxItems) {
    throw new LimitError(`${listField}: ${vars.length} ${f === 'screen' ? 'features' : `variables (${items} pairs)`} exceed the job limit of ${DEFAULTS.maxItems} ${f === 'screen' ? 'features' : 'pairs'}; split the job`);
  }

  const md = measureOf(job.measure);
  const permBlock = md.permutation!.block;
  const itemBlock: 'x' | 'y' = permBlock === 'x' ? 'y' : 'x';
  const { screen: _s, pairwise: _p, ...rest } = job;
  // the ordinary job on the first item: target (or variable 0) in the permuted block
  const inner: Job = f === 'screen'
    ? { ...rest, [permBlock]: xs, [itemBlock]: [vars[0]!], ...(zs.length ? { z: zs } : {}) }
    : { ...rest, x: [vars[0]!], y: [vars[1]!], ...(zs.length ? { z: zs } : {}) };
  const base = prepare(inner);
  const names = vars.map((j) => ds.names[j]!);
  const columns = vars.map((j, i) => variableColumn(ds.columns[j]!, names[i]!, listField, base.normalize));
  const o = job[f]!;
  const many: PreparedMany = { kind: f, columns, names, itemBlock, items, correction: o.correction ?? DEFAULTS.correction, alpha: o.alpha ?? DEFAULTS.alpha };
  if (f === 'pairwise') {
    const pairs = new Int32Array(2 * items);
    let t = 0;
    for (let i = 0; i < vars.length; i++) for (let j = i + 1; j < vars.length; j++) { pairs[t++] = i; pairs[t++] = j; }
    many.pairs = pairs;
  }
  const { summaries: _base, ...rest2 } = base;
  const prepared: PreparedJob = { ...rest2, many };
  // the summary path (many-summary.ts): asked for, or above SUMMARY_THRESHOLD permutations or MANY_SUMMARY_VALUES null values
  const P = prepared.permutation!.shuffles;
  if (job.summaries === true || (job.summaries !== false && (P > SUMMARY_THRESHOLD || P * items > MANY_SUMMARY_VALUES))) prepared.summaries = ['permutation'];
  // per-item data checks (ties, duplicates), summarised: the first item's are in base.warnings
  const warnings = new Set(base.warnings);
  let extra = 0;
  for (let t = 1; t < items; t++) {
    for (const w of checkEstimator(job.measure, job.estimator, itemInput(prepared, t), base.params)) {
      const msg = `${itemLabel(many, t)}: ${w}`;
      if (warnings.size < base.warnings.length + MAX_ITEM_WARNINGS) warnings.add(msg);
      else extra++;
    }
  }
  if (extra > 0) warnings.add(`… and ${extra} more item warnings`);
  prepared.warnings = [...warnings];
  prepared.columns = f === 'screen' ? { ...base.columns, [itemBlock]: names } : { x: names, ...(base.columns.z ? { z: base.columns.z } : {}) };
  return prepared;
}

function itemLabel(m: PreparedMany, t: number): string {
  return m.kind === 'screen' ? `feature ${m.names[t]}` : `pair ${m.names[m.pairs![2 * t]!]}–${m.names[m.pairs![2 * t + 1]!]}`;
}

/** The estimator input of item t on the unpermuted data. */
export function itemInput(p: PreparedJob, t: number): EstimatorInput {
  const m = p.many!;
  if (m.kind === 'screen') return { ...p.input, [m.itemBlock]: m.columns[t]! };
  const input: EstimatorInput = { x: m.columns[m.pairs![2 * t]!]!, y: m.columns[m.pairs![2 * t + 1]!]! };
  if (p.input.z) input.z = p.input.z;
  return input;
}

/** θ̂ of every item on the full data (nats). */
export function pointEstimates(p: PreparedJob): Float64Array {
  const out = new Float64Array(p.many!.items);
  for (let t = 0; t < out.length; t++) out[t] = estimate(p.measure, p.estimator, itemInput(p, t), p.params);
  return out;
}

function isBijection(perm: Int32Array): boolean {
  const seen = new Uint8Array(perm.length);
  for (let i = 0; i < perm.length; i++) {
    if (seen[perm[i]!]) return false;
    seen[perm[i]!] = 1;
  }
  return true;
}

/** Pairwise replicate r: π_0..π_{V−1}, drawn in order from stream(seed, r, Domain.permutation). */
export function variablePermutations(seed: number, r: number, n: number, v: number): Int32Array[] {
  const rng = stream(seed, r, Domain.permutation);
  return Array.from({ length: v }, () => permutation(n, rng));
}

function inverse(perm: Int32Array): Int32Array {
  const inv = new Int32Array(perm.length);
  for (let i = 0; i < perm.length; i++) inv[perm[i]!] = i;
  return inv;
}

/** θ̂ per item and their maximum, per PreparedJob object (per thread): the summary path's thresholds. */
const thetaCache = new WeakMap<PreparedJob, { thetas: Float64Array; max: number }>();

function thetasFor(p: PreparedJob): { thetas: Float64Array; max: number } {
  let t = thetaCache.get(p);
  if (!t) {
    const thetas = pointEstimates(p);
    // as pipeline.ts: a NaN item makes the max statistic +∞
    thetaCache.set(p, (t = { thetas, max: thetas.reduce((m, v) => (v <= m ? m : Number.isNaN(v) ? Infinity : v), -Infinity) }));
  }
  return t;
}

/**
 * A permutation shard of a many-variable job: its values, replicate-major, (r1 − r0) × items — or,
 * on the summary path (p.summaries), their packed summary (many-summary.ts), built while the
 * items are estimated so the matrix is never held.
 */
export function executeManyShard(p: PreparedJob, shard: ShardRequest, stop: () => void = () => {}): ShardPartial {
  const m = p.many!;
  if (shard.workload !== 'permutation') throw new InternalError(`${m.kind} jobs have no ${shard.workload} workload`);
  const { r0, r1 } = shard;
  const reps = r1 - r0, F = m.items, n = p.n;
  const summary = p.summaries?.includes('permutation') ? (({ thetas, max }) => new ManySummaryBuilder(r0, r1, thetas, max))(thetasFor(p)) : undefined;
  const values = summary ? new Float64Array(0) : new Float64Array(reps * F);
  const put = summary ? (i: number, f: number, v: number) => summary.value(i, f, v) : (i: number, f: number, v: number) => void (values[i * F + f] = v);
  const { measure, estimator, params } = p;
  if (m.kind === 'screen') {
    const perms: Int32Array[] = [];
    for (let r = r0; r < r1; r++) perms.push(permutationFor(p, r));
    const bij = perms.map(isBijection);
    const block = p.permutation!.block;
    for (let f = 0; f < F; f++, stop()) {
      const input = itemInput(p, f);
      const ctx = createPermutationContext(measure, estimator, input, params);
      for (let i = 0; i < reps; i++) {
        // a local permutation may repeat rows (not a bijection): estimated on the gathered rows, as execute.ts
        put(i, f, bij[i] ? ctx.estimate(perms[i]!) : estimate(measure, estimator, permuteBlock(input, block, perms[i]!), params));
      }
    }
  } else {
    const V = m.columns.length;
    const perms: Int32Array[][] = [];
    for (let r = r0; r < r1; r++) perms.push(variablePermutations(p.seed, r, n, V));
    const pairs = m.pairs!;
    const sigma = new Int32Array(n);
    let t = 0;
    for (let i = 0; i < V; i++) {
      const inv = measure === 'mi' ? perms.map((ps) => inverse(ps[i]!)) : [];
      for (let j = i + 1; j < V; j++, t++, stop()) {
        if (pairs[2 * t] !== i || pairs[2 * t + 1] !== j) throw new InternalError('pair order');
        const input = itemInput(p, t);
        if (measure === 'mi') {
          const ctx = createPermutationContext(measure, estimator, input, params);
          for (let q = 0; q < reps; q++) {
            const pj = perms[q]![j]!, ii = inv[q]!;
            for (let s = 0; s < n; s++) sigma[s] = pj[ii[s]!]!;
            put(q, t, ctx.estimate(sigma));
          }
        } else {
          for (let q = 0; q < reps; q++) {
            const permuted: EstimatorInput = { x: gatherRows(input.x, perms[q]![i]!), y: gatherRows(input.y!, perms[q]![j]!), ...(input.z ? { z: input.z } : {}) };
            put(q, t, estimate(measure, estimator, permuted, params));
          }
        }
      }
    }
  }
  return { jobId: shard.jobId, shardId: shard.shardId, workload: shard.workload, r0, r1, width: F, values: summary ? packManySummary(summary.finish()) : values };
}

/** The P × items null matrix, by replicate index; throws InternalError naming missing ranges. */
export function assembleMatrix(reps: number, width: number, partials: Iterable<ShardPartial>): Float64Array {
  const out = new Float64Array(reps * width);
  const covered = new Uint8Array(reps);
  for (const q of partials) {
    if (q.workload !== 'permutation' || q.r0 < 0 || q.r1 > reps || q.values.length !== (q.r1 - q.r0) * width) {
      throw new InternalError(`shard ${q.shardId} does not belong to this job (width ${width})`);
    }
    out.set(q.values, q.r0 * width);
    covered.fill(1, q.r0, q.r1);
  }
  const missing = covered.indexOf(0);
  if (missing >= 0) throw new InternalError(`missing shard results for permutation replicate ${missing} (and possibly more)`);
  return out;
}

/**
 * The result of a many-variable job. `finalizeScalar` is merge.ts's finalizeResult, called on
 * the max statistic (θ̂ = max item estimate, null = row maxima) for the job-level fields.
 */
export function finalizeMany(
  p: PreparedJob,
  observed: Float64Array,
  partials: Iterable<ShardPartial>,
  meta: FinalizeMeta,
  finalizeScalar: (p: PreparedJob, theta: number, partials: ShardPartial[], meta: FinalizeMeta) => JobResult,
): JobResult {
  const m = p.many!;
  const F = m.items, P = p.permutation!.shuffles;
  let thetaMax = -Infinity;
  for (const v of observed) if (!(v <= thetaMax)) thetaMax = Number.isNaN(v) ? Infinity : v;
  const pValues = new Float64Array(F);
  let nullMean: ArrayLike<number> & { [i: number]: number } = new Float64Array(F);
  let nonFinite = 0;
  let result: JobResult;
  let adjusted: ArrayLike<number>;
  if (p.summaries?.includes('permutation')) {
    // the summary path (many-summary.ts): the same counts, hence the same p-value bytes, as below
    const s = mergeManySummaries([...partials].map((q) => unpackManySummary(q.values, q.r0, q.r1, F, q.shardId)), P, F);
    result = finalizeScalar(p, thetaMax, s.maxima.map((x) => ({ jobId: '', shardId: `permutation:${x.r0}-${x.r1}`, workload: 'permutation', r0: x.r0, r1: x.r1, values: packSummary(x) })), meta);
    for (let t = 0; t < F; t++) pValues[t] = pValueFromCount(s.atLeast[t]!, P);
    nullMean = s.nullMean;
    nonFinite = s.nonFinite;
    adjusted = m.correction === 'maxstat' ? s.maxAtLeast.map((b) => pValueFromCount(b, P)) : adjustPValues(m.correction, pValues);
    if (result.summaries) result.summaries.paths = { ...result.summaries.paths, 'items.pValue': 'counts', 'items.pAdjusted': 'counts', 'items.nullMean': 'moments' };
  } else {
    const nul = assembleMatrix(P, F, partials);
    const maxima = rowMaxima(nul, F);
    result = finalizeScalar(p, thetaMax, [{ jobId: '', shardId: `permutation:0-${P}`, workload: 'permutation', r0: 0, r1: P, values: maxima }], meta);
    const col = new Float64Array(P);
    for (let t = 0; t < F; t++) {
      for (let r = 0; r < P; r++) {
        const v = nul[r * F + t]!;
        col[r] = v;
        if (!Number.isFinite(v)) nonFinite++;
      }
      pValues[t] = permutationPValue(col, observed[t]!).pValue;
      // the scalar job's null.mean, bit for bit
      nullMean[t] = momentsOf(col).mean;
    }
    adjusted = adjustPValues(m.correction, pValues, { observed, maxima });
  }
  if (nonFinite > 0) result.warnings.push(`${nonFinite} of ${P * F} item permutation values are not finite`);
  // permutation p-values are ≥ 1/(P+1): Holm/BH/BY need P + 1 ≥ items/alpha before a single
  // strong item can be selected (measured on screen200: 200 features, P = 49 → none selected)
  if (m.correction !== 'maxstat' && m.correction !== 'none' && F / (P + 1) > m.alpha) {
    result.warnings.push(`${m.correction} with ${P} permutations: the smallest p-value is 1/(P+1), so one item alone is selected only when P ≥ items/alpha − 1 = ${Math.ceil(F / m.alpha) - 1}; raise --permutations or use maxstat`);
  }
  const u = p.units === 'bits' ? (v: number) => v / Math.LN2 : (v: number) => v;
  const item = (t: number): ItemResult => ({
    estimate: u(observed[t]!),
    pValue: pValues[t]!,
    pAdjusted: adjusted[t]!,
    selected: adjusted[t]! <= m.alpha,
    nullMean: u(nullMean[t]!),
  });
  if (m.kind === 'screen') {
    const order = Array.from({ length: F }, (_, t) => t).sort((a, b) => observed[b]! - observed[a]! || a - b);
    const features = order.map((t) => ({ name: m.names[t]!, ...item(t) }));
    const target = p.columns[p.permutation!.block]!;
    result.screen = {
      correction: m.correction,
      alpha: m.alpha,
      target,
      ...(p.columns.z ? { z: p.columns.z } : {}),
      features,
      selected: features.filter((f) => f.selected).map((f) => f.name),
    };
  } else {
    const V = m.columns.length;
    const matrix: (number | null)[][] = Array.from({ length: V }, () => new Array<number | null>(V).fill(null));
    const pMatrix: (number | null)[][] = Array.from({ length: V }, () => new Array<number | null>(V).fill(null));
    const pairs = Array.from({ length: F }, (_, t) => {
      const i = m.pairs![2 * t]!, j = m.pairs![2 * t + 1]!;
      const it = item(t);
      matrix[i]![j] = matrix[j]![i] = it.estimate;
      pMatrix[i]![j] = pMatrix[j]![i] = it.pAdjusted;
      return { a: m.names[i]!, b: m.names[j]!, ...it };
    });
    result.pairwise = { correction: m.correction, alpha: m.alpha, variables: [...m.names], ...(p.columns.z ? { z: p.columns.z } : {}), pairs, matrix, pMatrix };
  }
  return result;
}
