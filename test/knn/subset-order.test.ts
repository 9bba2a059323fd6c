import assert from 'node:assert/strict';
import fc from 'fast-check';
import { gatherRows, type Matrix } from '../../shared/data/matrix.js';
import { EstimatorError } from '../../shared/errors.js';
import { estimate, estimateOnRows } from '../../shared/estimators/index.js';
import { columnOrder, subsetOrder } from '../../shared/knn/index.js';
import { permutation, stream } from '../../shared/rng/index.js';

/** Random values: continuous, tied (0.1 grid, with −0 and +0), or heavy-tailed (1/u). */
const value = (kind: string) =>
  kind === 'ties'
    ? fc.integer({ min: -3, max: 3 }).chain((v) => (v === 0 ? fc.constantFrom(-0, 0) : fc.constant(v * 0.1)))
    : kind === 'heavy'
      ? fc.double({ min: -1, max: 1, noNaN: true }).map((u) => (Number.isFinite(1 / u) ? 1 / u : 0))
      : fc.double({ min: -100, max: 100, noNaN: true });
const kindArb = fc.constantFrom('cont', 'ties', 'heavy');
/** A column and a row multiset (iid draw, with repeats) or subset (distinct rows). */
const caseArb = fc
  .record({ n: fc.integer({ min: 1, max: 60 }), kind: kindArb, iid: fc.boolean(), seed: fc.nat() })
  .chain(({ n, kind, iid, seed }) =>
    fc.array(value(kind), { minLength: n, maxLength: n }).map((v) => {
      const g = stream(seed, 0);
      const rows = iid ? Int32Array.from({ length: n }, () => g.nextUint32() % n) : permutation(n, g).subarray(0, Math.max(1, (seed % n) + 1));
      return { col: Float64Array.from(v), rows };
    }),
  );

const bitsEqual = (a: Float64Array, b: Float64Array) => assert.deepEqual(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), new Uint8Array(b.buffer, b.byteOffset, b.byteLength));

describe('knn/order subsetOrder', () => {
  it('equals columnOrder of the gathered rows exactly (random, tied with ±0, heavy-tailed; subsets and iid multisets)', () => {
    fc.assert(
      fc.property(caseArb, ({ col, rows }) => {
        const want = columnOrder(Float64Array.from(rows, (r) => col[r]!), 1, 0);
        const got = subsetOrder(columnOrder(col, 1, 0), rows);
        bitsEqual(got.sorted, want.sorted);
        assert.deepEqual(got.rank, want.rank);
        for (let t = 0; t < rows.length; t++) assert.equal(got.rank[got.index![t]!], t);
      }),
      { numRuns: 300 },
    );
  });
});

function gauss(n: number, dx: number, seed: number, grid = 0): { x: Matrix; y: Matrix } {
  const r = stream(seed, 0);
  const q = (v: number) => (grid ? Math.round(v / grid) * grid : v);
  const x = new Float64Array(n * dx), y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < dx; j++) { const a = r.nextGaussian(); x[i * dx + j] = q(a); s += a; }
    y[i] = q(0.6 * s + 0.8 * r.nextGaussian());
  }
  return { x: { n, d: dx, data: x }, y: { n, d: 1, data: y } };
}

describe('estimators estimateOnRows', () => {
  const n = 600;
  const cases = [
    { name: 'continuous', input: gauss(n, 1, 1) },
    { name: 'tied (0.1 grid)', input: gauss(n, 1, 2, 0.1) },
    { name: '2-D x', input: gauss(n, 2, 3) },
  ];
  for (const { name, input } of cases) {
    for (const est of ['ksg1', 'ksg2', 'mixed_ksg', 'gaussian']) {
      it(`${est}, ${name}: bit-identical to estimate() on the gathered rows (subsample and iid with repeated rows)`, () => {
        for (let r = 0; r < 4; r++) {
          const g = stream(11, r);
          const sets = [permutation(n, g).subarray(0, n / 2), Int32Array.from({ length: n }, () => g.nextUint32() % n)];
          for (const rows of sets) {
            const want = estimate('mi', est, { x: gatherRows(input.x, rows), y: gatherRows(input.y, rows) }, { k: 3 });
            const got = estimateOnRows('mi', est, input, { k: 3 }, rows);
            assert.ok(Object.is(got, want), `${got} !== ${want}`);
          }
        }
      });
    }
  }
  it('rejects k ≥ rows like estimate()', () => {
    const input = gauss(20, 1, 4);
    assert.throws(() => estimateOnRows('mi', 'ksg1', input, { k: 3 }, [0, 1, 2]), EstimatorError);
  });
});

describe('knn/order columnOrder from N = 4e4 (native sort and rank search; 16-bit radix digits with −0)', () => {
  it('equals a stable comparator argsort on tied (±0), heavy-tailed and continuous columns', () => {
    const n = 50_000;
    const g = stream(21, 0);
    const cols = [
      Float64Array.from({ length: n }, () => g.nextGaussian()),
      Float64Array.from({ length: n }, () => { const v = (g.nextUint32() % 41) - 20; return v === 0 ? (g.nextUint32() & 1 ? -0 : 0) : v * 0.1; }),
      Float64Array.from({ length: n }, () => 1 / (g.nextGaussian() || 1)),
      // tied without −0: the native-sort path (columnOrderNative) ranks runs of equal values by row
      Float64Array.from({ length: n }, () => ((g.nextUint32() % 41) - 20) * 0.1 + 0),
    ];
    const key = (v: number) => (v === 0 && 1 / v < 0 ? -Number.MIN_VALUE : v); // −0 just below +0 (no data near ±5e-324)
    for (const col of cols) {
      const ix = Array.from({ length: n }, (_, i) => i).sort((a, b) => key(col[a]!) - key(col[b]!) || a - b);
      const got = columnOrder(col, 1, 0);
      bitsEqual(got.sorted, Float64Array.from(ix, (i) => col[i]!));
      for (let p = 0; p < n; p++) assert.equal(got.rank[ix[p]!], p);
      // column 1 of a 2-column row-major block: the same order
      const block = new Float64Array(2 * n);
      for (let i = 0; i < n; i++) { block[2 * i] = g.nextGaussian(); block[2 * i + 1] = col[i]!; }
      const strided = columnOrder(block, 2, 1);
      bitsEqual(strided.sorted, got.sorted);
      assert.deepEqual(strided.rank, got.rank);
    }
  });
});
