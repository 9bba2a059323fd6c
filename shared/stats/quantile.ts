/**
 * Exact sample quantiles with numpy's default 'linear' method (Hyndman & Fan type 7), which is
 * what scipy.stats.bootstrap uses through np.percentile: virtual index h = q·(n − 1),
 * v = x[⌊h⌋] + (h − ⌊h⌋)(x[⌊h⌋+1] − x[⌊h⌋]), with numpy's two-sided lerp (for t ≥ ½ it
 * evaluates b − (b − a)(1 − t)) so values match numpy to the last bit.
 */

/** Sorted copy (ascending; NaN sorted last as numpy does). */
export function sortedCopy(values: ArrayLike<number>): Float64Array {
  const s = Float64Array.from(values as ArrayLike<number>);
  s.sort();
  return s;
}

/** numpy's `_lerp`. */
export function lerp(a: number, b: number, t: number): number {
  const diff = b - a;
  return t >= 0.5 ? b - diff * (1 - t) : a + diff * t;
}

/** Quantile q ∈ [0, 1] of an ascending array (np.quantile(x, q), method 'linear'). */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0 || Number.isNaN(q)) return NaN;
  const h = q * (n - 1);
  let lo = Math.floor(h);
  if (lo < 0) lo = 0;
  if (lo > n - 1) lo = n - 1;
  const hi = Math.min(lo + 1, n - 1);
  const t = h - lo;
  return lerp(sorted[lo]!, sorted[hi]!, t);
}

/** Quantile of an unsorted array (sorts a copy). */
export function quantile(values: ArrayLike<number>, q: number): number {
  return quantileSorted(sortedCopy(values), q);
}
