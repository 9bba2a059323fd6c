import assert from 'node:assert/strict';
import { isNeural, measureOf } from '../../shared/catalog/index.js';
import { gatherRows, type Matrix } from '../../shared/data/matrix.js';
import { createPermutationContext, estimate, listEstimators, type EstimatorInput } from '../../shared/estimators/index.js';
import type { Measure } from '../../shared/job/spec.js';
import { permutation, stream } from '../../shared/rng/index.js';

function block(n: number, d: number, seed: number, ties: boolean): Matrix {
  const r = stream(seed, 0);
  const data = new Float64Array(n * d);
  for (let i = 0; i < data.length; i++) data[i] = ties ? (r.nextInt(4) - 1) * 0.1 : r.nextGaussian();
  return { n, d, data };
}

/** The explicitly permuted input a context's estimate(perm) stands for. */
/** The catalog's permuted block (mi: y, cmi: x, te: y = source past, divergence: y = labels; else x), gathered by hand. */
function permuted(measure: Measure, input: EstimatorInput, perm: Int32Array): EstimatorInput {
  const block = measureOf(measure).permutation?.block ?? 'x';
  return { ...input, [block]: gatherRows(input[block]!, perm) };
}

describe('estimators: permutation context', () => {
  const n = 300;
  for (const [measure, names] of Object.entries(listEstimators()) as [Measure, string[]][]) {
    for (const est of names) {
      // trained estimators have no permutation test (validate refuses it; test/neural covers them)
      if (isNeural(est)) continue;
      for (const ties of [false, true]) {
        if (est === 'kl' && ties) continue; // kl rejects ρ = 0
        if (est === 'gaussian' && ties) continue; // covariance is fine, but keep the tied sets for kNN/plugin
        it(`${measure}/${est}${ties ? ' (tied data)' : ''}: estimate(perm) is bit-identical to estimate() on permuted data`, () => {
          const discrete = est === 'plugin';
          const input: EstimatorInput = {
            x: block(n, 2, 1, ties || discrete),
            y: block(n, est === 'gaussian' ? 2 : 1, 2, ties || discrete),
            z: block(n, 1, 3, ties || discrete),
          };
          // a two-sample measure's y is the sample label: two values
          if (measure === 'divergence') input.y = { n, d: 1, data: Float64Array.from({ length: n }, (_, i) => (i % 3 === 0 ? 1 : 0)) };
          const params = { k: 4, millerMadow: discrete, ...(est === 'renyi_nnr' ? { options: { alpha: 0.5, ensembleSize: 3 } } : {}) };
          const ctx = createPermutationContext(measure, est, input, params);
          for (let r = 0; r < 4; r++) {
            const perm = permutation(n, stream(9, r, 3));
            const want = estimate(measure, est, permuted(measure, input, perm), params);
            assert.ok(Number.isFinite(want));
            assert.equal(ctx.estimate(perm), want);
          }
          // the identity permutation gives the plain estimate
          assert.equal(ctx.estimate(Int32Array.from({ length: n }, (_, i) => i)), estimate(measure, est, input, params));
        });
      }
    }
  }

  // the Gaussian MI context reuses X's centred rows and covariance block (gaussian.ts, gaussianMiPermuted)
  for (const [dx, dy, n2] of [[1, 1, 200], [3, 2, 57], [1, 4, 30]] as const) {
    it(`mi/gaussian, dx = ${dx}, dy = ${dy}, N = ${n2}: 200 shuffles bit-identical to gaussianMi on the gathered rows`, () => {
      const x = block(n2, dx, 11, false), y = block(n2, dy, 12, false);
      // correlated Y so the cross block is not ~0, and an offset so the means matter
      for (let i = 0; i < n2; i++) for (let j = 0; j < dy; j++) y.data[i * dy + j] = 1e3 + 0.7 * x.data[i * dx]! + y.data[i * dy + j]!;
      const input = { x, y };
      for (const params of [{ k: 4 }, { k: 4, options: { biasCorrection: 1 } }]) {
        const ctx = createPermutationContext('mi', 'gaussian', input, params);
        for (let r = 0; r < 200; r++) {
          const perm = permutation(n2, stream(5, r, 3));
          assert.equal(ctx.estimate(perm), estimate('mi', 'gaussian', permuted('mi', input, perm), params));
        }
      }
    });
  }

  it('mi/gaussian context: a singular block throws the estimator\'s own error', () => {
    const x = block(40, 1, 1, false), y: Matrix = { n: 40, d: 2, data: new Float64Array(80) };
    for (let i = 0; i < 40; i++) { y.data[2 * i] = i; y.data[2 * i + 1] = 2 * i; } // collinear Y columns
    const ctx = createPermutationContext('mi', 'gaussian', { x, y }, { k: 4 });
    const perm = permutation(40, stream(1, 0, 3));
    assert.throws(() => estimate('mi', 'gaussian', permuted('mi', { x, y }, perm), { k: 4 }), (e: Error) => {
      assert.throws(() => ctx.estimate(perm), { name: e.name, message: e.message });
      return e.name === 'EstimatorError';
    });
  });

  it('rejects a perm of the wrong length or with repeats', () => {
    const input = { x: block(20, 1, 1, false), y: block(20, 1, 2, false) };
    const ctx = createPermutationContext('mi', 'ksg1', input, { k: 3 });
    assert.throws(() => ctx.estimate(new Int32Array(19)), { name: 'OptionError' });
    assert.throws(() => ctx.estimate(new Int32Array(20)), { name: 'OptionError' });
  });
});
