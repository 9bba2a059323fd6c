import assert from 'node:assert/strict';
import type { Matrix } from '../../shared/data/matrix.js';
import { EstimatorError, OptionError, DataError } from '../../shared/errors.js';
import { checkEstimator, estimate, isKnnEstimator, listEstimators } from '../../shared/estimators/index.js';
import type { Measure } from '../../shared/job/spec.js';

const col = (...v: number[]): Matrix => ({ n: v.length, d: 1, data: Float64Array.from(v) });
const x = col(0.1, 0.5, 0.2, 0.9, 0.4, 0.7);
const y = col(1.0, 0.3, 0.8, 0.2, 0.6, 0.5);

describe('estimators: validation and errors', () => {
  it('lists estimators per measure and flags the kNN ones', () => {
    const list = listEstimators();
    assert.deepEqual(list['mi'], ['ksg1', 'ksg2', 'mixed_ksg', 'plugin', 'gaussian', 'gcmi', 'binned', 'kernel', 'kde', 'mine', 'nwj', 'infonce', 'smile']);
    assert.deepEqual(list['entropy'], ['kl', 'plugin', 'gaussian', 'binned', 'kernel', 'kde']);
    assert.deepEqual(list['cmi'], ['ksg_cmi', 'gaussian', 'plugin', 'ksg2', 'mixed_ksg', 'mine', 'nwj', 'infonce', 'smile']);
    assert.deepEqual(list['te'], ['ksg', 'gaussian', 'plugin', 'ksg2']);
    for (const m of ['ais', 'pi']) assert.deepEqual(list[m], ['ksg', 'gaussian', 'plugin']);
    assert.deepEqual(list['entropy_rate'], ['plugin', 'gaussian']);
    assert.deepEqual(list['divergence'], ['kl', 'renyi_nnr']);
    assert.deepEqual(list['tc'], ['ksg', 'gaussian', 'mixed_ksg']);
    for (const m of ['dtc', 'oinfo', 'sinfo']) assert.deepEqual(list[m], ['ksg', 'gaussian']);
    assert.deepEqual(['ksg1', 'ksg2', 'mixed_ksg', 'kl', 'ksg_cmi', 'plugin', 'gaussian'].map(isKnnEstimator), [true, true, true, true, true, false, false]);
  });

  it('unknown estimator → OptionError naming `estimator` and listing valid ones', () => {
    for (const f of [checkEstimator, estimate]) {
      assert.throws(
        () => f('mi', 'ksg3', { x, y }, { k: 3 }),
        (e: unknown) => e instanceof OptionError && e.field === 'estimator' && /ksg1, ksg2, mixed_ksg, plugin, gaussian/.test(e.message),
      );
    }
    assert.throws(() => checkEstimator('entropy', 'ksg1', { x }, { k: 3 }), (e: unknown) => e instanceof OptionError && /kl, plugin/.test(e.message));
  });

  it('unknown measure → OptionError naming `measure`', () => {
    assert.throws(() => checkEstimator('mutual' as Measure, 'ksg1', { x, y }, { k: 3 }), (e: unknown) => e instanceof OptionError && e.field === 'measure' && /valid measures: mi, entropy, cmi, te, divergence/.test(e.message));
  });

  it('missing y for mi, missing z for cmi → OptionError', () => {
    assert.throws(() => estimate('mi', 'ksg1', { x }, { k: 3 }), (e: unknown) => e instanceof OptionError && e.field === 'y');
    assert.throws(() => estimate('cmi', 'ksg_cmi', { x, y }, { k: 3 }), (e: unknown) => e instanceof OptionError && e.field === 'z');
  });

  it('k not a positive integer → OptionError k; k ≥ n → EstimatorError naming the row count', () => {
    for (const k of [0, -1, 2.5, NaN]) {
      assert.throws(() => checkEstimator('mi', 'ksg1', { x, y }, { k }), (e: unknown) => e instanceof OptionError && e.field === 'k');
    }
    assert.throws(() => estimate('mi', 'ksg2', { x, y }, { k: 6 }), (e: unknown) => e instanceof EstimatorError && /at least k \+ 1 = 7 rows, got 6/.test(e.message));
    assert.doesNotThrow(() => estimate('mi', 'ksg1', { x, y }, { k: 5 }));
    // plugin and gaussian do not use k
    assert.doesNotThrow(() => checkEstimator('mi', 'plugin', { x, y }, { k: 100 }));
  });

  it('blocks with different row counts, and non-finite cells → DataError naming row and column', () => {
    assert.throws(() => estimate('mi', 'ksg1', { x, y: col(1, 2, 3) }, { k: 3 }), DataError);
    const bad: Matrix = { n: 3, d: 2, data: Float64Array.from([1, 2, 3, NaN, 5, 6]) };
    assert.throws(() => checkEstimator('entropy', 'kl', { x: bad }, { k: 1 }), (e: unknown) => e instanceof DataError && /row 1, column 1/.test(e.message));
  });

  it('kl with duplicate rows → EstimatorError suggesting jitter; ρ = 0 at estimate time too', () => {
    const dup = col(0.1, 0.5, 0.2, 0.5, 0.4, 0.7);
    assert.throws(() => checkEstimator('entropy', 'kl', { x: dup }, { k: 2 }), (e: unknown) => e instanceof EstimatorError && /1 duplicate row/.test(e.message) && /jitter/.test(e.message));
    const triple = col(0.1, 0.5, 0.5, 0.5, 0.4, 0.7);
    assert.throws(() => estimate('entropy', 'kl', { x: triple }, { k: 2 }), (e: unknown) => e instanceof EstimatorError && /row 1/.test(e.message) && /jitter/.test(e.message));
  });

  it('kNN estimators warn about duplicates in the joint space; mixed_ksg does not', () => {
    const xd = col(1, 1, 1, 2, 2, 3), yd = col(5, 5, 5, 6, 6, 7);
    // k = 3: no row has 3 copies, so no k-th distance is 0: a warning (ties-guard.ts)
    assert.deepEqual(checkEstimator('mi', 'ksg1', { x: xd, y: yd }, { k: 3 }), [
      '3 duplicate rows in the joint space: kNN estimators are biased by ties; consider jitter or the mixed_ksg estimator',
    ]);
    // k = 2: half the rows have a zero k-th distance: refused
    assert.throws(() => checkEstimator('mi', 'ksg1', { x: xd, y: yd }, { k: 2 }), (e: unknown) => e instanceof EstimatorError && /50% of the rows/.test(e.message));
    assert.deepEqual(checkEstimator('mi', 'mixed_ksg', { x: xd, y: yd }, { k: 2 }), []);
    assert.deepEqual(checkEstimator('mi', 'ksg1', { x, y }, { k: 2 }), []);
  });

  it('gaussian on a constant column → EstimatorError naming the block', () => {
    assert.throws(() => estimate('mi', 'gaussian', { x: col(1, 1, 1, 1), y: col(1, 2, 3, 5) }, { k: 3 }), (e: unknown) => e instanceof EstimatorError && /covariance of x is singular/.test(e.message));
  });
});
