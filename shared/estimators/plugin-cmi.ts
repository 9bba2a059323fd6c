/**
 * Plug-in (maximum-likelihood) conditional measures of discrete data, and the plug-in local
 * (pointwise) values. A "value" is a whole row (cells.ts), so every block may be multivariate.
 *
 *   I(X;Y|Z) = Σ p̂(x,y,z) ln( p̂(x,y,z) p̂(z) / (p̂(x,z) p̂(y,z)) )     (Cover & Thomas, eq. 2.60)
 *   H(X|Z)   = −Σ p̂(x,z) ln( p̂(x,z) / p̂(z) )                          (eq. 2.10)
 *
 * in nats. Transfer entropy, active information storage and the entropy rate are these on the
 * delay embeddings (Schreiber, PRL 85 (2000) 461, eq. 4; Lizier, Prokopenko, Zomaya, Inf. Sci.
 * 208 (2012) 39, eq. 7; Cover & Thomas eq. 4.3 with the finite history k): the measures'
 * transforms build the blocks, these functions count.
 *
 * Miller–Madow (Miller 1955) on each entropy term: I_MM = I + (m_xz + m_yz − m_z − m_xyz)/(2N),
 * H_MM(X|Z) = H + (m_xz − m_z)/(2N), m = non-empty cells.
 *
 * Local values (Lizier 2014, "Measuring the dynamics of information processing on a local scale",
 * eq. 9): i(x;y|z) = ln( n_xyz n_z / (n_xz n_yz) ) for the row's own cells, h(x|z) = −ln(n_xz/n_z);
 * their mean over the rows is the estimate. Sums over cells run in the canonical cell order, so
 * any row order gives the same bits.
 * @example pluginCmi(x, y, z, { millerMadow: false })
 */
import { hstack, type Matrix } from '../data/matrix.js';
import { rowCells, type Cells } from './cells.js';
import type { PluginOptions } from './plugin.js';

/** Count of each row's cell. */
function cellCount(c: Cells, i: number): number {
  return c.counts[c.ids[i]!]!;
}

/** One representative row per joint cell, in canonical cell order. */
function representatives(joint: Cells): Int32Array {
  const rep = new Int32Array(joint.m).fill(-1);
  for (let i = 0; i < joint.ids.length; i++) if (rep[joint.ids[i]!] === -1) rep[joint.ids[i]!] = i;
  return rep;
}

/** Plug-in I(X;Y|Z) in nats. */
export function pluginCmi(x: Matrix, y: Matrix, z: Matrix, opts: PluginOptions = {}): number {
  const n = x.n;
  const cxyz = rowCells(hstack(x, y, z)), cxz = rowCells(hstack(x, z)), cyz = rowCells(hstack(y, z)), cz = rowCells(z);
  let s = 0;
  for (const i of representatives(cxyz)) {
    const nxyz = cellCount(cxyz, i);
    s += (nxyz / n) * Math.log((nxyz * cellCount(cz, i)) / (cellCount(cxz, i) * cellCount(cyz, i)));
  }
  if (opts.millerMadow) s += (cxz.m + cyz.m - cz.m - cxyz.m) / (2 * n);
  return s;
}

/** Plug-in conditional entropy H(X|Z) in nats. */
export function pluginCondEntropy(x: Matrix, z: Matrix, opts: PluginOptions = {}): number {
  const n = x.n;
  const cxz = rowCells(hstack(x, z)), cz = rowCells(z);
  let h = 0;
  for (const i of representatives(cxz)) {
    const nxz = cellCount(cxz, i);
    h -= (nxz / n) * Math.log(nxz / cellCount(cz, i));
  }
  if (opts.millerMadow) h += (cxz.m - cz.m) / (2 * n);
  return h;
}

/** Local plug-in MI i(x;y) = ln( n_xy N / (n_x n_y) ). */
export function pluginMiLocals(x: Matrix, y: Matrix): Float64Array {
  const n = x.n, cxy = rowCells(hstack(x, y)), cx = rowCells(x), cy = rowCells(y);
  return Float64Array.from({ length: n }, (_, i) => Math.log((cellCount(cxy, i) * n) / (cellCount(cx, i) * cellCount(cy, i))));
}

/** Local plug-in CMI i(x;y|z) = ln( n_xyz n_z / (n_xz n_yz) ). */
export function pluginCmiLocals(x: Matrix, y: Matrix, z: Matrix): Float64Array {
  const cxyz = rowCells(hstack(x, y, z)), cxz = rowCells(hstack(x, z)), cyz = rowCells(hstack(y, z)), cz = rowCells(z);
  return Float64Array.from({ length: x.n }, (_, i) => Math.log((cellCount(cxyz, i) * cellCount(cz, i)) / (cellCount(cxz, i) * cellCount(cyz, i))));
}

/** Local plug-in entropy h(x) = −ln(n_x / N). */
export function pluginEntropyLocals(x: Matrix): Float64Array {
  const c = rowCells(x), n = x.n;
  return Float64Array.from({ length: n }, (_, i) => -Math.log(cellCount(c, i) / n));
}

/** Local plug-in conditional entropy h(x|z) = −ln(n_xz / n_z). */
export function pluginCondEntropyLocals(x: Matrix, z: Matrix): Float64Array {
  const cxz = rowCells(hstack(x, z)), cz = rowCells(z);
  return Float64Array.from({ length: x.n }, (_, i) => -Math.log(cellCount(cxz, i) / cellCount(cz, i)));
}

/** Distinct rows of a block (the observed alphabet size, for χ² degrees of freedom). */
export function alphabet(m: Matrix): number {
  return rowCells(m).m;
}
