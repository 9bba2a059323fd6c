/**
 * Box-kernel (fixed-width) density estimates of entropy and MI, as JIDT's
 * EntropyCalculatorMultiVariateKernel and MutualInfoCalculatorMultiVariateKernel (Silverman,
 * Density Estimation, 1986, eq. (2.1) with the uniform kernel), resubstitution over the sample:
 *
 *   c_i = #{ j : ‖s_j − s_i‖∞ ≤ r } in the space S of the density, the point itself included
 *   (so c_i ≥ 1), f̂(s_i) = c_i / (N (2r)^d);  r = `kernelWidth` (in sd units when normalize is
 *   on, as JIDT, whose default is 0.25)
 *   Ĥ = −⟨ ln f̂(x_i) ⟩,   Î = ⟨ ln( N c_xy(i) / (c_x(i) c_y(i)) ) ⟩          (nats; the (2r)^d cancel)
 *
 * Counts use the max-norm range counters of knn/ with the tie-adjusted inclusive radius.
 */
import { hstack, type Matrix } from '../data/matrix.js';
import { rangeCounter } from '../knn/index.js';
import { inclusiveRadius, tieTolerance } from './ties.js';

/** Box-kernel counts c_i (self included) within max-norm radius r. */
function boxCounts(m: Matrix, r: number): Int32Array {
  const c = rangeCounter(m);
  const rr = inclusiveRadius(r, tieTolerance(m));
  const out = new Int32Array(m.n);
  for (let i = 0; i < m.n; i++) out[i] = c.count(m.data, i * m.d, rr, false);
  return out;
}

/** Box-kernel differential entropy of the rows of x, in nats. */
export function boxEntropy(x: Matrix, r: number): number {
  const { n, d } = x;
  const c = boxCounts(x, r);
  let s = 0;
  for (let i = 0; i < n; i++) s += Math.log(c[i]!);
  return -(s / n) + Math.log(n) + d * Math.log(2 * r);
}

/** Box-kernel MI between the rows of x and y, in nats. */
export function boxMi(x: Matrix, y: Matrix, r: number): number {
  const n = x.n;
  const cx = boxCounts(x, r), cy = boxCounts(y, r), cj = boxCounts(hstack(x, y), r);
  let s = 0;
  for (let i = 0; i < n; i++) s += Math.log((n * cj[i]!) / (cx[i]! * cy[i]!));
  return s / n;
}
