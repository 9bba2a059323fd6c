import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { Matrix } from '../../shared/data/matrix.js';
import { BruteForce, columnOrder, GridIndex, neighbourIndex, SortedMarginal } from '../../shared/knn/index.js';

/** Random n×d data: continuous, tied (0.1 grid), or heavy-tailed (Cauchy-like 1/u). */
const matrixArb = (maxN: number, maxD: number) =>
  fc
    .record({ n: fc.integer({ min: 2, max: maxN }), d: fc.integer({ min: 1, max: maxD }), kind: fc.constantFrom('cont', 'ties', 'heavy') })
    .chain(({ n, d, kind }) =>
      fc
        .array(
          kind === 'ties'
            ? fc.integer({ min: -3, max: 3 }).map((v) => v * 0.1)
            : kind === 'heavy'
              ? fc.double({ min: -1, max: 1, noNaN: true }).map((u) => (Number.isFinite(1 / u) ? 1 / u : 0)) // data are validated finite
              : fc.double({ min: -100, max: 100, noNaN: true }),
          { minLength: n * d, maxLength: n * d },
        )
        .map((vals): Matrix => ({ n, d, data: Float64Array.from(vals) })),
    );

describe('knn: rank grid, radix order and galloping counts equal brute force', () => {
  it('columnOrder: sorted values equal the native sort, ranks invert the order', () => {
    fc.assert(
      fc.property(matrixArb(200, 3), (m) => {
        for (let j = 0; j < m.d; j++) {
          const col = Float64Array.from({ length: m.n }, (_, i) => m.data[i * m.d + j]!);
          const o = columnOrder(m.data, m.d, j);
          assert.deepEqual(o.sorted, Float64Array.from(col).sort());
          const seen = new Uint8Array(m.n);
          for (let i = 0; i < m.n; i++) {
            assert.ok(Object.is(o.sorted[o.rank[i]!], col[i]));
            seen[o.rank[i]!] = 1;
          }
          assert.ok(seen.every((s) => s === 1));
        }
      }),
      { numRuns: 150 },
    );
    // signed zeros and extremes
    const v = Float64Array.from([0, -0, -1e308, 1e308, -Number.MIN_VALUE, Number.MIN_VALUE, 3, -3]);
    assert.deepEqual(columnOrder(v, 1, 0).sorted, Float64Array.from(v).sort());
  });

  it('grid knn: k-th distances and (distance, index)-ordered neighbour sets (ksg2 sets), self excluded', () => {
    fc.assert(
      fc.property(matrixArb(150, 3), fc.integer({ min: 1, max: 6 }), fc.double({ min: 0.3, max: 6, noNaN: true }), (m, kk, occ) => {
        const k = Math.min(kk, m.n - 1);
        const grid = new GridIndex(m, undefined, occ), brute = new BruteForce(m);
        const gd = new Float64Array(k), bd = new Float64Array(k), gi = new Int32Array(k), bi = new Int32Array(k);
        for (let i = 0; i < m.n; i++) {
          grid.knn(i, k, gd, gi, 0);
          brute.knn(i, k, bd, bi, 0);
          assert.deepEqual(gd, bd);
          assert.deepEqual(gi, bi);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('grid strict and non-strict counts at radii equal to actual distances (exact ties)', () => {
    fc.assert(
      fc.property(matrixArb(120, 3), fc.double({ min: 0.3, max: 6, noNaN: true }), (m, occ) => {
        const grid = new GridIndex(m, undefined, occ), brute = new BruteForce(m);
        const q = m.data;
        for (let i = 0; i < m.n; i++) {
          const j = (i * 7 + 3) % m.n;
          let r = 0;
          for (let t = 0; t < m.d; t++) r = Math.max(r, Math.abs(q[i * m.d + t]! - q[j * m.d + t]!));
          for (const rad of [r, 0, r / 3, r * 2]) {
            for (const strict of [true, false]) assert.equal(grid.count(q, i * m.d, rad, strict), brute.count(q, i * m.d, rad, strict));
          }
        }
      }),
      { numRuns: 150 },
    );
  });

  it('sorted marginal countNear equals count from any hint row', () => {
    fc.assert(
      fc.property(matrixArb(150, 1), fc.integer({ min: 0, max: 1000 }), (m, shift) => {
        const s = new SortedMarginal(m), b = new BruteForce(m);
        const q = m.data;
        for (let i = 0; i < m.n; i++) {
          const j = (i * 5 + 1) % m.n;
          const r = Math.abs(q[i]! - q[j]!);
          for (const rad of [r, 0, r / 2, r * 3]) {
            for (const strict of [true, false]) {
              const want = b.count(q, i, rad, strict);
              assert.equal(s.countNear(i, q, i, rad, strict), want); // the right hint
              assert.equal(s.countNear((i + shift) % m.n, q, i, rad, strict), want); // a wrong one
            }
          }
        }
      }),
      { numRuns: 150 },
    );
  });

  it('neighbourIndex on a large crowded set (y = x) and on heavy tails equals brute force', () => {
    const n = 600;
    for (const kind of ['diag', 'heavy']) {
      const data = new Float64Array(2 * n);
      for (let i = 0; i < n; i++) {
        const u = ((i * 7919) % 1009) / 1009 - 0.5;
        data[2 * i] = kind === 'diag' ? u : 1 / (u + 1e-3);
        data[2 * i + 1] = kind === 'diag' ? u : Math.tan(3 * u) ** 3;
      }
      const m: Matrix = { n, d: 2, data };
      const idx = neighbourIndex(m), brute = new BruteForce(m);
      const a = new Float64Array(4), b = new Float64Array(4), ai = new Int32Array(4), bi = new Int32Array(4);
      for (let i = 0; i < n; i++) {
        idx.knn(i, 4, a, ai, 0);
        brute.knn(i, 4, b, bi, 0);
        assert.deepEqual(a, b);
        assert.deepEqual(ai, bi);
      }
    }
  });

  it('grid on all-identical points and k = n − 1', () => {
    const m: Matrix = { n: 40, d: 2, data: new Float64Array(80).fill(1.5) };
    const grid = new GridIndex(m);
    const dist = new Float64Array(39), idx = new Int32Array(39);
    grid.knn(5, 39, dist, idx, 0);
    assert.ok(dist.every((v) => v === 0));
    assert.deepEqual(Array.from(idx), [...Array.from({ length: 5 }, (_, t) => t), ...Array.from({ length: 34 }, (_, t) => t + 6)]);
    assert.equal(grid.count(m.data, 0, 0, true), 0);
    assert.equal(grid.count(m.data, 0, 0, false), 40);
  });
});
