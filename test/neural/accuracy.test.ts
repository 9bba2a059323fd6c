/**
 * An ensemble of small critics estimates the known MI of a 2-D Gaussian, and the known CMI of a
 * 3-D one, within a tolerance made of the ensemble's own spread (t half-width) and the held-out
 * bootstrap sd. Both jobs run at once on one 2-thread engine (the pool stays busy while the
 * shorter job's last critic trains; tfjs loads once per thread).
 */
import assert from 'node:assert/strict';
import { createEngine } from '../../engine/embedded.js';
import type { Engine, JobResult } from '../../shared/job/spec.js';
import { tQuantile } from '../../shared/resampling/neural-ensemble.js';
import { NEURAL_CMI_METHOD } from '../../shared/estimators/neural/index.js';
import { gaussian, gaussianCmi, SMALL } from './data.js';

describe('neural estimators: accuracy', function () {
  this.timeout(300_000);
  const rho = 0.8, truth = -0.5 * Math.log(1 - rho * rho);
  let engine: Engine;
  let mi: Promise<JobResult>, cmi: Promise<JobResult>;

  before(async () => {
    engine = createEngine({ threads: 2 });
    mi = (await engine.submit({ measure: 'mi', estimator: 'smile', x: ['x'], y: ['y'], seed: 2, data: gaussian(800, rho, 1), options: SMALL, ensemble: { critics: 3 } })).result();
    // I(X;Z) = ½ ln 2 is removed from I(X;[Y,Z]) = 0.858; a larger step size than SMALL's, as the joint critic sees 2-D y in 300 steps
    cmi = (await engine.submit({
      measure: 'cmi', estimator: 'smile', x: ['x'], y: ['y'], z: ['z'], seed: 1, data: gaussianCmi(800, rho, 1), options: { ...SMALL, learningRate: 0.005 }, ensemble: { critics: 3 },
    })).result();
    mi.catch(() => undefined);
    cmi.catch(() => undefined);
  });
  after(async () => {
    await engine?.close();
  });

  it('smile, 3 critics: the ensemble mean is near I = 0.511 within its own spread plus held-out noise', async () => {
    const r = await mi;
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

  it('cmi (chain rule, smile, 3 critic pairs): near the Gaussian I(X;Y|Z) = 0.511 within the same tolerance; the result states its method', async () => {
    const r = await cmi;
    const e = r.ensemble!.neural!;
    assert.equal(e.method, NEURAL_CMI_METHOD);
    assert.match(e.method!, /I\(X;\[Y,Z\]\) − I\(X;Z\).*same train\/validation\/test split.*not a bound/);
    // the held-out sd is that of the difference: both critics are evaluated on the same bootstrap resample of the test rows
    const se = e.perCritic.reduce((s, c) => s + c.heldOutSe, 0) / 3;
    const tol = tQuantile(0.975, 2) * e.sd / Math.sqrt(3) + 3 * se;
    assert.ok(Math.abs(r.estimate - truth) < tol, `estimate ${r.estimate} vs ${truth} ± ${tol}`);
    // and it is a conditional quantity: well below the unconditional I(X;[Y,Z]) = 0.858 a wrong chain rule would approach
    assert.ok(r.estimate < truth + 0.5 * Math.log(2) - tol / 2, `estimate ${r.estimate}`);
  });
});
