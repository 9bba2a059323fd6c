/**
 * Permutation contexts: structures that a shuffle leaves unchanged are built once, then
 * `estimate(perm)` rebuilds only what the shuffle changes.
 *   mi  (Y rows permuted: row i pairs x_i with y_perm[i]): X and Y marginal counters are
 *       reused (the multiset of y rows is unchanged, so a counter over Y answers any query);
 *       only the joint kd-tree is rebuilt.
 *   cmi (X rows permuted: x_perm[i] with y_i, z_i): the Z and YZ counters are reused; the
 *       joint and XZ trees are rebuilt.
 *   gaussian mi (Y rows permuted): X's means, centred rows and covariance block are reused;
 *       Y's means, the Y and cross blocks and the log-determinants are recomputed in place.
 *   other estimators: the permuted block is gathered and estimated from scratch.
 * The value is bit-identical to `estimate()` on the explicitly permuted data: the same
 * functions run on the same rows in the same order, and counts are exact integers.
 */
import { gatherRows, hstack, type Matrix } from '../data/matrix.js';
import { OptionError } from '../errors.js';
import { measureOf } from '../catalog/index.js';
import { jointOrders, KdTree, neighbourIndex, rangeCounter, Scratch, SortedMarginal } from '../knn/index.js';
import { ksg1PermutedCounts2d, WASM_MAX_CROWDING } from '../knn/wasm/ksg1-2d.js';
import { gaussianMiPermuted } from './gaussian.js';
import { ksg1FromParts } from './ksg1.js';
import { ksg1FromCounts } from './point-counts.js';
import { ksg2FromParts } from './ksg2.js';
import { ksgCmiFromParts } from './ksg-cmi.js';
import { mixedKsgFromParts } from './mixed-ksg.js';
import { normOf } from './norms.js';
import { dispatch } from './registry.js';
import { TIE_RELATIVE, tieTolerance } from './ties.js';
import type { EstimatorInput, EstimatorParams } from './types.js';

export interface PermutationContext {
  estimate(perm: Int32Array): number;
}

/** checkPerm's marks, reused across calls (a local: never escapes). */
let checked = new Uint8Array(0);

function checkPerm(perm: Int32Array, n: number): void {
  if (perm.length !== n) throw new OptionError(`permutation has length ${perm.length}, expected ${n}`, 'perm');
  const seen = checked.length === n ? checked.fill(0) : (checked = new Uint8Array(n));
  for (let i = 0; i < n; i++) {
    const p = perm[i]!;
    if (!(p >= 0 && p < n) || seen[p]) throw new OptionError(`permutation is not a permutation of 0..${n - 1} (entry ${i} = ${p})`, 'perm');
    seen[p] = 1;
  }
}

/** The input with rows of `block` permuted: row i takes row perm[i] of that block. */
export function permuteBlock(input: EstimatorInput, block: 'x' | 'y', perm: ArrayLike<number>): EstimatorInput {
  const m = input[block];
  if (!m) throw new OptionError(`the permuted block ${block} is missing`, block);
  return { ...input, [block]: gatherRows(m, perm) };
}

/** Build a context for validated input. */
export function buildContext(measure: string, estimator: string, input: EstimatorInput, params: EstimatorParams): PermutationContext {
  const { x } = input;
  const n = x.n, k = params.k;
  // the reused structures below are max-norm; other norms take the generic path
  const fast = normOf(params.options) === 'max';
  if (fast && measure === 'mi' && (estimator === 'ksg1' || estimator === 'ksg2' || estimator === 'mixed_ksg')) {
    const y = input.y as Matrix;
    const xc = rangeCounter(x), yc = rangeCounter(y);
    const tol = tieTolerance(x, y);
    // the permuted block, the joint block, the permuted ranks and the grid are rebuilt in
    // these arrays every replicate (each entry overwritten; nothing outlives one estimate)
    const scratch = new Scratch();
    const dx = x.d, dy = y.d, dj = dx + dy;
    const yp: Matrix = { n, d: dy, data: new Float64Array(n * dy) };
    const jointData: Matrix = { n, d: dj, data: new Float64Array(n * dj) };
    // ksg1 on two 1-D blocks: the WebAssembly kernel from the marginals' orders (no sort), the
    // same counts as below (knn/wasm/ksg1-2d.ts); it declines crowded grids
    const kernel = estimator === 'ksg1' && xc instanceof SortedMarginal && yc instanceof SortedMarginal
      ? { xo: { ...xc.order, index: xc.index }, yo: { ...yc.order, index: yc.index } }
      : undefined;
    return {
      estimate(perm) {
        checkPerm(perm, n);
        if (kernel) {
          const c = ksg1PermutedCounts2d(x.data, kernel.xo, y.data, kernel.yo, perm, k, TIE_RELATIVE, WASM_MAX_CROWDING);
          if (c) return ksg1FromCounts({ n, eps: c.eps, counts: [c.nx, c.ny], dim: 2 }, k);
        }
        // = gatherRows(y, perm) and hstack(x, yp), in place
        const xd = x.data, yd = y.data, pd = yp.data, jd = jointData.data;
        for (let i = 0; i < n; i++) {
          const s = perm[i]! * dy;
          for (let j = 0; j < dy; j++) pd[i * dy + j] = yd[s + j]!;
          for (let j = 0; j < dx; j++) jd[i * dj + j] = xd[i * dx + j]!;
          for (let j = 0; j < dy; j++) jd[i * dj + dx + j] = yd[s + j]!;
        }
        // the joint's column orders are the marginals' orders with Y's ranks permuted: O(N)
        const joint = neighbourIndex(jointData, jointOrders([x, yp], [xc, yc], [null, perm], scratch), scratch);
        if (estimator === 'ksg1') return ksg1FromParts(joint, x, xc, yp, yc, k, tol, perm);
        if (estimator === 'ksg2') return ksg2FromParts(joint, x, xc, yp, yc, k, tol);
        return mixedKsgFromParts(joint, jointData, x, xc, yp, yc, k, tol);
      },
    };
  }
  if (fast && measure === 'cmi' && estimator === 'ksg_cmi') {
    const y = input.y as Matrix, z = input.z as Matrix;
    const yz = hstack(y, z);
    const yzc = rangeCounter(yz), zc = rangeCounter(z);
    const tol = tieTolerance(x, y, z);
    return {
      estimate(perm) {
        checkPerm(perm, n);
        const xp = gatherRows(x, perm);
        const xz = hstack(xp, z);
        return ksgCmiFromParts(new KdTree(hstack(xp, y, z)), xz, rangeCounter(xz), yz, yzc, z, zc, k, tol);
      },
    };
  }
  const block = measureOf(measure).permutation?.block ?? 'x';
  if (measure === 'mi' && estimator === 'gaussian' && block === 'y' && (params.options?.['biasCorrection'] ?? 0) === 0) {
    // X's means, centred rows and covariance block are computed once (gaussian.ts)
    const permuted = gaussianMiPermuted(x, input.y as Matrix);
    return {
      estimate(perm) {
        checkPerm(perm, n);
        const v = permuted(perm);
        // a singular block: the generic path throws gaussianMi's error
        return Number.isNaN(v) ? dispatch(measure, estimator, permuteBlock(input, block, perm), params) : v;
      },
    };
  }
  return {
    estimate(perm) {
      checkPerm(perm, n);
      return dispatch(measure, estimator, permuteBlock(input, block, perm), params);
    },
  };
}
