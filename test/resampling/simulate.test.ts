import assert from 'node:assert/strict';
import { generatorTruth, ksUniform, simulate } from '../../shared/resampling/simulate.js';

describe('resampling: simulate (Monte Carlo calibration with known truth)', function () {
  this.timeout(120_000);
  it('generator truths: Gaussian −½ln(1−ρ²); Gao et al. mixture ln m − (m−1)ln2/m; Student-t formula', () => {
    assert.equal(generatorTruth({ kind: 'gaussian', rho: 0.6 }), -0.5 * Math.log(1 - 0.36));
    assert.ok(Math.abs(generatorTruth({ kind: 'mixture', m: 5 }) - (Math.log(5) - (4 * Math.LN2) / 5)) < 1e-15);
    // scipy.special gammaln/digamma on the same formula: 0.16948400357387772; a Monte Carlo check of
    // E[ln f(x,y) − ln f(x) − ln f(y)] with scipy.stats.multivariate_t (2e6 draws) gave 0.16976 ± 0.00044.
    assert.ok(Math.abs(generatorTruth({ kind: 'student-t', rho: 0.5, nu: 4 }) - 0.16948400357387772) < 1e-12);
    // ν → ∞ recovers the Gaussian value
    assert.ok(Math.abs(generatorTruth({ kind: 'student-t', rho: 0.5, nu: 100000 }) - -0.5 * Math.log(0.75)) < 1e-4);
  });

  it('permutation p-values on independent data are uniform (KS over 300 seeded nulls)', () => {
    // 300 datasets of N = 30, ρ = 0, P = 99 shuffles, gaussian estimator. Under H0 the randomised test
    // is exact on the grid j/100; the KS 1% critical value for n = 300 is 1.63/√300 = 0.094, plus at
    // most 0.01 for the grid: accept D < 0.104.
    const r = simulate({ generator: { kind: 'gaussian', rho: 0 }, n: 30, datasets: 300, seed: 1, job: { estimator: 'gaussian', permutation: { shuffles: 99 } } });
    assert.ok(r.ksStatistic! < 0.104, `KS D = ${r.ksStatistic}`);
    assert.equal(r.pValues!.length, 300);
    for (const p of r.pValues!) assert.ok(p >= 1 / 100 && p <= 1);
  });

  it('Gaussian estimator on Gaussian data: mean estimate within 4 MC standard errors of truth + small-N bias; CI coverage ≈ level', () => {
    const r = simulate({ generator: { kind: 'gaussian', rho: 0.6 }, n: 200, datasets: 60, seed: 3, job: { estimator: 'gaussian', bootstrap: { replicates: 200, method: 'percentile', level: 0.9 } } });
    // plug-in Gaussian MI is biased upwards by ≈ 1/(2N)·(dx·dy) = 0.0025 at N = 200
    assert.ok(Math.abs(r.bias - 0.0025) < 4 * (r.sdEstimate / Math.sqrt(60)) + 0.002, `bias ${r.bias}`);
    // 60 datasets: MC sd of coverage = sqrt(.9·.1/60) = 0.039; accept |c − 0.9| < 0.13 (≈ 3.3 sd)
    assert.ok(Math.abs(r.coverage! - 0.9) < 0.13, `coverage ${r.coverage}`);
  });

  it('mixed_ksg on the Gao et al. mixture is close to its truth', () => {
    // 8 datasets of N = 400: sd of one estimate ≈ 0.03, of the mean ≈ 0.01; accept 0.05 (≈ 5 sd)
    const r = simulate({ generator: { kind: 'mixture', m: 4 }, n: 400, datasets: 8, seed: 2, job: { estimator: 'mixed_ksg', k: 5, normalize: false } });
    assert.ok(Math.abs(r.meanEstimate - r.truth) < 0.05, `mean ${r.meanEstimate} vs truth ${r.truth}`);
  });

  it('ksUniform of an evenly spread sample is 1/n', () => {
    assert.ok(Math.abs(ksUniform([0.1, 0.3, 0.5, 0.7, 0.9]) - 0.1) < 1e-15);
  });
});
