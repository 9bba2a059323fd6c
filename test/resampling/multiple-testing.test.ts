import assert from 'node:assert/strict';
import { OptionError } from '../../shared/errors.js';
import { adjustPValues, bhAdjust, byAdjust, holmAdjust, maxStatAdjust, rowMaxima } from '../../shared/resampling/multiple-testing.js';

const close = (a: ArrayLike<number>, b: number[], tol = 1e-12) => {
  assert.equal(a.length, b.length);
  for (let i = 0; i < b.length; i++) assert.ok(Math.abs(a[i]! - b[i]!) <= tol, `entry ${i}: ${a[i]} vs ${b[i]}`);
};

// p = [0.01, 0.04, 0.03, 0.20], m = 4; by hand (sorted ranks 1..4 = 0.01, 0.03, 0.04, 0.20):
//   BH   m·p/rank = 0.04, 0.06, 0.0533…, 0.2 → running min from the top: 0.04, 0.0533…, 0.0533…, 0.2
//        (= statsmodels multipletests(p, method='fdr_bh')[1] = scipy false_discovery_control(p))
//   BY   BH · c(4), c(4) = 1 + 1/2 + 1/3 + 1/4 = 25/12
//   Holm (m − rank + 1)·p = 0.04, 0.09, 0.08, 0.2 → running max: 0.04, 0.09, 0.09, 0.2
const P = [0.01, 0.04, 0.03, 0.2];

describe('resampling: multiple-testing corrections', () => {
  it('Benjamini–Hochberg matches the hand-computed step-up values (input order kept)', () => {
    close(bhAdjust(P), [0.04, 0.16 / 3, 0.16 / 3, 0.2]);
  });
  it('Benjamini–Yekutieli is BH times c(m) = Σ 1/i, capped at 1', () => {
    const c = 25 / 12;
    close(byAdjust(P), [0.04 * c, (0.16 / 3) * c, (0.16 / 3) * c, 0.2 * c]);
    close(byAdjust([0.5, 0.9]), [1, 1]);
  });
  it('Holm step-down is monotone in the sorted order and capped at 1', () => {
    close(holmAdjust(P), [0.04, 0.09, 0.09, 0.2]);
    close(holmAdjust([0.6, 0.7]), [1, 1]);
  });
  it('BH caps at 1 and keeps monotonicity with ties', () => {
    close(bhAdjust([0.5, 0.9]), [0.9, 0.9]);
    close(bhAdjust([0.02, 0.02, 0.02]), [0.02, 0.02, 0.02]);
  });
  it('max-statistic: (1 + #{row max ≥ T_f}) / (P + 1) against the null row maxima', () => {
    // null rows (P = 4, F = 3); row maxima 0.2, 0.4, 0.6, 0.35
    const nul = Float64Array.from([0.2, 0.1, 0.0, 0.4, 0.3, 0.1, 0.1, 0.6, 0.2, 0.35, 0.0, 0.3]);
    const mx = rowMaxima(nul, 3);
    close(mx, [0.2, 0.4, 0.6, 0.35]);
    // T = 0.5: one max ≥ → 2/5; T = 0.1: all four → 5/5; T = 0.3: three → 4/5
    close(maxStatAdjust([0.5, 0.1, 0.3], mx), [0.4, 1, 0.8]);
    // a null maximum equal to the observed value counts (tie tolerance, as per-test p-values)
    close(maxStatAdjust([0.6], mx), [0.4]);
  });
  it('a NaN null value counts as exceeding every statistic (never silently dropped)', () => {
    assert.deepEqual(Array.from(rowMaxima(Float64Array.from([0.1, NaN]), 2)), [Infinity]);
  });
  it('adjustPValues dispatches by name and rejects unknown names and bad p-values', () => {
    close(adjustPValues('none', P), P);
    close(adjustPValues('holm', P), [0.04, 0.09, 0.09, 0.2]);
    assert.throws(() => adjustPValues('bonferroni' as never, P), OptionError);
    assert.throws(() => adjustPValues('maxstat', P), /maxstat needs/);
    assert.throws(() => bhAdjust([0.1, 1.2]), /p-value 1 is 1.2/);
  });
});
