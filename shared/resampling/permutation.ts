/**
 * Permutation tests of independence: plans, p-values and the null summary.
 *
 * p-value (Phipson & Smyth, "Permutation p-values should never be zero", SAGMB 2010):
 *   p = (b + 1) / (m + 1),  b = #{ null_j ≥ observed − γ },  m shuffles,
 * with the tie tolerance of scipy.stats.permutation_test: γ = |observed| · 100 · ε_machine
 * (ε = 2.22e-16), so null values equal to the observed statistic up to rounding count as ties
 * (they do when a shuffle happens to reproduce the original pairing). The randomised test is
 * exact at level p with the +1; p is never 0.
 */
import { DataError, InternalError } from '../errors.js';
import { Domain, permutation, shuffleInPlace, stream } from '../rng/index.js';
import { quantileSorted, sortedCopy } from '../stats/quantile.js';
import { momentsOf, sd } from '../stats/moments.js';

export const P_VALUE_CONVENTION = '(b+1)/(m+1), b = #{null >= observed - tol}, tol = 100*eps*|observed| (Phipson & Smyth 2010; scipy tie tolerance)';

/** Relative tie tolerance multiplier: 100 · Number.EPSILON, as scipy's permutation_test. */
export const TIE_EPS = 100 * Number.EPSILON;

export function tieTolerance(observed: number): number {
  return Math.abs(observed) * TIE_EPS;
}

/**
 * Row order of shuffle r: a uniform permutation from `stream(seed, r, Domain.permutation)`.
 * With `out` (length n) the permutation is written there instead of a new array (a shard loop
 * reuses one buffer); the values are those of `permutation(n, stream(...))` either way.
 */
export function shufflePermutation(seed: number, r: number, n: number, out?: Int32Array): Int32Array {
  if (!out) return permutation(n, stream(seed, r, Domain.permutation));
  if (out.length !== n) throw new InternalError(`shuffle buffer has length ${out.length}, expected ${n}`);
  for (let i = 0; i < n; i++) out[i] = i;
  shuffleInPlace(out, stream(seed, r, Domain.permutation));
  return out;
}

/**
 * Row order of time-shift surrogate r: a circular shift by s, uniform on 1..n−1, from
 * `stream(seed, r, Domain.permutation)`; row i takes row (i + s) mod n. It keeps the shifted
 * block's own temporal structure and breaks only its alignment with the others (the source
 * past in TE: Schreiber's "time-shifted surrogates", as IDTxl's and JIDT's).
 */
export function shiftPermutation(seed: number, r: number, n: number): Int32Array {
  const s = 1 + stream(seed, r, Domain.permutation).nextInt(n - 1);
  const p = new Int32Array(n);
  for (let i = 0; i < n; i++) p[i] = (i + s) % n;
  return p;
}

/** Count b and p = (b + 1)/(m + 1). */
export function permutationPValue(nullValues: ArrayLike<number>, observed: number): { pValue: number; exceed: number } {
  const lo = observed - tieTolerance(observed);
  let b = 0;
  for (let i = 0; i < nullValues.length; i++) if (nullValues[i]! >= lo) b++;
  return { pValue: pValueFromCount(b, nullValues.length), exceed: b };
}

export function pValueFromCount(b: number, m: number): number {
  return Math.min(1, (b + 1) / (m + 1));
}

/** Null-distribution summary quantile keys. */
export const NULL_QUANTILES = [0.01, 0.05, 0.5, 0.95, 0.99] as const;

export interface NullSummaryValues {
  count: number;
  mean: number;
  sd: number;
  quantiles: Record<string, number>;
}

/** Mean, sd (ddof 1) and the NULL_QUANTILES of a null distribution (values in replicate order). */
export function summarizeNull(values: ArrayLike<number>): NullSummaryValues {
  const m = momentsOf(values);
  const sorted = sortedCopy(values);
  const quantiles: Record<string, number> = {};
  for (const q of NULL_QUANTILES) quantiles[String(q)] = quantileSorted(sorted, q);
  return { count: m.count, mean: m.mean, sd: sd(m), quantiles };
}

/**
 * Validate user-supplied surrogates: each must be a permutation of 0..N−1. The error names the
 * offending surrogate and entry.
 */
export function validateSurrogates(surrogates: readonly (readonly number[] | Int32Array)[], n: number): Int32Array[] {
  const seen = new Uint8Array(n);
  return surrogates.map((s, j) => {
    if (s.length !== n) throw new DataError(`permutation.surrogates[${j}] has ${s.length} entries, expected N = ${n}`);
    seen.fill(0);
    const out = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const v = s[i]!;
      if (!Number.isInteger(v) || v < 0 || v >= n) throw new DataError(`permutation.surrogates[${j}][${i}] = ${v} is not a row index in 0..${n - 1}`);
      if (seen[v]) throw new DataError(`permutation.surrogates[${j}] is not a permutation: row ${v} appears twice (at entry ${i})`);
      seen[v] = 1;
      out[i] = v;
    }
    return out;
  });
}
