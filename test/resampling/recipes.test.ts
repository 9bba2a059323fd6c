import assert from 'node:assert/strict';
import { OptionError } from '../../shared/errors.js';
import { isKnn, measureNames, measureOf } from '../../shared/catalog/index.js';
import { prepareJob } from '../../shared/job/prepare.js';
import { confidenceInterval } from '../../shared/resampling/ci.js';
import { INTERVAL_RECIPES, intervalRecipe } from '../../shared/resampling/recipes.js';
import { drawDataset } from '../../shared/resampling/simulate.js';
import { stream } from '../../shared/rng/index.js';
import { ndtri } from '../../shared/stats/normal.js';

describe('resampling: interval recipes and the normal interval', () => {
  it('every registered (measure, estimator) declares an interval recipe; kNN ones allow subsampling only', () => {
    const all = measureNames().flatMap((m) => measureOf(m).estimators.map((e) => `${m}:${e}`));
    assert.deepEqual(Object.keys(INTERVAL_RECIPES).filter((key) => !all.includes(key)), []); // no stale entries
    // catalog entries without a calibrated entry fall back to their family, flagged unchecked
    for (const key of all) {
      const [m, e] = key.split(':') as [string, string];
      const r = intervalRecipe(m as never, e);
      assert.equal(r.checked, key in INTERVAL_RECIPES, key);
      if (isKnn(e)) assert.deepEqual(r.schemes, ['subsample'], key);
    }
    for (const key of ['mi:ksg1', 'mi:ksg2', 'mi:mixed_ksg', 'entropy:kl', 'cmi:ksg_cmi']) assert.deepEqual(INTERVAL_RECIPES[key]!.schemes, ['subsample'], key);
    for (const key of ['mi:plugin', 'mi:gaussian', 'entropy:plugin']) assert.equal(INTERVAL_RECIPES[key]!.schemes[0], 'iid', key);
  });

  it('the prepared job records the scheme, m and method the recipe chose', () => {
    const data = drawDataset({ kind: 'gaussian', rho: 0.5 }, 402, stream(4, 0));
    const p = prepareJob({ measure: 'mi', estimator: 'ksg1', k: 3, x: ['x'], y: ['y'], data, bootstrap: { replicates: 10 } });
    // the bias probe: 10 replicates of N/2 rows, the middle point of the 1/m bias fit
    assert.deepEqual(p.bootstrap, { replicates: 10, method: 'normal', level: 0.95, scheme: 'subsample', m: 100, jackknifeGroups: 0, probe: { m: 201, replicates: 10 } });
    const small = drawDataset({ kind: 'gaussian', rho: 0.5 }, 30, stream(4, 0));
    assert.equal(prepareJob({ measure: 'mi', estimator: 'ksg1', k: 10, x: ['x'], y: ['y'], data: small, bootstrap: { replicates: 10 } }).bootstrap!.m, 11); // k + 1 > ⌊30/4⌋
    // ksg_cmi subsamples half the rows (m = N/4 under-covered for it)
    const cmiData = { ...data, names: ['x', 'y', 'z'], columns: [data.columns[0]!, data.columns[1]!, data.columns[0]!.map((v, i) => v - data.columns[1]![i]!)] };
    assert.equal(prepareJob({ measure: 'cmi', estimator: 'ksg_cmi', x: ['x'], y: ['y'], z: ['z'], data: cmiData, bootstrap: { replicates: 10 } }).bootstrap!.m, 201);
    // an uncalibrated catalog entry gets its family's recipe and says so
    const g = prepareJob({ measure: 'mi', estimator: 'gcmi', x: ['x'], y: ['y'], data, bootstrap: { replicates: 10 } });
    assert.equal(g.bootstrap!.scheme, 'iid');
    assert.ok(g.warnings.some((w) => /mi with gcmi has not been checked by simulation/.test(w)), g.warnings.join('; '));
    // plug-in: basic and BCa under-covered, so they are refused with the calibrated alternatives
    assert.throws(
      () => prepareJob({ measure: 'mi', estimator: 'plugin', x: ['x'], y: ['y'], data, bootstrap: { replicates: 10, method: 'basic' } }),
      (e: unknown) => e instanceof OptionError && e.field === 'bootstrap.method' && /--ci basic/.test(e.message) && /percentile, normal/.test(e.message),
    );
  });

  it('normal interval: θ̂ ± z·sd(replicates, ddof 1)', () => {
    const dist = [1, 2, 3, 4, 5];
    const sd = Math.sqrt(2.5);
    const z = ndtri(0.95);
    const ci = confidenceInterval({ method: 'normal', level: 0.9, thetaHat: 10, distribution: dist });
    assert.ok(Math.abs(ci.low - (10 - z * sd)) < 1e-12 && Math.abs(ci.high - (10 + z * sd)) < 1e-12, JSON.stringify(ci));
    assert.match(confidenceInterval({ method: 'normal', level: 0.9, thetaHat: 1, distribution: [1, 1] }).warning ?? '', /degenerate/);
  });
});
