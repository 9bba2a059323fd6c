/**
 * Sorted 1-D marginal: range counts by two binary searches, O(log N) per query.
 *
 * Exactness: for sorted v, fl(x − v) is non-increasing and fl(v − x) non-decreasing in v
 * (IEEE rounding is monotone) and |fl(v − x)| = max(fl(v − x), fl(x − v)). So
 * { v : |v − x| < r } is the index range [first v with x − v < r, first v with v − x ≥ r),
 * found with exactly the comparisons brute force makes. No `x ± r` is ever formed (that
 * rounding is what makes naive interval searches disagree with the definition on ties).
 */
import { DataError } from '../errors.js';
import type { Matrix } from '../data/matrix.js';
import type { RangeCounter } from './types.js';

export class SortedMarginal implements RangeCounter {
  readonly n: number;
  readonly d = 1;
  /** The values, ascending. */
  readonly values: Float64Array;

  constructor(m: Matrix) {
    if (m.d !== 1) throw new DataError(`a sorted marginal needs 1 column, got ${m.d}`);
    this.n = m.n;
    this.values = Float64Array.from(m.data).sort();
  }

  count(query: Float64Array, qOff: number, r: number, strict: boolean): number {
    const v = this.values;
    const x = query[qOff]!;
    const n = v.length;
    // lo: first index with (x − v) < r (strict) / ≤ r; predicate is false…false true…true
    let a = 0, b = n;
    if (strict) {
      while (a < b) { const m = (a + b) >>> 1; if (x - v[m]! < r) b = m; else a = m + 1; }
    } else {
      while (a < b) { const m = (a + b) >>> 1; if (x - v[m]! <= r) b = m; else a = m + 1; }
    }
    const lo = a;
    // hi: first index with (v − x) ≥ r (strict) / > r
    a = lo; b = n;
    if (strict) {
      while (a < b) { const m = (a + b) >>> 1; if (v[m]! - x >= r) b = m; else a = m + 1; }
    } else {
      while (a < b) { const m = (a + b) >>> 1; if (v[m]! - x > r) b = m; else a = m + 1; }
    }
    return a - lo;
  }
}
