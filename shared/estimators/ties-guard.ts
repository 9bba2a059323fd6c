/**
 * Refuse a kNN estimate that ties have made meaningless (issue 12). A point whose joint row
 * has k or more exact copies has its k-th neighbour at distance 0; KSG then counts marginal
 * neighbours strictly inside a zero radius and the estimate runs off (9.68 nats on data whose
 * MI is at most ln 4 = 1.39). The share of such points is the measure of damage: see
 * TIE_SHARE_LIMIT for the threshold and how it was chosen.
 */
import { hstack, type Matrix } from '../data/matrix.js';
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

/** The largest zero-distance share over the blocks and their joint space, and where it is. */
export function tieShare(input: EstimatorInput, k: number): { share: number; space: string } {
  const named = (['x', 'y', 'z'] as const).filter((b) => input[b] !== undefined).map((b) => [b, input[b]!] as const);
  let worst = { share: 0, space: 'x' };
  for (const [name, m] of named) {
    const share = zeroDistanceShare(m, k);
    if (share > worst.share) worst = { share, space: name };
  }
  if (named.length > 1) {
    const share = zeroDistanceShare(hstack(...named.map(([, m]) => m)), k);
    if (share >= worst.share) worst = { share, space: `the joint (${named.map(([b]) => b).join(', ')}) space` };
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
