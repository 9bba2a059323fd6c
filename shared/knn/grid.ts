/**
 * Rank grid (cell list) for the max-norm in low dimension (d ≤ 3): exact k nearest
 * neighbours (self excluded, (distance, index) order) and range counts, the same answers as
 * {@link KdTree} and brute force bit for bit.
 *
 * Cells are quantile cells: along column j a row's cell is ⌊rank_j · G_j / N⌋, so every slab
 * holds the same number of rows whatever the scale or tails of the data (a uniform grid
 * would put nearly all of a heavy-tailed sample in one cell). The build is a counting sort,
 * O(N), given the column ranks (which a permutation test reuses across replicates).
 *
 * Exactness: the rows in cells ≥ c along j have values ≥ lowB_j[c] = sorted_j[first rank of
 * c], those in cells ≤ c have values ≤ highB_j[c]; by monotone rounding a row p in cell c has
 * fl(p_j − q_j) ≥ fl(lowB_j[c] − q_j) and fl(q_j − p_j) ≥ fl(q_j − highB_j[c]). These bounds
 * are computed from stored values with the same subtraction the distance uses, so pruning a
 * cell whose bound exceeds the current k-th distance, or stopping the ring search when every
 * unvisited cell does, never changes an answer, ties included (a bound equal to the k-th
 * distance is still visited: its rows could win on the index tie-break).
 */
import { DataError } from '../errors.js';
import type { Matrix } from '../data/matrix.js';
import { columnOrder, type ColumnOrder } from './order.js';
import type { Scratch } from './scratch.js';
import type { NeighbourIndex } from './types.js';

/** Highest dimension the grid serves; above it the kd-tree is used. */
export const GRID_MAX_DIM = 3;

/** @default 2: target rows per cell. */
export const GRID_OCCUPANCY = 2;

/** Cells per dimension for n rows in d dimensions at `occupancy` rows per cell. */
export function gridSide(n: number, d: number, occupancy = GRID_OCCUPANCY): number {
  return Math.max(1, Math.min(n, Math.round(Math.pow(n / occupancy, 1 / d))));
}

export class GridIndex implements NeighbourIndex {
  readonly n: number;
  readonly d: number;
  private readonly src: Float64Array;
  /** Cells per dimension (padded to 3 with 1). */
  private readonly g0: number;
  private readonly g1: number;
  private readonly g2: number;
  /** Cell coordinates of each row: rc[i * 3 + j]. */
  private readonly rc: Int32Array;
  /** Rows of cell c are perm[start[c] .. start[c + 1]); their points are pts in that order. */
  private readonly start: Int32Array;
  private readonly perm: Int32Array;
  private readonly pts: Float64Array;
  /** lowB[j][c], highB[j][c]: least / greatest value of column j in cells ≥ c / ≤ c. */
  private readonly lowB: Float64Array[];
  private readonly highB: Float64Array[];
  private bestD = new Float64Array(0);
  private bestI = new Int32Array(0);

  /**
   * @param orders sort orders of the columns of `m` (in `m`'s row order), if already known.
   * @param occupancy target number of rows per cell.
   * @param scratch where to take the grid's arrays from (a replicate loop rebuilding one grid
   *   after another): the grid is then valid only until the next build from the same scratch.
   */
  constructor(m: Matrix, orders?: readonly (ColumnOrder | undefined)[], occupancy = GRID_OCCUPANCY, scratch?: Scratch) {
    const { n, d, data } = m;
    if (n < 1 || d < 1 || d > GRID_MAX_DIM) throw new DataError(`a grid index needs ≥ 1 point and 1..${GRID_MAX_DIM} columns (got ${n}×${d})`);
    this.n = n;
    this.d = d;
    this.src = data;
    const per = gridSide(n, d, occupancy);
    const g = [1, 1, 1];
    for (let j = 0; j < d; j++) g[j] = per;
    [this.g0, this.g1, this.g2] = g as [number, number, number];
    const ncell = this.g0 * this.g1 * this.g2;
    const i32 = (slot: string, len: number): Int32Array => (scratch ? scratch.i32(slot, len) : new Int32Array(len));
    const f64 = (slot: string, len: number): Float64Array => (scratch ? scratch.f64(slot, len) : new Float64Array(len));
    this.rc = i32('grid.rc', n * 3);
    if (scratch) this.rc.fill(0); // columns ≥ d stay cell 0
    this.lowB = [];
    this.highB = [];
    const cell = i32('grid.cell', n);
    if (scratch) cell.fill(0);
    const mul = [1, this.g0, this.g0 * this.g1];
    for (let j = 0; j < d; j++) {
      const o = orders?.[j] ?? columnOrder(data, d, j);
      const G = g[j]!;
      const { sorted, rank } = o;
      const lo = f64(`grid.lo${j}`, G), hi = f64(`grid.hi${j}`, G);
      // first rank of cell c: ⌈c·N/G⌉ (the least r with ⌊r·G/N⌋ ≥ c)
      for (let c = 0; c < G; c++) {
        lo[c] = sorted[Math.ceil((c * n) / G)]!;
        hi[c] = sorted[Math.ceil(((c + 1) * n) / G) - 1]!;
      }
      this.lowB.push(lo);
      this.highB.push(hi);
      const mj = mul[j]!;
      for (let i = 0; i < n; i++) {
        const c = Math.floor((rank[i]! * G) / n);
        this.rc[i * 3 + j] = c;
        cell[i] += c * mj;
      }
    }
    const start = i32('grid.start', ncell + 1);
    if (scratch) start.fill(0);
    for (let i = 0; i < n; i++) start[cell[i]! + 1]++;
    for (let c = 0; c < ncell; c++) start[c + 1] += start[c]!;
    const fill = i32('grid.fill', ncell);
    fill.set(start.subarray(0, ncell));
    const perm = i32('grid.perm', n);
    for (let i = 0; i < n; i++) perm[fill[cell[i]!]!++] = i;
    const pts = f64('grid.pts', n * d);
    for (let p = 0; p < n; p++) {
      const s = perm[p]! * d;
      for (let j = 0; j < d; j++) pts[p * d + j] = data[s + j]!;
    }
    this.start = start;
    this.perm = perm;
    this.pts = pts;
  }

  /** Stored rows in storage order (cell order / tree order): nearby rows are adjacent. */
  queryOrder(): Int32Array {
    return this.perm;
  }

  /**
   * Expected number of rows sharing a query row's cell, Σ count² / N: near the occupancy
   * target on well-spread data, large when the rows crowd a few cells (strongly dependent
   * columns), where the kd-tree is the better structure.
   */
  crowding(): number {
    let s = 0;
    for (let c = 0, m = this.start.length - 1; c < m; c++) {
      const k = this.start[c + 1]! - this.start[c]!;
      s += k * k;
    }
    return s / this.n;
  }

  /** Lower bound of the distance along j from value x to the rows of slab c. */
  private slabLower(j: number, c: number, x: number): number {
    const a = this.lowB[j]![c]! - x, b = x - this.highB[j]![c]!;
    return a > b ? (a > 0 ? a : 0) : b > 0 ? b : 0;
  }

  /** Lower bound of the distance from q to every row outside the cell cube of radius R. */
  private outsideLower(q: Float64Array, qOff: number, c0: number, c1: number, c2: number, R: number): number {
    let m = Infinity;
    for (let j = 0; j < this.d; j++) {
      const c = j === 0 ? c0 : j === 1 ? c1 : c2;
      const g = j === 0 ? this.g0 : j === 1 ? this.g1 : this.g2;
      const x = q[qOff + j]!;
      if (c + R + 1 < g) { const v = this.lowB[j]![c + R + 1]! - x; if (v < m) m = v; }
      if (c - R - 1 >= 0) { const v = x - this.highB[j]![c - R - 1]!; if (v < m) m = v; }
    }
    return m;
  }

  knn(i: number, k: number, outDist: Float64Array, outIdx: Int32Array | null, off: number): void {
    const { n, d, src, pts, perm, start, g0, g1, g2, rc } = this;
    if (k < 1 || k >= n) throw new RangeError(`k = ${k} neighbours requested among ${n} points`);
    if (this.bestD.length < k) { this.bestD = new Float64Array(k); this.bestI = new Int32Array(k); }
    if (d === 2) { this.knn2(i, k, outDist, outIdx, off); return; }
    const bestD = this.bestD, bestI = this.bestI;
    const qOff = i * d;
    const q0 = src[qOff]!, q1 = d > 1 ? src[qOff + 1]! : 0, q2 = d > 2 ? src[qOff + 2]! : 0;
    const c0 = rc[i * 3]!, c1 = rc[i * 3 + 1]!, c2 = rc[i * 3 + 2]!;
    let filled = 0, bound = Infinity;
    for (let R = 0; ; R++) {
      const a2 = Math.max(0, c2 - R), b2 = Math.min(g2 - 1, c2 + R);
      const a1 = Math.max(0, c1 - R), b1 = Math.min(g1 - 1, c1 + R);
      const a0 = Math.max(0, c0 - R), b0 = Math.min(g0 - 1, c0 + R);
      for (let z = a2; z <= b2; z++) {
        const lz = d > 2 ? this.slabLower(2, z, q2) : 0;
        if (filled === k && lz > bound) continue;
        const onZ = z === c2 - R || z === c2 + R;
        for (let y = a1; y <= b1; y++) {
          const ly = d > 1 ? this.slabLower(1, y, q1) : 0;
          if (filled === k && ly > bound) continue;
          const edge = onZ || y === c1 - R || y === c1 + R;
          // off the ring's faces only the two end cells along x are new
          const step = edge ? 1 : 2 * R;
          for (let x = edge ? a0 : c0 - R; x <= b0; x += step) {
            if (x < a0) continue;
            if (filled === k && this.slabLower(0, x, q0) > bound) continue;
            const cell = x + g0 * (y + g1 * z);
            for (let p = start[cell]!, e = start[cell + 1]!; p < e; p++) {
              const j = perm[p]!;
              if (j === i) continue;
              const o = p * d;
              let m = Math.abs(pts[o]! - q0);
              if (d > 1) { const v = Math.abs(pts[o + 1]! - q1); if (v > m) m = v; }
              if (d > 2) { const v = Math.abs(pts[o + 2]! - q2); if (v > m) m = v; }
              if (filled === k) {
                if (m > bound || (m === bound && j > bestI[k - 1]!)) continue;
              } else filled++;
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
          }
        }
      }
      const out = this.outsideLower(src, qOff, c0, c1, c2, R);
      if (out === Infinity || (filled === k && out > bound)) break;
    }
    for (let t = 0; t < k; t++) {
      outDist[off + t] = bestD[t]!;
      if (outIdx) outIdx[off + t] = bestI[t]!;
    }
  }

  /** {@link knn} for d = 2, the common joint space of two 1-D blocks: the same search, unrolled. */
  private knn2(i: number, k: number, outDist: Float64Array, outIdx: Int32Array | null, off: number): void {
    const { src, pts, perm, start, g0, g1, rc } = this;
    const bestD = this.bestD, bestI = this.bestI;
    const lo0 = this.lowB[0]!, hi0 = this.highB[0]!, lo1 = this.lowB[1]!, hi1 = this.highB[1]!;
    const q0 = src[2 * i]!, q1 = src[2 * i + 1]!;
    const c0 = rc[i * 3]!, c1 = rc[i * 3 + 1]!;
    let filled = 0, bound = Infinity;
    for (let R = 0; ; R++) {
      const a1 = c1 - R < 0 ? 0 : c1 - R, b1 = c1 + R >= g1 ? g1 - 1 : c1 + R;
      const a0 = c0 - R < 0 ? 0 : c0 - R, b0 = c0 + R >= g0 ? g0 - 1 : c0 + R;
      for (let y = a1; y <= b1; y++) {
        if (filled === k) {
          const u = lo1[y]! - q1, v = q1 - hi1[y]!;
          if (u > bound || v > bound) continue;
        }
        const edge = y === c1 - R || y === c1 + R;
        const step = edge ? 1 : 2 * R;
        for (let x = edge ? a0 : c0 - R; x <= b0; x += step) {
          if (x < a0) continue;
          if (filled === k) {
            const u = lo0[x]! - q0, v = q0 - hi0[x]!;
            if (u > bound || v > bound) continue;
          }
          const cell = x + g0 * y;
          for (let p = start[cell]!, e = start[cell + 1]!; p < e; p++) {
            let m = Math.abs(pts[2 * p]! - q0);
            const w = Math.abs(pts[2 * p + 1]! - q1);
            if (w > m) m = w;
            if (filled === k) {
              if (m > bound) continue;
              const j = perm[p]!;
              if (m === bound && j > bestI[k - 1]!) continue;
              if (j === i) continue;
              let s = k - 1;
              while (s > 0 && (bestD[s - 1]! > m || (bestD[s - 1] === m && bestI[s - 1]! > j))) {
                bestD[s] = bestD[s - 1]!;
                bestI[s] = bestI[s - 1]!;
                s--;
              }
              bestD[s] = m;
              bestI[s] = j;
              bound = bestD[k - 1]!;
            } else {
              const j = perm[p]!;
              if (j === i) continue;
              let s = filled++;
              while (s > 0 && (bestD[s - 1]! > m || (bestD[s - 1] === m && bestI[s - 1]! > j))) {
                bestD[s] = bestD[s - 1]!;
                bestI[s] = bestI[s - 1]!;
                s--;
              }
              bestD[s] = m;
              bestI[s] = j;
              if (filled === k) bound = bestD[k - 1]!;
            }
          }
        }
      }
      let out = Infinity;
      if (c0 + R + 1 < g0) { const v = lo0[c0 + R + 1]! - q0; if (v < out) out = v; }
      if (c0 - R - 1 >= 0) { const v = q0 - hi0[c0 - R - 1]!; if (v < out) out = v; }
      if (c1 + R + 1 < g1) { const v = lo1[c1 + R + 1]! - q1; if (v < out) out = v; }
      if (c1 - R - 1 >= 0) { const v = q1 - hi1[c1 - R - 1]!; if (v < out) out = v; }
      if (out === Infinity || (filled === k && out > bound)) break;
    }
    for (let t = 0; t < k; t++) {
      outDist[off + t] = bestD[t]!;
      if (outIdx) outIdx[off + t] = bestI[t]!;
    }
  }

  /**
   * out[i] = distance from stored row i to its k-th nearest neighbour, for every row: the
   * {@link knn} answers, made in storage order with each query's point and cell read from
   * the cell-ordered arrays (sequential) instead of by row.
   */
  kthAll(k: number, out: Float64Array): void {
    this.kthRange(k, 0, this.n, out);
  }

  /**
   * {@link kthAll} for the stored rows at storage positions [p0, p1) only (the rows
   * {@link queryOrder}()[p0 .. p1)): out[i] for those rows i, the same answers; other entries
   * of `out` are left as they are.
   */
  private kthRange(k: number, p0: number, p1: number, out: Float64Array): void {
    const { n, d, pts, perm, start, g0, g1 } = this;
    if (k < 1 || k >= n) throw new RangeError(`k = ${k} neighbours requested among ${n} points`);
    if (p0 < 0) p0 = 0;
    if (p1 > n) p1 = n;
    if (d !== 2) {
      const dist = new Float64Array(k);
      for (let p = p0; p < p1; p++) {
        const i = perm[p]!;
        this.knn(i, k, dist, null, 0);
        out[i] = dist[k - 1]!;
      }
      return;
    }
    if (this.bestD.length < k) { this.bestD = new Float64Array(k); this.bestI = new Int32Array(k); }
    const bestD = this.bestD;
    for (let c1 = 0, cell = 0; c1 < g1; c1++) {
      for (let c0 = 0; c0 < g0; c0++, cell++) {
        const s = start[cell]!, e = start[cell + 1]!;
        if (e <= p0 || s >= p1) continue;
        for (let p = s < p0 ? p0 : s, q = e > p1 ? p1 : e; p < q; p++) {
          this.search2(perm[p]!, pts[2 * p]!, pts[2 * p + 1]!, c0, c1, k);
          out[perm[p]!] = bestD[k - 1]!;
        }
      }
    }
  }

  /**
   * The d = 2 search of {@link knn2} for row i at (q0, q1) in cell (c0, c1), the k best into
   * bestD / bestI; for the batch (a per-row call measured slower through this layer).
   */
  private search2(i: number, q0: number, q1: number, c0: number, c1: number, k: number): void {
    const { pts, perm, start, g0, g1 } = this;
    const bestD = this.bestD, bestI = this.bestI;
    const lo0 = this.lowB[0]!, hi0 = this.highB[0]!, lo1 = this.lowB[1]!, hi1 = this.highB[1]!;
    // sentinels (distance ∞, index above every row) stand for the k slots not yet filled: any
    // candidate beats them, so one path serves filling and replacing, and bound = ∞ prunes
    // nothing until k rows are in, exactly as the two-phase search did
    for (let t = 0; t < k; t++) { bestD[t] = Infinity; bestI[t] = 0x7fffffff; }
    let bound = Infinity;
    for (let R = 0; ; R++) {
      const a1 = c1 - R < 0 ? 0 : c1 - R, b1 = c1 + R >= g1 ? g1 - 1 : c1 + R;
      const a0 = c0 - R < 0 ? 0 : c0 - R, b0 = c0 + R >= g0 ? g0 - 1 : c0 + R;
      for (let y = a1; y <= b1; y++) {
        if (lo1[y]! - q1 > bound || q1 - hi1[y]! > bound) continue;
        const edge = y === c1 - R || y === c1 + R;
        const step = edge ? 1 : 2 * R;
        for (let x = edge ? a0 : c0 - R; x <= b0; x += step) {
          if (x < a0) continue;
          if (lo0[x]! - q0 > bound || q0 - hi0[x]! > bound) continue;
          const cell = x + g0 * y;
          for (let p = start[cell]!, e = start[cell + 1]!; p < e; p++) {
            let m = Math.abs(pts[2 * p]! - q0);
            const w = Math.abs(pts[2 * p + 1]! - q1);
            if (w > m) m = w;
            if (m > bound) continue;
            const j = perm[p]!;
            if (m === bound && j > bestI[k - 1]!) continue;
            if (j === i) continue;
            let s = k - 1;
            while (s > 0 && (bestD[s - 1]! > m || (bestD[s - 1] === m && bestI[s - 1]! > j))) {
              bestD[s] = bestD[s - 1]!;
              bestI[s] = bestI[s - 1]!;
              s--;
            }
            bestD[s] = m;
            bestI[s] = j;
            bound = bestD[k - 1]!;
          }
        }
      }
      let out = Infinity;
      if (c0 + R + 1 < g0) { const v = lo0[c0 + R + 1]! - q0; if (v < out) out = v; }
      if (c0 - R - 1 >= 0) { const v = q0 - hi0[c0 - R - 1]!; if (v < out) out = v; }
      if (c1 + R + 1 < g1) { const v = lo1[c1 + R + 1]! - q1; if (v < out) out = v; }
      if (c1 - R - 1 >= 0) { const v = q1 - hi1[c1 - R - 1]!; if (v < out) out = v; }
      if (out === Infinity || out > bound) break;
    }
  }

  count(query: Float64Array, qOff: number, r: number, strict: boolean): number {
    const { d, pts, start, g0, g1 } = this;
    const gs = [this.g0, this.g1, this.g2];
    const lo = [0, 0, 0], hi = [0, 0, 0];
    // per dimension the slabs that can hold a row within r form one run (bounds are
    // valley-shaped in the slab index); find it by scanning
    for (let j = 0; j < d; j++) {
      const x = query[qOff + j]!;
      let a = -1, b = -2;
      for (let c = 0; c < gs[j]!; c++) {
        const lb = this.slabLower(j, c, x);
        if (strict ? lb < r : lb <= r) { if (a < 0) a = c; b = c; }
      }
      if (a < 0) return 0;
      lo[j] = a;
      hi[j] = b;
    }
    let total = 0;
    for (let z = lo[2]!; z <= hi[2]!; z++) {
      for (let y = lo[1]!; y <= hi[1]!; y++) {
        for (let x = lo[0]!; x <= hi[0]!; x++) {
          const cell = x + g0 * (y + g1 * z);
          for (let p = start[cell]!, e = start[cell + 1]!; p < e; p++) {
            let m = 0;
            const o = p * d;
            for (let t = 0; t < d; t++) {
              const v = Math.abs(pts[o + t]! - query[qOff + t]!);
              if (v > m) m = v;
            }
            if (strict ? m < r : m <= r) total++;
          }
        }
      }
    }
    return total;
  }
}
