/**
 * Kernel estimators (box-kernel.ts, kde.ts): the box kernel (JIDT's kernel calculators) and the Gaussian KDE
 * (Scott / Silverman bandwidth, leave-one-out or resubstitution) against brute-force references
 * written from the definitions, and against the analytic entropy and MI of Gaussians.
 */
import assert from 'node:assert/strict';
import { boxEntropy, boxMi } from '../../shared/estimators/box-kernel.js';
import { kdeEntropy, kdeMi } from '../../shared/estimators/kde.js';
import { cols, gaussianRows, mat, maxDist, type Rows } from './brute15.js';

function sdOf(v: number[]): number {
  const m = v.reduce((a, b) => a + b, 0) / v.length;
  return Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / (v.length - 1));
}

/** −⟨ln f̂⟩ with the product Gaussian kernel, bandwidths by the rule, LOO or not (the definition). */
function refKdeH(r: Rows, rule: 'scott' | 'silverman', loo: boolean): number {
  const n = r.length, d = r[0]!.length;
  const a = rule === 'scott' ? n ** (-1 / (d + 4)) : (4 / ((d + 2) * n)) ** (1 / (d + 4));
  const h = [...Array(d).keys()].map((c) => sdOf(r.map((row) => row[c]!)) * a);
  let s = 0;
  for (let i = 0; i < n; i++) {
    let f = 0;
    for (let j = 0; j < n; j++) {
      if (loo && j === i) continue;
      f += h.reduce((p, hc, c) => p * Math.exp(-0.5 * ((r[i]![c]! - r[j]![c]!) / hc) ** 2) / (hc * Math.sqrt(2 * Math.PI)), 1);
    }
    s += Math.log(f / (loo ? n - 1 : n));
  }
  return -s / n;
}

function refBoxH(r: Rows, rad: number): number {
  const n = r.length, d = r[0]!.length;
  let s = 0;
  for (let i = 0; i < n; i++) s += Math.log(r.filter((row) => maxDist(row, r[i]!) <= rad).length / (n * (2 * rad) ** d));
  return -s / n;
}

const close = (a: number, b: number, tol: number, what: string) => assert.ok(Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)), `${what}: ${a} vs ${b}`);

describe('kernel estimators: box kernel and Gaussian KDE', function () {
  this.timeout(60_000);
  const r = gaussianRows(150, [[1, 0], [0.6, 0.8]], 30);
  const x = cols(r, [0]), y = cols(r, [1]);

  it('box kernel: entropy and MI equal the definitions (counts ≤ r with the point itself)', () => {
    for (const rad of [0.1, 0.25, 0.7]) {
      close(boxEntropy(mat(r), rad), refBoxH(r, rad), 1e-12, `H2 r = ${rad}`);
      close(boxEntropy(mat(x), rad), refBoxH(x, rad), 1e-12, `H1 r = ${rad}`);
      // Î = H(X) + H(Y) − H(X,Y) with the same r (the (2r)^d cancel)
      close(boxMi(mat(x), mat(y), rad), refBoxH(x, rad) + refBoxH(y, rad) - refBoxH(r, rad), 1e-12, `I r = ${rad}`);
    }
  });

  for (const rule of ['scott', 'silverman'] as const) {
    for (const loo of [true, false]) {
      it(`KDE (${rule}, ${loo ? 'leave-one-out' : 'resubstitution'}): entropy and MI equal the definitions`, () => {
        close(kdeEntropy(mat(r), rule, loo), refKdeH(r, rule, loo), 1e-12, 'H2');
        close(kdeMi(mat(x), mat(y), rule, loo), refKdeH(x, rule, loo) + refKdeH(y, rule, loo) - refKdeH(r, rule, loo), 1e-12, 'I');
      });
    }
  }

  it('truth: the Gaussian KDE (Scott, leave-one-out) entropies and MI of a bivariate Gaussian (N = 2000)', () => {
    const n = 2000, rho = 0.6;
    const g = gaussianRows(n, [[1, 0], [rho, Math.sqrt(1 - rho * rho)]], 31);
    const gx = cols(g, [0]), gy = cols(g, [1]);
    // measured here: H(X) 1.446 (truth 1.419), H(X,Y) 2.632 (truth 2.615), I 0.209 (truth 0.223)
    close(kdeEntropy(mat(gx), 'scott', true), 0.5 * Math.log(2 * Math.PI * Math.E), 0.05, 'H(X) vs N(0,1)');
    close(kdeEntropy(mat(g), 'scott', true), Math.log(2 * Math.PI * Math.E) + 0.5 * Math.log(1 - rho * rho), 0.05, 'H(X,Y)');
    const mi = kdeMi(mat(gx), mat(gy), 'scott', true);
    close(mi, -0.5 * Math.log(1 - rho * rho), 0.05, 'I vs −½ ln(1 − ρ²)');
  });

  it('truth: box-kernel entropy of N(0,1) with r = 0.1 ≈ ½ ln(2πe(1 + r²/3)) (a box of width 2r adds r²/3 to the variance; N = 4000)', () => {
    const g = cols(gaussianRows(4000, [[1]], 32), [0]);
    close(boxEntropy(mat(g), 0.1), 0.5 * Math.log(2 * Math.PI * Math.E * (1 + 0.01 / 3)), 0.03, 'H');
  });
});
