/**
 * The combined (critics + data) interval of the neural ensemble (resampling/neural-ensemble.ts):
 * its formula, and its coverage under the two-stage model it is derived from, with "critics"
 * that are means over random test subsets of a dataset plus seed noise (no tfjs: the trained
 * critics' coverage is measured by bench/neural-coverage.ts, docs/neural.md).
 */
import assert from 'node:assert/strict';
import type { NeuralReplicate } from '../../shared/estimators/neural/index.js';
import { permutation, stream } from '../../shared/rng/index.js';
import { combinedVariance, summarizeNeural, tQuantile } from '../../shared/resampling/neural-ensemble.js';
import { neuralUncheckedWarning } from '../../shared/resampling/recipes.js';

const rep = (estimate: number, heldOutSe: number): NeuralReplicate => ({ estimate, heldOutLow: estimate - 2 * heldOutSe, heldOutHigh: estimate + 2 * heldOutSe, heldOutSe, steps: 10, bestStep: 5, validation: estimate });

describe('neural ensemble: combined interval', () => {
  it('se² = s²/R + (m/N)·mean(se_r²), Welch–Satterthwaite ν, t quantile', () => {
    const reps = [rep(1, 0.1), rep(1.2, 0.2), rep(0.9, 0.1), rep(1.1, 0.2)];
    const mean = 1.05, s2 = [1, 1.2, 0.9, 1.1].reduce((t, v) => t + (v - mean) ** 2, 0) / 3;
    const a = s2 / 4, b = (250 / 1000) * (0.01 + 0.04 + 0.01 + 0.04) / 4;
    const c = combinedVariance(reps, 250, 1000);
    assert.ok(Math.abs(c.se - Math.sqrt(a + b)) < 1e-12);
    assert.ok(Math.abs(c.df - ((a + b) ** 2 * 3) / (a * a)) < 1e-9);
    const e = summarizeNeural(reps, { testRows: 250, n: 1000 });
    const h = tQuantile(0.975, c.df) * c.se;
    assert.ok(Math.abs(e.combined!.high - (mean + h)) < 1e-12 && Math.abs(e.combined!.low - (mean - h)) < 1e-12);
    assert.equal(summarizeNeural([rep(1, 0.1)], { testRows: 250, n: 1000 }).combined, undefined);
    assert.equal(summarizeNeural(reps).combined, undefined);
  });

  it('identical critics: ν = ∞ and the interval is θ̄ ± z·√(m/N)·se', () => {
    const e = summarizeNeural([rep(2, 0.2), rep(2, 0.2), rep(2, 0.2)], { testRows: 100, n: 400 });
    assert.equal(e.combined!.df, Infinity);
    assert.ok(Math.abs(e.combined!.high - (2 + 1.959964 * 0.1)) < 1e-5);
  });

  it('covers E[θ̄] at 95% (binomial band) under the two-stage model: critics = means of random test subsets + seed noise', () => {
    // dataset: N values v_i ~ Exp(1) (skewed, like per-row bound terms); critic r: mean of its
    // m-row test subset plus N(0, τ²) seed noise; heldOutSe: the subset mean's bootstrap se (σ̂/√m)
    const N = 200, m = 50, R = 5, tau = 0.05, D = 2000;
    const rng = stream(11, 0, 90);
    let covered = 0, tCovered = 0;
    for (let d = 0; d < D; d++) {
      const v = Float64Array.from({ length: N }, () => -Math.log(1 - rng.nextFloat64()));
      const reps: NeuralReplicate[] = [];
      for (let r = 0; r < R; r++) {
        const rows = permutation(N, rng).subarray(0, m);
        let s = 0, ss = 0;
        for (const i of rows) s += v[i]!;
        const mu = s / m;
        for (const i of rows) ss += (v[i]! - mu) ** 2;
        reps.push(rep(mu + tau * rng.nextGaussian(), Math.sqrt(ss / m / m)));
      }
      const e = summarizeNeural(reps, { testRows: m, n: N });
      const c = e.combined!;
      if (c.low <= 1 && 1 <= c.high) covered++;
      if (e.interval!.low <= 1 && 1 <= e.interval!.high) tCovered++;
    }
    // 95% ± 3 binomial sds at D = 2000 (sd 0.49%)
    const p = covered / D, band = 3 * Math.sqrt(0.95 * 0.05 / D);
    assert.ok(Math.abs(p - 0.95) < band, `coverage ${p} outside 0.95 ± ${band.toFixed(4)}`);
    // the ensemble t interval targets E over seeds on one dataset, so it misses the data's variance
    assert.ok(tCovered / D < 0.95 - band, `t interval covered ${tCovered / D}`);
  });

  it('only mi with smile is marked checked by simulation; the other neural pairs warn', () => {
    assert.equal(neuralUncheckedWarning('mi', 'smile'), undefined);
    for (const [m, e] of [['mi', 'mine'], ['mi', 'nwj'], ['mi', 'infonce'], ['cmi', 'smile']] as const) {
      assert.match(neuralUncheckedWarning(m, e)!, new RegExp(`${m} with ${e} has not been checked by simulation`));
    }
  });
});
