/**
 * The analytic χ² test: the survival function against closed forms and tabulated quantiles,
 * and the test's size checked by simulation (p-values uniform under the null) for plug-in MI,
 * plug-in TE and Gaussian CMI.
 */
import assert from 'node:assert/strict';
import { chi2Survival } from '../../shared/resampling/analytic.js';
import { openJob } from '../../shared/job/pipeline.js';
import { stream } from '../../shared/rng/index.js';

describe('chi2Survival', () => {
  it('closed forms: df 2 → e^{−x/2}, df 4 → e^{−x/2}(1 + x/2), tabulated quantiles', () => {
    for (const x of [0.1, 1, 3, 10, 40]) {
      assert.ok(Math.abs(chi2Survival(x, 2) - Math.exp(-x / 2)) < 1e-14 * Math.max(1, 1 / Math.exp(-x / 2)) + 1e-15);
      const e4 = Math.exp(-x / 2) * (1 + x / 2);
      assert.ok(Math.abs(chi2Survival(x, 4) - e4) / e4 < 1e-12, `df 4 at ${x}`);
    }
    // tabulated 0.95 quantiles (Abramowitz & Stegun table 26.8)
    assert.ok(Math.abs(chi2Survival(3.841458820694124, 1) - 0.05) < 1e-12);
    assert.ok(Math.abs(chi2Survival(18.307038053275146, 10) - 0.05) < 1e-12);
    assert.ok(Math.abs(chi2Survival(124.34211340400407, 100) - 0.05) < 1e-11);
    assert.equal(chi2Survival(0, 3), 1);
  });
});

/** Fraction of p ≤ 0.05 and ≤ 0.2, and the KS distance of p from uniform. */
function sizeOf(ps: number[]): { at05: number; at20: number; ks: number } {
  const s = [...ps].sort((a, b) => a - b), n = s.length;
  let ks = 0;
  s.forEach((p, i) => (ks = Math.max(ks, Math.abs(p - (i + 1) / n), Math.abs(p - i / n))));
  return { at05: s.filter((p) => p <= 0.05).length / n, at20: s.filter((p) => p <= 0.2).length / n, ks };
}

describe('analytic test: size under the null (simulation)', () => {
  const runs = 400;
  // binomial 3.5 sd bounds at 400 runs: 0.05 ± 0.038, 0.2 ± 0.07; KS 1.63/√400 = 0.082 (p = 0.01)
  const check = (name: string, ps: number[]) => {
    const s = sizeOf(ps);
    assert.ok(Math.abs(s.at05 - 0.05) < 0.038, `${name}: P(p ≤ 0.05) = ${s.at05}`);
    assert.ok(Math.abs(s.at20 - 0.2) < 0.07, `${name}: P(p ≤ 0.2) = ${s.at20}`);
    assert.ok(s.ks < 0.082, `${name}: KS distance ${s.ks}`);
  };

  it('plug-in MI of independent 3- and 4-level variables (df 6, N = 400)', () => {
    const ps: number[] = [];
    for (let s = 0; s < runs; s++) {
      const r = stream(s, 0, 87);
      const a = Float64Array.from({ length: 400 }, () => r.nextInt(3)), b = Float64Array.from({ length: 400 }, () => r.nextInt(4));
      const run = openJob({ measure: 'mi', estimator: 'plugin', x: ['a'], y: ['b'], test: 'analytic', data: { names: ['a', 'b'], columns: [a, b], n: 400 } });
      assert.equal(run.prepared.analytic!.df, 6);
      const res = run.finish([], { engine: 'embedded', version: 't', totalMs: 0 });
      ps.push(res.pValue!);
    }
    check('plugin mi', ps);
  });

  it('plug-in TE between independent binary chains (df (2−1)(2−1)·2 = 2, N = 600)', () => {
    const ps: number[] = [];
    for (let s = 0; s < runs; s++) {
      const r = stream(s, 0, 86);
      const x = new Float64Array(600), y = Float64Array.from({ length: 600 }, () => r.nextInt(2));
      for (let t = 1; t < 600; t++) x[t] = r.nextFloat64() < 0.8 ? x[t - 1]! : 1 - x[t - 1]!;
      const run = openJob({ measure: 'te', estimator: 'plugin', x: ['x'], y: ['y'], test: 'analytic', data: { names: ['x', 'y'], columns: [x, y], n: 600 } });
      ps.push(run.finish([], { engine: 'embedded', version: 't', totalMs: 0 }).pValue!);
    }
    check('plugin te', ps);
  });

  it('Gaussian CMI of X ⊥ Y | Z, both driven by Z (df 1, N = 200)', () => {
    const ps: number[] = [];
    for (let s = 0; s < runs; s++) {
      const r = stream(s, 0, 85);
      const z = Float64Array.from({ length: 200 }, () => r.nextGaussian());
      const x = Float64Array.from(z, (v) => 0.8 * v + r.nextGaussian()), y = Float64Array.from(z, (v) => -0.6 * v + r.nextGaussian());
      const run = openJob({ measure: 'cmi', estimator: 'gaussian', x: ['x'], y: ['y'], z: ['z'], test: 'analytic', data: { names: ['x', 'y', 'z'], columns: [x, y, z], n: 200 } });
      ps.push(run.finish([], { engine: 'embedded', version: 't', totalMs: 0 }).pValue!);
    }
    check('gaussian cmi', ps);
  });

  for (const measure of ['tc', 'dtc']) {
    it(`Gaussian ${measure} of 4 independent variables (df 6, N = 150)`, () => {
      const ps: number[] = [];
      for (let s = 0; s < runs; s++) {
        const r = stream(s, 0, 80);
        const cols = [0, 1, 2, 3].map(() => Float64Array.from({ length: 150 }, () => r.nextGaussian()));
        const run = openJob({ measure, estimator: 'gaussian', x: ['a', 'b', 'c', 'd'], test: 'analytic', data: { names: ['a', 'b', 'c', 'd'], columns: cols, n: 150 } });
        assert.equal(run.prepared.analytic!.df, 6);
        ps.push(run.finish([], { engine: 'embedded', version: 't', totalMs: 0 }).pValue!);
      }
      check(`gaussian ${measure}`, ps);
    });
  }

  it('the result says which test and reports 2N·Î, df and estimate − df/(2N)', () => {
    const r = stream(9, 0, 84);
    const a = Float64Array.from({ length: 300 }, () => r.nextGaussian()), b = Float64Array.from(a, (v) => v + r.nextGaussian());
    const run = openJob({ measure: 'mi', estimator: 'gaussian', x: ['a'], y: ['b'], test: 'analytic', data: { names: ['a', 'b'], columns: [a, b], n: 300 } });
    const res = run.finish([], { engine: 'embedded', version: 't', totalMs: 0 });
    assert.equal(res.test, 'analytic');
    assert.deepEqual(res.chi2, { statistic: 600 * res.estimate, df: 1 });
    assert.equal(res.biasCorrected, res.estimate - 1 / 600);
    assert.ok(res.pValue! < 1e-30);
    assert.match(res.pValueConvention!, /χ²/);
  });

  it('refused where the catalog has no χ² null, with permutations, or with a bias correction', () => {
    const data = { names: ['a', 'b'], columns: [new Float64Array([1, 2, 3, 4]), new Float64Array([2, 1, 4, 3])], n: 4 };
    assert.throws(() => openJob({ measure: 'mi', estimator: 'ksg1', x: ['a'], y: ['b'], test: 'analytic', data }), /test analytic is not available for mi with ksg1 \(it is for: .*mi with plugin/);
    assert.throws(() => openJob({ measure: 'mi', estimator: 'plugin', x: ['a'], y: ['b'], test: 'analytic', permutation: { shuffles: 9 }, data }), /either permutation or test analytic/);
    assert.throws(() => openJob({ measure: 'mi', estimator: 'gaussian', x: ['a'], y: ['b'], test: 'analytic', options: { biasCorrection: 1 }, data }), /uncorrected/);
    assert.throws(() => openJob({ measure: 'mi', estimator: 'plugin', x: ['a'], y: ['b'], test: 'analytic', millerMadow: true, data }), /uncorrected/);
  });
});
