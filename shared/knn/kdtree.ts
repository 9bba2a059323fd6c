/**
 * kd-tree for the max-norm over a row-major {@link Matrix}: k nearest neighbours (self
 * excluded) and strict / non-strict range counts, O(log N) per query on typical data.
 *
 * Layout: points are copied once into tree order (`pts`), nodes live in flat typed arrays
 * (range, children, bounding box), leaves hold up to `leafSize` points, queries use an
 * explicit stack: no allocation per point or per query.
 *
 * Exactness: a box's lower bound max_j max(lo_j − q_j, q_j − hi_j, 0) never exceeds the
 * distance of any point inside it, and its upper bound max_j max(hi_j − q_j, q_j − lo_j)
 * never falls below it, in float64 too (rounding is monotone). Pruning therefore never
 * changes an answer: counts and k-th distances equal brute force bit for bit, ties included.
 */
import { DataError } from '../errors.js';
import type { Matrix } from '../data/matrix.js';
import type { NeighbourIndex } from './types.js';

/** @default 16 */
export const DEFAULT_LEAF_SIZE = 16;

export class KdTree implements NeighbourIndex {
  readonly n: number;
  readonly d: number;
  /** Source data (row-major, original order): queries by point index read it. */
  private readonly src: Float64Array;
  /** Points in tree order. */
  private readonly pts: Float64Array;
  /** Tree position → original index. */
  private readonly perm: Int32Array;
  private readonly start: Int32Array;
  private readonly end: Int32Array;
  /** Left child (right = left + 1 is NOT assumed); −1 for a leaf. */
  private readonly left: Int32Array;
  private readonly right: Int32Array;
  private readonly lo: Float64Array;
  private readonly hi: Float64Array;
  private nodes = 0;
  private readonly leafSize: number;
  // query scratch, reused
  private stackNode: Int32Array;
  private stackLb: Float64Array;
  private bestD: Float64Array;
  private bestI: Int32Array;

  constructor(m: Matrix, leafSize = DEFAULT_LEAF_SIZE) {
    const { n, d } = m;
    if (n < 1 || d < 1) throw new DataError(`a kd-tree needs at least one point and one column (got ${n}×${d})`);
    if (!Number.isInteger(leafSize) || leafSize < 1) throw new RangeError(`leafSize must be a positive integer, got ${leafSize}`);
    this.n = n;
    this.d = d;
    this.src = m.data;
    this.leafSize = leafSize;
    // children of a split node hold ≥ floor((leafSize + 1) / 2) points each
    const minLeaf = Math.max(1, (leafSize + 1) >> 1);
    const maxNodes = 2 * Math.ceil(n / minLeaf) + 1;
    this.start = new Int32Array(maxNodes);
    this.end = new Int32Array(maxNodes);
    this.left = new Int32Array(maxNodes);
    this.right = new Int32Array(maxNodes);
    this.lo = new Float64Array(maxNodes * d);
    this.hi = new Float64Array(maxNodes * d);
    this.perm = new Int32Array(n);
    for (let i = 0; i < n; i++) this.perm[i] = i;
    this.build(0, n, 0);
    this.pts = new Float64Array(n * d);
    for (let p = 0; p < n; p++) {
      const s = this.perm[p]! * d;
      for (let j = 0; j < d; j++) this.pts[p * d + j] = m.data[s + j]!;
    }
    this.stackNode = new Int32Array(128);
    this.stackLb = new Float64Array(128);
    this.bestD = new Float64Array(0);
    this.bestI = new Int32Array(0);
  }

  /** Build the subtree over perm[s, e); returns its node id. */
  private build(s: number, e: number, depth: number): number {
    const id = this.nodes++;
    const { d, src, perm, lo, hi } = this;
    this.start[id] = s;
    this.end[id] = e;
    let bestDim = 0, bestSpread = -1;
    for (let j = 0; j < d; j++) {
      let mn = Infinity, mx = -Infinity;
      for (let p = s; p < e; p++) {
        const v = src[perm[p]! * d + j]!;
        if (v < mn) mn = v;
        if (v > mx) mx = v;
      }
      lo[id * d + j] = mn;
      hi[id * d + j] = mx;
      if (mx - mn > bestSpread) { bestSpread = mx - mn; bestDim = j; }
    }
    // identical points cannot be separated: keep them in one leaf
    if (e - s <= this.leafSize || bestSpread === 0 || depth > 200) {
      this.left[id] = -1;
      this.right[id] = -1;
      return id;
    }
    const mid = (s + e) >>> 1;
    this.select(s, e - 1, mid, bestDim);
    this.left[id] = this.build(s, mid, depth + 1);
    this.right[id] = this.build(mid, e, depth + 1);
    return id;
  }

  /** Quickselect (Hoare partition, median-of-three): perm[k] gets the k-th value on dim. */
  private select(l: number, r: number, k: number, dim: number): void {
    const { perm, src, d } = this;
    const key = (p: number) => src[perm[p]! * d + dim]!;
    const swap = (a: number, b: number) => { const t = perm[a]!; perm[a] = perm[b]!; perm[b] = t; };
    while (r > l) {
      const m = (l + r) >>> 1;
      if (key(m) < key(l)) swap(m, l);
      if (key(r) < key(l)) swap(r, l);
      if (key(r) < key(m)) swap(r, m);
      const pivot = key(m);
      let i = l, j = r;
      while (i <= j) {
        while (key(i) < pivot) i++;
        while (key(j) > pivot) j--;
        if (i <= j) { swap(i, j); i++; j--; }
      }
      if (k <= j) r = j;
      else if (k >= i) l = i;
      else return;
    }
  }

  private growStack(sp: number): void {
    if (sp + 2 < this.stackNode.length) return;
    const n = new Int32Array(this.stackNode.length * 2);
    n.set(this.stackNode);
    const lb = new Float64Array(this.stackLb.length * 2);
    lb.set(this.stackLb);
    this.stackNode = n;
    this.stackLb = lb;
  }

  /** Lower bound of the max-norm distance from q to the box of `node`. */
  private boxLower(node: number, q: Float64Array, qOff: number): number {
    const { d, lo, hi } = this;
    let m = 0;
    const b = node * d;
    for (let j = 0; j < d; j++) {
      const x = q[qOff + j]!;
      const a = lo[b + j]! - x;
      if (a > m) m = a;
      const c = x - hi[b + j]!;
      if (c > m) m = c;
    }
    return m;
  }

  count(query: Float64Array, qOff: number, r: number, strict: boolean): number {
    const { d, lo, hi, pts, start, end, left, right } = this;
    let sp = 0, total = 0;
    this.stackNode[sp++] = 0;
    while (sp > 0) {
      const node = this.stackNode[--sp]!;
      let lower = 0, upper = 0;
      const b = node * d;
      for (let j = 0; j < d; j++) {
        const x = query[qOff + j]!;
        const l = lo[b + j]!, h = hi[b + j]!;
        const a = l - x, c = x - h;
        if (a > lower) lower = a;
        if (c > lower) lower = c;
        const u1 = h - x, u2 = x - l;
        if (u1 > upper) upper = u1;
        if (u2 > upper) upper = u2;
      }
      if (strict ? lower >= r : lower > r) continue;
      if (strict ? upper < r : upper <= r) { total += end[node]! - start[node]!; continue; }
      const L = left[node]!;
      if (L < 0) {
        for (let p = start[node]!, e = end[node]!; p < e; p++) {
          let m = 0;
          const o = p * d;
          for (let j = 0; j < d; j++) {
            const v = Math.abs(pts[o + j]! - query[qOff + j]!);
            if (v > m) m = v;
          }
          if (strict ? m < r : m <= r) total++;
        }
      } else {
        this.growStack(sp);
        this.stackNode[sp++] = L;
        this.stackNode[sp++] = right[node]!;
      }
    }
    return total;
  }

  /** Stored rows in storage order (cell order / tree order): nearby rows are adjacent. */
  queryOrder(): Int32Array {
    return this.perm;
  }

  knn(i: number, k: number, outDist: Float64Array, outIdx: Int32Array | null, off: number): void {
    if (k < 1 || k >= this.n) throw new RangeError(`k = ${k} neighbours requested among ${this.n} points`);
    this.search(this.src, i * this.d, i, k, outDist, outIdx, off);
  }

  /**
   * The k nearest stored points to an outside query q = query[qOff .. qOff + d), ordered by
   * (distance, index) like {@link knn}; no point is excluded.
   */
  knnPoint(query: Float64Array, qOff: number, k: number, outDist: Float64Array, outIdx: Int32Array | null, off: number): void {
    if (k < 1 || k > this.n) throw new RangeError(`k = ${k} neighbours requested among ${this.n} points`);
    this.search(query, qOff, -1, k, outDist, outIdx, off);
  }

  /** Best-first kNN of query q skipping stored point `exclude` (−1: none). */
  private search(src: Float64Array, qOff: number, exclude: number, k: number, outDist: Float64Array, outIdx: Int32Array | null, off: number): void {
    const { d, pts, perm, start, end, left, right } = this;
    const i = exclude;
    if (this.bestD.length < k) { this.bestD = new Float64Array(k); this.bestI = new Int32Array(k); }
    const bestD = this.bestD, bestI = this.bestI;
    let filled = 0;
    let bound = Infinity;
    let sp = 0;
    this.stackNode[sp] = 0;
    this.stackLb[sp++] = 0;
    while (sp > 0) {
      --sp;
      const node = this.stackNode[sp]!;
      // ≤, not <: a point at distance == bound can still win on the index tie-break
      if (this.stackLb[sp]! > bound) continue;
      const L = left[node]!;
      if (L < 0) {
        for (let p = start[node]!, e = end[node]!; p < e; p++) {
          const j = perm[p]!;
          if (j === i) continue;
          let m = 0;
          const o = p * d;
          for (let t = 0; t < d; t++) {
            const v = Math.abs(pts[o + t]! - src[qOff + t]!);
            if (v > m) m = v;
          }
          if (filled === k) {
            if (m > bound || (m === bound && j > bestI[k - 1]!)) continue;
          } else filled++;
          // insertion into the sorted (dist, index) list
          let s = filled - 1;
          while (s > 0 && (bestD[s - 1]! > m || (bestD[s - 1] === m && bestI[s - 1]! > j))) {
            bestD[s] = bestD[s - 1]!;
            bestI[s] = bestI[s - 1]!;
            s--;
          }
          bestD[s] = m;
          bestI[s] = j;
          if (filled === k) bound = bestD[k - 1]!;
        }
      } else {
        const R = right[node]!;
        const lbL = this.boxLower(L, src, qOff);
        const lbR = this.boxLower(R, src, qOff);
        this.growStack(sp);
        // push the farther child first so the nearer one is searched first
        if (lbL <= lbR) {
          if (lbR <= bound) { this.stackNode[sp] = R; this.stackLb[sp++] = lbR; }
          if (lbL <= bound) { this.stackNode[sp] = L; this.stackLb[sp++] = lbL; }
        } else {
          if (lbL <= bound) { this.stackNode[sp] = L; this.stackLb[sp++] = lbL; }
          if (lbR <= bound) { this.stackNode[sp] = R; this.stackLb[sp++] = lbR; }
        }
      }
    }
    for (let t = 0; t < k; t++) {
      outDist[off + t] = bestD[t]!;
      if (outIdx) outIdx[off + t] = bestI[t]!;
    }
  }

  /** k-th neighbour distance of every point (self excluded). */
  kthDistances(k: number, out = new Float64Array(this.n)): Float64Array {
    const buf = new Float64Array(k);
    for (let i = 0; i < this.n; i++) {
      this.knn(i, k, buf, null, 0);
      out[i] = buf[k - 1]!;
    }
    return out;
  }
}
