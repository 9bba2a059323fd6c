/**
 * Estimates on a subset or multiset of the rows (subsample / iid bootstrap / jackknife /
 * bagging replicates) that reuse the parent data's sorted column orders: a replicate's order
 * is the parent's filtered in O(N) (knn/order.ts `subsetOrder`) instead of a sort per
 * replicate. The value is bit-identical to `estimate()` on the gathered rows: the derived
 * orders equal the sorted orders exactly, so the same structures are built and the same
 * sums run in the same order.
 */
import { gatherRows, type Matrix } from '../data/matrix.js';
import { columnOrder, subsetOrder, type ColumnOrder } from '../knn/order.js';
import { Scratch } from '../knn/scratch.js';
import { validateShape } from './check.js';
import { ksg1 } from './ksg1.js';
import { ksg2 } from './ksg2.js';
import { mixedKsg } from './mixed-ksg.js';
import { normOf } from './norms.js';
import { dispatch } from './registry.js';
import type { BlockOrders, EstimatorInput, EstimatorParams } from './types.js';

/** Orders of 1-D parent blocks, built once per block object (per thread). */
const parentOrders = new WeakMap<Matrix, ColumnOrder>();

function orderOf(m: Matrix): ColumnOrder {
  let o = parentOrders.get(m);
  if (!o) {
    o = columnOrder(m.data, 1, 0);
    parentOrders.set(m, o);
  }
  return o;
}

/**
 * The gathered blocks, their orders and the joint structures of one call (per thread; nothing
 * taken from it outlives the call: the estimators return numbers).
 */
const local = new Scratch();

/** Rows `rows` of m, gathered into a scratch slot (= gatherRows). */
function gatherInto(m: Matrix, rows: ArrayLike<number>, slot: string): Matrix {
  const d = m.d, n = rows.length, src = m.data;
  const data = local.f64(slot, n * d);
  for (let i = 0; i < n; i++) {
    const s = rows[i]! * d;
    for (let j = 0; j < d; j++) data[i * d + j] = src[s + j]!;
  }
  return { n, d, data };
}

/** Estimators whose 1-D marginals are sorted (the ones a parent order speeds up). */
const ORDERED: Readonly<Record<string, (x: Matrix, y: Matrix, k: number, orders?: BlockOrders, scratch?: Scratch) => number>> = {
  'mi:ksg1': ksg1,
  'mi:ksg2': ksg2,
  'mi:mixed_ksg': mixedKsg,
};

/**
 * `estimate(measure, estimator, input restricted to rows, params)`, bit for bit: row i of the
 * replicate is row rows[i] of `input` (rows may repeat). Estimators without sorted marginals
 * simply run on the gathered rows.
 */
export function estimateOnRows(measure: string, estimator: string, input: EstimatorInput, params: EstimatorParams, rows: ArrayLike<number>): number {
  // the ordered fast paths are max-norm (a Euclidean job takes the generic path)
  const f = normOf(params.options) === 'max' ? ORDERED[`${measure}:${estimator}`] : undefined;
  const y = input.y;
  if (!f || !y || (input.x.d !== 1 && y.d !== 1)) {
    const sub: EstimatorInput = { x: gatherRows(input.x, rows) };
    if (input.y) sub.y = gatherRows(input.y, rows);
    if (input.z) sub.z = gatherRows(input.z, rows);
    if (input.t) sub.t = gatherRows(input.t, rows);
    validateShape(measure, estimator, sub, params);
    return dispatch(measure, estimator, sub, params);
  }
  const sub: EstimatorInput & { y: Matrix } = { x: gatherInto(input.x, rows, 'rows.x'), y: gatherInto(y, rows, 'rows.y') };
  if (input.z) sub.z = gatherRows(input.z, rows);
  validateShape(measure, estimator, sub, params);
  const ox = input.x.d === 1 ? subsetOrder(orderOf(input.x), rows, local, 'rows.ox') : undefined;
  const oy = y.d === 1 ? subsetOrder(orderOf(y), rows, local, 'rows.oy') : undefined;
  return f(sub.x, sub.y, params.k, [ox, oy], local);
}
