/**
 * Binned (histogram) entropy and MI of continuous data: each column is cut into `bins` bins by
 * one of three rules, rows become tuples of bin labels, and the plug-in formulas of plugin.ts
 * run on the labels. The entropy is that of the binned variable (a discrete entropy, as in
 * Chelombiev et al.; it is not a differential entropy).
 *
 * Rules (per column, fitted to the observed range, so the bins follow the data's activity):
 *   fixed     equal width over [min, max]: label = min(B − 1, ⌊B (v − min)/(max − min)⌋)
 *   quantile  equal mass: edges e_b = v_(⌊bN/B⌋) (order statistics, b = 1..B−1)
 *   adaptive  equal numbers of *distinct* observed values per bin: edges e_b = u_(⌊bU/B⌋) over
 *             the U sorted distinct values (Chelombiev, Houghton, O'Donnell, "Adaptive
 *             estimators show information compression in deep neural networks", ICLR 2019,
 *             Sec. 3: bins adapted to the observed activity levels, so saturated values that
 *             repeat do not eat the bins)
 * For quantile and adaptive a value's label is the number of edges ≤ it, so equal values share
 * a bin whatever the rule.
 *
 * Bias corrections (`correction`):
 *   miller_madow   Miller 1955: H + (m − 1)/(2N), m = non-empty cells; for MI the corrected
 *                  entropies combined (plugin.ts).
 *   panzeri_treves Treves & Panzeri, Neural Comput. 7 (1995) 399, eq. (16) for the MI bias,
 *                  [Σ_x (R_x − 1) − (R − 1)]/(2N), with the relevant-bin counts R_x = R = the
 *                  occupied y bins for every occupied x bin (every cell of an occupied row and
 *                  column relevant): I − (m_x − 1)(m_y − 1)/(2N); for the entropy R = all B^d
 *                  bins of the fitted range: H + (B^d − 1)/(2N).
 */
import type { Matrix } from '../data/matrix.js';
import { pluginEntropy, pluginMi } from './plugin.js';
import { rowCells } from './cells.js';

export const BINNINGS = ['fixed', 'quantile', 'adaptive'] as const;
export type Binning = (typeof BINNINGS)[number];
export const CORRECTIONS = ['none', 'miller_madow', 'panzeri_treves'] as const;
export type Correction = (typeof CORRECTIONS)[number];

export interface BinningOptions {
  rule: Binning;
  bins: number;
  correction: Correction;
}

/** The catalog's numeric options as BinningOptions (choice indices → names). */
export function binningOptions(o: Readonly<Record<string, number>> | undefined): BinningOptions {
  return { rule: BINNINGS[o?.['binning'] ?? 0]!, bins: o?.['bins'] ?? 10, correction: CORRECTIONS[o?.['correction'] ?? 0]! };
}

/** Number of entries of `edges` that are ≤ v (binary search). */
function countLe(edges: Float64Array, v: number): number {
  let lo = 0, hi = edges.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (edges[mid]! <= v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Bin labels of one column. */
export function binColumn(values: Float64Array, rule: Binning, bins: number): Float64Array {
  const n = values.length;
  const out = new Float64Array(n);
  if (rule === 'fixed') {
    let min = Infinity, max = -Infinity;
    for (const v of values) {
      if (v < min) min = v;
      if (v > max) max = v;
    }
    const w = max - min;
    if (w > 0) for (let i = 0; i < n; i++) out[i] = Math.min(bins - 1, Math.floor((bins * (values[i]! - min)) / w));
    return out;
  }
  const sorted = Float64Array.from(values).sort();
  let pool = sorted;
  if (rule === 'adaptive') {
    let u = 0;
    pool = new Float64Array(n);
    for (let i = 0; i < n; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) pool[u++] = sorted[i]!;
    pool = pool.subarray(0, u);
  }
  const m = pool.length;
  const edges = new Float64Array(bins - 1);
  for (let b = 1; b < bins; b++) edges[b - 1] = pool[Math.min(m - 1, Math.floor((b * m) / bins))]!;
  for (let i = 0; i < n; i++) out[i] = countLe(edges, values[i]!);
  return out;
}

/** Every column of m binned: an n × d matrix of labels. */
export function binMatrix(m: Matrix, rule: Binning, bins: number): Matrix {
  const { n, d } = m;
  const out = new Float64Array(n * d);
  const col = new Float64Array(n);
  for (let c = 0; c < d; c++) {
    for (let i = 0; i < n; i++) col[i] = m.data[i * d + c]!;
    const lab = binColumn(col, rule, bins);
    for (let i = 0; i < n; i++) out[i * d + c] = lab[i]!;
  }
  return { n, d, data: out };
}

/** Binned entropy of the rows of x, in nats. */
export function binnedEntropy(x: Matrix, o: BinningOptions): number {
  const lab = binMatrix(x, o.rule, o.bins);
  const h = pluginEntropy(lab, { millerMadow: o.correction === 'miller_madow' });
  return o.correction === 'panzeri_treves' ? h + (o.bins ** x.d - 1) / (2 * x.n) : h;
}

/** Binned MI between the rows of x and y, in nats. */
export function binnedMi(x: Matrix, y: Matrix, o: BinningOptions): number {
  const bx = binMatrix(x, o.rule, o.bins), by = binMatrix(y, o.rule, o.bins);
  const mi = pluginMi(bx, by, { millerMadow: o.correction === 'miller_madow' });
  if (o.correction !== 'panzeri_treves') return mi;
  const mx = rowCells(bx).m, my = rowCells(by).m;
  return mi - ((mx - 1) * (my - 1)) / (2 * x.n);
}
