/**
 * Exact ties in data that float64 subtraction would break.
 *
 * Data arrive as decimals (CSV text, rounded measurements): 0.3 − 0.2 and 0.2 − 0.1 are the
 * same distance, 0.1, but in float64 they come out as 0.09999999999999998 and 0.1. Comparing
 * such distances "exactly in float64" would split real ties at random and change the counts
 * of strict (`< ε`) and non-strict (`≤ ε`) neighbourhoods; the reference case `ties.csv`
 * (values on a 0.1 grid) is computed with the ties intact. So every radius comparison in
 * the kNN estimators allows for the representation noise of the data:
 *
 *   strict   ‖·‖ < ε   is evaluated as  ‖·‖ < ε − τ
 *   non-strict ‖·‖ ≤ ε is evaluated as  ‖·‖ ≤ ε + τ
 *   τ = 2^-48 · max |value| over the blocks of the estimate
 *
 * Parsing, a subtraction and a normalising division each add at most a few units of 2^-53
 * relative to the largest magnitude, so τ (32 such units) covers them with margin while
 * staying far below any real spacing of continuous data (a distance within τ of ε is a
 * ~1e-12 event per query there). Zero distances stay exact: distinct doubles never differ
 * by 0. The kNN structures themselves stay exact; only the radii passed to them move.
 */
import type { Matrix } from '../data/matrix.js';

/** Tie tolerance relative to the largest magnitude in the data. */
export const TIE_RELATIVE = 2 ** -48;

/** τ for the blocks of one estimate (depends only on the multiset of values: shuffle-invariant). */
export function tieTolerance(...blocks: Matrix[]): number {
  let m = 0;
  for (const b of blocks) {
    const a = b.data;
    for (let i = 0; i < a.length; i++) {
      const v = Math.abs(a[i]!);
      if (v > m) m = v;
    }
  }
  return m * TIE_RELATIVE;
}

/** Radius for a strict `< r` count: r − τ, never below r / 2 (a positive r stays positive). */
export function strictRadius(r: number, tol: number): number {
  return r - Math.min(tol, r / 2);
}

/** Radius for a non-strict `≤ r` count. */
export function inclusiveRadius(r: number, tol: number): number {
  return r + tol;
}
