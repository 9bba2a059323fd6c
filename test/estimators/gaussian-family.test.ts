/**
 * The Gaussian family: entropy (ML covariance) against its definition written out for d = 2,
 * and against analytic truth — AIS and entropy rate of AR processes, TE of a coupled AR pair,
 * predictive information of AR(1) — and the analytic bias corrections checked by simulation.
 */
import assert from 'node:assert/strict';
import { gaussianCondEntropy, gaussianEntropy, logDetBias } from '../../shared/estimators/gaussian-info.js';
import { openJob } from '../../shared/job/pipeline.js';
import { stream } from '../../shared/rng/index.js';
import { digamma } from '../../shared/stats/special.js';
import { arSeries, coupledAr } from '../helpers/series.js';

describe('gaussian entropy: exact reference', () => {
  it('½ ln((2πe)² |S|) with S the ML covariance, written out for d = 2', () => {
    const r = stream(1, 0, 90), n = 37;
    const a = Float64Array.from({ length: n }, () => r.nextGaussian()), b = Float64Array.from(a, (v) => 0.3 * v + r.nextGaussian());
    const m = (v: Float64Array) => v.reduce((s, x) => s + x, 0) / n;
    const ma = m(a), mb = m(b);
    let saa = 0, sbb = 0, sab = 0;
    for (let i = 0; i < n; i++) {
      saa += (a[i]! - ma) ** 2 / n;
      sbb += (b[i]! - mb) ** 2 / n;
      sab += ((a[i]! - ma) * (b[i]! - mb)) / n;
    }
    const expected = 0.5 * (2 * Math.log(2 * Math.PI * Math.E) + Math.log(saa * sbb - sab * sab));
    const x = { n, d: 2, data: Float64Array.from({ length: 2 * n }, (_, i) => (i % 2 === 0 ? a[i >> 1]! : b[i >> 1]!)) };
    assert.ok(Math.abs(gaussianEntropy(x) - expected) < 1e-12);
    // H(A|B) = H(A,B) − H(B) = ½ ln(2πe (s_aa − s_ab²/s_bb))
    const cond = gaussianCondEntropy({ n, d: 1, data: a }, { n, d: 1, data: b });
    assert.ok(Math.abs(cond - 0.5 * Math.log(2 * Math.PI * Math.E * (saa - (sab * sab) / sbb))) < 1e-12);
  });

  it('logDetBias(1, N) = ln(2/N) + ψ((N − 1)/2)', () => {
    assert.equal(logDetBias(1, 20), Math.log(2 / 20) + digamma(19 / 2));
  });
});

describe('gaussian information dynamics: analytic truth', () => {
  it('AIS of AR(1) = −½ ln(1 − a²); entropy rate = ½ ln(2πe); PI(k = 1) = AIS', () => {
    const a = 0.6, x = arSeries(20_000, [a], 3);
    const data = { names: ['x'], columns: [x], n: x.length };
    const ais = openJob({ measure: 'ais', estimator: 'gaussian', x: ['x'], data }).estimate();
    assert.ok(Math.abs(ais - -0.5 * Math.log(1 - a * a)) < 0.015, `ais ${ais}`);
    const rate = openJob({ measure: 'entropy_rate', estimator: 'gaussian', x: ['x'], data }).estimate();
    assert.ok(Math.abs(rate - 0.5 * Math.log(2 * Math.PI * Math.E)) < 0.015, `rate ${rate}`);
    assert.equal(openJob({ measure: 'pi', estimator: 'gaussian', x: ['x'], data }).estimate(), ais);
  });

  it('AIS of AR(2) with k = 2 = ½ ln(Var x / σ²), Var from the Yule–Walker equations', () => {
    const [a1, a2] = [0.5, 0.3], x = arSeries(20_000, [a1, a2], 4);
    const rho1 = a1 / (1 - a2), rho2 = a1 * rho1 + a2;
    const variance = 1 / (1 - a1 * rho1 - a2 * rho2);
    const ais = openJob({ measure: 'ais', estimator: 'gaussian', x: ['x'], data: { names: ['x'], columns: [x], n: x.length }, options: { targetHistory: 2 } }).estimate();
    assert.ok(Math.abs(ais - 0.5 * Math.log(variance)) < 0.015, `${ais} vs ${0.5 * Math.log(variance)}`);
  });

  it('KSG AIS and PI of AR(1) approach −½ ln(1 − a²) (loosely: KSG is biased at finite N)', () => {
    const a = 0.6, x = arSeries(4000, [a], 8), data = { names: ['x'], columns: [x], n: x.length };
    const truth = -0.5 * Math.log(1 - a * a);
    for (const measure of ['ais', 'pi']) {
      const v = openJob({ measure, estimator: 'ksg', k: 4, x: ['x'], data }).estimate();
      assert.ok(Math.abs(v - truth) < 0.05, `${measure} ksg ${v} vs ${truth}`);
    }
  });

  it('TE of x_{t+1} = a x_t + c y_t + e (y iid) = ½ ln(1 + c²)', () => {
    const c = 0.8, data = coupledAr(20_000, 0.5, c, 5);
    const te = openJob({ measure: 'te', estimator: 'gaussian', x: ['x'], y: ['y'], data }).estimate();
    assert.ok(Math.abs(te - 0.5 * Math.log(1 + c * c)) < 0.015, `${te}`);
  });
});

describe('gaussian analytic bias correction (simulation)', () => {
  const runs = 300, n = 25;
  it('entropy of 3-D N(0, I): the corrected mean is within 3 se of ½ ln((2πe)³), the raw one is far below', () => {
    const truth = 1.5 * Math.log(2 * Math.PI * Math.E);
    let raw = 0, cor = 0, cor2 = 0;
    for (let s = 0; s < runs; s++) {
      const r = stream(s, 0, 89);
      const cols = [0, 1, 2].map(() => Float64Array.from({ length: n }, () => r.nextGaussian()));
      const job = { measure: 'entropy', estimator: 'gaussian', x: ['a', 'b', 'c'], data: { names: ['a', 'b', 'c'], columns: cols, n } };
      raw += openJob(job).estimate() / runs;
      const c = openJob({ ...job, options: { biasCorrection: 1 } }).estimate();
      cor += c / runs;
      cor2 += (c * c) / runs;
    }
    const se = Math.sqrt((cor2 - cor * cor) / runs);
    assert.ok(Math.abs(cor - truth) < 3 * se, `corrected mean ${cor} vs ${truth} (se ${se})`);
    assert.ok(truth - raw > 10 * se, `raw mean ${raw} should be biased low`);
  });

  it('MI of independent 2-D × 2-D: the corrected mean (minus df/(2N)) is within 3 se of 0', () => {
    let cor = 0, cor2 = 0, raw = 0;
    for (let s = 0; s < runs; s++) {
      const r = stream(s, 0, 88);
      const cols = [0, 1, 2, 3].map(() => Float64Array.from({ length: 200 }, () => r.nextGaussian()));
      const job = { measure: 'mi', estimator: 'gaussian', x: ['a', 'b'], y: ['c', 'd'], data: { names: ['a', 'b', 'c', 'd'], columns: cols, n: 200 } };
      const c = openJob({ ...job, options: { biasCorrection: 1 } }).estimate();
      raw += openJob(job).estimate() / runs;
      cor += c / runs;
      cor2 += (c * c) / runs;
    }
    const se = Math.sqrt((cor2 - cor * cor) / runs);
    assert.ok(Math.abs(cor) < 3 * se, `corrected ${cor} (se ${se})`);
    assert.ok(Math.abs(raw - cor - 4 / 400) < 1e-12, 'the correction is df/(2N) = 4/400');
  });
});
