/**
 * An interval for the TRUE value of a kNN estimate (issue 10's stretch goal; opt-in with
 * `bootstrap.target: 'truth'`, `--ci-target truth`). The default subsample interval covers
 * E[Î_N]; this one targets I by removing an extrapolated bias and widening for the extra noise.
 *
 * Bias law. The Kozachenko–Leonenko entropy estimator (and KSG, a difference of such terms) has
 * a bias expansion in powers of N^(−2/d) for smooth densities in d dimensions (Delattre &
 * Fournier, "On the Kozachenko–Leonenko entropy estimator", J. Statist. Plann. Inference 185,
 * 2017, who use it for a Richardson extrapolation; Berrett, Samworth & Yuan, Ann. Statist. 47,
 * 2019, give the leading term N^(−2/d)). We keep the leading term with d = every column the
 * estimator sees (the joint space: dx + dy for MI, dx + dy + dz for CMI, dx for entropy):
 *
 *     E[Î_n] ≈ I + c·n^(−α),   α = min(1, 2/d)                                  (`truthExponent`)
 *
 * Centre (Richardson extrapolation by least squares). The three points of the existing bias fit,
 * n ∈ {m, m', N} = {N/4, N/2, N} (the subsample replicates' mean, the bias probe's mean, θ̂), fit
 * y = a + c·(N/n)^α; the intercept a = Σ_j w_j ȳ_j is the centre (`extrapolationWeights`, Σ w = 1).
 *
 * Width (subsampling of the corrected statistic itself, Politis, Romano & Wolf, "Subsampling",
 * 1999, ch. 2–3: the subsampling law of any statistic with a limit law at rate √n). The
 * corrected statistic is T(S) = Σ_j w_j · (mean of Î over a partition of S into N/n_j parts),
 * i.e. Î on S, on its two halves and on its four quarters. Replicate r (workload
 * 'extrapolation', RNG Domain.extrapolation, two values per replicate) draws S of m_t = ⌊N/2⌋
 * rows without replacement and two independent random partitions of S into halves and
 * quarters, and returns T₁(S), T₂(S). The centre averages over many subsamples, so the statistic
 * whose spread we need is U(S) = E[T(S) | S], not T(S): with T̄ = (T₁ + T₂)/2 and Δ = T₁ − T₂,
 * Var U = Var T̄ − Var Δ / 4 (the partition noise is independent given S). That spread, scaled by
 * f = √(m_t/(N − m_t)) as every subsample interval here (bootstrap.ts), estimates sd(T_N). The
 * Monte Carlo error of the centre (its means over finitely many replicates) is added:
 * se² = f²·Var U + w_m²·s_m²/B + w_m'²·s_m'²/B'.
 *
 *     interval = a ± z_{(1+level)/2} · se         (normal; ci.target 'truth')
 *
 * Why not estimate the width from the existing replicates: the per-dataset bias estimate varies
 * with the data far more than with the Monte Carlo draw (5-D/2-D, N = 1000: sd over datasets of
 * θ̄*_m − θ̂ is 3.5× its Monte Carlo sd), and it is correlated with θ̂; only replicates of the
 * whole corrected statistic see both.
 */
import { Domain, partialPermutation, shuffleInPlace, stream } from '../rng/index.js';

/**
 * Estimators (and the measures they estimate) allowed target 'truth': only what its coverage was
 * measured for (docs/intervals.md). ksg2, ksg_cmi (cmi) and kl (entropy) share the bias law but
 * were never checked by simulation, so they are refused until they are.
 */
export const TRUTH_ESTIMATORS: Readonly<Record<string, readonly string[]>> = {
  ksg1: ['mi'],
};

/** Share the Kozachenko–Leonenko bias law, not yet checked with target 'truth'. */
const TRUTH_UNCHECKED: Readonly<Record<string, readonly string[]>> = {
  ksg1: ['cmi'],
  ksg2: ['mi', 'cmi'],
  ksg_cmi: ['cmi'],
  kl: ['entropy'],
};

/** Why `measure` with `estimator` cannot target the truth, or undefined when it can. */
export function truthRefusal(measure: string, estimator: string): string | undefined {
  if (TRUTH_ESTIMATORS[estimator]?.includes(measure)) return undefined;
  const allowed = Object.entries(TRUTH_ESTIMATORS).map(([e, ms]) => `${ms.join('/')} with ${e}`).join(', ');
  if (TRUTH_UNCHECKED[estimator]?.includes(measure)) {
    return `bootstrap.target truth is checked by simulation only for ${allowed}; ${measure} with ${estimator} has the same bias law but its coverage was never measured: use the default target`;
  }
  return `bootstrap.target truth needs a kNN estimator whose bias is extrapolated (${allowed}); ${measure} with ${estimator} has no bias law to extrapolate: use the default target`;
}

/** Leading bias exponent α = min(1, 2/d) of a kNN estimate on d-dimensional points. */
export function truthExponent(d: number): number {
  return Math.min(1, 2 / d);
}

/**
 * Least-squares intercept weights of y = a + c·(N/n)^α at the row counts `ns` (the last is N):
 * a = Σ_j w_j y_j, Σ_j w_j = 1. With x_j = (N/n_j)^α: w_j = 1/k − (x_j − x̄)·x̄/Sxx.
 */
export function extrapolationWeights(ns: readonly number[], alpha: number): number[] {
  const n = ns[ns.length - 1]!;
  const x = ns.map((v) => (n / v) ** alpha);
  const k = x.length;
  const mx = x.reduce((s, v) => s + v, 0) / k;
  const sxx = x.reduce((s, v) => s + (v - mx) ** 2, 0);
  return x.map((v) => 1 / k - ((v - mx) * mx) / sxx);
}

/**
 * Values per replicate of the 'extrapolation' workload: Î(S), then per partition j = 1, 2 the
 * mean of Î over its halves and over its quarters. The merge combines them with the weights of
 * each exponent, so one workload serves both ends of the bracket.
 */
export const EXTRAPOLATION_WIDTH = 5;

/** Rows per replicate of the 'extrapolation' workload: ⌊N/2⌋. */
export function extrapolationSize(n: number): number {
  return Math.floor(n / 2);
}

/**
 * Replicate r of the 'extrapolation' workload: a subsample of m_t rows (partial Fisher–Yates from
 * stream(seed, r, Domain.extrapolation), random order) and two random partitions of it into
 * halves and quarters (consecutive runs of that order, then of a second shuffle of it, each part
 * sorted ascending). Depends on (seed, r, N, m_t) only.
 */
export function extrapolationSets(seed: number, r: number, n: number, mt: number): { all: Int32Array; partitions: { halves: Int32Array[]; quarters: Int32Array[] }[] } {
  const rng = stream(seed, r, Domain.extrapolation);
  const order = partialPermutation(n, mt, rng);
  const cut = (o: Int32Array, parts: number) => Array.from({ length: parts }, (_, p) => o.slice(Math.floor((p * mt) / parts), Math.floor(((p + 1) * mt) / parts)).sort());
  const first = { halves: cut(order, 2), quarters: cut(order, 4) };
  const second = order.slice();
  shuffleInPlace(second, rng);
  return { all: order.slice().sort(), partitions: [first, { halves: cut(second, 2), quarters: cut(second, 4) }] };
}

/** T(S) of one replicate from its estimates on S, its halves and its quarters (weights for n ∈ {N/4, N/2, N}). */
export function extrapolatedReplicate(weights: readonly number[], onAll: number, onHalves: readonly number[], onQuarters: readonly number[]): number {
  // weights are for n ∈ {N/4, N/2, N}: quarters, halves, all
  const mean = (a: readonly number[]) => a.reduce((s, v) => s + v, 0) / a.length;
  return weights[0]! * mean(onQuarters) + weights[1]! * mean(onHalves) + weights[2]! * onAll;
}

/** Mean, sample variance and count of the finite values. */
export interface Moments3 {
  mean: number;
  variance: number;
  count: number;
}

export function finiteMoments(values: ArrayLike<number>): Moments3 {
  let s = 0, c = 0;
  for (let i = 0; i < values.length; i++) if (Number.isFinite(values[i]!)) { s += values[i]!; c++; }
  const mean = c > 0 ? s / c : NaN;
  let ss = 0;
  for (let i = 0; i < values.length; i++) if (Number.isFinite(values[i]!)) ss += (values[i]! - mean) ** 2;
  return { mean, variance: c > 1 ? ss / (c - 1) : NaN, count: c };
}

/** One end of the bracket: the fit at one exponent. */
export interface TruthFit {
  alpha: number;
  /** Least-squares weights at the fit's row counts (N/4, N/2, N). */
  weights: number[];
  /** The extrapolated value a. */
  centre: number;
  /** Its standard error: √(f²·Var U + Monte Carlo terms). */
  se: number;
  /** The Monte Carlo part of se (the centre's means over finitely many subsamples). */
  mcSe: number;
  /** sd of T(S) over partitions of one S (removed from the replicates' spread). */
  partitionSd: number;
}

export interface TruthInterval {
  low: number;
  high: number;
  /** Row counts of the fit (ascending, last = N). */
  m: number[];
  /** The fits at the bracket's exponents (α_lo = min(1, 2/d), α_hi = 1), each centre ± z·se. */
  fits: TruthFit[];
}

/**
 * The truth interval from θ̂ (at N rows), the subsample replicates (m rows), the bias probe (m'
 * rows) and the extrapolation replicates (components on m_t rows, `EXTRAPOLATION_WIDTH` per
 * replicate), with z = ndtri((1+level)/2): the union of centre_α ± z·se_α over `alphas`.
 */
export function truthInterval(args: {
  thetaHat: number;
  n: number;
  alphas: readonly number[];
  z: number;
  boot: { m: number; moments: Moments3 };
  probe: { m: number; moments: Moments3 };
  replicates: { m: number; values: ArrayLike<number> };
}): TruthInterval {
  const { thetaHat, n, alphas, z, boot, probe, replicates } = args;
  const ms = [boot.m, probe.m, n];
  const f2 = replicates.m / (n - replicates.m);
  const R = Math.floor(replicates.values.length / EXTRAPOLATION_WIDTH);
  const fits = [...new Set(alphas)].map((alpha): TruthFit => {
    const w = extrapolationWeights(ms, alpha);
    const centre = w[0]! * boot.moments.mean + w[1]! * probe.moments.mean + w[2]! * thetaHat;
    const mc = (w[0]! ** 2 * boot.moments.variance) / boot.moments.count + (w[1]! ** 2 * probe.moments.variance) / probe.moments.count;
    // T_j = w_{N/4}·quarters_j + w_{N/2}·halves_j + w_N·all, from [all, halves₁, quarters₁, halves₂, quarters₂]
    const pairs = new Float64Array(2 * R);
    for (let r = 0; r < R; r++) {
      const v = (i: number) => replicates.values[r * EXTRAPOLATION_WIDTH + i]!;
      pairs[2 * r] = extrapolatedReplicate(w, v(0), [v(1)], [v(2)]);
      pairs[2 * r + 1] = extrapolatedReplicate(w, v(0), [v(3)], [v(4)]);
    }
    const { varU, varPartition } = pairedVariance(pairs);
    return { alpha, weights: w, centre, se: Math.sqrt(f2 * varU + mc), mcSe: Math.sqrt(mc), partitionSd: Math.sqrt(varPartition) };
  });
  return { low: Math.min(...fits.map((f) => f.centre - z * f.se)), high: Math.max(...fits.map((f) => f.centre + z * f.se)), m: ms, fits };
}

/**
 * From pairs (T₁, T₂) (replicate-major; pairs with a non-finite value are left out): Var U =
 * Var T̄ − Var Δ/4 (at least 0) and the partition variance Var Δ/2.
 */
export function pairedVariance(values: ArrayLike<number>): { varU: number; varPartition: number } {
  const bar: number[] = [], diff: number[] = [];
  for (let i = 0; i + 1 < values.length; i += 2) {
    const a = values[i]!, b = values[i + 1]!;
    if (Number.isFinite(a) && Number.isFinite(b)) {
      bar.push((a + b) / 2);
      diff.push(a - b);
    }
  }
  const vb = finiteMoments(bar).variance, vd = finiteMoments(diff).variance;
  return { varU: Math.max(0, vb - vd / 4), varPartition: vd / 2 };
}

/** The warning every truth-target result carries: what was measured (docs/intervals.md). */
export const TRUTH_WARNING =
  'ci.target truth is opt-in and checked on Gaussian models only: it covered the true value in 100 of 100 5-D/2-D datasets (N = 1000, where the default interval covered it in 24%) at 2.5× the ideal width, and 94% in 2-D (N = 500); the bias law it extrapolates (powers of N^(-2/d)) is assumed, not checked, for other data (docs/intervals.md)';
