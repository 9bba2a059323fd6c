/**
 * The SMILE paper's self-consistency checks: data processing with a small smile ensemble (truth
 * ratio 0.5), additivity with ksg1 (the mechanics, cheaply).
 */
import assert from 'node:assert/strict';
import { runConsistency } from '../../shared/resampling/consistency.js';

describe('self-consistency checks (simulate --consistency)', function () {
  this.timeout(240_000);

  it('data processing: smile gives I(X;Y) ≥ I(f(X);Y), ratio near the truth 0.5', () => {
    const r = runConsistency({ check: 'data-processing', estimator: 'smile', n: 600, rho: 0.8, seed: 1, critics: 2, options: { hidden: 16, embed: 8, batch: 64, steps: 150, evalEvery: 25, heldOutBootstrap: 20 } });
    assert.equal(r.sides.length, 2);
    assert.ok(r.holds, JSON.stringify(r));
    assert.ok(r.sides[0]!.estimate > r.sides[1]!.estimate, JSON.stringify(r.sides));
    assert.ok(r.ratio < 1 && r.ratio > 0, `ratio ${r.ratio}`);
    assert.ok(r.slack > 0, 'two critics per side: a t half-width each');
  });

  it('additivity: ksg1 on independent pairs, joint ≈ sum', () => {
    const r = runConsistency({ check: 'additivity', estimator: 'ksg1', n: 2000, rho: 0.6, seed: 2 });
    assert.equal(r.sides.length, 3);
    assert.equal(r.slack, 0);
    assert.ok(Math.abs(r.ratio - 1) < 0.1, `ratio ${r.ratio}`);
    assert.ok(!r.holds || r.sides[0]!.estimate === r.sides[1]!.estimate + r.sides[2]!.estimate, 'without slack only an exact equality holds');
  });
});
