/**
 * ksg1Rows (estimators/ksg1.ts): the per-point work of one KSG-1 estimate done in shares of
 * the query rows, each share on its own copy of the structures (as two threads build them),
 * summed by ksg1FromRows, is ksg1's value bit for bit: on the reference cases, and on random
 * data with ties around the sizes where the structures change (grid batch from 4e4 rows, native
 * sort from 4e4, the engine's split threshold), for 1-D and 2-D blocks and crowded data.
 */
import assert from 'node:assert/strict';
import type { Matrix } from '../../shared/data/matrix.js';
import { ksg1, ksg1FromRows, ksg1Parts, ksg1Rows } from '../../shared/estimators/ksg1.js';
import { columnOrder } from '../../shared/knn/order.js';
import { columns, gaussianSample, loadCases, readCsv, select } from './helpers.js';

/** ksg1 through `shares` shares of the query rows, done in reverse order, alternating between two builds. */
function bySharing(x: Matrix, y: Matrix, k: number, shares: number): number {
  const n = x.n;
  // one build sorts itself, the other is handed the orders (as the split's threads are)
  const a = ksg1Parts(x, y);
  const b = ksg1Parts(x, y, [x.d === 1 ? columnOrder(x.data, 1, 0) : undefined, y.d === 1 ? columnOrder(y.data, 1, 0) : undefined]);
  assert.deepEqual(a.order, b.order, 'both builds share out the same query order');
  const eps = new Float64Array(n).fill(NaN), nx = new Int32Array(n).fill(-1), ny = new Int32Array(n).fill(-1);
  for (let s = shares - 1; s >= 0; s--) {
    ksg1Rows(s % 2 ? a : b, k, Math.floor((s * n) / shares), Math.floor(((s + 1) * n) / shares), eps, nx, ny);
  }
  for (let i = 0; i < n; i++) assert.ok(nx[i]! >= 0 && ny[i]! >= 0 && !Number.isNaN(eps[i]), `row ${i} filled by one share`);
  return ksg1FromRows(n, k, eps, nx, ny, x.d + y.d);
}

/** Rounded to `step` (ties, as decimal data has them). */
function rounded(m: Matrix, step: number): Matrix {
  return { ...m, data: m.data.map((v) => Math.round(v / step) * step) };
}

function same(x: Matrix, y: Matrix, k: number, sharesList = [1, 2, 3, 8]): void {
  const want = ksg1(x, y, k);
  for (const shares of sharesList) {
    const got = bySharing(x, y, k, shares);
    assert.ok(Object.is(got, want), `${shares} shares: ${got} vs ksg1 ${want} (N = ${x.n}, k = ${k})`);
  }
}

describe('ksg1Rows: one estimate in shares of the query rows = ksg1, bit for bit', () => {
  const cases = loadCases().filter((c) => c.measure === 'mi' && c.estimator === 'ksg1');
  it(`the ${cases.length} ksg1 reference cases`, () => {
    assert.ok(cases.length > 0);
    for (const c of cases) {
      const t = readCsv(c.file);
      same(select(t, c.x), select(t, c.y!), c.k ?? 3);
    }
  });

  for (const n of [300, 19_999, 20_000, 40_001, 50_000]) {
    it(`random data with ties, N = ${n}, k = 3 and 5`, () => {
      const m = rounded(gaussianSample(n, [[1, 0], [0.6, 0.8]], n), 0.01);
      same(columns(m, 0, 1), columns(m, 1, 2), 3);
      if (n <= 20_000) same(columns(m, 0, 1), columns(m, 1, 2), 5, [2, 5]);
    });
  }

  it('2-D and 1-D blocks (kd-tree marginal, 3-D grid), with ties', () => {
    const m = rounded(gaussianSample(5000, [[1, 0, 0], [0.5, 0.8, 0], [0.3, 0.2, 0.9]], 11), 0.05);
    same(columns(m, 0, 2), columns(m, 2, 3), 4);
  });

  it('strongly dependent columns (crowded grid: kd-tree joint)', () => {
    const m = gaussianSample(3000, [[1, 0], [0.9999, 0.01]], 5);
    same(columns(m, 0, 1), columns(m, 1, 2), 3);
  });
});
