/**
 * Plug-in (maximum-likelihood) entropy and MI of discrete data. A "value" is a whole row:
 * rows equal under exact float64 equality form one cell, so multivariate X, Y are allowed.
 *
 *   H = −Σ_c p̂_c ln p̂_c,   I = Σ_{x,y} p̂(x,y) ln( p̂(x,y) / (p̂(x) p̂(y)) )          (nats)
 *
 * Miller–Madow (Miller 1955; Paninski, Neural Computation 15 (2003) 1191, eq. (10)) adds
 * (m − 1)/(2N) to H, m = number of non-empty cells; for MI the corrected entropies are
 * combined, I_MM = H_MM(X) + H_MM(Y) − H_MM(X,Y) = I + (m_x + m_y − m_xy − 1)/(2N).
 * Sums run over cells in canonical (lexicographic) order, so any row order gives the same bits.
 *
 * @example pluginEntropy(x, { millerMadow: true })
 */
import type { Matrix } from '../data/matrix.js';
import { rowCells } from './cells.js';

export interface PluginOptions {
  /** @default false */
  millerMadow?: boolean;
}

/** Plug-in entropy of the rows of `x`, in nats. */
export function pluginEntropy(x: Matrix, opts: PluginOptions = {}): number {
  const n = x.n;
  const { counts, m } = rowCells(x);
  let h = 0;
  for (let c = 0; c < m; c++) {
    const p = counts[c]! / n;
    h -= p * Math.log(p);
  }
  if (opts.millerMadow) h += (m - 1) / (2 * n);
  return h;
}

/** Plug-in mutual information between the rows of `x` and of `y`, in nats. */
export function pluginMi(x: Matrix, y: Matrix, opts: PluginOptions = {}): number {
  const n = x.n;
  const cx = rowCells(x), cy = rowCells(y);
  // joint cell key = (x cell, y cell): exact in float64 as long as m_x · m_y < 2^53
  const keys = new Float64Array(n);
  for (let i = 0; i < n; i++) keys[i] = cx.ids[i]! * cy.m + cy.ids[i]!;
  keys.sort();
  let mi = 0, mxy = 0;
  for (let s = 0; s < n; ) {
    let e = s + 1;
    while (e < n && keys[e] === keys[s]) e++;
    const nc = e - s;
    const key = keys[s]!;
    const a = Math.floor(key / cy.m), b = key - a * cy.m;
    mi += (nc / n) * Math.log((nc * n) / (cx.counts[a]! * cy.counts[b]!));
    mxy++;
    s = e;
  }
  if (opts.millerMadow) mi += (cx.m + cy.m - mxy - 1) / (2 * n);
  return mi;
}
