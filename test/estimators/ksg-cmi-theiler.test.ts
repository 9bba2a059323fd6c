import assert from 'node:assert/strict';
import type { Matrix } from '../../shared/data/matrix.js';
import { EstimatorError, OptionError } from '../../shared/errors.js';
import { ksgCmi } from '../../shared/estimators/ksg-cmi.js';
import { ksgCmiTheiler } from '../../shared/estimators/ksg-cmi-theiler.js';
import { strictRadius, tieTolerance } from '../../shared/estimators/ties.js';
import { embedForTe, transferEntropy } from '../../shared/estimators/transfer-entropy.js';
import { stream } from '../../shared/rng/index.js';
import { digamma } from '../../shared/stats/special.js';
import { relErr } from './helpers.js';

/** An AR(1) target driven by a source: strongly autocorrelated rows, where a window matters. */
function series(n: number, seed: number, grid?: number): { x: Matrix; y: Matrix } {
  const r = stream(seed, 0), x = new Float64Array(n), y = new Float64Array(n);
  for (let t = 0; t < n; t++) {
    y[t] = (t ? 0.8 * y[t - 1]! : 0) + r.nextGaussian();
    x[t] = (t ? 0.6 * x[t - 1]! + 0.4 * y[t - 1]! : 0) + r.nextGaussian();
  }
  const s = grid ? Math.round(1 / grid) : 0;
  const q = (a: Float64Array): Float64Array => (s ? a.map((v) => Math.round(v * s) / s) : a);
  return { x: { n, d: 1, data: q(x) }, y: { n, d: 1, data: q(y) } };
}

/** The definition with a full scan and sort per row (no kNN structure); t[i] = row i's time step. */
function reference(x: Matrix, y: Matrix, z: Matrix, k: number, w: number, t: ArrayLike<number> = Array.from({ length: x.n }, (_, i) => i)): number {
  const n = x.n, tol = tieTolerance(x, y, z);
  const dist = (blocks: Matrix[], i: number, j: number): number => {
    let m = 0;
    for (const b of blocks) for (let c = 0; c < b.d; c++) m = Math.max(m, Math.abs(b.data[i * b.d + c]! - b.data[j * b.d + c]!));
    return m;
  };
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const js = Array.from({ length: n }, (_, j) => j).filter((j) => j !== i && Math.abs(t[i]! - t[j]!) > w);
    const ds = js.map((j) => dist([x, y, z], i, j)).sort((a, b) => a - b);
    const r = strictRadius(ds[k - 1]!, tol);
    const count = (blocks: Matrix[]): number => js.filter((j) => dist(blocks, i, j) < r).length;
    sum += digamma(count([x, z]) + 1) + digamma(count([y, z]) + 1) - digamma(count([z]) + 1);
  }
  return digamma(k) - sum / n;
}

describe('estimators: Frenzel–Pompe CMI with a Theiler window', () => {
  for (const grid of [undefined, 0.1]) {
    it(`W = 0 equals ksgCmi to 1e-12 relative (TE embedding, N = 800${grid ? ', tied values' : ''})`, () => {
      const { x, y } = series(800, 1, grid);
      const e = embedForTe(x, y, { targetHistory: 2 });
      const want = ksgCmi(e.future, e.sourcePast, e.targetPast, 4);
      const got = ksgCmiTheiler(e.future, e.sourcePast, e.targetPast, 4, 0);
      assert.ok(relErr(got, want) <= 1e-12, `${got} vs ${want}`);
    });
  }

  it('W > 0 matches the definition computed with full sorts (random and tied values, windows up to nearly N/2)', () => {
    for (const [n, grid, ws] of [[300, undefined, [1, 5, 20]], [300, 0.1, [2, 9]], [60, undefined, [27]]] as const) {
      const { x, y } = series(n, 2, grid);
      const e = embedForTe(x, y, { targetHistory: 2 });
      for (const w of ws) {
        const got = ksgCmiTheiler(e.future, e.sourcePast, e.targetPast, 3, w);
        const want = reference(e.future, e.sourcePast, e.targetPast, 3, w);
        assert.ok(relErr(got, want) <= 1e-12, `N = ${n}, W = ${w}: ${got} vs ${want}`);
      }
    }
  });

  it('resampled rows with their original time steps (repeats share a window) match the definition', () => {
    const { x, y } = series(300, 8);
    const e = embedForTe(x, y, { targetHistory: 2 });
    const r = stream(9, 0);
    const rows = Array.from({ length: e.future.n }, () => r.nextInt(e.future.n)); // an iid bootstrap draw
    const pick = (m: Matrix): Matrix => ({ n: rows.length, d: m.d, data: Float64Array.from(rows.flatMap((j) => Array.from(m.data.subarray(j * m.d, j * m.d + m.d)))) });
    const t = Float64Array.from(rows);
    const [fx, fy, fz] = [pick(e.future), pick(e.sourcePast), pick(e.targetPast)];
    for (const w of [0, 2, 10]) {
      const got = ksgCmiTheiler(fx, fy, fz, 4, w, t);
      const want = reference(fx, fy, fz, 4, w, t);
      assert.ok(relErr(got, want) <= 1e-12, `W = ${w}: ${got} vs ${want}`);
    }
  });

  it('a window changes the estimate on autocorrelated rows (the excluded neighbours were used)', () => {
    const { x, y } = series(600, 3);
    const e = embedForTe(x, y);
    assert.notEqual(ksgCmiTheiler(e.future, e.sourcePast, e.targetPast, 4, 10), ksgCmiTheiler(e.future, e.sourcePast, e.targetPast, 4, 0));
  });

  it('rejects a negative or fractional window and one that leaves fewer than k rows', () => {
    const { x, y } = series(50, 4);
    assert.throws(() => ksgCmiTheiler(x, y, x, 4, -1), EstimatorError);
    assert.throws(() => ksgCmiTheiler(x, y, x, 4, 1.5), EstimatorError);
    // 50 rows, W = 23: the middle row keeps 50 − 47 = 3 < 4
    assert.throws(() => ksgCmiTheiler(x, y, x, 4, 23), /theiler window 23/);
    assert.doesNotThrow(() => ksgCmiTheiler(x, y, x, 3, 23));
  });
});

describe('estimators: transfer entropy with a Theiler window', () => {
  it('theiler 0 is the plain estimate; theiler W is ksgCmiTheiler on the embedding', () => {
    const { x, y } = series(500, 6);
    const opts = { k: 4, targetHistory: 2 };
    assert.equal(transferEntropy(x, y, { ...opts, theiler: 0 }), transferEntropy(x, y, opts));
    const e = embedForTe(x, y, opts);
    assert.equal(transferEntropy(x, y, { ...opts, theiler: 7 }), ksgCmiTheiler(e.future, e.sourcePast, e.targetPast, 4, 7));
    assert.throws(() => transferEntropy(x, y, { ...opts, theiler: -2 }), OptionError);
  });
});
