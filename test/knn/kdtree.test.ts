import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { Matrix } from '../../shared/data/matrix.js';
import { BruteForce, KdTree, SortedMarginal } from '../../shared/knn/index.js';

/** Random n×d data: continuous doubles, or small integers (heavy exact ties). */
const matrixArb = (maxN: number, maxD: number) =>
  fc
    .record({ n: fc.integer({ min: 2, max: maxN }), d: fc.integer({ min: 1, max: maxD }), ties: fc.boolean(), seed: fc.integer() })
    .chain(({ n, d, ties }) =>
      fc
        .array(ties ? fc.integer({ min: -3, max: 3 }).map((v) => v * 0.1) : fc.double({ min: -100, max: 100, noNaN: true }), {
          minLength: n * d,
          maxLength: n * d,
        })
        .map((vals): Matrix => ({ n, d, data: Float64Array.from(vals) })),
    );

describe('knn: kd-tree equals brute force', () => {
  it('k nearest neighbours (distances and (distance, index)-ordered indices), self excluded', () => {
    fc.assert(
      fc.property(matrixArb(120, 4), fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 8 }), (m, kk, leaf) => {
        const k = Math.min(kk, m.n - 1);
        const tree = new KdTree(m, leaf), brute = new BruteForce(m);
        const td = new Float64Array(k), bd = new Float64Array(k), ti = new Int32Array(k), bi = new Int32Array(k);
        for (let i = 0; i < m.n; i++) {
          tree.knn(i, k, td, ti, 0);
          brute.knn(i, k, bd, bi, 0);
          assert.deepEqual(td, bd);
          assert.deepEqual(ti, bi);
          assert.ok(!ti.includes(i));
        }
      }),
      { numRuns: 150 },
    );
  });

  it('k nearest stored points to outside queries (knnPoint)', () => {
    fc.assert(
      fc.property(matrixArb(80, 3), fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 8 }), (m, kk, leaf) => {
        const k = Math.min(kk, m.n);
        const tree = new KdTree(m, leaf), brute = new BruteForce(m);
        const td = new Float64Array(k), bd = new Float64Array(k), ti = new Int32Array(k), bi = new Int32Array(k);
        // queries: stored points shifted by a small tie-prone offset, so exact ties occur
        const q = m.data.map((v, t) => v + (t % 3) * 0.1);
        for (let i = 0; i < m.n; i++) {
          tree.knnPoint(q, i * m.d, k, td, ti, 0);
          brute.knnPoint(q, i * m.d, k, bd, bi, 0);
          assert.deepEqual(td, bd);
          assert.deepEqual(ti, bi);
        }
      }),
      { numRuns: 100 },
    );
  });

  it('strict and non-strict range counts, at radii equal to actual distances (exact ties)', () => {
    fc.assert(
      fc.property(matrixArb(100, 3), fc.integer({ min: 1, max: 8 }), (m, leaf) => {
        const tree = new KdTree(m, leaf), brute = new BruteForce(m);
        const sorted = m.d === 1 ? new SortedMarginal(m) : null;
        const q = m.data;
        for (let i = 0; i < m.n; i++) {
          const j = (i * 7 + 3) % m.n;
          // radii: an actual inter-point distance (the tie case), zero, and a fraction
          let r = 0;
          for (let t = 0; t < m.d; t++) r = Math.max(r, Math.abs(q[i * m.d + t]! - q[j * m.d + t]!));
          for (const rad of [r, 0, r / 3, r * 2]) {
            for (const strict of [true, false]) {
              const want = brute.count(q, i * m.d, rad, strict);
              assert.equal(tree.count(q, i * m.d, rad, strict), want);
              if (sorted) assert.equal(sorted.count(q, i * m.d, rad, strict), want);
            }
          }
        }
      }),
      { numRuns: 150 },
    );
  });

  it('sorted marginal is exact where x ± r would round (large offsets)', () => {
    const vals = Float64Array.from([1e6, 1e6 + 0.1, 1e6 + 0.2, 1e6 + 0.30000000000000004, 1e6 - 0.1]);
    const m: Matrix = { n: vals.length, d: 1, data: vals };
    const s = new SortedMarginal(m), b = new BruteForce(m);
    for (let i = 0; i < m.n; i++) {
      for (let j = 0; j < m.n; j++) {
        const r = Math.abs(vals[i]! - vals[j]!);
        for (const strict of [true, false]) assert.equal(s.count(vals, i, r, strict), b.count(vals, i, r, strict));
      }
    }
  });

  it('handles all-identical points and k = n − 1', () => {
    const m: Matrix = { n: 40, d: 2, data: new Float64Array(80).fill(1.5) };
    const tree = new KdTree(m, 4);
    const dist = new Float64Array(39), idx = new Int32Array(39);
    tree.knn(5, 39, dist, idx, 0);
    assert.ok(dist.every((v) => v === 0));
    assert.deepEqual(Array.from(idx), [...Array.from({ length: 5 }, (_, t) => t), ...Array.from({ length: 34 }, (_, t) => t + 6)]);
    assert.equal(tree.count(m.data, 0, 0, true), 0);
    assert.equal(tree.count(m.data, 0, 0, false), 40);
  });

  it('kthDistances on a grid: analytic values', () => {
    // 10×10 integer grid: every point has a neighbour at max-norm distance 1; an interior
    // point has 8 at distance 1 and 16 at distance 2, so its 9th is at 2.
    const data = new Float64Array(200);
    for (let i = 0; i < 100; i++) { data[2 * i] = i % 10; data[2 * i + 1] = Math.floor(i / 10); }
    const tree = new KdTree({ n: 100, d: 2, data }, 3);
    const k1 = tree.kthDistances(1);
    assert.ok(k1.every((v) => v === 1));
    const k9 = tree.kthDistances(9);
    assert.equal(k9[55], 2); // interior
    // corner (0,0): 3 points at distance 1, 5 at distance 2, so the 9th is at 3
    assert.equal(k9[0], 3);
    assert.equal(tree.kthDistances(8)[0], 2);
  });
});
