/**
 * Refuse a kNN estimate that ties have made meaningless (issue 12). A point whose joint row
 * has k or more exact copies has its k-th neighbour at distance 0; KSG then counts marginal
 * neighbours strictly inside a zero radius and the estimate runs off (9.68 nats on data whose
 * MI is at most ln 4 = 1.39). The share of such points is the measure of damage: see
 * TIE_SHARE_LIMIT for the threshold and how it was chosen.
 */
import type { Matrix } from '../data/matrix.js';
import { EstimatorError } from '../errors.js';
import { rowCells } from './cells.js';
import type { EstimatorInput } from './types.js';

/**
 * Largest share of points with a zero k-th neighbour distance, in the joint space or in any one
 * block (x, y, z), that ksg1/ksg2/ksg_cmi accept. Measured with bench/micro/ties.ts (ρ = 0.6
 * Gaussian rounded to a grid of step h, N = 5000, k = 3; truth 0.223 nats, plugin at N = 2e6
 * for coarse grids). Ties in one block alone already bias KSG upwards (the joint k-th
 * neighbour is found along the tied line, so the radius shrinks): worst share 0.045 → +0.007
 * nats, 0.19 → +0.022, 0.52 → +0.051, 0.86 → +0.14, 0.94 → +0.31; discrete data (share ≈ 1)
 * → +2 to +10 nats. 0.25 is where the bias passes ~0.03 nats (about two sampling sd at this N):
 * above it the number is not an estimate of the MI any more.
 */
export const TIE_SHARE_LIMIT = 0.25;

/** Share of rows of `m` whose row occurs at least k + 1 times (k-th neighbour at distance 0). */
export function zeroDistanceShare(m: Matrix, k: number): number {
  if (m.n === 0) return 0;
  const cells = rowCells(m);
  let tied = 0;
  for (let c = 0; c < cells.m; c++) if (cells.counts[c]! > k) tied += cells.counts[c]!;
  return tied / m.n;
}

/**
 * Rows of a fixed pseudo-random sample (xorshift32, fixed seed: deterministic, and mixed
 * enough that sorted data with runs of copies is sampled across the runs).
 */
export function sampleRows(n: number, m: number): Int32Array {
  const out = new Int32Array(m);
  let s = 0x9e3779b9 | 0;
  for (let j = 0; j < m; j++) {
    s ^= s << 13; s ^= s >>> 17; s ^= s << 5;
    out[j] = (s >>> 0) % n;
  }
  return out;
}

/**
 * Whether a block certainly has (almost) no copies, from a sample of m = min(N, 8√N) rows: if
 * a share s > 1/4 of the rows sat in runs of k + 1 or more copies, the sample would hold about
 * m²/2 · s(k+1)/N ≥ 8(k+1) ≥ 16 colliding pairs, so none at all rules the share out (the
 * chance of missing is e^-16 or less). Saves the O(N) order of a full count on continuous data.
 * Rows equal as values (−0 as 0, NaN as NaN) count; the same row drawn twice does not. One
 * column is checked by a native sort of the sampled values (issue 12: a Set of them cost a
 * cold start more).
 */
export function sampleHasNoCopies(m: Matrix): boolean {
  const size = Math.min(m.n, Math.ceil(8 * Math.sqrt(m.n)));
  const rows = sampleRows(m.n, size).sort();
  const fresh = (t: number) => t === 0 || rows[t] !== rows[t - 1];
  if (m.d === 1) {
    const v = new Float64Array(size);
    let k = 0;
    for (let t = 0; t < size; t++) if (fresh(t)) v[k++] = m.data[rows[t]!]!;
    const s = v.subarray(0, k).sort(); // a copy sits next to its original (−0 next to 0, NaNs last)
    for (let t = 1; t < k; t++) if (s[t] === s[t - 1] || (s[t] !== s[t] && s[t - 1] !== s[t - 1])) return false;
    return true;
  }
  const seen = new Set<string>();
  for (let t = 0; t < size; t++) {
    if (!fresh(t)) continue;
    const r = rows[t]!;
    const key = Array.from(m.data.subarray(r * m.d, (r + 1) * m.d)).join(',');
    if (seen.has(key)) return false;
    seen.add(key);
  }
  return true;
}

/**
 * The largest zero-distance share over the blocks, and which block. The joint space never has
 * a larger share than any one block (a row copied in the joint space is copied in each block),
 * so it is not counted separately.
 */
export function tieShare(input: EstimatorInput, k: number): { share: number; space: string } {
  let worst = { share: 0, space: 'x' };
  for (const name of ['x', 'y', 'z'] as const) {
    const m = input[name];
    if (!m || sampleHasNoCopies(m)) continue;
    const share = zeroDistanceShare(m, k);
    if (share > worst.share) worst = { share, space: name };
  }
  return worst;
}

/** Throws EstimatorError when more than TIE_SHARE_LIMIT of the points have a zero k-th distance. */
export function checkTies(estimator: string, input: EstimatorInput, k: number): void {
  const { share, space } = tieShare(input, k);
  if (share > TIE_SHARE_LIMIT) {
    throw new EstimatorError(
      `${estimator}: in ${space}, ${(100 * share).toFixed(0)}% of the rows have k = ${k} or more exact copies, so their k-th neighbour is at distance 0 ` +
        `and a kNN estimate is meaningless (it is biased upwards, limit ${100 * TIE_SHARE_LIMIT}%); for discrete data use the mixed_ksg or plugin estimator, ` +
        `for rounded continuous data add seeded noise of about the rounding step with --jitter (job field 'jitter')`,
    );
  }
}
