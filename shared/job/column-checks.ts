/**
 * Checks on the selected columns that no single estimator can make (issue 12): the same column
 * in two blocks, and values whose magnitude swamps the others' spacing (float64 keeps ~15.9
 * digits relative to the largest value, and the kNN tie tolerance τ = 2⁻⁴⁸·max|value|, see
 * estimators/ties.ts, treats anything closer than τ as equal). Each error names the column,
 * and for lost precision the row and column of the value that caused it.
 */
import { DataError, OptionError } from '../errors.js';
import type { Dataset, Matrix } from '../data/matrix.js';
import { TIE_RELATIVE } from '../estimators/ties.js';
import { sampleRows } from '../estimators/ties-guard.js';
import { sampleSd } from '../stats/moments.js';
import { maxAbsAbove } from '../data/wasm/columns.js';

/**
 * Share of gaps between consecutive distinct values that may fall within τ before the column
 * counts as collapsed. Continuous data at N = 1e6 has essentially none (the smallest gaps are
 * ~1e-12 of the range, τ is 3.6e-15 of the largest value); one huge cell makes nearly all of
 * them ties (MI 0.147 → −3.6e-14 in the example), so the exact value matters little.
 */
export const COLLAPSED_GAP_SHARE = 0.01;

/** A column may appear once: I(X; X) is infinite for continuous data, and a block with a repeated column is degenerate. */
export function checkDistinctColumns(plans: readonly { field: string; cols: readonly number[] }[], names: readonly string[]): void {
  const seen = new Map<number, string>();
  for (const p of plans) {
    for (const j of p.cols) {
      const first = seen.get(j);
      if (first !== undefined) {
        const where = first === p.field ? `twice in ${p.field}` : `in both ${first} and ${p.field}`;
        throw new OptionError(
          `column '${names[j]}' is selected ${where}: the blocks must not share columns (I(X;X) is infinite for continuous data, and a repeated column adds nothing)`,
          p.field,
        );
      }
      seen.set(j, p.field);
    }
  }
}

/** Row (0-based) of the largest |value| in a column. */
function argMaxAbs(c: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < c.length; i++) if (Math.abs(c[i]!) > Math.abs(c[best]!)) best = i;
  return best;
}

/**
 * Before normalising: the sum of squares must stay finite (2e154² overflows float64). Returns
 * the column's sample sd (sampleSd, the same sum), which buildBlock divides by.
 */
export function checkScalable(ds: Dataset, j: number): number {
  const c = ds.columns[j]!;
  const sd = sampleSd(c);
  if (!Number.isFinite(sd)) {
    const r = argMaxAbs(c);
    throw new DataError(
      `row ${r + 1}, column '${ds.names[j]}': the value ${c[r]} is too large to normalise the column (its variance overflows float64); remove or rescale it`,
    );
  }
  return sd;
}

/**
 * After preparation: in each column, the share of gaps between consecutive distinct values
 * that are within the tie tolerance of the estimate must stay under COLLAPSED_GAP_SHARE.
 * `where` maps (block, column) back to the file's column name; rows are 1-based in messages.
 */
export function checkResolution(blocks: readonly { field: string; m: Matrix; names: readonly string[] }[]): void {
  let max = 0, at = { field: '', col: 0, row: 0 };
  for (const b of blocks) {
    const { n, d, data } = b.m;
    // long blocks: the same first largest value from the WebAssembly kernel
    const k = maxAbsAbove(data.subarray(0, n * d), max);
    if (k !== undefined) {
      if (k >= 0) { max = Math.abs(data[k]!); at = { field: b.field, col: k % d, row: Math.floor(k / d) }; }
      continue;
    }
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < d; j++) {
        const v = Math.abs(data[i * d + j]!);
        if (v > max) { max = v; at = { field: b.field, col: j, row: i }; }
      }
    }
  }
  const tau = max * TIE_RELATIVE;
  if (!(tau > 0)) return;
  for (const b of blocks) {
    const { n, d, data } = b.m;
    let col: Float64Array | undefined; // only for a column the screen does not clear
    const rows = sampleRows(n, Math.min(n, 1024));
    const sample = new Float64Array(rows.length);
    for (let j = 0; j < d; j++) {
      // Screen: with N points spread over an interquartile range R, about N·τ/R of the gaps fall
      // within τ; when that is below 1e-3 (N·τ·1000 < R, R from a 1024-row sample) the share
      // cannot reach COLLAPSED_GAP_SHARE and the O(N log N) sort is skipped.
      for (let r = 0; r < rows.length; r++) sample[r] = data[rows[r]! * d + j]!;
      sample.sort();
      const iqr = sample[Math.floor(0.75 * (sample.length - 1))]! - sample[Math.floor(0.25 * (sample.length - 1))]!;
      if (n * tau * 1000 < iqr) continue;
      col ??= new Float64Array(n);
      for (let i = 0; i < n; i++) col[i] = data[i * d + j]!;
      col.sort();
      let gaps = 0, small = 0;
      for (let i = 1; i < n; i++) {
        const g = col[i]! - col[i - 1]!;
        if (g > 0) {
          gaps++;
          if (g <= tau) small++;
        }
      }
      if (gaps > 0 && small / gaps > COLLAPSED_GAP_SHARE) {
        const culprit = blocks.find((x) => x.field === at.field)!;
        throw new DataError(
          `column '${b.names[j]}' (in ${b.field}) has lost its precision: the value at row ${at.row + 1}, column '${culprit.names[at.col]}' is so large ` +
            `(${(100 * small / gaps).toFixed(0)}% of the gaps between '${b.names[j]}' values fall below the float64 resolution it sets) that distinct values would count as ties; remove or rescale that value`,
        );
      }
    }
  }
}
