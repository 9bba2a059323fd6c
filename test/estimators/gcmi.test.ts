import assert from 'node:assert/strict';
import type { Matrix } from '../../shared/data/matrix.js';
import { EstimatorError } from '../../shared/errors.js';
import { gaussianMi } from '../../shared/estimators/gaussian.js';
import { copulaNormalize, gcmiMi } from '../../shared/estimators/gcmi.js';
import { stream } from '../../shared/rng/index.js';
import { ndtri } from '../../shared/stats/normal.js';

/** (X, Y) bivariate normal with correlation 0.6: I = −½ ln(1 − 0.36). */
function bivariate(n: number, seed: number): [Matrix, Matrix] {
  const r = stream(seed, 0), x = new Float64Array(n), y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    x[i] = r.nextGaussian();
    y[i] = 0.6 * x[i]! + 0.8 * r.nextGaussian();
  }
  return [{ n, d: 1, data: x }, { n, d: 1, data: y }];
}

const map = (m: Matrix, f: (v: number, col: number) => number): Matrix => ({ ...m, data: m.data.map((v, i) => f(v, i % m.d)) });

describe('estimators: Gaussian-copula MI (Ince et al. 2017)', () => {
  it('copula normalisation: ordinal ranks, ties in order of appearance, Φ⁻¹(r / (N + 1))', () => {
    const m: Matrix = { n: 5, d: 2, data: Float64Array.of(3, 0, 1, -0, 3, 0, 2, 5, -1, 0) };
    const g = copulaNormalize(m);
    // column 0: 3, 1, 3, 2, −1 → ranks 4, 2, 5, 3, 1; column 1: 0, −0, 0, 5, 0 → 1, 2, 3, 5, 4
    const want = [4, 1, 2, 2, 5, 3, 3, 5, 1, 4].map((r) => ndtri(r / 6));
    assert.deepEqual(Array.from(g.data), want);
  });

  it('is invariant to strictly increasing transforms of each column, exactly', () => {
    const [x, y] = bivariate(2000, 1);
    const xy: Matrix = { n: 2000, d: 2, data: new Float64Array(4000) };
    for (let i = 0; i < 2000; i++) { xy.data[2 * i] = x.data[i]!; xy.data[2 * i + 1] = y.data[i]! ** 2; }
    const base = gcmiMi(x, y);
    assert.equal(gcmiMi(map(x, Math.exp), map(y, (v) => v ** 3 + 2 * v)), base);
    assert.equal(gcmiMi(map(x, (v) => 5 * v - 7), map(y, Math.atan)), base);
    // multivariate x: each column transformed separately
    assert.equal(gcmiMi(map(xy, (v, c) => (c === 0 ? Math.exp(v) : Math.sqrt(v))), y), gcmiMi(xy, y));
  });

  it('on Gaussian data it is near the Gaussian MI truth, N = 20000', () => {
    // Over 100 seeds at N = 20000: bias −0.00002, sd 0.0039; bound = 5 sd. (The copula step
    // costs little efficiency on Gaussian data.)
    const [x, y] = bivariate(20000, 7);
    const got = gcmiMi(x, y);
    assert.ok(Math.abs(got + 0.5 * Math.log(1 - 0.36)) < 0.02, `gcmi ${got}`);
    // close to, but not the same as, the parametric estimate on the raw values
    assert.ok(Math.abs(got - gaussianMi(x, y)) < 0.02);
  });

  it('a heavy-tailed monotone transform does not move it, while the raw Gaussian MI moves', () => {
    const [x, y] = bivariate(5000, 9);
    const wild = map(y, (v) => Math.sinh(3 * v));
    assert.equal(gcmiMi(x, wild), gcmiMi(x, y));
    assert.ok(Math.abs(gaussianMi(x, wild) - gaussianMi(x, y)) > 0.05);
  });

  it('two identical columns in x: EstimatorError, not NaN', () => {
    const [x, y] = bivariate(200, 3);
    const xx: Matrix = { n: 200, d: 2, data: new Float64Array(400) };
    for (let i = 0; i < 200; i++) xx.data[2 * i] = xx.data[2 * i + 1] = x.data[i]!;
    assert.throws(() => gcmiMi(xx, y), (e: unknown) => e instanceof EstimatorError && /gcmi/.test(e.message));
  });
});
