import assert from 'node:assert/strict';
import { estimate } from '../../shared/estimators/index.js';
import { columns, gaussianSample } from './helpers.js';

/**
 * Analytic ground truth MI = ½ ln(|Σx||Σy| / |Σ|) on seeded Gaussian samples of N = 4000.
 * Tolerances: over 20 seeds at N = 3000 the estimates had sd ≈ 0.020 (ksg1), 0.019 (ksg2),
 * 0.016 (gaussian), with mean within 0.005 of the truth; sd scales as 1/√N, so at N = 4000
 * sd ≈ 0.017 (kNN) and 0.014 (gaussian). We allow 4 sd: 0.07 for KSG, 0.055 for gaussian.
 * (With a fixed seed the test is deterministic; the bound says it is not tuned to the seed.)
 */
const N = 4000;
const TOL = { ksg1: 0.07, ksg2: 0.07, gaussian: 0.055 } as const;

/** ½ ln(|Σx||Σy|/|Σ|) for Σ = L Lᵀ with x = first dx coordinates. */
function truthFromChol(L: number[][], dx: number): number {
  const d = L.length;
  const S = Array.from({ length: d }, (_, i) => Array.from({ length: d }, (_, j) => L[i]!.reduce((s, v, t) => s + v * L[j]![t]!, 0)));
  const det = (M: number[][]): number => {
    // Gaussian elimination without pivoting (SPD blocks)
    const A = M.map((r) => [...r]);
    let p = 1;
    for (let c = 0; c < A.length; c++) {
      p *= A[c]![c]!;
      for (let r = c + 1; r < A.length; r++) {
        const f = A[r]![c]! / A[c]![c]!;
        for (let t = c; t < A.length; t++) A[r]![t]! -= f * A[c]![t]!;
      }
    }
    return p;
  };
  const sub = (a: number, b: number) => S.slice(a, b).map((r) => r.slice(a, b));
  return 0.5 * Math.log((det(sub(0, dx)) * det(sub(dx, d))) / det(S));
}

describe('estimators: analytic Gaussian ground truth (N = 4000)', () => {
  const cases = [
    { name: 'bivariate ρ = 0.6', L: [[1, 0], [0.6, 0.8]], dx: 1, seed: 11 },
    {
      name: '4-D (2 + 2)',
      L: [[1, 0, 0, 0], [0.3, 0.9, 0, 0], [0.5, -0.2, 0.7, 0], [0.1, 0.4, 0.3, 0.8]],
      dx: 2,
      seed: 12,
    },
  ];
  it('the bivariate truth is −½ ln(1 − ρ²)', () => {
    assert.ok(Math.abs(truthFromChol(cases[0]!.L, 1) + 0.5 * Math.log(1 - 0.36)) < 1e-15);
  });
  for (const c of cases) {
    const m = gaussianSample(N, c.L, c.seed);
    const x = columns(m, 0, c.dx), y = columns(m, c.dx, m.d);
    const truth = truthFromChol(c.L, c.dx);
    for (const est of ['ksg1', 'ksg2', 'gaussian'] as const) {
      it(`${c.name}: ${est} within ${TOL[est]} of ${truth.toFixed(4)}`, () => {
        const v = estimate('mi', est, { x, y }, { k: 3 });
        assert.ok(Math.abs(v - truth) < TOL[est], `${est} = ${v}, truth ${truth}`);
      });
    }
  }
});
