import assert from 'node:assert/strict';
import fc from 'fast-check';
import { mergeMoments, momentsOf, sd, variance } from '../../shared/stats/moments.js';
import { countExceedance, mergeExceedance } from '../../shared/stats/exceedance.js';
import { createSketch, mergeSketches, sketchOf, sketchQuantile, sketchToData, sketchFromData } from '../../shared/stats/quantile-sketch.js';
import { quantile } from '../../shared/stats/quantile.js';

const arr = fc.array(fc.double({ min: -1e3, max: 1e3, noNaN: true }), { maxLength: 40 });

describe('stats: mergeable partials', () => {
  it('moments: merge of parts equals the whole (count/min/max exact, mean/M2 to rounding), any split', () => {
    fc.assert(
      fc.property(arr, arr, arr, (a, b, c) => {
        const whole = momentsOf([...a, ...b, ...c]);
        const m1 = mergeMoments(mergeMoments(momentsOf(a), momentsOf(b)), momentsOf(c));
        const m2 = mergeMoments(momentsOf(c), mergeMoments(momentsOf(b), momentsOf(a)));
        for (const m of [m1, m2]) {
          assert.equal(m.count, whole.count);
          assert.equal(m.min, whole.min);
          assert.equal(m.max, whole.max);
          assert.ok(Math.abs(m.mean - whole.mean) <= 1e-9 * (1 + Math.abs(whole.mean)));
          assert.ok(Math.abs(m.m2 - whole.m2) <= 1e-7 * (1 + whole.m2));
        }
      }),
    );
  });
  it('moments: variance and sd of a known sample', () => {
    const m = momentsOf([2, 4, 4, 4, 5, 5, 7, 9]);
    assert.equal(m.mean, 5);
    assert.equal(m.m2, 32);
    assert.equal(variance(m), 32 / 7);
    assert.equal(sd(m), Math.sqrt(32 / 7));
  });
  it('exceedance counts: merge is exact, associative and commutative', () => {
    fc.assert(
      fc.property(arr, arr, arr, fc.double({ min: -10, max: 10, noNaN: true }), (a, b, c, t) => {
        const e = (v: number[]) => countExceedance(v, t, 1e-12);
        const whole = e([...a, ...b, ...c]);
        assert.deepEqual(mergeExceedance(mergeExceedance(e(a), e(b)), e(c)), whole);
        assert.deepEqual(mergeExceedance(e(c), mergeExceedance(e(a), e(b))), whole);
      }),
    );
  });
  it('quantile sketch: merging is exactly associative and commutative (same state whatever the order)', () => {
    fc.assert(
      fc.property(arr, arr, arr, (a, b, c) => {
        const s = (v: number[]) => sketchOf(v, 0.01);
        const x = sketchToData(mergeSketches(mergeSketches(s(a), s(b)), s(c)));
        const y = sketchToData(mergeSketches(s(c), mergeSketches(s(b), s(a))));
        assert.deepEqual(x, y);
        assert.deepEqual(x, sketchToData(s([...a, ...b, ...c])));
      }),
    );
  });
  it('quantile sketch: relative error ≤ α against the exact order statistic', () => {
    const vals: number[] = [];
    for (let i = 0; i < 5000; i++) vals.push(Math.sin(i * 12.9898) * 43758.5453 % 3);
    const s = sketchFromData(sketchToData(sketchOf(vals, 0.005)));
    const sorted = [...vals].sort((p, q) => p - q);
    for (const q of [0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99]) {
      const exact = sorted[Math.floor(q * (vals.length - 1))]!;
      const got = sketchQuantile(s, q);
      assert.ok(Math.abs(got - exact) <= 0.005 * Math.abs(exact) + 1e-12, `q=${q}: ${got} vs ${exact}`);
    }
    assert.ok(Number.isNaN(sketchQuantile(createSketch(), 0.5)));
  });
  it('exact quantiles follow numpy linear interpolation (np.quantile([1,2,3,4], .3) = 1.9)', () => {
    assert.equal(quantile([4, 1, 3, 2], 0.3), 1.9);
    assert.equal(quantile([4, 1, 3, 2], 0), 1);
    assert.equal(quantile([4, 1, 3, 2], 1), 4);
    assert.equal(quantile([5], 0.7), 5);
  });
});
