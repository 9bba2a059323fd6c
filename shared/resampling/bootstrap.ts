/**
 * Bootstrap index plans. Replicate r draws its rows only from `stream(seed, r, Domain.bootstrap)`,
 * so a plan depends on (seed, r, N, m) and nothing else (docs/design.md, contract 1).
 *
 * Schemes
 * - `iid`: the classic nonparametric bootstrap (Efron 1979): N rows drawn with replacement.
 * - `subsample`: m-out-of-n subsampling without replacement (Politis & Romano, "Large sample
 *   confidence regions based on subsamples under minimal assumptions", Ann. Statist. 1994).
 *   For a √N-consistent estimator, √m(θ*_m − θ̂_N) approximates the law of √N(θ̂_N − θ), so the
 *   subsample values are mapped to θ̃*_b = θ̂ + √(m/N)(θ*_b − θ̂) before any CI method is
 *   applied (`rescaleSubsample`); with method 'basic' this is exactly Politis–Romano's interval.
 *   Default m = ⌊N/2⌋: the standard choice that keeps the subsamples far from N (needed for
 *   consistency, m/N → 0 in theory) while leaving enough points for kNN estimates.
 *
 * Why subsampling is the default for kNN estimators: an iid resample repeats about 37% of the
 * rows, and a repeated point is at distance 0 from its copy. KSG then sees ε_i = 0 neighbours and
 * marginal counts inflated by the copies, which biases the estimate upwards (strongly for k = 1..4)
 * and makes the bootstrap distribution centre far from θ̂. Subsamples without replacement contain
 * no artificial duplicates, so only genuine ties in the data remain. Plug-in and Gaussian
 * estimators are unaffected by duplicates and default to `iid`.
 */
import { Domain, stream } from '../rng/index.js';

export type BootstrapScheme = 'iid' | 'subsample';

/** Default subsample size m for N rows: ⌊N/2⌋ (at least 2). */
export function defaultSubsampleSize(n: number): number {
  return Math.max(2, Math.floor(n / 2));
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
  const rng = stream(seed, r, domain);
  const pool = new Int32Array(n);
  for (let i = 0; i < n; i++) pool[i] = i;
  for (let i = 0; i < m; i++) {
    const j = i + rng.nextInt(n - i);
    const t = pool[i]!;
    pool[i] = pool[j]!;
    pool[j] = t;
  }
  return pool.slice(0, m).sort();
}

/** Rows of replicate r under `scheme`. */
export function bootstrapIndices(scheme: BootstrapScheme, seed: number, r: number, n: number, m: number): Int32Array {
  return scheme === 'iid' ? iidIndices(seed, r, n) : subsampleIndices(seed, r, n, m);
}

/**
 * Politis–Romano rescaling of subsample replicates around θ̂: θ̃ = θ̂ + √(m/N)(θ* − θ̂).
 * Monotone increasing, so order statistics and counts relative to θ̂ are preserved.
 */
export function rescaleSubsample(values: ArrayLike<number>, thetaHat: number, m: number, n: number): Float64Array {
  const f = Math.sqrt(m / n);
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = thetaHat + f * (values[i]! - thetaHat);
  return out;
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
