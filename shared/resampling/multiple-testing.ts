/**
 * Multiple-testing corrections for many-variable workloads (screen, pairwise): pure functions
 * of per-test p-values or of the permutation null matrix. Adjusted p-values are compared with α:
 * a test is rejected ("selected") when its adjusted p ≤ α.
 *
 *   fdr_bh  Benjamini & Hochberg (1995), FDR ≤ q for independent or PRDS tests;
 *   fdr_by  Benjamini & Yekutieli (2001), FDR ≤ q under any dependence (BH · c(m), c(m) = Σ 1/i);
 *   holm    Holm (1979) step-down Bonferroni, FWER ≤ α under any dependence;
 *   maxstat Westfall & Young (1993) single-step max-T from the SAME permutations for all tests:
 *           p̃_f = (1 + #{r : max_g T*_{r,g} ≥ T_f − tol}) / (P + 1), FWER ≤ α under the complete
 *           null (and strongly under subset pivotality) — IDTxl's "maximum statistic" test;
 *   none    the per-test p-values.
 * The formulas match statsmodels.stats.multitest.multipletests (methods 'fdr_bh', 'fdr_by',
 * 'holm') and scipy.stats.false_discovery_control (method 'bh' / 'by'); the tests check them
 * against hand-computed values.
 */
import { OptionError } from '../errors.js';
import { tieTolerance } from './permutation.js';

export const CORRECTIONS = ['fdr_bh', 'fdr_by', 'maxstat', 'holm', 'none'] as const;
export type Correction = (typeof CORRECTIONS)[number];

/** Indices that sort `p` ascending (stable: ties keep input order). */
function ascendingOrder(p: ArrayLike<number>): number[] {
  const idx = Array.from({ length: p.length }, (_, i) => i);
  return idx.sort((a, b) => p[a]! - p[b]! || a - b);
}

function checkPValues(p: ArrayLike<number>): void {
  for (let i = 0; i < p.length; i++) {
    const v = p[i]!;
    if (!(v >= 0 && v <= 1)) throw new OptionError(`p-value ${i} is ${v}, not in [0, 1]`, 'pValues');
  }
}

/**
 * Benjamini–Hochberg step-up adjusted p-values (statsmodels 'fdr_bh'):
 * sorted ascending p_(1..m), adj_(i) = min_{j ≥ i} min(1, m·p_(j)/j); `factor` multiplies m
 * (c(m) for BY).
 */
function stepUp(p: ArrayLike<number>, factor: number): Float64Array {
  checkPValues(p);
  const m = p.length;
  const order = ascendingOrder(p);
  const out = new Float64Array(m);
  let running = 1;
  for (let rank = m; rank >= 1; rank--) {
    const i = order[rank - 1]!;
    running = Math.min(running, (factor * m * p[i]!) / rank);
    out[i] = Math.min(1, running);
  }
  return out;
}

export function bhAdjust(p: ArrayLike<number>): Float64Array {
  return stepUp(p, 1);
}

/** Benjamini–Yekutieli: BH with m replaced by m·c(m), c(m) = Σ_{i=1..m} 1/i. */
export function byAdjust(p: ArrayLike<number>): Float64Array {
  let c = 0;
  for (let i = 1; i <= p.length; i++) c += 1 / i;
  return stepUp(p, c);
}

/** Holm step-down: adj_(i) = max_{j ≤ i} min(1, (m − j + 1)·p_(j)). */
export function holmAdjust(p: ArrayLike<number>): Float64Array {
  checkPValues(p);
  const m = p.length;
  const order = ascendingOrder(p);
  const out = new Float64Array(m);
  let running = 0;
  for (let rank = 1; rank <= m; rank++) {
    const i = order[rank - 1]!;
    running = Math.max(running, Math.min(1, (m - rank + 1) * p[i]!));
    out[i] = running;
  }
  return out;
}

/** Row maxima of a P × F null matrix (row r = replicate r's statistics for all F tests). */
export function rowMaxima(nullMatrix: Float64Array, f: number): Float64Array {
  if (f <= 0 || nullMatrix.length % f !== 0) throw new OptionError(`null matrix of ${nullMatrix.length} values is not P × ${f}`, 'nullMatrix');
  const reps = nullMatrix.length / f;
  const out = new Float64Array(reps);
  for (let r = 0; r < reps; r++) {
    let m = -Infinity;
    for (let g = 0; g < f; g++) {
      const v = nullMatrix[r * f + g]!;
      // a non-finite replicate value must not vanish from the max (NaN would compare false)
      if (!(v <= m)) m = Number.isNaN(v) ? Infinity : v;
    }
    out[r] = m;
  }
  return out;
}

/**
 * Westfall–Young single-step max-T adjusted p-values from the observed statistics and the row
 * maxima of the null matrix, with the tie tolerance and (b+1)/(P+1) convention of the per-test
 * p-values (permutation.ts), so p̃_f ≥ p_f always.
 */
export function maxStatAdjust(observed: ArrayLike<number>, maxima: ArrayLike<number>): Float64Array {
  const sorted = Float64Array.from(maxima).sort();
  const reps = sorted.length;
  const out = new Float64Array(observed.length);
  for (let f = 0; f < observed.length; f++) {
    const lo = observed[f]! - tieTolerance(observed[f]!);
    // count of maxima ≥ lo by binary search on the sorted maxima
    let a = 0, b = reps;
    while (a < b) {
      const mid = (a + b) >>> 1;
      if (sorted[mid]! >= lo) b = mid;
      else a = mid + 1;
    }
    out[f] = Math.min(1, (reps - a + 1) / (reps + 1));
  }
  return out;
}

/**
 * Adjusted p-values under `correction`. maxstat needs the observed statistics and the row
 * maxima of the null; the others use the per-test p-values only.
 */
export function adjustPValues(correction: Correction, pValues: ArrayLike<number>, maxStat?: { observed: ArrayLike<number>; maxima: ArrayLike<number> }): Float64Array {
  switch (correction) {
    case 'fdr_bh':
      return bhAdjust(pValues);
    case 'fdr_by':
      return byAdjust(pValues);
    case 'holm':
      return holmAdjust(pValues);
    case 'maxstat':
      if (!maxStat) throw new OptionError('maxstat needs the permutation null of every test', 'correction');
      return maxStatAdjust(maxStat.observed, maxStat.maxima);
    case 'none':
      checkPValues(pValues);
      return Float64Array.from(pValues);
    default:
      throw new OptionError(`correction must be one of ${CORRECTIONS.join(', ')}; got ${JSON.stringify(correction)}`, 'correction');
  }
}
