/** GridIndex.kthAll (batch in storage order) equals the per-row knn k-th distances and brute force exactly. */
import assert from 'node:assert/strict';
import { kthDistancesAll } from '../../shared/estimators/counts.js';
import { BruteForce, GridIndex, KdTree } from '../../shared/knn/index.js';
import { stream } from '../../shared/rng/index.js';

describe('knn: GridIndex.kthAll', () => {
  for (const d of [1, 2, 3]) {
    for (const ties of [false, true]) {
      it(`d = ${d}${ties ? ', tied data' : ''}: kthAll(k) equals knn(i, k) and brute force for every row, k = 1..5`, () => {
        const n = 600;
        const r = stream(21, d, 0);
        const data = new Float64Array(n * d);
        for (let i = 0; i < data.length; i++) data[i] = ties ? (r.nextInt(5) - 2) * 0.1 : r.nextGaussian() * (i % d === 0 ? 1 : 30);
        const m = { n, d, data };
        const grid = new GridIndex(m), brute = new BruteForce(m);
        const out = new Float64Array(n), dist = new Float64Array(5), bd = new Float64Array(5);
        for (let k = 1; k <= 5; k++) {
          out.fill(NaN);
          grid.kthAll(k, out);
          for (let i = 0; i < n; i++) {
            grid.knn(i, k, dist, null, 0);
            brute.knn(i, k, bd, null, 0);
            assert.ok(Object.is(out[i], dist[k - 1]) && Object.is(out[i], bd[k - 1]), `k=${k} row ${i}`);
          }
        }
      });
    }
  }

  it('kthDistancesAll at N = 5e4 (where it takes the batch) equals per-row knn on a grid and a kd-tree', () => {
    const n = 50_000, k = 4;
    const r = stream(22, 0, 0);
    const data = new Float64Array(2 * n);
    for (let i = 0; i < n; i++) { const a = r.nextGaussian(); data[2 * i] = a; data[2 * i + 1] = Math.round((a + r.nextGaussian()) * 50) / 50; }
    const m = { n, d: 2, data };
    const grid = new GridIndex(m), tree = new KdTree(m);
    const got = kthDistancesAll(grid, k);
    const dist = new Float64Array(k), td = new Float64Array(k);
    for (let i = 0; i < n; i++) {
      grid.knn(i, k, dist, null, 0);
      tree.knn(i, k, td, null, 0);
      assert.ok(Object.is(got[i], dist[k - 1]) && Object.is(got[i], td[k - 1]), `row ${i}`);
    }
  });
});
