import assert from 'node:assert/strict';
import { digamma, digammaInt, EULER_GAMMA, lgamma } from '../../shared/stats/special.js';

const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);

describe('stats: digamma and lgamma', () => {
  it('ψ(1) = −γ, ψ(1/2) = −γ − 2 ln 2, ψ(1/4) = −γ − π/2 − 3 ln 2 (closed forms)', () => {
    assert.ok(rel(digamma(1), -EULER_GAMMA) < 1e-15);
    assert.ok(rel(digamma(0.5), -EULER_GAMMA - 2 * Math.LN2) < 1e-15);
    assert.ok(rel(digamma(0.25), -EULER_GAMMA - Math.PI / 2 - 3 * Math.LN2) < 1e-15);
  });

  it('ψ(n) = H_{n−1} − γ for integers (running harmonic sum, n ≤ 2000)', () => {
    let h = 0;
    for (let n = 1; n <= 2000; n++) {
      const want = h - EULER_GAMMA;
      assert.ok(Math.abs(digamma(n) - want) <= 4e-15 * Math.max(1, Math.abs(want)), `ψ(${n})`);
      assert.equal(digammaInt(n), digamma(n));
      h += 1 / n;
    }
  });

  it('recurrence ψ(x + 1) = ψ(x) + 1/x and reflection ψ(1 − x) − ψ(x) = π cot(πx)', () => {
    for (const x of [0.1, 0.7, 2.3, 5.9, 9.99, 10.01, 37.5, 1234.567]) {
      assert.ok(Math.abs(digamma(x + 1) - digamma(x) - 1 / x) < 1e-14 * Math.max(1, Math.abs(digamma(x))));
    }
    for (const x of [-0.3, -1.7, -4.25]) {
      assert.ok(Math.abs(digamma(1 - x) - digamma(x) - Math.PI / Math.tan(Math.PI * x)) < 1e-13);
    }
    assert.ok(Number.isNaN(digamma(0)) && Number.isNaN(digamma(-3)));
  });

  it('large argument: ψ(1e6) matches ln x − 1/(2x) − 1/(12x²)', () => {
    const x = 1e6;
    assert.ok(rel(digamma(x), Math.log(x) - 1 / (2 * x) - 1 / (12 * x * x)) < 1e-15);
  });

  it('lgamma: ln Γ(n) = ln (n−1)!, Γ(1/2) = √π', () => {
    let f = 0;
    for (let n = 1; n <= 30; n++) {
      assert.ok(Math.abs(lgamma(n) - f) < 1e-13 * Math.max(1, f), `lgamma(${n})`);
      f += Math.log(n);
    }
    assert.ok(Math.abs(lgamma(0.5) - 0.5 * Math.log(Math.PI)) < 1e-14);
  });
});
