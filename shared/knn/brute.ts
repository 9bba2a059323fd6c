/**
 * Brute-force O(N) per query reference for {@link NeighbourIndex}: the definition written
 * out plainly. Tests compare the kd-tree against it; it is also the fastest choice for tiny N.
 */
import type { Matrix } from '../data/matrix.js';
import { maxNorm, type NeighbourIndex } from './types.js';

export class BruteForce implements NeighbourIndex {
  readonly n: number;
  readonly d: number;
  private readonly data: Float64Array;

  constructor(m: Matrix) {
    this.n = m.n;
    this.d = m.d;
    this.data = m.data;
  }

  count(query: Float64Array, qOff: number, r: number, strict: boolean): number {
    const { n, d, data } = this;
    let c = 0;
    for (let j = 0; j < n; j++) {
      const dist = maxNorm(data, j * d, query, qOff, d);
      if (strict ? dist < r : dist <= r) c++;
    }
    return c;
  }

  knn(i: number, k: number, outDist: Float64Array, outIdx: Int32Array | null, off: number): void {
    this.search(this.data, i * this.d, i, k, outDist, outIdx, off);
  }

  /** k nearest stored points to an outside query (none excluded). */
  knnPoint(query: Float64Array, qOff: number, k: number, outDist: Float64Array, outIdx: Int32Array | null, off: number): void {
    this.search(query, qOff, -1, k, outDist, outIdx, off);
  }

  private search(query: Float64Array, qOff: number, exclude: number, k: number, outDist: Float64Array, outIdx: Int32Array | null, off: number): void {
    const { n, d, data } = this;
    const all: { dist: number; j: number }[] = [];
    for (let j = 0; j < n; j++) if (j !== exclude) all.push({ dist: maxNorm(data, j * d, query, qOff, d), j });
    all.sort((a, b) => a.dist - b.dist || a.j - b.j);
    if (all.length < k) throw new RangeError(`k = ${k} neighbours requested among ${n} points`);
    for (let t = 0; t < k; t++) {
      outDist[off + t] = all[t]!.dist;
      if (outIdx) outIdx[off + t] = all[t]!.j;
    }
  }
}
