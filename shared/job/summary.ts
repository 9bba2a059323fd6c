/**
 * The summary path (issue 18): a shard of a large bootstrap, permutation or bagging workload
 * returns mergeable statistics of its replicates instead of the replicates (the jackknife and
 * the k-ensemble are small, G ≤ N and a few k, and always travel as vectors), so neither the
 * coordinator nor the client ever holds B values (docs/cluster.md, "Memory"; docs/intervals.md,
 * "Summaries").
 *
 * A shard summary holds
 * - exceedance counts against θ̂ (stats/exceedance.ts): #{v < θ̂}, #{v ≤ θ̂}, #{v ≥ θ̂ − γ}.
 *   Integers, so the permutation p-value (b + 1)/(m + 1) is the same bytes as from the vector;
 * - moments of the finite values per BLOCK of `SUMMARY_BLOCK` replicates (block j = replicates
 *   [j·SUMMARY_BLOCK, (j + 1)·SUMMARY_BLOCK) of the workload, Welford in replicate order). Chan
 *   et al.'s merge is exact only up to rounding, so the merge order is fixed: a left fold over
 *   blocks in block order. Shards are whole blocks (plan.ts), so the fold — and its bytes — does
 *   not depend on shard size, worker count, threads or arrival order;
 * - a quantile sketch of the values centred on θ̂ (stats/quantile-sketch.ts): integer counts,
 *   merged exactly.
 * θ̂ is the point estimate on the full data; every worker computes it itself (once per prepared job)
 * since the coordinator's copy is computed in parallel with the shards. It is deterministic, so
 * every worker and the embedded engine use the same θ̂ bytes.
 *
 * On the wire and in the store a summary travels as the shard's float64 "values" in the packed
 * layout below (every count is an integer < 2^53, exact in a float64), so the transport, the
 * durable store and the scheduler carry it unchanged.
 */
import { InternalError } from '../errors.js';
import { type Exceedance, mergeExceedance } from '../stats/exceedance.js';
import { emptyMoments, mergeMoments, pushMoment, type Moments } from '../stats/moments.js';
import { ascending, createSketch, addToSketch, mergeInto, sketchFromData, sketchToData, type QuantileSketch } from '../stats/quantile-sketch.js';
import { tieTolerance } from '../resampling/permutation.js';

/** Replicates per moments block (the unit of the fixed-order merge; shards are whole blocks). */
export const SUMMARY_BLOCK = 4096;

/**
 * Above this many replicates in a bootstrap, permutation or bagging workload the summary path is
 * used unless the job says `summaries: false` (or the CLI was asked for --replicates-out).
 */
export const SUMMARY_THRESHOLD = 100_000;

/**
 * Relative accuracy α of the quantile sketch, relative to the distance from θ̂: a reported
 * quantile is within α·max(|x_(⌊h⌋) − θ̂|, |x_(⌊h⌋+1) − θ̂|) of the exact one (docs/intervals.md).
 */
export const SKETCH_ALPHA = 0.005;

/** Most shards per summarised workload: a shard's summary is up to a few tens of KB, so this bounds coordinator memory. */
export const MAX_SUMMARY_SHARDS = 256;

export interface ShardSummary {
  r0: number;
  r1: number;
  /** Moments of the finite values of each block the shard covers, in block order. */
  blocks: Moments[];
  exceedance: Exceedance;
  sketch: QuantileSketch;
}

/** A workload's merged summary. */
export interface WorkloadSummary {
  moments: Moments;
  exceedance: Exceedance;
  sketch: QuantileSketch;
}

/**
 * Summarise replicate values r0..r1−1 (a whole-block range) against θ̂; the sketch is centred on
 * `centre` (θ̂ unless θ̂ is not finite: a screen's max statistic with a NaN item is +∞).
 */
export function summarize(values: Float64Array, r0: number, thetaHat: number, alpha = SKETCH_ALPHA, centre = thetaHat): ShardSummary {
  const r1 = r0 + values.length;
  if (r0 % SUMMARY_BLOCK !== 0) throw new InternalError(`summary shard starts at ${r0}, not on a block boundary of ${SUMMARY_BLOCK}`);
  const tol = tieTolerance(thetaHat);
  const lo = thetaHat - tol;
  const sketch = createSketch(alpha, centre);
  const lnGamma = Math.log1p((2 * alpha) / (1 - alpha));
  const blocks: Moments[] = [];
  let below = 0, belowOrEqual = 0, atLeast = 0;
  for (let b0 = 0; b0 < values.length; b0 += SUMMARY_BLOCK) {
    const m = emptyMoments();
    const b1 = Math.min(values.length, b0 + SUMMARY_BLOCK);
    for (let i = b0; i < b1; i++) {
      const v = values[i]!;
      if (v < thetaHat) below++;
      if (v <= thetaHat) belowOrEqual++;
      if (v >= lo) atLeast++;
      if (Number.isFinite(v)) pushMoment(m, v);
      addToSketch(sketch, v, lnGamma);
    }
    blocks.push(m);
  }
  return { r0, r1, blocks, exceedance: { threshold: thetaHat, tolerance: tol, total: values.length, below, belowOrEqual, atLeast }, sketch };
}

/** Marks a packed summary ("SUM1"); a values vector cannot be mistaken for one by length anyway. */
const TAG = 0x53554d31;

/** The packed float64 form (see the header). */
export function packSummary(s: ShardSummary): Float64Array {
  const d = sketchToData(s.sketch);
  const out: number[] = [TAG, s.r0, s.r1, s.blocks.length];
  for (const m of s.blocks) out.push(m.count, m.mean, m.m2, m.min, m.max);
  const e = s.exceedance;
  out.push(e.threshold, e.tolerance, e.total, e.below, e.belowOrEqual, e.atLeast);
  out.push(d.alpha, d.centre, d.count, d.zeroCount, d.negInf, d.posInf, d.nan, d.positive.length, d.negative.length);
  for (const [i, c] of d.positive) out.push(i, c);
  for (const [i, c] of d.negative) out.push(i, c);
  return Float64Array.from(out);
}

/** Inverse of packSummary; InternalError on anything that is not a well-formed summary of [r0, r1). */
export function unpackSummary(a: Float64Array, r0: number, r1: number, shardId: string): ShardSummary {
  const bad = (why: string) => new InternalError(`shard ${shardId}: malformed summary (${why})`);
  if (a.length < 4 || a[0] !== TAG) throw bad('no summary tag');
  if (a[1] !== r0 || a[2] !== r1) throw bad(`range ${a[1]}-${a[2]}, expected ${r0}-${r1}`);
  const nb = a[3]!;
  if (nb !== Math.ceil((r1 - r0) / SUMMARY_BLOCK)) throw bad(`${nb} blocks for ${r1 - r0} replicates`);
  let o = 4;
  const need = (k: number) => {
    if (o + k > a.length) throw bad('truncated');
  };
  need(5 * nb);
  const blocks: Moments[] = [];
  for (let j = 0; j < nb; j++, o += 5) blocks.push({ count: a[o]!, mean: a[o + 1]!, m2: a[o + 2]!, min: a[o + 3]!, max: a[o + 4]! });
  need(15);
  const exceedance: Exceedance = { threshold: a[o]!, tolerance: a[o + 1]!, total: a[o + 2]!, below: a[o + 3]!, belowOrEqual: a[o + 4]!, atLeast: a[o + 5]! };
  o += 6;
  const [alpha, centre, count, zeroCount, negInf, posInf, nan, np, nn] = Array.from(a.subarray(o, o + 9)) as number[];
  o += 9;
  need(2 * (np! + nn!));
  if (a.length !== o + 2 * (np! + nn!)) throw bad('trailing values');
  const pairs = (k: number): [number, number][] => {
    const out: [number, number][] = [];
    for (let j = 0; j < k; j++, o += 2) out.push([a[o]!, a[o + 1]!]);
    return out;
  };
  const positive = pairs(np!);
  const negative = pairs(nn!);
  if (exceedance.total !== r1 - r0 || count !== r1 - r0) throw bad('counts do not match the range');
  return { r0, r1, blocks, exceedance, sketch: sketchFromData({ alpha: alpha!, centre: centre!, count: count!, zeroCount: zeroCount!, negInf: negInf!, posInf: posInf!, nan: nan!, positive, negative }) };
}

/**
 * Merge a workload's shard summaries (any order given): exceedance counts and sketches add
 * exactly; block moments are folded left in block order, so the result is the same bytes for
 * any partition of the workload into whole-block shards.
 */
export function mergeSummaries(parts: readonly ShardSummary[]): WorkloadSummary {
  if (parts.length === 0) throw new InternalError('no shard summaries to merge');
  return fold([...parts].sort((x, y) => x.r0 - y.r0));
}

/**
 * mergeSummaries over packed shard summaries (a shard partial's values), unpacked one at a time in
 * r0 order, so only one unpacked sketch is alive at once: a 256-shard workload no longer holds 256
 * sketch Maps at the end of a job. The same bytes as `mergeSummaries` of the unpacked parts.
 */
export function mergePackedSummaries(parts: readonly { values: Float64Array; r0: number; r1: number; shardId: string }[]): WorkloadSummary {
  if (parts.length === 0) throw new InternalError('no shard summaries to merge');
  const sorted = [...parts].sort((x, y) => x.r0 - y.r0);
  return fold((function* () {
    for (const p of sorted) yield unpackSummary(p.values, p.r0, p.r1, p.shardId);
  })());
}

/** The left fold of shard summaries given in r0 order (each accumulator in that order). */
function fold(sorted: Iterable<ShardSummary>): WorkloadSummary {
  let moments = emptyMoments();
  let exceedance: Exceedance | undefined;
  let sketch: QuantileSketch | undefined;
  for (const p of sorted) {
    for (const b of p.blocks) moments = mergeMoments(moments, b);
    exceedance = exceedance ? mergeExceedance(exceedance, p.exceedance) : p.exceedance;
    sketch ??= createSketch(p.sketch.alpha, p.sketch.centre);
    mergeInto(sketch, p.sketch);
  }
  if (!exceedance || !sketch) throw new InternalError('no shard summaries to merge');
  return { moments, exceedance, sketch };
}

/** Bars of a summarised workload's histogram (report/): equal-width bins over [low, high], in the result's units. */
export interface SketchHistogram {
  low: number;
  high: number;
  /** Finite replicates per bin; bin j covers [low + j·w, low + (j + 1)·w), w = (high − low)/counts.length. */
  counts: number[];
}

/**
 * The replicate histogram of a merged summary, drawn from its sketch: `bins` equal-width bins
 * between the exact minimum and maximum of the finite replicates (the merged moments), each
 * sketch bucket's count placed at the bucket's value. A replicate is therefore binned by a value
 * within α·|v − θ̂| of its own (the sketch's stated accuracy), so a bar may hold replicates that
 * far outside its edges; counts add up to the finite replicates exactly. Undefined when none is
 * finite. `u` converts to the result's units (monotone: bits = nats / ln 2).
 */
export function sketchHistogram(s: WorkloadSummary, u: (v: number) => number, bins = 40): SketchHistogram | undefined {
  const { min, max, count } = s.moments;
  if (count === 0 || !(Number.isFinite(min) && Number.isFinite(max))) return undefined;
  const low = u(min), high = u(max);
  const counts = new Array<number>(bins).fill(0);
  const w = (high - low) / bins;
  for (const [v, c] of ascending(s.sketch)) {
    if (!Number.isFinite(v)) continue;
    const j = w > 0 ? Math.floor((u(v) - low) / w) : 0;
    const k = Math.min(bins - 1, Math.max(0, j));
    counts[k] = counts[k]! + c;
  }
  return { low, high, counts };
}
