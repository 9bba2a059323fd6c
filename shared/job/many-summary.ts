/**
 * The summary path of a many-variable job (screen, pairwise; issue 18): a permutation shard
 * returns, instead of its (r1 − r0) × items null matrix,
 * - per item, the exceedance count #{r : T*_{r,f} ≥ T_f − tol} (the per-item p-value's b) and
 *   the max-statistic count #{r : max_g T*_{r,g} ≥ T_f − tol} (Westfall–Young's): integers, so
 *   every p-value and every adjusted p-value is the same bytes as from the matrix;
 * - per item and per SUMMARY_BLOCK of replicates, the count and mean of the finite values (the
 *   item's null mean, folded in block order: the same bytes for any shard size);
 * - the scalar summary (job/summary.ts) of the row maxima against max_f T_f, from which the job's
 *   own fields (p-value of the max statistic, null mean, sd and quantiles) come as for any job.
 * The shard never holds the matrix either: items are estimated one after another over the
 * shard's replicates (many.ts), and only the running row maxima (one per replicate) are kept.
 * Memory per shard is O(replicates + items × blocks); over the job, items × (2S + 2·P/4096) numbers
 * (S ≤ 256 shards) instead of P × items.
 */
import { InternalError } from '../errors.js';
import { tieTolerance } from '../resampling/permutation.js';
import { emptyMoments, mergeMoments, pushMoment, type Moments } from '../stats/moments.js';
import { packSummary, SKETCH_ALPHA, summarize, SUMMARY_BLOCK, unpackSummary, type ShardSummary } from './summary.js';

/** Above this many null values (permutations × items) a screen or pairwise job takes the summary path (80 MB of matrix). */
export const MANY_SUMMARY_VALUES = 10_000_000;

/** "SUM2": a packed many-variable shard summary. */
const TAG = 0x53554d32;

export interface ManyShardSummary {
  r0: number;
  r1: number;
  items: number;
  /** Non-finite item values in the shard. */
  nonFinite: number;
  /** Per item: #{r : T*_{r,f} ≥ T_f − tol}. */
  atLeast: Float64Array;
  /** Per item: #{r : max_g T*_{r,g} ≥ T_f − tol}. */
  maxAtLeast: Float64Array;
  /** Block-major: count and mean of item f's finite values in block j at [j × items + f]. */
  blockCount: Float64Array;
  blockMean: Float64Array;
  /** The row maxima's scalar summary against max_f T_f. */
  maxima: ShardSummary;
}

/**
 * Accumulates a shard's summary while its items are estimated, one item at a time over the
 * shard's replicates in order (many.ts).
 */
export class ManySummaryBuilder {
  private readonly lo: Float64Array;
  private readonly rowMax: Float64Array;
  private readonly atLeast: Float64Array;
  private readonly blockCount: Float64Array;
  private readonly blockMean: Float64Array;
  private readonly blocks: number;
  private nonFinite = 0;
  private m: Moments = emptyMoments();

  constructor(private readonly r0: number, private readonly r1: number, private readonly thetas: Float64Array, private readonly thetaMax: number) {
    if (r0 % SUMMARY_BLOCK !== 0) throw new InternalError(`summary shard starts at ${r0}, not on a block boundary of ${SUMMARY_BLOCK}`);
    const F = thetas.length;
    this.lo = thetas.map((t) => t - tieTolerance(t));
    this.rowMax = new Float64Array(r1 - r0).fill(-Infinity);
    this.atLeast = new Float64Array(F);
    this.blocks = Math.ceil((r1 - r0) / SUMMARY_BLOCK);
    this.blockCount = new Float64Array(this.blocks * F);
    this.blockMean = new Float64Array(this.blocks * F);
  }

  /** Item f's value at shard replicate i; an item's replicates come in order 0, 1, …, one item after another. */
  value(i: number, f: number, v: number): void {
    if (v >= this.lo[f]!) this.atLeast[f] = this.atLeast[f]! + 1;
    const mx = this.rowMax[i]!;
    // as multiple-testing.ts rowMaxima: a NaN must not vanish from the max
    if (!(v <= mx)) this.rowMax[i] = Number.isNaN(v) ? Infinity : v;
    if (i % SUMMARY_BLOCK === 0) this.m = emptyMoments();
    if (Number.isFinite(v)) pushMoment(this.m, v);
    else this.nonFinite++;
    if ((i + 1) % SUMMARY_BLOCK === 0 || i + 1 === this.r1 - this.r0) {
      const j = Math.floor(i / SUMMARY_BLOCK) * this.thetas.length + f;
      this.blockCount[j] = this.m.count;
      this.blockMean[j] = this.m.mean;
    }
  }

  finish(): ManyShardSummary {
    const sorted = Float64Array.from(this.rowMax).sort();
    const maxAtLeast = new Float64Array(this.thetas.length);
    for (let f = 0; f < maxAtLeast.length; f++) {
      // #{maxima ≥ lo} by binary search, as maxStatAdjust
      const lo = this.lo[f]!;
      let a = 0, b = sorted.length;
      while (a < b) {
        const mid = (a + b) >>> 1;
        if (sorted[mid]! >= lo) b = mid;
        else a = mid + 1;
      }
      maxAtLeast[f] = sorted.length - a;
    }
    return {
      r0: this.r0, r1: this.r1, items: this.thetas.length, nonFinite: this.nonFinite, atLeast: this.atLeast, maxAtLeast,
      blockCount: this.blockCount, blockMean: this.blockMean, maxima: summarize(this.rowMax, this.r0, this.thetaMax, SKETCH_ALPHA, Number.isFinite(this.thetaMax) ? this.thetaMax : 0),
    };
  }
}

export function packManySummary(s: ManyShardSummary): Float64Array {
  const max = packSummary(s.maxima);
  const F = s.items, nb = s.blockCount.length / F;
  const out = new Float64Array(6 + 2 * F + 2 * nb * F + max.length);
  out.set([TAG, s.r0, s.r1, F, nb, s.nonFinite]);
  let o = 6;
  for (const a of [s.atLeast, s.maxAtLeast, s.blockCount, s.blockMean]) {
    out.set(a, o);
    o += a.length;
  }
  out.set(max, o);
  return out;
}

/** Inverse of packManySummary; InternalError for anything that is not a summary of [r0, r1) over `items`. */
export function unpackManySummary(a: Float64Array, r0: number, r1: number, items: number, shardId: string): ManyShardSummary {
  const bad = (why: string) => new InternalError(`shard ${shardId}: malformed summary (${why})`);
  if (a.length < 6 || a[0] !== TAG) throw bad('no many-variable summary tag');
  if (a[1] !== r0 || a[2] !== r1) throw bad(`range ${a[1]}-${a[2]}, expected ${r0}-${r1}`);
  if (a[3] !== items) throw bad(`${a[3]} items, expected ${items}`);
  const nb = a[4]!;
  if (nb !== Math.ceil((r1 - r0) / SUMMARY_BLOCK)) throw bad(`${nb} blocks for ${r1 - r0} replicates`);
  let o = 6;
  const take = (k: number) => {
    if (o + k > a.length) throw bad('truncated');
    const v = a.slice(o, o + k);
    o += k;
    return v;
  };
  const atLeast = take(items), maxAtLeast = take(items), blockCount = take(nb * items), blockMean = take(nb * items);
  const maxima = unpackSummary(a.subarray(o), r0, r1, shardId);
  return { r0, r1, items, nonFinite: a[5]!, atLeast, maxAtLeast, blockCount, blockMean, maxima };
}

/** A workload's merged many-variable summary (shards in any order; block means folded in block order). */
export interface ManySummary {
  replicates: number;
  nonFinite: number;
  atLeast: Float64Array;
  maxAtLeast: Float64Array;
  nullMean: Float64Array;
  /** The row maxima's shard summaries, for finalizeResult. */
  maxima: ShardSummary[];
}

/** Merge shard summaries covering [0, P) exactly once; InternalError naming a gap or overlap. */
export function mergeManySummaries(parts: readonly ManyShardSummary[], P: number, items: number): ManySummary {
  const sorted = [...parts].sort((x, y) => x.r0 - y.r0);
  let at = 0;
  for (const s of sorted) {
    if (s.r0 !== at) throw new InternalError(`missing shard results for permutation replicate ${at} (and possibly more)`);
    at = s.r1;
  }
  if (at !== P) throw new InternalError(`missing shard results for permutation replicate ${at} (and possibly more)`);
  const atLeast = new Float64Array(items), maxAtLeast = new Float64Array(items);
  const means: Moments[] = Array.from({ length: items }, () => emptyMoments());
  let nonFinite = 0;
  for (const s of sorted) {
    nonFinite += s.nonFinite;
    const nb = s.blockCount.length / items;
    for (let f = 0; f < items; f++) {
      atLeast[f] = atLeast[f]! + s.atLeast[f]!;
      maxAtLeast[f] = maxAtLeast[f]! + s.maxAtLeast[f]!;
    }
    for (let j = 0; j < nb; j++) {
      for (let f = 0; f < items; f++) {
        // only count and mean travel; mergeMoments' mean does not depend on m2
        means[f] = mergeMoments(means[f]!, { count: s.blockCount[j * items + f]!, mean: s.blockMean[j * items + f]!, m2: 0, min: Infinity, max: -Infinity });
      }
    }
  }
  return { replicates: P, nonFinite, atLeast, maxAtLeast, nullMean: Float64Array.from(means, (m) => (m.count > 0 ? m.mean : NaN)), maxima: sorted.map((s) => s.maxima) };
}
