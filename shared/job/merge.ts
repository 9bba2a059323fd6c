/**
 * Assembling shard partials into a result (docs/design.md, contracts 3 and 4).
 *
 * Partials are placed by replicate index, so the assembled vectors — and everything computed
 * from them (CI, p-value, null summary) — are the same bytes whatever the shard sizes, the
 * order of arrival or the number of threads. Workloads on the summary path (job/summary.ts)
 * are merged as summaries instead, with the same independence. A second completion of a shard id is ignored
 * (at-least-once shards, exactly-once results). Merging two partial sets is set union keyed by
 * shard id: associative and commutative.
 */
import { InternalError } from '../errors.js';
import { describeOptions } from '../catalog/index.js';
import { recentreSubsample, subsampleBias, subsampleScale, type SubsampleBias } from '../resampling/bootstrap.js';
import { confidenceInterval, type CiResult } from '../resampling/ci.js';
import { summarizeBagging, summarizeKEnsemble } from '../resampling/ensemble.js';
import { summarizeNeural } from '../resampling/neural-ensemble.js';
import { NEURAL_BOUNDS, NEURAL_CMI_METHOD, NEURAL_WIDTH, neuralSettings, unpackReplicate } from '../estimators/neural/index.js';
import { checkBounds } from '../estimators/bounds.js';
import { P_VALUE_CONVENTION, permutationPValue, summarizeNull } from '../resampling/permutation.js';
import type { PreparedJob, ResolvedBootstrap } from './prepare.js';
import { ANALYTIC_CONVENTION, analyticTest } from '../resampling/analytic.js';
import { planWorkloads, type Workload } from './plan.js';
import type { ShardPartial, WorkloadKind } from './shard.js';
import type { JobResult, NumberPath, SummaryInfo } from './spec.js';
import { unpackManySummary } from './many-summary.js';
import { mergePackedSummaries, sketchHistogram, SKETCH_ALPHA, SUMMARY_BLOCK, unpackSummary, type WorkloadSummary } from './summary.js';
import { confidenceIntervalFromSummary, summaryQuantile } from '../resampling/ci-summary.js';
import { pValueFromCount, NULL_QUANTILES } from '../resampling/permutation.js';
import { sd } from '../stats/moments.js';
import { ndtri } from '../stats/normal.js';
import { finiteMoments, truthInterval, TRUTH_WARNING, type Moments3 } from '../resampling/truth-interval.js';

/**
 * |z| above which the subsample bias diagnostic warns (issue 10: it fired in 1–12% of 2-D
 * Gaussian datasets, where the bias is small, and in all 5-D/2-D ones, where it is 3.4 sd).
 */
export const BIAS_Z_WARNING = 1.5;

/** Partials keyed by shard id. */
export type PartialSet = Map<string, ShardPartial>;

/**
 * Add a partial; false (and no change) if that shard id was already completed. `summary`: the
 * workload is on the summary path, so `values` must be a well-formed packed summary.
 */
export function addPartial(set: PartialSet, p: ShardPartial, summary = false): boolean {
  if (set.has(p.shardId)) return false;
  checkPartial(p, summary);
  set.set(p.shardId, p);
  return true;
}

/** Throws InternalError when a shard's values do not fit its range (a vector) or are not its summary. */
export function checkPartial(p: Pick<ShardPartial, 'shardId' | 'r0' | 'r1' | 'width' | 'values'>, summary: boolean): void {
  if (summary) {
    // a many-variable job's shard (width = items) packs per-item counts besides the scalar summary
    if (p.width !== undefined) unpackManySummary(p.values, p.r0, p.r1, p.width, p.shardId);
    else unpackSummary(p.values, p.r0, p.r1, p.shardId);
    return;
  }
  const expected = (p.r1 - p.r0) * (p.width ?? 1);
  if (p.values.length !== expected) throw new InternalError(`shard ${p.shardId} returned ${p.values.length} values for ${p.r1 - p.r0} replicates × ${p.width ?? 1}`);
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
  return collect(workloads, partials).vectors;
}

/**
 * Vector workloads assembled by replicate index, summarised ones merged (job/summary.ts); throws
 * InternalError naming missing ranges. Coverage of a summarised workload is kept as sorted
 * ranges, not a per-replicate map, so it costs nothing per replicate.
 */
export function collect(workloads: readonly Workload[], partials: Iterable<ShardPartial>): { vectors: Map<WorkloadKind, Float64Array>; summaries: Map<WorkloadKind, WorkloadSummary> } {
  const vectors = new Map<WorkloadKind, Float64Array>();
  const covered = new Map<WorkloadKind, Uint8Array>();
  // summarised workloads: the packed partials, unpacked one at a time when merged (summary.ts)
  const parts = new Map<WorkloadKind, ShardPartial[]>();
  const byKind = new Map(workloads.map((w) => [w.kind, w]));
  // values per replicate: the partials' width (neural: a critic's vector; a many-variable job's
  // job-level finish passes its row maxima, one per replicate, for a workload of width F)
  const widths = new Map<WorkloadKind, number>();
  for (const w of workloads) {
    if (w.summary) parts.set(w.kind, []);
    else covered.set(w.kind, new Uint8Array(w.replicates));
  }
  for (const p of partials) {
    const w = byKind.get(p.workload);
    if (!w || p.r0 < 0 || p.r1 > w.replicates) throw new InternalError(`shard ${p.shardId} does not belong to this job's workloads`);
    if (w.summary) {
      parts.get(w.kind)!.push(p);
      continue;
    }
    const width = p.width ?? 1;
    if (!vectors.has(w.kind)) {
      vectors.set(w.kind, new Float64Array(w.replicates * width));
      widths.set(w.kind, width);
    }
    if (widths.get(w.kind) !== width || p.values.length !== (p.r1 - p.r0) * width) throw new InternalError(`shard ${p.shardId} does not belong to this job's workloads`);
    vectors.get(w.kind)!.set(p.values, p.r0 * width);
    covered.get(w.kind)!.fill(1, p.r0, p.r1);
  }
  const missing: string[] = [];
  const summaries = new Map<WorkloadKind, WorkloadSummary>();
  for (const w of workloads) {
    if (!w.summary) {
      missing.push(...missingRanges(w.kind, covered.get(w.kind)!));
      continue;
    }
    const ps = parts.get(w.kind)!.sort((x, y) => x.r0 - y.r0);
    let at = 0;
    for (const q of ps) {
      if (q.r0 > at) missing.push(`${w.kind}:${at}-${q.r0}`);
      at = Math.max(at, q.r1);
    }
    if (at < w.replicates) missing.push(`${w.kind}:${at}-${w.replicates}`);
    if (ps.length > 0) summaries.set(w.kind, mergePackedSummaries(ps));
  }
  if (missing.length > 0) throw new InternalError(`missing shard results for replicates ${missing.join(', ')}`);
  for (const w of workloads) if (!w.summary && !vectors.has(w.kind)) vectors.set(w.kind, new Float64Array(0));
  return { vectors, summaries };
}

/**
 * The documented values of `provenance.backend` (docs/gpu.md), plain ASCII: what computed the
 * replicates. 'cpu': the CPU path (backend cpu, auto choosing the CPU, a pair without gpu
 * kernels, or no replicates); 'gpu': gpu.js kernels on a GPU device (headlessgl, webgl,
 * webgpu); 'gpu-host': gpu.js kernels with no GPU device, on the host CPU (its WebAssembly or
 * plain-JS modes); 'mixed': shards ran on more than one of these; 'unreported': a cluster job
 * resumed after a coordinator restart whose workers named nothing. The backends' own
 * `describe()` strings (e.g. 'auto→gpu.js/webasm', the WebGPU adapter) stay diagnostics.
 */
export const BACKEND_PROVENANCE = ['cpu', 'gpu', 'gpu-host', 'mixed', 'unreported'] as const;
export type BackendProvenance = (typeof BACKEND_PROVENANCE)[number];

/** One backend's `describe()` (or an already classified value) as a BACKEND_PROVENANCE value. */
export function backendClass(name: string): BackendProvenance {
  const s = name.trim().replace(/^auto→/, '');
  if ((BACKEND_PROVENANCE as readonly string[]).includes(s)) return s as BackendProvenance;
  if (s.startsWith('gpu.js/')) return /^gpu\.js\/(webasm|cpu)\b/.test(s) ? 'gpu-host' : 'gpu';
  return 'cpu';
}

/**
 * `provenance.backend` from the names the shards report (ShardPartial.backend, or what a cluster
 * worker answered, itself a value of this function): one BACKEND_PROVENANCE value; 'cpu' when no
 * name was given (no resampling, or the plain CPU path).
 */
export function backendProvenance(names: Iterable<string | undefined>): BackendProvenance {
  const set = new Set<BackendProvenance>();
  // comma-separated, but not inside an adapter's parentheses ('gpu.js/webgpu (… (LLVM 19, 256 bits))')
  for (const n of names) for (const part of (n ?? '').split(/,(?![^(]*\))/)) if (part.trim()) set.add(backendClass(part));
  return set.size === 0 ? 'cpu' : set.size === 1 ? [...set][0]! : 'mixed';
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

function biasWarning(p: PreparedJob, u: (v: number) => number, bias: SubsampleBias): string {
  return (
    `the estimator's bias is large relative to the interval: estimates on m = ${p.bootstrap!.m} rows average ${u(bias.subsampleMean).toPrecision(4)} against ${u(bias.fit.mean[bias.fit.mean.length - 1]!).toPrecision(4)} on N = ${p.n} ` +
    `(z = ${bias.z.toFixed(2)} standard errors); a fit linear in 1/m through m = ${bias.fit.m.join(', ')} (mean estimates ${bias.fit.mean.map((v) => u(v).toPrecision(4)).join(', ')}) ` +
    `extrapolates a bias of ${u(bias.extrapolatedBias).toPrecision(3)} ${p.units} at N. ` +
    'The interval covers the estimator\'s mean at this N, not the true value'
  );
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
export function finalizeResult(p: PreparedJob, thetaIn: number, partials: Iterable<ShardPartial>, meta: FinalizeMeta): JobResult {
  const workloads = planWorkloads(p);
  const { vectors: vals, summaries: sums } = collect(workloads, partials);
  // neural: the estimate is the mean of the critics' held-out estimates
  const neuralTestRows = (n: number) => {
    const s = neuralSettings(p.params.options);
    return Math.min(s.evalRows, Math.floor(s.testFraction * n));
  };
  const neural = p.neural ? summarizeNeural(Array.from({ length: p.neural.critics }, (_, r) => unpackReplicate(vals.get('neural')!, r * NEURAL_WIDTH)), { testRows: neuralTestRows(p.n), n: p.n }) : undefined;
  const thetaHat = neural ? checkBounds(p.measure, p.estimator, p.input, p.params, neural.mean) : thetaIn;
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

  const paths: Record<string, NumberPath> = {};
  const bootSum = sums.get('bootstrap');
  if (p.bootstrap && bootSum) {
    bootstrapFromSummary(p, thetaHat, bootSum, vals, result, u, paths);
  } else if (p.bootstrap) {
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
      const probe = b.probe ? { m: b.probe.m, values: vals.get('biasprobe')! } : undefined;
      const bias = subsampleBias(dist, thetaHat, b.m, p.n, probe);
      result.ci.bias = { z: bias.z, subsampleMean: u(bias.subsampleMean), extrapolated: u(bias.extrapolatedBias), fit: { m: bias.fit.m, mean: bias.fit.mean.map(u) } };
      if (b.truth) applyTruth(p, thetaHat, finiteMoments(dist), vals, result, u);
      else if (Math.abs(bias.z) > BIAS_Z_WARNING) warnings.push(biasWarning(p, u, bias));
    }
    result.replicates.bootstrap = b.replicates;
    if (jack) result.replicates.jackknife = jack.length;
    if (b.probe) result.replicates.biasprobe = b.probe.replicates;
    result.bootstrapDistribution = uArr(dist);
  }

  const permSum = sums.get('permutation');
  if (p.permutation && permSum) {
    nonFiniteSummary('permutation', permSum, warnings);
    // exact counts: the same b, hence the same p bytes, as permutationPValue on the vector
    result.pValue = pValueFromCount(permSum.exceedance.atLeast, permSum.exceedance.total);
    result.pValueConvention = P_VALUE_CONVENTION;
    const q: Record<string, number> = {};
    for (const key of NULL_QUANTILES) q[String(key)] = u(summaryQuantile(permSum, key));
    result.null = { count: permSum.exceedance.total, mean: u(permSum.moments.mean), sd: u(sd(permSum.moments)), quantiles: q };
    result.biasCorrected = u(thetaHat - permSum.moments.mean);
    result.replicates.permutation = p.permutation.shuffles;
    Object.assign(paths, { pValue: 'counts', 'null.mean': 'moments', 'null.sd': 'moments', 'null.quantiles': 'sketch', biasCorrected: 'moments' });
  } else if (p.permutation) {
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

  if (neural) {
    const ci = (i: { low: number; high: number }) => ({ low: u(i.low), high: u(i.high) });
    result.ensemble = {
      neural: {
        ...neural,
        mean: u(neural.mean),
        sd: u(neural.sd),
        ...(neural.interval ? { interval: { ...neural.interval, ...ci(neural.interval) } } : {}),
        heldOut: { ...neural.heldOut, ...ci(neural.heldOut) },
        ...(neural.combined ? { combined: { ...neural.combined, ...ci(neural.combined), se: u(neural.combined.se) } } : {}),
        perCritic: neural.perCritic.map((c) => ({ ...c, estimate: u(c.estimate), heldOutLow: u(c.heldOutLow), heldOutHigh: u(c.heldOutHigh), heldOutSe: u(c.heldOutSe), validation: u(c.validation) })),
        ...(p.measure === 'cmi' ? { method: NEURAL_CMI_METHOD } : {}),
      },
    };
    result.replicates.neural = neural.critics;
    if (neural.critics === 1) warnings.push(`one critic: no ensemble spread or interval; train several with ensemble.critics (--ensemble R)`);
    const s = neuralSettings(p.params.options);
    const ceiling = NEURAL_BOUNDS[p.estimator as 'infonce'].ceiling(Math.min(s.evalRows, Math.floor(s.testFraction * p.n)));
    if (neural.mean > ceiling - 0.1 * Math.abs(ceiling)) {
      warnings.push(`${p.estimator} is within 10% of its ceiling ln K = ${u(ceiling).toPrecision(4)} ${p.units} (K = held-out rows): the true MI may be much higher; use smile or nwj`);
    }
    if (neural.mean < 0) warnings.push(`the critics' held-out estimate is below 0 (${u(neural.mean).toPrecision(3)} ${p.units}): they found no dependence that holds on unseen rows`);
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
    const bagSum = sums.get('bagging');
    if (p.bagging && bagSum) {
      nonFiniteSummary('bagging', bagSum, warnings);
      result.ensemble.bagging = { mean: u(bagSum.moments.mean), sd: u(sd(bagSum.moments)), replicates: p.bagging.replicates, fraction: p.bagging.fraction };
      result.replicates.bagging = p.bagging.replicates;
      Object.assign(paths, { 'ensemble.bagging.mean': 'moments', 'ensemble.bagging.sd': 'moments' });
    } else if (p.bagging) {
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
  if (sums.size > 0) {
    result.summaries = summaryInfo([...sums.keys()], u(thetaHat), paths);
    const bootHist = p.bootstrap && bootSum ? sketchHistogram(bootSum, u) : undefined;
    const nullHist = p.permutation && permSum ? sketchHistogram(permSum, u) : undefined;
    if (bootHist || nullHist) result.summaries.histograms = { ...(bootHist ? { bootstrap: bootHist } : {}), ...(nullHist ? { null: nullHist } : {}) };
  }
  return result;
}

function summaryInfo(workloads: string[], centre: number, paths: Record<string, NumberPath>): SummaryInfo {
  return {
    workloads,
    blockSize: SUMMARY_BLOCK,
    sketch: {
      kind: 'DDSketch (Masson, Rim & Lee 2019) of offsets from the estimate',
      relativeAccuracy: SKETCH_ALPHA,
      centre,
      accuracy:
        `a sketch quantile is within ${SKETCH_ALPHA}·max(|x_(i) − estimate|, |x_(i+1) − estimate|) of the exact percentile between order statistics x_(i), x_(i+1) ` +
        '(times √(m/(N−m)) for subsample intervals); numbers marked counts are exact, moments are exact up to rounding',
    },
    paths,
  };
}

function nonFiniteSummary(name: string, s: WorkloadSummary, warnings: string[]): void {
  const bad = s.sketch.negInf + s.sketch.posInf + s.sketch.nan;
  if (bad > 0) warnings.push(`${bad} of ${s.sketch.count} ${name} replicates are not finite`);
}

/** result.ci (and its diagnostics) from a bootstrap summary; see resampling/ci-summary.ts. */
function bootstrapFromSummary(p: PreparedJob, thetaHat: number, s: WorkloadSummary, vals: Map<WorkloadKind, Float64Array>, result: JobResult, u: (v: number) => number, paths: Record<string, NumberPath>): void {
  const jack = vals.get('jackknife');
  const b = p.bootstrap!;
  const sub = b.scheme === 'subsample';
  nonFiniteSummary('bootstrap', s, result.warnings);
  const ci = confidenceIntervalFromSummary({
    method: b.method, level: b.level, thetaHat, summary: s, ...(sub ? { subsample: { m: b.m, n: p.n } } : {}), ...(b.method === 'bca' && jack ? { jackknife: jack } : {}),
  });
  if (ci.warning) result.warnings.push(ci.warning);
  result.ci = { low: u(ci.low), high: u(ci.high), level: b.level, method: b.method, scheme: b.scheme };
  if (sub) result.ci.m = b.m;
  if (b.method === 'bca') result.ci.jackknifeGroups = b.jackknifeGroups;
  result.ci.scaling = sub ? 'sqrt(m/(N-m))' : 'none';
  result.ci.scale = sub ? subsampleScale(b.m, p.n) : 1;
  result.ci.target = 'E[estimate at N]';
  const endpoints: NumberPath = b.method === 'normal' ? 'moments' : 'sketch';
  Object.assign(paths, { 'ci.low': endpoints, 'ci.high': endpoints });
  if (ci.z0Path) paths['ci.z0'] = ci.z0Path;
  if (sub) {
    // subsampleBias from the merged moments of the finite replicates (bootstrap.ts)
    const mean = s.moments.mean;
    const se = subsampleScale(b.m, p.n) * sd(s.moments);
    const z = (mean - thetaHat) / se;
    const extrapolated = ((mean - thetaHat) * b.m) / (p.n - b.m);
    result.ci.bias = { z, subsampleMean: u(mean), extrapolated: u(extrapolated) };
    paths['ci.bias'] = 'moments';
    // two-point fit here (m, N): this path merges moments and does not read the bias probe
    if (b.truth) {
      const count = s.moments.count;
      applyTruth(p, thetaHat, { mean, variance: sd(s.moments) ** 2, count }, vals, result, u);
    } else if (Math.abs(z) > BIAS_Z_WARNING) result.warnings.push(biasWarning(p, u, { z, se, subsampleMean: mean, extrapolatedBias: extrapolated, fit: { m: [b.m, p.n], mean: [mean, thetaHat] } }));
  }
  result.replicates.bootstrap = b.replicates;
  if (jack) result.replicates.jackknife = jack.length;
}

/**
 * target 'truth' (resampling/truth-interval.ts): replaces the interval's ends by the truth
 * interval, from the bootstrap replicates' moments, the bias probe and the extrapolation workload.
 */
function applyTruth(p: PreparedJob, thetaHat: number, boot: Moments3, vals: Map<WorkloadKind, Float64Array>, result: JobResult, u: (v: number) => number): void {
  const b = p.bootstrap!;
  const t = b.truth!;
  const reps = vals.get('extrapolation')!;
  const bad = reps.length - finiteMoments(reps).count; // values, EXTRAPOLATION_WIDTH per replicate
  if (bad > 0) result.warnings.push(`${bad} of ${reps.length} extrapolation values (five per replicate) are not finite`);
  const ti = truthInterval({
    thetaHat,
    n: p.n,
    alphas: t.alphas,
    z: ndtri(1 - (1 - b.level) / 2),
    boot: { m: b.m, moments: boot },
    probe: { m: b.probe!.m, moments: finiteMoments(vals.get('biasprobe')!) },
    replicates: { m: t.m, values: reps },
  });
  const ci = result.ci!;
  ci.low = u(ti.low);
  ci.high = u(ti.high);
  ci.target = 'truth';
  ci.truth = {
    dimension: t.dimension,
    m: ti.m,
    fits: ti.fits.map((f) => ({ alpha: f.alpha, weights: f.weights, centre: u(f.centre), se: u(f.se), mcSe: u(f.mcSe), partitionSd: u(f.partitionSd), bias: u(thetaHat - f.centre) })),
    subsampleRows: t.m, replicates: t.replicates, scale: Math.sqrt(t.m / (p.n - t.m)),
    method: 'union over alpha in [min(1, 2/d), 1] of centre ± z·se, centre = least-squares extrapolation of E[estimate at n] = I + c·(N/n)^alpha through n = N/4, N/2, N; se from subsamples of the corrected statistic (docs/intervals.md)',
  };
  result.replicates.extrapolation = t.replicates;
  result.warnings.push(TRUTH_WARNING);
}
