/**
 * Mergeable running moments: count, mean, M2 (sum of squared deviations), min, max.
 * Merge is Chan, Golub & LeVeque's pairwise update ("Updating formulae and a pairwise
 * algorithm for computing sample variances", 1979): associative and commutative up to
 * floating-point rounding. Results the engine reports bit-for-bit are computed from the full
 * replicate vector in replicate order (see job/merge.ts); these summaries serve progress
 * reports and the summary-only path for very large B.
 */
import { columnMoments } from '../data/wasm/columns.js';

export interface Moments {
  count: number;
  mean: number;
  m2: number;
  min: number;
  max: number;
}

export function emptyMoments(): Moments {
  return { count: 0, mean: 0, m2: 0, min: Infinity, max: -Infinity };
}

/** Welford update with one value (non-finite values are the caller's business). */
export function pushMoment(s: Moments, x: number): void {
  s.count += 1;
  const delta = x - s.mean;
  s.mean += delta / s.count;
  s.m2 += delta * (x - s.mean);
  if (x < s.min) s.min = x;
  if (x > s.max) s.max = x;
}

export function momentsOf(values: ArrayLike<number>): Moments {
  const s = emptyMoments();
  for (let i = 0; i < values.length; i++) pushMoment(s, values[i]!);
  return s;
}

/** Chan et al. pairwise merge: a new object, inputs untouched. */
export function mergeMoments(a: Moments, b: Moments): Moments {
  if (a.count === 0) return { ...b };
  if (b.count === 0) return { ...a };
  const count = a.count + b.count;
  const delta = b.mean - a.mean;
  const mean = a.mean + (delta * b.count) / count;
  const m2 = a.m2 + b.m2 + (delta * delta * a.count * b.count) / count;
  return { count, mean, m2, min: Math.min(a.min, b.min), max: Math.max(a.max, b.max) };
}

/** Sample variance (ddof = 1); NaN below two values. */
export function variance(s: Moments): number {
  return s.count > 1 ? s.m2 / (s.count - 1) : NaN;
}

export function sd(s: Moments): number {
  return Math.sqrt(variance(s));
}

/**
 * Sample standard deviation (ddof = 1) of a column, two-pass (mean, then squared deviations), as
 * `normalize` divides by it: prepare.ts and many.ts share it so a column gets the same bytes in both.
 */
export function sampleSd(c: Float64Array): number {
  const k = columnMoments(c); // long columns: the same sums from the WebAssembly kernel
  if (k) return Math.sqrt(k.squares / (c.length - 1));
  let mean = 0;
  for (let i = 0; i < c.length; i++) mean += c[i]!;
  mean /= c.length;
  let s = 0;
  for (let i = 0; i < c.length; i++) s += (c[i]! - mean) ** 2;
  return Math.sqrt(s / (c.length - 1));
}
