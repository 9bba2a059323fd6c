import assert from 'node:assert/strict';
import type { Matrix } from '../../shared/data/matrix.js';
import { EstimatorError } from '../../shared/errors.js';
import { embedForTe, klDivergence, ksgCmi, transferEntropy } from '../../shared/estimators/index.js';
import { BruteForce } from '../../shared/knn/index.js';
import { stream } from '../../shared/rng/index.js';

const series = (v: number[]): Matrix => ({ n: v.length, d: 1, data: Float64Array.from(v) });

/** x_t = 0.4 x_{t−1} + 0.5 y_{t−1} + e_t with iid N(0,1) y and e: TE(Y→X) = ½ ln(1 + 0.25). */
function coupled(n: number, seed: number): { x: Matrix; y: Matrix } {
  const r = stream(seed, 0);
  const x = new Float64Array(n), y = new Float64Array(n);
  for (let t = 0; t < n; t++) {
    y[t] = r.nextGaussian();
    x[t] = t === 0 ? r.nextGaussian() : 0.4 * x[t - 1]! + 0.5 * y[t - 1]! + r.nextGaussian();
  }
  return { x: { n, d: 1, data: x }, y: { n, d: 1, data: y } };
}

describe('estimators: transfer entropy and KL divergence (library extras)', () => {
  it('TE embedding picks the documented time indices', () => {
    const x = series([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const y = series([10, 11, 12, 13, 14, 15, 16, 17, 18, 19]);
    const e = embedForTe(x, y, { targetHistory: 2, targetDelay: 2, sourceHistory: 2, sourceDelay: 3, delay: 2 });
    // first t = max((2−1)·2, (2−1)·3 + 2 − 1) = 4; t = 4..8
    assert.deepEqual(Array.from(e.future.data), [5, 6, 7, 8, 9]);
    assert.deepEqual(Array.from(e.targetPast.data), [4, 2, 5, 3, 6, 4, 7, 5, 8, 6]);
    assert.deepEqual(Array.from(e.sourcePast.data), [13, 10, 14, 11, 15, 12, 16, 13, 17, 14]);
  });

  it('TE equals the Frenzel–Pompe CMI on the embedding, exactly', () => {
    const { x, y } = coupled(400, 1);
    const opts = { k: 4, targetHistory: 2, sourceHistory: 1 };
    const e = embedForTe(x, y, opts);
    assert.equal(transferEntropy(x, y, opts), ksgCmi(e.future, e.sourcePast, e.targetPast, 4));
  });

  it('linear Gaussian coupling: TE(Y→X) ≈ ½ ln 1.25, TE(X→Y) ≈ 0 (N = 3000)', () => {
    // Over 20 seeds at N = 3000: TE(Y→X) mean 0.1115 (truth 0.1116), sd 0.016;
    // TE(X→Y) mean 0.0007, sd 0.013. Bounds are 4 sd.
    const { x, y } = coupled(3000, 7);
    const truth = 0.5 * Math.log(1.25);
    const te = transferEntropy(x, y);
    assert.ok(Math.abs(te - truth) < 0.065, `TE(Y→X) = ${te}`);
    const rev = transferEntropy(y, x);
    assert.ok(Math.abs(rev) < 0.055, `TE(X→Y) = ${rev}`);
  });

  it('KL divergence matches eq. (5) computed with brute-force neighbours, exactly', () => {
    const r = stream(3, 0);
    const mk = (n: number, shift: number): Matrix => ({ n, d: 2, data: Float64Array.from({ length: 2 * n }, () => r.nextGaussian() + shift) });
    const p = mk(60, 0), q = mk(45, 0.5);
    const k = 3;
    const bp = new BruteForce(p), bq = new BruteForce(q);
    const a = new Float64Array(k), b = new Float64Array(k);
    let s = 0;
    for (let i = 0; i < p.n; i++) {
      bp.knn(i, k, a, null, 0);
      bq.knnPoint(p.data, i * 2, k, b, null, 0);
      s += Math.log(b[k - 1]! / a[k - 1]!);
    }
    assert.equal(klDivergence(p, q, { k }), (2 / p.n) * s + Math.log(q.n / (p.n - 1)));
  });

  it('KL divergence of N(0,1) from N(1,1) ≈ 1/2 (N = M = 3000)', () => {
    // Over 20 seeds: mean 0.497, sd 0.037; bound 4 sd.
    const r = stream(21, 0);
    const p = new Float64Array(3000), q = new Float64Array(3000);
    for (let i = 0; i < 3000; i++) { p[i] = r.nextGaussian(); q[i] = r.nextGaussian() + 1; }
    const v = klDivergence({ n: 3000, d: 1, data: p }, { n: 3000, d: 1, data: q }, { k: 3 });
    assert.ok(Math.abs(v - 0.5) < 0.15, `D = ${v}`);
  });

  it('KL divergence with duplicates → EstimatorError suggesting jitter', () => {
    assert.throws(() => klDivergence(series([1, 1, 1, 2, 3]), series([0, 5, 6]), { k: 2 }), (e: unknown) => e instanceof EstimatorError && /jitter/.test(e.message));
  });
});
