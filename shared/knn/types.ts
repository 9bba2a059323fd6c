/**
 * Neighbour-search contracts shared by the kd-tree, the sorted 1-D marginal and the
 * brute-force reference. Distances are max-norm (Chebyshev) computed in float64 exactly as
 * `max_j |p_j − q_j|`; every structure answers with the same exact comparisons, so a kd-tree
 * and brute force give identical counts even on tied data.
 */

/** Range counts over a fixed point set. */
export interface RangeCounter {
  readonly n: number;
  readonly d: number;
  /**
   * Number of stored points p with ‖p − q‖∞ < r (strict) or ≤ r (non-strict), where
   * q = query[qOff .. qOff + d). Every stored point counts, including one equal to q: callers
   * that query a stored point subtract its self-match (distance 0).
   */
  count(query: Float64Array, qOff: number, r: number, strict: boolean): number;
  /**
   * Optional fast path: the same answer as `count`, given that stored row `row` is probably
   * equal (or close) to the query, as it is when a stored point is queried.
   */
  countNear?(row: number, query: Float64Array, qOff: number, r: number, strict: boolean): number;
  /**
   * Optional: the stored rows in a cache-friendly order for self-queries (neighbouring rows
   * next to each other, e.g. the structure's own storage order). Answers do not depend on
   * the order queries are made in; only their speed does.
   */
  queryOrder?(): Int32Array;
}

/** k-nearest-neighbour search among the stored points themselves. */
export interface NeighbourIndex extends RangeCounter {
  /**
   * The k nearest neighbours of stored point `i`, never `i` itself, ordered by
   * (distance, index) ascending: ties at equal distance go to the smaller index, so the set
   * is well defined and independent of the structure. Writes distances to
   * outDist[off .. off + k) and, when `outIdx` is given, indices to outIdx[off .. off + k).
   */
  knn(i: number, k: number, outDist: Float64Array, outIdx: Int32Array | null, off: number): void;
  /**
   * Optional batch: out[i] = the k-th distance of {@link knn}(i, k) for every stored row i,
   * in whatever order is fastest (same answers).
   */
  kthAll?(k: number, out: Float64Array): void;
}

/** Max-norm distance between a[aOff..aOff+d) and b[bOff..bOff+d). */
export function maxNorm(a: Float64Array, aOff: number, b: Float64Array, bOff: number, d: number): number {
  let m = 0;
  for (let j = 0; j < d; j++) {
    const v = Math.abs(a[aOff + j]! - b[bOff + j]!);
    if (v > m) m = v;
  }
  return m;
}
