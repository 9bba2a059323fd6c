/**
 * Assembling shard partials into a result (docs/design.md, contracts 3 and 4).
 *
 * Partials are placed by replicate index, so the assembled vectors — and everything computed
 * from them (CI, p-value, null summary) — are the same bytes whatever the shard sizes, the
 * order of arrival or the number of threads. A second completion of a shard id is ignored
 * (at-least-once shards, exactly-once results). Merging two partial sets is set union keyed by
 * shard id: associative and commutative.
 */
import { InternalError } from '../errors.js';
import { describeOptions } from '../catalog/index.js';
import { recentreSubsample, subsampleBias, subsampleScale } from '../resampling/bootstrap.js';
import { confidenceInterval, type CiResult } from '../resampling/ci.js';
import { summarizeBagging, summarizeKEnsemble } from '../resampling/ensemble.js';
import { P_VALUE_CONVENTION, permutationPValue, summarizeNull } from '../resampling/permutation.js';
import type { PreparedJob, ResolvedBootstrap } from './prepare.js';
import { ANALYTIC_CONVENTION, analyticTest } from '../resampling/analytic.js';
import { planWorkloads, type Workload } from './plan.js';
import type { ShardPartial, WorkloadKind } from './shard.js';
import type { JobResult } from './spec.js';

/**
 * |z| above which the subsample bias diagnostic warns (issue 10: it fired in 1–12% of 2-D
 * Gaussian datasets, where the bias is small, and in all 5-D/2-D ones, where it is 3.4 sd).
 */
export const BIAS_Z_WARNING = 1.5;

/** Partials keyed by shard id. */
export type PartialSet = Map<string, ShardPartial>;

/** Add a partial; false (and no change) if that shard id was already completed. */
export function addPartial(set: PartialSet, p: ShardPartial): boolean {
  if (set.has(p.shardId)) return false;
  const expected = (p.r1 - p.r0) * (p.width ?? 1);
  if (p.values.length !== expected) throw new InternalError(`shard ${p.shardId} returned ${p.values.length} values for ${p.r1 - p.r0} replicates × ${p.width ?? 1}`);
  set.set(p.shardId, p);
  return true;
}

/** Union of two partial sets (first completion of a shard id wins; they are identical anyway). */
export function mergePartialSets(a: PartialSet, b: PartialSet): PartialSet {
  const out: PartialSet = new Map(a);
  for (const p of b.values()) if (!out.has(p.shardId)) out.set(p.shardId, p);
  return out;
}

/** Replicate ranges of `w` not covered by any partial, as "workload:r0-r1" strings. */
function missingRanges(kind: WorkloadKind, covered: Uint8Array): string[] {
  const out: string[] = [];
  for (let r = 0; r < covered.length; ) {
    if (covered[r]) {
      r++;
      continue;
    }
    let e = r;
    while (e < covered.length && !covered[e]) e++;
    out.push(`${kind}:${r}-${e}`);
    r = e;
  }
  return out;
}

/** Replicate vector per workload, by replicate index; throws InternalError naming missing ranges. */
export function assemble(workloads: readonly Workload[], partials: Iterable<ShardPartial>): Map<WorkloadKind, Float64Array> {
  const values = new Map<WorkloadKind, Float64Array>();
  const covered = new Map<WorkloadKind, Uint8Array>();
  for (const w of workloads) {
    values.set(w.kind, new Float64Array(w.replicates));
    covered.set(w.kind, new Uint8Array(w.replicates));
  }
  for (const p of partials) {
    const v = values.get(p.workload);
    const c = covered.get(p.workload)!;
    if (!v || p.r0 < 0 || p.r1 > v.length) throw new InternalError(`shard ${p.shardId} does not belong to this job's workloads`);
    v.set(p.values, p.r0);
    c.fill(1, p.r0, p.r1);
  }
  const missing = workloads.flatMap((w) => missingRanges(w.kind, covered.get(w.kind)!));
  if (missing.length > 0) throw new InternalError(`missing shard results for replicates ${missing.join(', ')}`);
  return values;
}

/**
 * `provenance.backend` from the names the shards report (ShardPartial.backend, or what a cluster
 * worker answered): the distinct names, sorted, comma-separated; 'cpu' when no name was given
 * (no resampling, or the plain CPU path).
 */
export function backendProvenance(names: Iterable<string | undefined>): string {
  const set = new Set<string>();
  for (const n of names) for (const part of (n ?? '').split(',')) if (part) set.add(part);
  return set.size === 0 ? 'cpu' : [...set].sort().join(',');
}

/**
 * The interval of `b.method` from raw bootstrap replicates (nats): subsample replicates are
 * recentred on θ̂ and scaled by √(m/(N − m)) first (resampling/bootstrap.ts), iid ones are used
 * as drawn. `jack` (the grouped-jackknife values) is needed for BCa only.
 */
export function bootstrapInterval(b: Pick<ResolvedBootstrap, 'method' | 'level' | 'scheme' | 'm'>, n: number, thetaHat: number, dist: Float64Array, jack?: Float64Array): CiResult {
  const forCi = b.scheme === 'subsample' ? recentreSubsample(dist, thetaHat, b.m, n) : dist;
  return confidenceInterval({ method: b.method, level: b.level, thetaHat, distribution: forCi, ...(jack ? { jackknife: jack } : {}) });
}

export interface FinalizeMeta {
  engine: 'embedded' | 'cluster';
  version: string;
  estimateMs: number;
  resampleMs?: number;
  totalMs: number;
  loadMs?: number;
  threads?: number;
  workers?: number;
  backend?: string;
}

/**
 * The JobResult from θ̂ (nats) and the completed partials. Units are converted last (bits =
 * nats / ln 2) for every reported value; p-values are unit-free.
 */
export function finalizeResult(p: PreparedJob, thetaHat: number, partials: Iterable<ShardPartial>, meta: FinalizeMeta): JobResult {
  const workloads = planWorkloads(p);
  const vals = assemble(workloads, partials);
  const u = p.units === 'bits' ? (v: number) => v / Math.LN2 : (v: number) => v;
  const uArr = (a: Float64Array) => (p.units === 'bits' ? a.map((v) => v / Math.LN2) : a);
  const warnings = [...p.warnings];
  const result: JobResult = {
    measure: p.measure,
    estimator: p.estimator,
    k: p.usesK ? p.k : null,
    ...(Object.keys(p.options).length > 0 ? { options: describeOptions(p.measure, p.estimator, p.options) } : {}),
    n: p.n,
    estimate: u(thetaHat),
    units: p.units,
    normalize: p.normalize,
    seed: p.seed,
    replicates: {},
    warnings,
    timings: { estimateMs: meta.estimateMs, totalMs: meta.totalMs },
    provenance: { version: meta.version, dataHash: p.dataHash, engine: meta.engine },
  };
  if (meta.loadMs !== undefined) result.timings.loadMs = meta.loadMs;
  if (meta.resampleMs !== undefined) result.timings.resampleMs = meta.resampleMs;
  if (meta.threads !== undefined) result.provenance.threads = meta.threads;
  if (meta.workers !== undefined) result.provenance.workers = meta.workers;
  if (meta.backend !== undefined) result.provenance.backend = meta.backend;

  const nonFinite = (name: string, a: Float64Array) => {
    let bad = 0;
    for (const v of a) if (!Number.isFinite(v)) bad++;
    if (bad > 0) warnings.push(`${bad} of ${a.length} ${name} replicates are not finite`);
  };

  if (p.bootstrap) {
    const b = p.bootstrap;
    const dist = vals.get('bootstrap')!;
    nonFinite('bootstrap', dist);
    const sub = b.scheme === 'subsample';
    const jack = b.method === 'bca' ? vals.get('jackknife')! : undefined;
    const ci = bootstrapInterval(b, p.n, thetaHat, dist, jack);
    if (ci.warning) warnings.push(ci.warning);
    result.ci = { low: u(ci.low), high: u(ci.high), level: b.level, method: b.method, scheme: b.scheme };
    if (sub) result.ci.m = b.m;
    if (jack) result.ci.jackknifeGroups = b.jackknifeGroups;
    result.ci.scaling = sub ? 'sqrt(m/(N-m))' : 'none';
    result.ci.scale = sub ? subsampleScale(b.m, p.n) : 1;
    result.ci.target = 'E[estimate at N]';
    if (sub) {
      const bias = subsampleBias(dist, thetaHat, b.m, p.n);
      result.ci.bias = { z: bias.z, subsampleMean: u(bias.subsampleMean), extrapolated: u(bias.extrapolatedBias) };
      if (Math.abs(bias.z) > BIAS_Z_WARNING) {
        warnings.push(
          `the estimator's bias is large relative to the interval: estimates on m = ${b.m} rows average ${u(bias.subsampleMean).toPrecision(4)} against ${u(thetaHat).toPrecision(4)} on N = ${p.n} ` +
            `(z = ${bias.z.toFixed(2)} standard errors); a fit linear in 1/m extrapolates a bias of ${u(bias.extrapolatedBias).toPrecision(3)} ${p.units} at N. ` +
            'The interval covers the estimator\'s mean at this N, not the true value',
        );
      }
    }
    result.replicates.bootstrap = b.replicates;
    if (jack) result.replicates.jackknife = jack.length;
    result.bootstrapDistribution = uArr(dist);
  }

  if (p.permutation) {
    const nul = vals.get('permutation')!;
    nonFinite('permutation', nul);
    const { pValue } = permutationPValue(nul, thetaHat);
    const s = summarizeNull(nul);
    result.pValue = pValue;
    result.test = 'permutation';
    result.pValueConvention = P_VALUE_CONVENTION;
    const q: Record<string, number> = {};
    for (const [key, v] of Object.entries(s.quantiles)) q[key] = u(v);
    result.null = { count: s.count, mean: u(s.mean), sd: u(s.sd), quantiles: q };
    result.biasCorrected = u(thetaHat - s.mean);
    result.replicates.permutation = p.permutation.shuffles;
    result.nullDistribution = uArr(nul);
  }

  if (p.analytic) {
    const a = analyticTest(thetaHat, p.n, p.analytic.df);
    result.pValue = a.pValue;
    result.test = 'analytic';
    result.pValueConvention = ANALYTIC_CONVENTION;
    result.chi2 = { statistic: a.statistic, df: a.df };
    result.biasCorrected = u(thetaHat - a.nullMean);
  }
  if (p.trials) result.trials = { ...p.trials };

  if (p.bagging || p.kValues) {
    result.ensemble = {};
    if (p.bagging) {
      const s = summarizeBagging(vals.get('bagging')!, p.bagging.fraction);
      result.ensemble.bagging = { mean: u(s.mean), sd: u(s.sd), replicates: s.replicates, fraction: s.fraction };
      result.replicates.bagging = s.replicates;
    }
    if (p.kValues) {
      const s = summarizeKEnsemble(p.kValues, vals.get('kensemble')!);
      result.ensemble.byK = s.byK.map((e) => ({ k: e.k, estimate: u(e.estimate) }));
      result.ensemble.combined = u(s.combined);
    }
  }
  return result;
}
