/**
 * An ensemble of small critics estimates the known MI of a 2-D Gaussian, within a tolerance made
 * of the ensemble's own spread (t half-width) and the held-out bootstrap sd.
 */
import assert from 'node:assert/strict';
import { createEngine } from '../../engine/embedded.js';
import { tQuantile } from '../../shared/resampling/neural-ensemble.js';
import { gaussian, SMALL } from './data.js';

describe('neural estimators: accuracy', function () {
  this.timeout(300_000);

  it('smile, 3 critics: the ensemble mean is near I = 0.511 within its own spread plus held-out noise', async () => {
    const rho = 0.8, truth = -0.5 * Math.log(1 - rho * rho);
    const engine = createEngine({ threads: 2 });
    const r = await engine.run({ measure: 'mi', estimator: 'smile', x: ['x'], y: ['y'], seed: 2, data: gaussian(800, rho, 1), options: SMALL, ensemble: { critics: 3 } }).finally(() => engine.close());
    const e = r.ensemble!.neural!;
    assert.equal(e.critics, 3);
    assert.equal(r.estimate, e.mean);
    assert.equal(r.replicates.neural, 3);
    // ensemble t half-width (seed/split noise) + 3 held-out bootstrap sds (test-row noise)
    const se = e.perCritic.reduce((s, c) => s + c.heldOutSe, 0) / 3;
    const tol = tQuantile(0.975, 2) * e.sd / Math.sqrt(3) + 3 * se;
    assert.ok(Math.abs(r.estimate - truth) < tol, `estimate ${r.estimate} vs ${truth} ± ${tol}`);
    assert.ok(e.interval!.low < e.mean && e.mean < e.interval!.high);
    assert.ok(e.heldOut.low < e.mean && e.mean < e.heldOut.high);
    for (const c of e.perCritic) assert.ok(c.bestStep > 0 && c.bestStep <= c.steps && c.steps <= SMALL.steps);
  });

});
