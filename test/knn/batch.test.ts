import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { Matrix } from '../../shared/data/matrix.js';
import { rowCells } from '../../shared/estimators/cells.js';
import { kthDistancesAll, othersStrictAll } from '../../shared/estimators/counts.js';
import { BruteForce, KdTree, neighbourIndex, SortedMarginal } from '../../shared/knn/index.js';

/** Random values: continuous, tied (0.1 grid, with −0), or heavy-tailed (1/u). */
const valuesArb = (len: number, kind: string) =>
  fc.array(
    kind === 'ties'
      ? fc.integer({ min: -3, max: 3 }).map((v) => (v === 0 ? -0 : v * 0.1))
      : kind === 'heavy'
        ? fc.double({ min: -1, max: 1, noNaN: true }).map((u) => (Number.isFinite(1 / u) ? 1 / u : 0))
        : fc.double({ min: -100, max: 100, noNaN: true }),
    { minLength: len, maxLength: len },
  );
const matrixArb = (maxN: number, maxD: number) =>
  fc
    .record({ n: fc.integer({ min: 4, max: maxN }), d: fc.integer({ min: 1, max: maxD }), kind: fc.constantFrom('cont', 'ties', 'heavy') })
    .chain(({ n, d, kind }) => valuesArb(n * d, kind).map((v): Matrix => ({ n, d, data: Float64Array.from(v) })));
/** Radii: zero, tiny, data-scale, or equal to an exact distance (ties at the boundary). */
const radii = (m: Matrix, seed: number): Float64Array => {
  const r = new Float64Array(m.n);
  for (let i = 0; i < m.n; i++) {
    const j = (i * 7 + seed) % m.n;
    const t = (i + seed) % 4;
    r[i] = t === 0 ? 0 : t === 1 ? 1e-300 : t === 2 ? Math.abs(m.data[i * m.d]! - m.data[j * m.d]!) : Math.abs(m.data[j * m.d]!) + 1;
  }
  return r;
};
const brute = (m: Matrix, i: number, r: number, strict: boolean) => new BruteForce(m).count(m.data, i * m.d, r, strict);

describe('knn: batched self-queries (sorted sweep, storage order) equal brute force', () => {
  it('SortedMarginal.countSelf = brute-force count per row, strict and non-strict', () => {
    fc.assert(
      fc.property(matrixArb(120, 1), fc.nat(50), (m, seed) => {
        const s = new SortedMarginal(m);
        const r = radii(m, seed);
        for (const strict of [true, false]) {
          const out = new Int32Array(m.n);
          s.countSelf(r, strict, out);
          for (let i = 0; i < m.n; i++) assert.equal(out[i], brute(m, i, r[i]!, strict), `row ${i}`);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('othersStrictAll = per-row strict count minus self, with a permuted block and at any d', () => {
    fc.assert(
      fc.property(matrixArb(80, 3), fc.nat(50), (m, seed) => {
        const c = m.d === 1 ? new SortedMarginal(m) : new KdTree(m, 4);
        const r = radii(m, seed);
        const perm = Int32Array.from({ length: m.n }, (_, i) => (i * 5 + seed) % m.n);
        const bijective = new Set(perm).size === m.n;
        const q: Matrix = { n: m.n, d: m.d, data: new Float64Array(m.n * m.d) };
        for (let i = 0; i < m.n; i++) for (let j = 0; j < m.d; j++) q.data[i * m.d + j] = m.data[perm[i]! * m.d + j]!;
        const plain = othersStrictAll(c, m, r);
        const permuted = othersStrictAll(c, q, r, bijective ? perm : undefined);
        for (let i = 0; i < m.n; i++) {
          const self = r[i]! > 0 ? 1 : 0;
          assert.equal(plain[i], brute(m, i, r[i]!, true) - self);
          assert.equal(permuted[i], new BruteForce(m).count(q.data, i * m.d, r[i]!, true) - self);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('kthDistancesAll (storage-order queries) = brute-force k-th distance', () => {
    fc.assert(
      fc.property(matrixArb(400, 3), fc.integer({ min: 1, max: 3 }), (m, k) => {
        const idx = neighbourIndex(m);
        const b = new BruteForce(m);
        const got = kthDistancesAll(idx, k);
        const dist = new Float64Array(k);
        for (let i = 0; i < m.n; i++) {
          b.knn(i, k, dist, null, 0);
          assert.ok(Object.is(got[i], dist[k - 1]), `row ${i}`);
        }
      }),
      { numRuns: 60 },
    );
  });

  it('rowCells: cells numbered in lexicographic row order, −0 and +0 one value', () => {
    fc.assert(
      fc.property(matrixArb(60, 3), (m) => {
        const { ids, counts, m: cells } = rowCells(m);
        const key = (i: number) => Array.from(m.data.subarray(i * m.d, (i + 1) * m.d), (v) => (v === 0 ? 0 : v));
        const cmp = (a: number[], b: number[]) => { for (let j = 0; j < a.length; j++) if (a[j] !== b[j]) return a[j]! < b[j]! ? -1 : 1; return 0; };
        const distinct: number[][] = [];
        for (let i = 0; i < m.n; i++) if (!distinct.some((r) => cmp(r, key(i)) === 0)) distinct.push(key(i));
        distinct.sort(cmp);
        assert.equal(cells, distinct.length);
        const want = new Int32Array(cells);
        for (let i = 0; i < m.n; i++) {
          const id = distinct.findIndex((r) => cmp(r, key(i)) === 0);
          assert.equal(ids[i], id);
          want[id]!++;
        }
        assert.deepEqual(counts, want);
      }),
      { numRuns: 200 },
    );
  });
});
