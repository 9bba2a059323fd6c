/**
 * Mixed discrete–continuous CMI and TC (Rahimzamani et al., NeurIPS 2018; mixed-cmi.ts):
 * against a brute-force reference from the definition (max-norm, counts including the point,
 * strict within ρ_i, exact duplicates where ρ_i = 0), the exact reductions to Gao et al.'s
 * mixed_ksg (TC with D = 2 is it bit for bit; CMI with a constant Z is it with ln N → ψ(N)),
 * and mixtures with known CMI / TC.
 */
import assert from 'node:assert/strict';
import { mixedCmi, mixedTc } from '../../shared/estimators/mixed-cmi.js';
import { mixedKsg } from '../../shared/estimators/mixed-ksg.js';
import { stream } from '../../shared/rng/index.js';
import { cols, mat, maxDist, psi, type Rows } from './brute15.js';

/** Σ over rows of the definition's per-row term; spaces are column lists; `mix` combines ψ(k̃) and the ψ(n_S). */
function refMixed(r: Rows, spaces: number[][], k: number, mix: (psiK: number, psiN: number[]) => number): number {
  const n = r.length, all = [...r[0]!.keys()];
  const sub = (row: number[], c: number[]) => c.map((j) => row[j]!);
  let s = 0;
  for (let i = 0; i < n; i++) {
    const ds = r.map((row, j) => (j === i ? Infinity : maxDist(row, r[i]!))).sort((a, b) => a - b);
    const rho = ds[k - 1]!;
    const kt = rho === 0 ? r.filter((row) => maxDist(sub(row, all), r[i]!) === 0).length : k;
    const ns = spaces.map((c) => r.filter((row) => (rho === 0 ? maxDist(sub(row, c), sub(r[i]!, c)) === 0 : maxDist(sub(row, c), sub(r[i]!, c)) < rho)).length);
    s += mix(psi(kt), ns.map(psi));
  }
  return s / n;
}

/** Rows (x, y, z) of a mixture: z ∈ {0,1,2}, x with atoms, y continuous; many exact ties. */
function mixedRows(n: number, seed: number): Rows {
  const r = stream(seed, 0, 154);
  return Array.from({ length: n }, () => {
    const z = r.nextInt(3);
    const x = r.nextFloat64() < 0.4 ? 0 : z + r.nextGaussian();
    const y = r.nextFloat64() < 0.3 ? r.nextInt(2) : x + r.nextGaussian();
    return [x, y, z];
  });
}

const close = (a: number, b: number, tol: number, what: string) => assert.ok(Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)), `${what}: ${a} vs ${b}`);

describe('mixed_ksg for cmi and tc: Rahimzamani et al. 2018', function () {
  this.timeout(60_000);

  for (const k of [1, 5]) {
    it(`CMI and TC equal the brute-force definition on tied mixed data (N = 200, k = ${k})`, () => {
      const r = mixedRows(200, k);
      const cmi = refMixed(r, [[0, 2], [1, 2], [2]], k, (pk, [a, b, c]) => pk - a! - b! + c!);
      close(mixedCmi(mat(cols(r, [0])), mat(cols(r, [1])), mat(cols(r, [2])), k), cmi, 1e-12, 'cmi');
      const tc = refMixed(r, [[0], [1], [2]], k, (pk, ns) => pk + 2 * Math.log(r.length) - ns.reduce((u, v) => u + v, 0));
      close(mixedTc(mat(r), k), tc, 1e-12, 'tc');
    });
  }

  it('reduces to mixed_ksg exactly: TC of two variables is Gao et al.\'s MI bit for bit; CMI with a constant Z is it with ln N replaced by ψ(N)', () => {
    const r = mixedRows(300, 9);
    const x = mat(cols(r, [0])), y = mat(cols(r, [1]));
    for (const k of [1, 3, 7]) {
      assert.equal(mixedTc(mat(cols(r, [0, 1])), k), mixedKsg(x, y, k));
      const z = mat(r.map(() => [4]));
      close(mixedCmi(x, y, z, k), mixedKsg(x, y, k) - Math.log(300) + psi(300), 1e-12, `cmi | const, k = ${k}`);
    }
  });

  it('truth: discrete Z, (X, Y) | Z Gaussian with ρ_z = 0, 0.6, 0.9: I(X;Y|Z) = Σ p_z · (−½ ln(1 − ρ_z²))', () => {
    const rr = stream(11, 0, 155);
    const p = [0.3, 0.3, 0.4], rho = [0, 0.6, 0.9];
    const truth = p.reduce((s, w, z) => s - 0.5 * w * Math.log(1 - rho[z]! ** 2), 0);
    const rows: Rows = Array.from({ length: 3000 }, () => {
      const u = rr.nextFloat64();
      const z = u < 0.3 ? 0 : u < 0.6 ? 1 : 2;
      const a = rr.nextGaussian(), b = rr.nextGaussian();
      return [a, rho[z]! * a + Math.sqrt(1 - rho[z]! ** 2) * b, z];
    });
    const est = mixedCmi(mat(cols(rows, [0])), mat(cols(rows, [1])), mat(cols(rows, [2])), 5);
    assert.ok(Math.abs(est - truth) < 0.05, `${est} vs ${truth}`);
  });

  it('truth: zero-inflated X (X = 0 when Z = 0, else N(0,1)), Y = X + ½ε: I(X;Y|Z) = ½ · ½ ln 5', () => {
    const rr = stream(12, 0, 156);
    const rows: Rows = Array.from({ length: 3000 }, () => {
      const z = rr.nextInt(2);
      const x = z === 0 ? 0 : rr.nextGaussian();
      return [x, x + 0.5 * rr.nextGaussian(), z];
    });
    const truth = 0.25 * Math.log(5);
    const est = mixedCmi(mat(cols(rows, [0])), mat(cols(rows, [1])), mat(cols(rows, [2])), 5);
    assert.ok(Math.abs(est - truth) < 0.05, `${est} vs ${truth}`);
  });

  it('truth: TC of (B, B, B·G), B a fair coin, G ~ N(0,1): I(X1;X2) + I(X1X2;X3) = 2 ln 2', () => {
    const rr = stream(13, 0, 157);
    const rows: Rows = Array.from({ length: 2000 }, () => {
      const b = rr.nextInt(2);
      return [b, b, b * rr.nextGaussian()];
    });
    const est = mixedTc(mat(rows), 5);
    assert.ok(Math.abs(est - 2 * Math.LN2) < 0.05, `${est} vs ${2 * Math.LN2}`);
  });
});
