import assert from 'node:assert/strict';
import type { Matrix } from '../../shared/data/matrix.js';
import { EstimatorError } from '../../shared/errors.js';
import { gaussianMi } from '../../shared/estimators/gaussian.js';
import { gaussianCmi, gaussianMultiInfo } from '../../shared/estimators/gaussian-multi.js';
import { selectCols } from '../../shared/estimators/multi-info.js';
import { stream } from '../../shared/rng/index.js';
import { relErr } from './helpers.js';

const col = (a: Float64Array): Matrix => ({ n: a.length, d: 1, data: a });

/** X_d = Z + 0.8 E_d, d = 1..3 (Σ = 0.64 I + 1 1ᵀ), as in multi-info.test.ts. */
function redundant(n: number, seed: number): Matrix {
  const r = stream(seed, 0), data = new Float64Array(n * 3);
  for (let i = 0; i < n; i++) {
    const z = r.nextGaussian();
    for (let c = 0; c < 3; c++) data[i * 3 + c] = z + 0.8 * r.nextGaussian();
  }
  return { n, d: 3, data };
}

/** Z, X = Z + E_1, Y = 0.5 X + Z + E_2: given Z, (X, Y) has correlation² 0.25/1.25, so I(X;Y|Z) = ½ ln 1.25. */
function chain(n: number, seed: number): [Matrix, Matrix, Matrix] {
  const r = stream(seed, 0), x = new Float64Array(n), y = new Float64Array(n), z = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    z[i] = r.nextGaussian();
    x[i] = z[i]! + r.nextGaussian();
    y[i] = 0.5 * x[i]! + z[i]! + r.nextGaussian();
  }
  return [col(x), col(y), col(z)];
}

/** Sample correlation of two columns. */
function corr(a: Matrix, b: Matrix): number {
  const n = a.n;
  let ma = 0, mb = 0;
  for (let i = 0; i < n; i++) { ma += a.data[i]!; mb += b.data[i]!; }
  ma /= n; mb /= n;
  let sab = 0, saa = 0, sbb = 0;
  for (let i = 0; i < n; i++) {
    const u = a.data[i]! - ma, v = b.data[i]! - mb;
    sab += u * v; saa += u * u; sbb += v * v;
  }
  return sab / Math.sqrt(saa * sbb);
}

describe('estimators: Gaussian TC, DTC, O-information and conditional MI', () => {
  it('D = 2: TC = DTC = gaussianMi and Ω = 0, exactly', () => {
    const x = selectCols(redundant(300, 1), [0, 2]);
    const m = gaussianMultiInfo(x);
    const mi = gaussianMi(selectCols(x, [0]), selectCols(x, [1]));
    assert.equal(m.tc, mi);
    assert.equal(m.dtc, mi);
    assert.equal(m.oinfo, 0);
  });

  it('D = 3 identities on a sample: TC = I(X1;X2) + I(X1X2;X3), Ω = I(X1;X2) − I(X1;X2|X3)', () => {
    const x = redundant(500, 2);
    const [a, b, c] = [selectCols(x, [0]), selectCols(x, [1]), selectCols(x, [2])];
    const m = gaussianMultiInfo(x);
    const tc = gaussianMi(a, b) + gaussianMi(selectCols(x, [0, 1]), c);
    const omega = gaussianMi(a, b) - gaussianCmi(a, b, c); // interaction (co-)information
    assert.ok(relErr(m.tc, tc) < 1e-12, `TC ${m.tc} vs ${tc}`);
    assert.ok(relErr(m.oinfo, omega) < 1e-12, `Ω ${m.oinfo} vs ${omega}`);
    assert.ok(relErr(m.sinfo, m.tc + m.dtc) < 1e-15);
  });

  it('cmi equals −½ ln(1 − r²_xy·z) from the sample partial correlation', () => {
    const [x, y, z] = chain(400, 3);
    const rxy = corr(x, y), rxz = corr(x, z), ryz = corr(y, z);
    const partial = (rxy - rxz * ryz) / Math.sqrt((1 - rxz * rxz) * (1 - ryz * ryz));
    const want = -0.5 * Math.log(1 - partial * partial);
    assert.ok(relErr(gaussianCmi(x, y, z), want) < 1e-12, `${gaussianCmi(x, y, z)} vs ${want}`);
  });

  it('population truth, N = 20000: redundancy (TC, DTC, Ω) and a chain (CMI = ½ ln 1.25)', () => {
    // |a I + 1 1ᵀ| = a^{m−1}(a + m) for m × m blocks, a = 0.64.
    const det = (m: number): number => Math.log(0.64 ** (m - 1) * (0.64 + m));
    const tc = 0.5 * (3 * det(1) - det(3)), dtc = 0.5 * (3 * det(2) - 2 * det(3));
    // Over 100 seeds at N = 20000: bias +0.0005 / +0.0003 / +0.00015 / +0.0007 and sd
    // 0.0079 / 0.0049 / 0.0030 / 0.0035 for TC / DTC / Ω / CMI; each bound is |bias| + 5 sd.
    const m = gaussianMultiInfo(redundant(20000, 11));
    assert.ok(Math.abs(m.tc - tc) < 0.04, `TC ${m.tc} vs ${tc}`);
    assert.ok(Math.abs(m.dtc - dtc) < 0.025, `DTC ${m.dtc} vs ${dtc}`);
    assert.ok(Math.abs(m.oinfo - (tc - dtc)) < 0.016, `Ω ${m.oinfo} vs ${tc - dtc}`);
    const cmi = gaussianCmi(...chain(20000, 12));
    assert.ok(Math.abs(cmi - 0.5 * Math.log(1.25)) < 0.018, `CMI ${cmi}`);
  });

  it('a singular covariance is an EstimatorError naming the block, never NaN or −Infinity', () => {
    const x = redundant(100, 4);
    const constant = { n: 100, d: 3, data: x.data.map((v, i) => (i % 3 === 1 ? 2.5 : v)) };
    assert.throws(() => gaussianMultiInfo(constant), (e: unknown) => e instanceof EstimatorError && /variable 2 \(column 1\)/.test(e.message));
    const copy = { n: 100, d: 3, data: x.data.map((v, i) => (i % 3 === 2 ? x.data[i - 2]! : v)) };
    assert.throws(() => gaussianMultiInfo(copy), (e: unknown) => e instanceof EstimatorError && /singular/.test(e.message));
    const [a, b] = chain(100, 5);
    assert.throws(() => gaussianCmi(a, b, a), (e: unknown) => e instanceof EstimatorError && /\(x, z\)/.test(e.message));
    assert.throws(() => gaussianMultiInfo(selectCols(x, [0])), EstimatorError);
  });
});
