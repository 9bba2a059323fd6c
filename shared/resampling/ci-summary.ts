/**
 * Bootstrap intervals from a merged summary (job/summary.ts) instead of the replicate vector:
 * the same formulas as ci.ts (scipy.stats.bootstrap / Efron & Tibshirani), with
 * - quantiles q(p) from the sketch: numpy's linear interpolation between the sketch's values
 *   of ranks ⌊h⌋ and ⌊h⌋ + 1, h = p(B − 1). Each is within α·|x_(r) − θ̂| of the exact order
 *   statistic, so q(p) is within α·max(|x_(⌊h⌋) − θ̂|, |x_(⌊h⌋+1) − θ̂|) of the exact percentile.
 *   Each rank value is clamped to the exact [min, max] of the finite replicates (the merged
 *   moments), which only moves it toward the order statistic and keeps a bounded measure's
 *   quantile inside its bounds (an MI null quantile is never negative);
 * - BCa's z0 = Φ⁻¹((#{θ* < θ̂} + #{θ* ≤ θ̂}) / 2B) from the exact exceedance counts (iid), or,
 *   for the subsample scheme (whose recentring moves the threshold to the replicate mean θ̄*,
 *   known only at the end), from the sketch's CDF at θ̄* with the straddling bucket counted half;
 * - the acceleration from the jackknife values, which always travel as a vector (G ≤ N);
 * - normal: sd from the merged moments.
 * Subsample replicates are mapped θ̃ = θ̂ + f(θ* − θ̄*) (bootstrap.ts); the map is increasing and
 * affine, so it is applied to the quantiles (and to the accuracy: × f) rather than to values.
 */
import { ndtri } from '../stats/normal.js';
import { sketchCdf, sketchRank } from '../stats/quantile-sketch.js';
import { lerp } from '../stats/quantile.js';
import { sd } from '../stats/moments.js';
import { bcaLevels, jackknifeAcceleration, type CiMethod, type CiResult } from './ci.js';
import { subsampleScale } from './bootstrap.js';
import type { WorkloadSummary } from '../job/summary.js';

/** np.percentile-style quantile q ∈ [0, 1] from the sketch (see the header for its accuracy). */
export function summaryQuantile(s: WorkloadSummary, q: number): number {
  const n = s.sketch.count;
  if (n === 0 || Number.isNaN(q)) return NaN;
  const h = ((q * 100) / 100) * (n - 1);
  const lo = Math.min(Math.max(0, Math.floor(h)), n - 1);
  const hi = Math.min(lo + 1, n - 1);
  const at = (r: number) => {
    const v = sketchRank(s.sketch, r);
    return Number.isFinite(v) ? Math.min(s.moments.max, Math.max(s.moments.min, v)) : v;
  };
  return lerp(at(lo), at(hi), h - lo);
}

export interface SummaryCiInput {
  method: CiMethod;
  level: number;
  thetaHat: number;
  summary: WorkloadSummary;
  /** Subsample scheme: m and N (the replicates are recentred and scaled as in bootstrap.ts). */
  subsample?: { m: number; n: number };
  jackknife?: ArrayLike<number>;
}

export interface SummaryCiResult extends CiResult {
  /** Where z0 came from (BCa). */
  z0Path?: 'counts' | 'sketch';
}

/** The interval of `method` from a summary; never NaN without a `warning`. */
export function confidenceIntervalFromSummary(input: SummaryCiInput): SummaryCiResult {
  const { method, level, thetaHat, summary: s } = input;
  const alpha = (1 - level) / 2;
  const mean = s.moments.mean;
  const f = input.subsample ? subsampleScale(input.subsample.m, input.subsample.n) : 1;
  // θ* → θ̃: identity for iid, recentred and scaled for subsample
  const map = (v: number) => (input.subsample ? thetaHat + f * (v - mean) : v);
  const degenerate = s.sketch.count === 0 || s.moments.min === s.moments.max;
  const flat = 'the bootstrap distribution is degenerate (all replicates equal): the interval has zero width';
  if (method === 'bca') {
    if (!input.jackknife || input.jackknife.length < 2) throw new RangeError('BCa needs at least two jackknife values');
    let frac: number;
    let z0Path: 'counts' | 'sketch';
    if (input.subsample) {
      const { below, straddle } = sketchCdf(s.sketch, mean);
      frac = (below + straddle / 2) / s.sketch.count;
      z0Path = 'sketch';
    } else {
      frac = (s.exceedance.below + s.exceedance.belowOrEqual) / (2 * s.exceedance.total);
      z0Path = 'counts';
    }
    const z0 = ndtri(frac);
    const a = jackknifeAcceleration(input.jackknife);
    const [a1, a2] = bcaLevels(z0, a, alpha);
    if (!Number.isFinite(a1) || !Number.isFinite(a2)) {
      const why = degenerate ? 'the bootstrap distribution is degenerate (all replicates equal)' : !Number.isFinite(z0) ? `θ̂ lies outside the bootstrap distribution (z0 = ${z0})` : `the jackknife acceleration is undefined (a = ${a})`;
      return { low: NaN, high: NaN, z0, acceleration: a, z0Path, warning: `BCa interval cannot be computed: ${why}` };
    }
    return { low: map(summaryQuantile(s, a1)), high: map(summaryQuantile(s, a2)), z0, acceleration: a, z0Path };
  }
  if (method === 'normal') {
    const half = ndtri(1 - alpha) * f * sd(s.moments);
    const out: SummaryCiResult = { low: thetaHat - half, high: thetaHat + half };
    if (degenerate) out.warning = flat;
    return out;
  }
  const qlo = map(summaryQuantile(s, alpha));
  const qhi = map(summaryQuantile(s, 1 - alpha));
  const out: SummaryCiResult = method === 'basic' ? { low: 2 * thetaHat - qhi, high: 2 * thetaHat - qlo } : { low: qlo, high: qhi };
  if (degenerate) out.warning = flat;
  return out;
}
