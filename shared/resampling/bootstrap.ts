/**
 * Bootstrap index plans. Replicate r draws its rows only from `stream(seed, r, Domain.bootstrap)`,
 * so a plan depends on (seed, r, N, m) and nothing else (docs/design.md, contract 1).
 *
 * Schemes
 * - `iid`: the classic nonparametric bootstrap (Efron 1979): N rows drawn with replacement.
 *   Only for estimators that do not look at distances (plug-in, Gaussian): see below.
 * - `subsample`: m rows drawn without replacement. The replicates θ*_b (estimates on m rows)
 *   are mapped to the scale of θ̂_N by `recentreSubsample` before any CI method is applied:
 *
 *       θ̃_b = θ̂ + √(m/(N − m)) · (θ*_b − mean_b θ*_b)
 *
 *   Scale: for a statistic that is (asymptotically) a mean, Var(θ*_m | data) = σ²(N − m)/(mN)
 *   exactly when drawing without replacement, and Var(θ̂_N) = σ²/N, so the factor is
 *   √(m/(N − m)). This is the delete-d jackknife variance estimator with d = N − m (Shao & Wu,
 *   "A general theory for jackknife variance estimation", Ann. Statist. 17, 1989, eq. 2.3:
 *   v = m / (d·C(N,d)) Σ_s (θ_s − θ̄)²), used here as a distribution, not only a variance.
 *   Politis & Romano's √(m/N) (Ann. Statist. 1994) is its m/N → 0 limit; at m = N/2 it gives
 *   0.71 of the right spread, and the interval under-covered (issue 10: 81–91%).
 *   Centre: the subsample mean, not θ̂. A kNN estimator's bias depends on the sample size, so
 *   the subsample values are centred on E[Î_m], not on E[Î_N]; and the mean of subsample
 *   estimates is pulled toward E[Î] (slope −0.17…−0.58 against θ̂ in the issue's study), which
 *   turns the basic and BCa intervals the wrong way. Recentring removes both: the replicates
 *   then carry only the spread and shape of θ̂'s sampling law around θ̂. The difference
 *   mean_b θ*_b − θ̂ is kept as a bias diagnostic (`subsampleBias`).
 *   Default m = max(⌊N/4⌋, k + 1): measured (issue 10) to cover better than ⌊N/2⌋ once
 *   recentred and scaled, and each replicate costs a quarter of the rows.
 *
 * Why kNN estimators must not use `iid`: an iid resample repeats about 37% of the rows, and a
 * repeated point is at distance 0 from its copy. KSG then sees ε_i = 0 neighbours and marginal
 * counts inflated by the copies: the replicates sit +0.8…+1.1 nats above θ̂ (issue 10, k = 3),
 * every interval misses (0% coverage) and BCa is NaN. prepare.ts refuses the combination.
 * Plug-in and Gaussian estimators are unaffected by duplicates and default to `iid`.
 */
import { Domain, partialPermutation, stream } from '../rng/index.js';

export type BootstrapScheme = 'iid' | 'subsample';

/**
 * Default subsample size m for N rows: ⌊N·fraction⌋ (fraction from the estimator's interval
 * recipe: 1/4, or 1/2 for ksg_cmi), but at least k + 1 for a kNN estimator (a kNN estimate needs
 * more than k rows) and at least 2. May reach N for tiny N; prepare.ts rejects it.
 */
export function defaultSubsampleSize(n: number, k = 1, fraction = 0.25): number {
  return Math.max(2, k + 1, Math.floor(n * fraction));
}

/** N row indices drawn with replacement from 0..N−1, from replicate r's own stream. */
export function iidIndices(seed: number, r: number, n: number, domain: number = Domain.bootstrap): Int32Array {
  const rng = stream(seed, r, domain);
  const idx = new Int32Array(n);
  for (let i = 0; i < n; i++) idx[i] = rng.nextInt(n);
  return idx;
}

/**
 * m distinct row indices from 0..N−1 (the first m positions of a partial Fisher–Yates shuffle),
 * sorted ascending so the subsample keeps the data's row order.
 */
export function subsampleIndices(seed: number, r: number, n: number, m: number, domain: number = Domain.bootstrap): Int32Array {
  return partialPermutation(n, m, stream(seed, r, domain)).sort();
}

/** Rows of replicate r under `scheme`. */
export function bootstrapIndices(scheme: BootstrapScheme, seed: number, r: number, n: number, m: number): Int32Array {
  return scheme === 'iid' ? iidIndices(seed, r, n) : subsampleIndices(seed, r, n, m);
}

/** Scale factor √(m/(N − m)) from the spread of m-row subsample estimates to that of θ̂_N. */
export function subsampleScale(m: number, n: number): number {
  return Math.sqrt(m / (n - m));
}

/** Mean of the finite values (NaN when there is none). */
export function finiteMean(values: ArrayLike<number>): number {
  let s = 0, c = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (Number.isFinite(v)) {
      s += v;
      c++;
    }
  }
  return c > 0 ? s / c : NaN;
}

/**
 * Subsample replicates recentred on θ̂ and scaled to N (see the header):
 * θ̃_b = θ̂ + √(m/(N − m))(θ*_b − θ̄*), θ̄* the mean of the finite replicates. Monotone
 * increasing, so order statistics are preserved; non-finite replicates stay non-finite.
 */
export function recentreSubsample(values: ArrayLike<number>, thetaHat: number, m: number, n: number): Float64Array {
  const f = subsampleScale(m, n);
  const centre = finiteMean(values);
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = thetaHat + f * (values[i]! - centre);
  return out;
}

/**
 * Bias diagnostic from the subsample replicates, at no extra cost (issue 10). With θ̄* the mean
 * of the m-row estimates and se = √(m/(N − m))·sd(θ*) the standard error of θ̂ they imply:
 * - z = (θ̄* − θ̂)/se: how far the estimator moves between m and N rows, in units of the
 *   interval's own standard error. A large |z| means the bias is not negligible against the
 *   interval, so the interval (which covers E[Î_N]) is a poor interval for the true value.
 * - extrapolated bias: fit Î_m = a + b/m — the leading term of a kNN estimator's bias
 *   expansion — by least squares through (m, θ̄*), (m', θ̄') and (N, θ̂), θ̄' the mean of the
 *   bias probe's m'-row estimates (`biasProbe`: m' = N/2 for the default m = N/4, so the points
 *   are m ∈ {N/4, N/2, N}), and report b/N, the estimated E[Î_N] − I (a = the fitted I).
 *   Without a probe, the line through the two points. A diagnostic, not a correction: the
 *   interval is never shifted by it.
 */
export interface SubsampleBias {
  z: number;
  /** Standard error of θ̂ implied by the replicates. */
  se: number;
  /** Mean of the m-row estimates. */
  subsampleMean: number;
  /** b/N of the 1/m fit: the estimated bias E[Î_N] − I. */
  extrapolatedBias: number;
  /** The fitted points: row counts (ascending) and the mean estimate at each (the last is θ̂ at N). */
  fit: { m: number[]; mean: number[] };
}

/** Fewest bias-probe replicates (the probe mean's Monte Carlo error is then ≤ 1/√10 of its sd). */
export const PROBE_MIN_REPLICATES = 10;

/**
 * The bias probe of a subsample bootstrap with B replicates of m rows out of N: m' = ⌊N/2⌋ when
 * m < ⌊N/2⌋ (else halfway between m and N) and B' = min(B, max(10, ⌈B/10⌉)) replicates of m'
 * rows. At the default m = N/4 this adds about B/5 replicates' worth of N/4-row estimates (a
 * twentieth more work for B = 200 and kNN's N log N, up to double for B ≤ 10). Undefined when no
 * row count lies strictly between m and N.
 */
export function biasProbe(replicates: number, m: number, n: number): { m: number; replicates: number } | undefined {
  const mid = m < Math.floor(n / 2) ? Math.floor(n / 2) : Math.floor((m + n) / 2);
  if (!(mid > m && mid < n)) return undefined;
  return { m: mid, replicates: Math.min(replicates, Math.max(PROBE_MIN_REPLICATES, Math.ceil(replicates / 10))) };
}

/** Least-squares slope b of y = a + b·x. */
function slope(x: readonly number[], y: readonly number[]): number {
  const k = x.length;
  const mx = x.reduce((s, v) => s + v, 0) / k, my = y.reduce((s, v) => s + v, 0) / k;
  let sxy = 0, sxx = 0;
  for (let i = 0; i < k; i++) {
    sxy += (x[i]! - mx) * (y[i]! - my);
    sxx += (x[i]! - mx) ** 2;
  }
  return sxy / sxx;
}

export function subsampleBias(
  values: ArrayLike<number>,
  thetaHat: number,
  m: number,
  n: number,
  probe?: { m: number; values: ArrayLike<number> },
): SubsampleBias {
  const mean = finiteMean(values);
  let ss = 0, c = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (Number.isFinite(v)) {
      ss += (v - mean) ** 2;
      c++;
    }
  }
  const se = subsampleScale(m, n) * Math.sqrt(c > 1 ? ss / (c - 1) : NaN);
  const fit = probe ? { m: [m, probe.m, n], mean: [mean, finiteMean(probe.values), thetaHat] } : { m: [m, n], mean: [mean, thetaHat] };
  // two points: θ̄* − θ̂ = b(1/m − 1/N), so b/N = (θ̄* − θ̂)·m/(N − m), the least-squares line too
  const b = slope(fit.m.map((v) => 1 / v), fit.mean);
  return { z: (mean - thetaHat) / se, se, subsampleMean: mean, extrapolatedBias: b / n, fit };
}

/**
 * Rows kept by jackknife replicate g of a grouped (delete-d) jackknife with G groups:
 * group g = { i : i mod G = g } is deleted. Interleaved groups need no randomness (so no
 * stream is consumed), have sizes differing by at most one, and do not cut out a contiguous
 * region of sorted or time-ordered data. With G = N it is the ordinary delete-1 jackknife
 * (scipy.stats.bootstrap's BCa).
 */
export function jackknifeKeep(g: number, groups: number, n: number): Int32Array {
  const deleted = Math.floor((n - 1 - g) / groups) + 1; // #{i < n : i ≡ g mod G}
  const keep = new Int32Array(n - deleted);
  let o = 0;
  for (let i = 0; i < n; i++) if (i % groups !== g) keep[o++] = i;
  return keep;
}
