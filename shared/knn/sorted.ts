/**
 * Sorted 1-D marginal: range counts by two searches, O(log N) per query.
 *
 * Exactness: for sorted v, fl(x − v) is non-increasing and fl(v − x) non-decreasing in v
 * (IEEE rounding is monotone) and |fl(v − x)| = max(fl(v − x), fl(x − v)). So
 * { v : |v − x| < r } is the index range [first v with x − v < r, first v with v − x ≥ r),
 * found with exactly the comparisons brute force makes. No `x ± r` is ever formed (that
 * rounding is what makes naive interval searches disagree with the definition on ties).
 *
 * Speed: when the query is (or is near) a stored row, {@link countNear} gallops outward from
 * that row's rank instead of bisecting the whole array: O(log count) instead of O(log N),
 * and the probes stay in cache. Both searches find the same boundary of the same monotone
 * predicate, so the count is identical whatever the starting point.
 */
import { DataError } from '../errors.js';
import type { Matrix } from '../data/matrix.js';
import { columnOrder, type ColumnOrder } from './order.js';
import { Scratch } from './scratch.js';
import type { RangeCounter } from './types.js';

/**
 * Boundary of a monotone (false…true) predicate over v, searched from index h by galloping.
 * `kind` picks the predicate (kept as plain comparisons so the loop inlines):
 *   0: x − v[m] < r   1: x − v[m] ≤ r   (lower end of the range)
 *   2: v[m] − x ≥ r   3: v[m] − x > r   (upper end, exclusive)
 * Returns the first index where it holds, or v.length.
 */
function gallop(v: Float64Array, x: number, r: number, kind: number, h: number): number {
  const n = v.length;
  let a: number, b: number;
  if (h >= n) h = n - 1;
  if (test(v[h]!, x, r, kind)) {
    // answer in [0, h]: step down until the predicate fails
    b = h;
    let step = 1;
    a = h - 1;
    while (a >= 0 && test(v[a]!, x, r, kind)) { b = a; step += step; a = b - step; }
    a = a < 0 ? 0 : a + 1;
  } else {
    a = h + 1;
    let step = 1;
    b = a;
    while (b < n && !test(v[b]!, x, r, kind)) { a = b + 1; step += step; b = a + step - 1; }
    if (b > n) b = n;
  }
  while (a < b) {
    const m = (a + b) >>> 1;
    if (test(v[m]!, x, r, kind)) b = m;
    else a = m + 1;
  }
  return a;
}

/** {@link gallop} for kind 0 (x − v[m] < r), the strict lower end, with the test inlined. */
function gallopLoStrict(v: Float64Array, x: number, r: number, h: number): number {
  const n = v.length;
  let a: number, b: number;
  if (h >= n) h = n - 1;
  if (x - v[h]! < r) {
    b = h;
    let step = 1;
    a = h - 1;
    while (a >= 0 && x - v[a]! < r) { b = a; step += step; a = b - step; }
    a = a < 0 ? 0 : a + 1;
  } else {
    a = h + 1;
    let step = 1;
    b = a;
    while (b < n && !(x - v[b]! < r)) { a = b + 1; step += step; b = a + step - 1; }
    if (b > n) b = n;
  }
  while (a < b) {
    const m = (a + b) >>> 1;
    if (x - v[m]! < r) b = m;
    else a = m + 1;
  }
  return a;
}

/** {@link gallop} for kind 2 (v[m] − x ≥ r), the strict upper end, with the test inlined. */
function gallopHiStrict(v: Float64Array, x: number, r: number, h: number): number {
  const n = v.length;
  let a: number, b: number;
  if (h >= n) h = n - 1;
  if (v[h]! - x >= r) {
    b = h;
    let step = 1;
    a = h - 1;
    while (a >= 0 && v[a]! - x >= r) { b = a; step += step; a = b - step; }
    a = a < 0 ? 0 : a + 1;
  } else {
    a = h + 1;
    let step = 1;
    b = a;
    while (b < n && !(v[b]! - x >= r)) { a = b + 1; step += step; b = a + step - 1; }
    if (b > n) b = n;
  }
  while (a < b) {
    const m = (a + b) >>> 1;
    if (v[m]! - x >= r) b = m;
    else a = m + 1;
  }
  return a;
}

function test(vm: number, x: number, r: number, kind: number): boolean {
  switch (kind) {
    case 0: return x - vm < r;
    case 1: return x - vm <= r;
    case 2: return vm - x >= r;
    default: return vm - x > r;
  }
}

/** countSelf's gathered radii and counts (locals only: never escape a call). */
const local = new Scratch();

export class SortedMarginal implements RangeCounter {
  readonly n: number;
  readonly d = 1;
  /** The values, ascending. */
  readonly values: Float64Array;
  /** rank[i]: position of stored row i in `values`. */
  readonly rank: Int32Array;

  constructor(m: Matrix, order?: ColumnOrder) {
    if (m.d !== 1) throw new DataError(`a sorted marginal needs 1 column, got ${m.d}`);
    this.n = m.n;
    const o = order ?? columnOrder(m.data, 1, 0);
    this.values = o.sorted;
    this.rank = o.rank;
    if (o.index) this.byRank = o.index;
  }

  /** The column's sort order (shared with a grid over the same column). */
  get order(): ColumnOrder {
    return { sorted: this.values, rank: this.rank };
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

  private byRank: Int32Array | null = null;

  /** byRank[p]: the stored row at position p of `values` (inverse of `rank`), built once. */
  get index(): Int32Array {
    if (!this.byRank) {
      const ix = new Int32Array(this.n);
      for (let i = 0; i < this.n; i++) ix[this.rank[i]!] = i;
      this.byRank = ix;
    }
    return this.byRank;
  }

  /**
   * Batch of self-queries: out[c] = {@link count}(stored row c, radius[c], strict) for every
   * stored row c. The queries run in sorted order, so each gallop starts at its own rank in a
   * part of `values` that the previous query just touched (cache-resident), instead of at a
   * random position; each answer is the same exact count as `count` (same predicates).
   */
  countSelf(radius: Float64Array, strict: boolean, out: Int32Array): void {
    const v = this.values, ix = this.index, n = this.n;
    const kLo = strict ? 0 : 1, kHi = strict ? 2 : 3;
    // Each search starts from a guess: the previous query's boundary moved by the change of
    // the boundary value times the local density (previous count / previous width). The
    // gallop is exact from any start, so the guess only changes how many probes it takes.
    // radii gathered into sorted order first: a plain gather loop overlaps its cache misses,
    // the search loop then reads and writes sequentially
    const rs = local.f64('rs', n), cs = local.i32('cs', n);
    for (let p = 0; p < n; p++) rs[p] = radius[ix[p]!]!;
    let pLo = 0, pHi = 0, pX = 0, pR = 0, dens = 0;
    for (let p = 0; p < n; p++) {
      const x = v[p]!, r = rs[p]!;
      let gLo = p, gHi = p;
      if (p > 0 && dens > 0) {
        gLo = pLo + Math.round((x - r - (pX - pR)) * dens);
        gHi = pHi + Math.round((x + r - (pX + pR)) * dens);
        if (!(gLo >= 0)) gLo = 0; else if (gLo > p) gLo = p;
        if (!(gHi <= n - 1)) gHi = n - 1; else if (gHi < p) gHi = p;
      }
      const lo = strict ? gallopLoStrict(v, x, r, gLo) : gallop(v, x, r, kLo, gLo);
      const hi = strict ? gallopHiStrict(v, x, r, gHi) : gallop(v, x, r, kHi, gHi);
      const cnt = hi > lo ? hi - lo : 0;
      cs[p] = cnt;
      pLo = lo; pHi = hi; pX = x; pR = r;
      dens = r > 0 && cnt > 1 ? cnt / (2 * r) : 0;
    }
    for (let p = 0; p < n; p++) out[ix[p]!] = cs[p]!;
  }

  /** Same answer as {@link count}; the search starts at the rank of stored row `row`. */
  countNear(row: number, query: Float64Array, qOff: number, r: number, strict: boolean): number {
    const v = this.values;
    const x = query[qOff]!;
    const h = this.rank[row]!;
    const lo = gallop(v, x, r, strict ? 0 : 1, h);
    const hi = gallop(v, x, r, strict ? 2 : 3, h);
    // an empty range (r ≤ 0) can put hi below lo: `count` searches hi from lo, so clamp
    return hi > lo ? hi - lo : 0;
  }
}
