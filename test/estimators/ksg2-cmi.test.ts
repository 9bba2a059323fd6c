/**
 * KSG algorithm 2 for cmi and te (issue 15): ksg2Cmi against a brute-force reference written
 * from the definition (ksg2-cmi.ts, docs/estimators.md: the k joint neighbours, their largest
 * x, y, z distances, rectangle counts ≤, ψ(k) − 2/k + ⟨ψ(n_z) − ψ(n_xz) − ψ(n_yz) + 1/n_xz +
 * 1/n_yz⟩), against the analytic CMI of a Gaussian, and `te` with ksg2 through the pipeline =
 * ksg2Cmi on the TE embedding.
 */
import assert from 'node:assert/strict';
import { ksg2Cmi } from '../../shared/estimators/ksg2-cmi.js';
import { embedTe } from '../../shared/estimators/transfer-entropy.js';
import { createEngine } from '../../engine/embedded.js';
import { stream } from '../../shared/rng/index.js';
import { cols, gaussianRows, logDet, mat, maxDist, psi, sortedOthers, type Rows } from './brute15.js';

function refKsg2Cmi(r: Rows, dx: number, dy: number, k: number): number {
  const n = r.length, d = r[0]!.length;
  const X = [...Array(dx).keys()], Yc = [...Array(dy).keys()].map((j) => j + dx), Z = [...Array(d - dx - dy).keys()].map((j) => j + dx + dy);
  const sub = (row: number[], c: number[]) => c.map((j) => row[j]!);
  let s = 0;
  for (let i = 0; i < n; i++) {
    const nb = sortedOthers(r, i, maxDist).slice(0, k).map((o) => o.j);
    const e = (c: number[]) => Math.max(...nb.map((j) => maxDist(sub(r[j]!, c), sub(r[i]!, c))));
    const ex = e(X), ey = e(Yc), ez = e(Z);
    let nz = 0, nxz = 0, nyz = 0;
    for (let j = 0; j < n; j++) {
      if (j === i || maxDist(sub(r[j]!, Z), sub(r[i]!, Z)) > ez) continue;
      nz++;
      if (maxDist(sub(r[j]!, X), sub(r[i]!, X)) <= ex) nxz++;
      if (maxDist(sub(r[j]!, Yc), sub(r[i]!, Yc)) <= ey) nyz++;
    }
    s += psi(nz) - psi(nxz) - psi(nyz) + 1 / nxz + 1 / nyz;
  }
  return psi(k) - 2 / k + s / n;
}

/** X = Z₁ + e, Y = Z₁ + 0.5 X-noise…: a 4-D Gaussian (x, y, z1, z2) with C = L Lᵀ. */
const L = [[1, 0, 0, 0], [0.5, 0.8, 0, 0], [0.6, 0.3, 0.7, 0], [0.2, -0.4, 0.1, 0.8]];
const C = L.map((a) => L.map((b) => a.reduce((s, v, j) => s + v * b[j]!, 0)));
const subC = (idx: number[]) => idx.map((i) => idx.map((j) => C[i]![j]!));
/** I(X;Y|Z) = ½ ln( |C_xz| |C_yz| / (|C_z| |C_xyz|) ) with x = 0, y = 1, z = (2, 3). */
const TRUTH = 0.5 * (logDet(subC([0, 2, 3])) + logDet(subC([1, 2, 3])) - logDet(subC([2, 3])) - logDet(C));

describe('ksg2 for cmi and te: KSG algorithm 2 with conditional counts', function () {
  this.timeout(60_000);

  for (const k of [1, 3, 6]) {
    it(`equals the brute-force definition (N = 150, 1+1+2-D, k = ${k})`, () => {
      const r = gaussianRows(150, L, 20 + k);
      const got = ksg2Cmi(mat(cols(r, [0])), mat(cols(r, [1])), mat(cols(r, [2, 3])), k);
      const want = refKsg2Cmi(r, 1, 1, k);
      assert.ok(Math.abs(got - want) <= 1e-12 * Math.max(1, Math.abs(want)), `${got} vs ${want}`);
    });
  }

  it('tied data (values on a grid of 1/8): the same as the reference with ties broken by row index', () => {
    const rr = stream(3, 0, 152);
    const r: Rows = Array.from({ length: 120 }, () => [rr.nextInt(5) / 8, rr.nextInt(40) / 8, rr.nextInt(3)]);
    const got = ksg2Cmi(mat(cols(r, [0])), mat(cols(r, [1])), mat(cols(r, [2])), 4);
    const want = refKsg2Cmi(r, 1, 1, 4);
    assert.ok(Math.abs(got - want) < 1e-12, `${got} vs ${want}`);
  });

  it(`analytic truth: Gaussian I(X;Y|Z) with 2-D Z (${TRUTH.toFixed(4)} nats), and the bias shrinking with N (1-D Z)`, () => {
    // KSG-2's conditional form is biased upwards at finite N (JIDT calls its Kraskov2 CMI "something
    // of a guess" and recommends algorithm 1). Measured here, mean of 2–6 samples, 1+1+1-D: +0.039
    // nats at N = 500, +0.021 at 2000, +0.012 at 8000 (Frenzel–Pompe: +0.003, −0.001, −0.006);
    // 1+1+2-D: +0.027 at 2000. docs/estimators.md keeps these numbers.
    const r = gaussianRows(2000, L, 7);
    const k2 = ksg2Cmi(mat(cols(r, [0])), mat(cols(r, [1])), mat(cols(r, [2, 3])), 4);
    assert.ok(k2 > TRUTH && k2 - TRUTH < 0.04, `ksg2 ${k2} vs ${TRUTH}`);
    const L3 = [[1, 0, 0], [0.5, 0.8, 0], [0.6, 0.3, 0.7]];
    const C3 = L3.map((u) => L3.map((v) => u.reduce((s, w, j) => s + w * v[j]!, 0)));
    const sub = (idx: number[]) => idx.map((i) => idx.map((j) => C3[i]![j]!));
    const t3 = 0.5 * (logDet(sub([0, 2])) + logDet(sub([1, 2])) - logDet(sub([2])) - logDet(C3));
    const bias = (n: number) => {
      let m = 0;
      for (let s = 0; s < 3; s++) {
        const g = gaussianRows(n, L3, 300 + s);
        m += ksg2Cmi(mat(cols(g, [0])), mat(cols(g, [1])), mat(cols(g, [2])), 4) / 3;
      }
      return m - t3;
    };
    const b500 = bias(500), b2000 = bias(2000);
    assert.ok(b2000 < b500 && Math.abs(b2000) < 0.03, `bias ${b500} at N = 500, ${b2000} at N = 2000`);
  });

  it('te with ksg2 through the pipeline = ksg2Cmi on the TE embedding (k = 2 target history)', async () => {
    const r = stream(4, 0, 153);
    const n = 300;
    const x = new Float64Array(n), y = new Float64Array(n);
    for (let t = 1; t < n; t++) {
      y[t] = 0.5 * y[t - 1]! + r.nextGaussian();
      x[t] = 0.3 * x[t - 1]! + 0.6 * y[t - 1]! + 0.4 * r.nextGaussian();
    }
    const engine = createEngine({ threads: 1 });
    try {
      const res = await engine.run({ measure: 'te', estimator: 'ksg2', k: 4, x: ['x'], y: ['y'], normalize: false, options: { targetHistory: 2 }, data: { names: ['x', 'y'], columns: [x, y], n } });
      const e = embedTe({ n, d: 1, data: x }, { n, d: 1, data: y }, undefined, { targetHistory: 2 });
      assert.equal(res.estimate, ksg2Cmi(e.x, e.y!, e.z!, 4));
      assert.ok(res.estimate > 0.2, `te ${res.estimate}`);
    } finally {
      await engine.close();
    }
  });
});
