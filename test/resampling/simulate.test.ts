import assert from 'node:assert/strict';
import { OptionError } from '../../shared/errors.js';
import { prepareJob } from '../../shared/job/prepare.js';
import { drawDataset, generatorTruth, ksUniform, simulate } from '../../shared/resampling/simulate.js';
import { stream } from '../../shared/rng/index.js';

/**
 * Binomial acceptance band for an observed coverage over D datasets when the true coverage is
 * `level`: level ± 3·√(level(1 − level)/D) (two-sided 0.27% false-alarm rate per check).
 */
function coverageBand(level: number, D: number): [number, number] {
  const sdC = Math.sqrt((level * (1 - level)) / D);
  return [level - 3 * sdC, level + 3 * sdC];
}

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

  it('ksg1 default interval (subsample, m = N/4, recentred, √(m/(N−m))) covers E[Î_N] at the nominal 95% (200 datasets, every method)', () => {
    // E[Î_N] is estimated by the mean over the 200 datasets (its MC error, sd(Î)/√200 = 0.07 sd(Î),
    // moves coverage by well under 1%). With √(m/N) scaling and no recentring (the old interval)
    // this cell covered 87–91% (issue 10).
    const D = 200;
    const [lo, hi] = coverageBand(0.95, D); // [0.904, 0.996]
    const r = simulate({ generator: { kind: 'gaussian', rho: 0.9 }, n: 200, datasets: D, seed: 5, job: { estimator: 'ksg1', k: 3, bootstrap: { replicates: 200 } }, methods: ['percentile', 'basic', 'normal', 'bca'] });
    assert.equal(r.byMethod!.length, 4);
    for (const m of r.byMethod!) {
      assert.equal(m.failed, 0, m.method);
      assert.ok(m.coverageOfMean >= lo && m.coverageOfMean <= hi, `${m.method}: coverage of E[Î_N] ${m.coverageOfMean} outside [${lo}, ${hi}]`);
      // the width is that of the sampling law of Î_N: within 15% of 2·1.96·sd over datasets
      // (the sd over 200 datasets itself has 5% relative error)
      assert.ok(Math.abs(m.widthRatio - 1) < 0.15, `${m.method}: width ratio ${m.widthRatio}`);
    }
    assert.equal(r.byMethod![0]!.method, 'normal'); // the job's method (the kNN default) first
    assert.equal(r.coverage, r.byMethod![0]!.coverage);
    // issue 10's acceptance band for the default interval, [92%, 98%] (about ±2 MC sd at D = 200)
    const def = r.byMethod![0]!.coverageOfMean;
    assert.ok(def >= 0.92 && def <= 0.98, `default (normal) coverage of E[Î_N] ${def} outside [0.92, 0.98]`);
  });

  it('ksg2 at ρ = 0.3, N = 300: default interval covers E[Î_N] at 95% (200 datasets)', () => {
    const D = 200;
    const [lo, hi] = coverageBand(0.95, D);
    const r = simulate({ generator: { kind: 'gaussian', rho: 0.3 }, n: 300, datasets: D, seed: 8, job: { estimator: 'ksg2', k: 3, bootstrap: { replicates: 200 } } });
    assert.ok(r.coverageOfMean! >= lo && r.coverageOfMean! <= hi, `coverage of E[Î_N] ${r.coverageOfMean}`);
    assert.ok(r.coverageOfMean! >= 0.92 && r.coverageOfMean! <= 0.98, `default coverage of E[Î_N] ${r.coverageOfMean} outside issue 10's [0.92, 0.98]`);
  });

  it('5-D/2-D Gaussian generator: truth −(min(dx, dy)/2) ln(1 − ρ²); only the first min(dx, dy) pairs correlate', () => {
    const g = { kind: 'gaussian' as const, rho: 0.6, dx: 5, dy: 2 };
    assert.ok(Math.abs(generatorTruth(g) - -Math.log(1 - 0.36)) < 1e-15);
    const d = drawDataset(g, 20000, stream(1, 0));
    assert.deepEqual(d.names, ['x0', 'x1', 'x2', 'x3', 'x4', 'y0', 'y1']);
    const corr = (a: Float64Array, b: Float64Array) => {
      let s = 0;
      for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
      return s / a.length;
    };
    // sd of a sample correlation of 20000 independent pairs ≈ 0.007: accept 0.03
    assert.ok(Math.abs(corr(d.columns[0]!, d.columns[5]!) - 0.6) < 0.03);
    assert.ok(Math.abs(corr(d.columns[1]!, d.columns[6]!) - 0.6) < 0.03);
    assert.ok(Math.abs(corr(d.columns[2]!, d.columns[6]!)) < 0.03);
  });

  it('discrete and gaussian-cmi generators: truths match direct enumeration / the partial correlation', () => {
    // discrete(a, q): Σ p ln(p / (p_x p_y)) over the a² cells
    const a = 4, q = 0.4;
    let I = 0;
    for (let x = 0; x < a; x++) for (let y = 0; y < a; y++) {
      const p = ((x === y ? q : 0) + (1 - q) / a) / a;
      I += p * Math.log(p * a * a);
    }
    assert.ok(Math.abs(generatorTruth({ kind: 'discrete', a, q }) - I) < 1e-14);
    assert.equal(generatorTruth({ kind: 'discrete', a, q }, 'entropy'), Math.log(a));
    assert.equal(generatorTruth({ kind: 'gaussian-cmi', rho: 0.6 }, 'cmi'), -0.5 * Math.log(0.64));
    assert.throws(() => generatorTruth({ kind: 'gaussian-cmi', rho: 0.6 }, 'mi'), OptionError);
    // X − Z and Y − Z have correlation ρ (sd of a sample correlation of 20000 pairs ≈ 0.006)
    const d = drawDataset({ kind: 'gaussian-cmi', rho: 0.6 }, 20000, stream(3, 0));
    const [x, y, z] = d.columns as Float64Array[];
    let sxy = 0, sxx = 0, syy = 0;
    for (let i = 0; i < d.n; i++) {
      const [u, v] = [x![i]! - z![i]!, y![i]! - z![i]!];
      sxy += u * v;
      sxx += u * u;
      syy += v * v;
    }
    assert.ok(Math.abs(sxy / Math.sqrt(sxx * syy) - 0.6) < 0.03);
  });

  it('gaussian estimator, iid bootstrap: every method covers E[Î_N] at 95% (200 datasets)', () => {
    const D = 200;
    const [lo, hi] = coverageBand(0.95, D);
    const r = simulate({ generator: { kind: 'gaussian', rho: 0.6 }, n: 200, datasets: D, seed: 6, job: { estimator: 'gaussian', bootstrap: { replicates: 200 } }, methods: ['percentile', 'basic', 'bca', 'normal'] });
    for (const m of r.byMethod!) assert.ok(m.coverageOfMean >= lo && m.coverageOfMean <= hi, `${m.method}: ${m.coverageOfMean}`);
  });

  it('iid bootstrap with a kNN estimator is refused, naming bootstrap.scheme (the CLI renames it --scheme), the reason and the alternatives', () => {
    const data = drawDataset({ kind: 'gaussian', rho: 0.5 }, 50, stream(2, 0));
    for (const estimator of ['ksg1', 'ksg2', 'mixed_ksg']) {
      assert.throws(
        () => prepareJob({ measure: 'mi', estimator, x: ['x'], y: ['y'], data, bootstrap: { replicates: 10, scheme: 'iid' } }),
        (e: unknown) => e instanceof OptionError && e.field === 'bootstrap.scheme' && /bootstrap.scheme iid/.test(e.message) && /distance 0/.test(e.message) && /subsample/.test(e.message) && /permutation.shuffles/.test(e.message),
      );
    }
    // plug-in and Gaussian estimators keep iid as their default
    assert.equal(prepareJob({ measure: 'mi', estimator: 'gaussian', x: ['x'], y: ['y'], data, bootstrap: { replicates: 10 } }).bootstrap!.scheme, 'iid');
  });

  it('ksUniform of an evenly spread sample is 1/n', () => {
    assert.ok(Math.abs(ksUniform([0.1, 0.3, 0.5, 0.7, 0.9]) - 0.1) < 1e-15);
  });
});
