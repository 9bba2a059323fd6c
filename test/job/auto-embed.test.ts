/**
 * Auto-embedding by the maximum bias-corrected AIS: the chosen k and τ equal an exhaustive search
 * written here, never fall short of the process's order (AR orders, a lag-2 dependence) and are
 * reported. Beyond the order the criterion's choice is random (each extra lag adds χ²(1)/(2N)
 * noise, and only its mean is subtracted; JIDT's tests search up to the true order for this
 * reason), so the tests check "at least the order" and "exactly the order when searched up to it".
 */
import assert from 'node:assert/strict';
import { gaussianMi } from '../../shared/estimators/gaussian.js';
import { embedNextAndPast } from '../../shared/estimators/info-dynamics.js';
import { openJob } from '../../shared/job/pipeline.js';
import { maxCorrectedAis, plainEmbed } from '../../shared/job/auto-embed.js';
import { arSeries, col, coupledAr } from '../helpers/series.js';

describe('auto-embedding (max bias-corrected AIS)', () => {
  it('gaussian: the exhaustive search of AIS − k/(2N); AR(2) → k ≥ 2, AR(3) → k ≥ 3, and exactly the order when searched up to it', () => {
    for (const [a, k] of [[[0.5, 0.3], 2], [[0.4, 0.2, 0.25], 3]] as const) {
      const x = arSeries(4000, a, 6);
      const data = { names: ['x'], columns: [x], n: x.length };
      const run = openJob({ measure: 'ais', estimator: 'gaussian', x: ['x'], data, options: { autoEmbed: 1, maxHistory: 5, maxDelay: 2 } });
      let best = { k: 0, tau: 0, v: -Infinity };
      for (let kk = 1; kk <= 5; kk++) {
        for (let tau = 1; tau <= (kk === 1 ? 1 : 2); tau++) {
          const e = embedNextAndPast(col(x.map((v) => v)), { targetHistory: kk, targetDelay: tau });
          const v = gaussianMi(e.x, e.y) - kk / (2 * e.x.n);
          if (v > best.v) best = { k: kk, tau, v };
        }
      }
      assert.equal(run.prepared.options['targetHistory'], best.k);
      assert.equal(run.prepared.options['targetDelay'], best.tau);
      assert.ok(best.k >= k, `order ${k}, chose ${best.k}`);
      const upTo = openJob({ measure: 'ais', estimator: 'gaussian', x: ['x'], data, options: { autoEmbed: 1, maxHistory: k } });
      assert.equal(upTo.prepared.options['targetHistory'], k);
      assert.equal(upTo.prepared.options['targetDelay'], 1);
    }
  });

  it('plug-in, a lag-2 process x_t = 0.8 x_{t−2} + e (binarised): k = 1 (blind to lag 2) never wins', () => {
    const x = arSeries(4000, [0, 0.8], 7);
    const data = { names: ['x'], columns: [x.map((v) => (v > 0 ? 1 : 0))], n: x.length };
    const run = openJob({ measure: 'ais', estimator: 'plugin', x: ['x'], data, options: { autoEmbed: 1, maxHistory: 2 } });
    assert.equal(run.prepared.options['targetHistory'], 2);
    assert.equal(run.prepared.options['targetDelay'], 1);
    const wide = openJob({ measure: 'ais', estimator: 'plugin', x: ['x'], data, options: { autoEmbed: 1, maxHistory: 4 } });
    assert.ok(wide.prepared.options['targetHistory']! >= 2);
  });

  it('te: target and source histories chosen and reported in the result options', () => {
    const data = coupledAr(3000, 0.6, 0.7, 8);
    const run = openJob({ measure: 'te', estimator: 'gaussian', x: ['x'], y: ['y'], data, options: { autoEmbed: 1, maxHistory: 4 } });
    const res = run.finish([], { engine: 'embedded', version: 't', totalMs: 0 });
    // each series by its own search (maxCorrectedAis), on the target x and on the source y
    const search = (s: Float64Array) => maxCorrectedAis(col(s.map((v) => v)), 'gaussian', { k: 3 }, 4, 1, plainEmbed).k;
    const sd = (v: Float64Array) => Math.sqrt(v.reduce((s, u) => s + u * u, 0) / v.length);
    assert.equal(res.options!['targetHistory'], search(data.columns[0]!.map((v) => v / sd(data.columns[0]!))));
    assert.equal(res.options!['sourceHistory'], search(data.columns[1]!.map((v) => v / sd(data.columns[1]!))));
    assert.equal(res.options!['autoEmbed'], 1);
    assert.equal(res.options!['maxHistory'], 4);
    assert.throws(() => openJob({ measure: 'te', estimator: 'gaussian', x: ['x'], y: ['y'], data, options: { autoEmbed: 1, sourceHistory: 2 } }), /options\.sourceHistory is chosen by options\.autoEmbed/);
  });
});
