/**
 * The discrete (plug-in) family: CMI, conditional entropy, TE, AIS, predictive information and
 * entropy rate against a reference written from the definitions (string-keyed counts, small N),
 * and against the exact values of Markov chains and a noisy copy channel.
 */
import assert from 'node:assert/strict';
import type { Matrix } from '../../shared/data/matrix.js';
import { gatherRows } from '../../shared/data/matrix.js';
import { pluginCmi, pluginCondEntropy } from '../../shared/estimators/plugin-cmi.js';
import { openJob } from '../../shared/job/pipeline.js';
import { stream } from '../../shared/rng/index.js';
import { markovChain, markovTruth } from '../helpers/series.js';

function randomDiscrete(n: number, d: number, levels: number, seed: number): Matrix {
  const r = stream(seed, 0, 95);
  return { n, d, data: Float64Array.from({ length: n * d }, () => r.nextInt(levels)) };
}

const key = (m: Matrix, i: number) => Array.from(m.data.subarray(i * m.d, (i + 1) * m.d)).join(',');

function counts(keys: string[]): Map<string, number> {
  const c = new Map<string, number>();
  for (const k of keys) c.set(k, (c.get(k) ?? 0) + 1);
  return c;
}

/** Σ_{x,y,z} p(x,y,z) ln( p(x,y,z) p(z) / (p(x,z) p(y,z)) ) by dictionaries. */
function referenceCmi(x: Matrix, y: Matrix, z: Matrix): number {
  const n = x.n, rows = Array.from({ length: n }, (_, i) => i);
  const kx = rows.map((i) => key(x, i)), ky = rows.map((i) => key(y, i)), kz = rows.map((i) => key(z, i));
  const xyz = counts(rows.map((i) => `${kx[i]}|${ky[i]}|${kz[i]}`)), xz = counts(rows.map((i) => `${kx[i]}|${kz[i]}`));
  const yz = counts(rows.map((i) => `${ky[i]}|${kz[i]}`)), zc = counts(kz);
  let s = 0;
  for (const [k, c] of xyz) {
    const [a, b, g] = k.split('|');
    s += (c / n) * Math.log((c * zc.get(g!)!) / (xz.get(`${a}|${g}`)! * yz.get(`${b}|${g}`)!));
  }
  return s;
}

function referenceCondEntropy(x: Matrix, z: Matrix): number {
  const n = x.n, rows = Array.from({ length: n }, (_, i) => i);
  const xz = counts(rows.map((i) => `${key(x, i)}|${key(z, i)}`)), zc = counts(rows.map((i) => key(z, i)));
  let h = 0;
  for (const [k, c] of xz) h -= (c / n) * Math.log(c / zc.get(k.split('|')[1]!)!);
  return h;
}

describe('plug-in conditional measures: exact reference', () => {
  it('CMI and conditional entropy equal the dictionary definitions (multivariate blocks, 8 datasets)', () => {
    for (let s = 0; s < 8; s++) {
      const x = randomDiscrete(60, 1 + (s % 2), 3, s), y = randomDiscrete(60, 1, 2 + (s % 3), s + 100), z = randomDiscrete(60, 1 + (s % 2), 2, s + 200);
      assert.ok(Math.abs(pluginCmi(x, y, z) - referenceCmi(x, y, z)) < 1e-12);
      assert.ok(Math.abs(pluginCondEntropy(x, z) - referenceCondEntropy(x, z)) < 1e-12);
    }
  });

  it('Miller–Madow adds (m_xz + m_yz − m_z − m_xyz)/(2N) to CMI', () => {
    const x = randomDiscrete(40, 1, 3, 1), y = randomDiscrete(40, 1, 3, 2), z = randomDiscrete(40, 1, 2, 3);
    const m = (b: Matrix[]) => new Set(Array.from({ length: 40 }, (_, i) => b.map((q) => key(q, i)).join('|'))).size;
    const expected = (m([x, z]) + m([y, z]) - m([z]) - m([x, y, z])) / 80;
    assert.ok(Math.abs(pluginCmi(x, y, z, { millerMadow: true }) - pluginCmi(x, y, z) - expected) < 1e-14);
  });

  it('any row order gives the same bits', () => {
    const x = randomDiscrete(80, 1, 4, 5), y = randomDiscrete(80, 1, 3, 6), z = randomDiscrete(80, 1, 3, 7);
    const perm = Int32Array.from({ length: 80 }, (_, i) => (i * 37) % 80);
    assert.equal(pluginCmi(gatherRows(x, perm), gatherRows(y, perm), gatherRows(z, perm)), pluginCmi(x, y, z));
  });

  it('TE with plugin is the plug-in CMI of the embedding (x_{t+1}; y_t | x_t)', () => {
    const x = randomDiscrete(50, 1, 2, 8).data, y = randomDiscrete(50, 1, 2, 9).data;
    const run = openJob({ measure: 'te', estimator: 'plugin', x: ['x'], y: ['y'], data: { names: ['x', 'y'], columns: [x, y], n: 50 } });
    const c = (v: Float64Array, a: number, b: number): Matrix => ({ n: b - a, d: 1, data: v.slice(a, b) });
    assert.ok(Math.abs(run.estimate() - referenceCmi(c(x, 1, 50), c(y, 0, 49), c(x, 0, 49))) < 1e-12);
  });
});

describe('plug-in conditional TE: exact reference', () => {
  it('TE(y→x | w) with plugin is the plug-in CMI (x_{t+1}; y_t | x_t, w_t)', () => {
    const x = randomDiscrete(70, 1, 2, 10).data, y = randomDiscrete(70, 1, 3, 11).data, w = randomDiscrete(70, 1, 2, 12).data;
    const run = openJob({ measure: 'te', estimator: 'plugin', x: ['x'], y: ['y'], z: ['w'], normalize: false, data: { names: ['x', 'y', 'w'], columns: [x, y, w], n: 70 } });
    const c = (v: Float64Array, a: number, b: number): Matrix => ({ n: b - a, d: 1, data: v.slice(a, b) });
    const z: Matrix = { n: 69, d: 2, data: Float64Array.from({ length: 138 }, (_, i) => (i % 2 === 0 ? x[i >> 1]! : w[i >> 1]!)) };
    assert.ok(Math.abs(run.estimate() - referenceCmi(c(x, 1, 70), c(y, 0, 69), z)) < 1e-12);
  });
});

describe('plug-in information dynamics: analytic truth', () => {
  const P = [[0.9, 0.1], [0.3, 0.7]];
  const x = markovChain(40_000, P, 1);
  const data = { names: ['s'], columns: [x], n: x.length };
  const truth = markovTruth(P);

  it('entropy rate of a Markov chain: −Σ π_i P_ij ln P_ij', () => {
    const est = openJob({ measure: 'entropy_rate', estimator: 'plugin', x: ['s'], data }).estimate();
    // plug-in bias (m − 1)/(2N) ≈ 1e-5, sampling sd ≈ 0.003 at N = 4e4
    assert.ok(Math.abs(est - truth.rate) < 0.012, `${est} vs ${truth.rate}`);
    // a first-order chain: a longer history changes nothing in the population
    const est3 = openJob({ measure: 'entropy_rate', estimator: 'plugin', x: ['s'], data, options: { targetHistory: 3 } }).estimate();
    assert.ok(Math.abs(est3 - truth.rate) < 0.012, `k = 3: ${est3} vs ${truth.rate}`);
  });

  it('AIS (k = 1) of a Markov chain: H(π) − h; AIS + entropy rate = H(next value) exactly', () => {
    const ais = openJob({ measure: 'ais', estimator: 'plugin', x: ['s'], data }).estimate();
    const rate = openJob({ measure: 'entropy_rate', estimator: 'plugin', x: ['s'], data }).estimate();
    assert.ok(Math.abs(ais - truth.ais) < 0.012, `${ais} vs ${truth.ais}`);
    const next = openJob({ measure: 'entropy', estimator: 'plugin', x: ['s'], data: { names: ['s'], columns: [x.slice(1)], n: x.length - 1 } }).estimate();
    assert.ok(Math.abs(ais + rate - next) < 1e-12);
  });

  it('predictive information (k = 1) equals AIS (k = 1); TE of a noisy copy is ln 2 − H_b(ε)', () => {
    const ais = openJob({ measure: 'ais', estimator: 'plugin', x: ['s'], data }).estimate();
    const pi = openJob({ measure: 'pi', estimator: 'plugin', x: ['s'], data }).estimate();
    assert.equal(pi, ais);
    const r = stream(4, 0, 96), n = 40_000, eps = 0.1;
    const y = Float64Array.from({ length: n }, () => r.nextInt(2));
    const t = new Float64Array(n);
    for (let i = 1; i < n; i++) t[i] = r.nextFloat64() < eps ? 1 - y[i - 1]! : y[i - 1]!;
    const te = openJob({ measure: 'te', estimator: 'plugin', x: ['t'], y: ['y'], data: { names: ['t', 'y'], columns: [t, y], n } }).estimate();
    const hb = -(eps * Math.log(eps) + (1 - eps) * Math.log(1 - eps));
    assert.ok(Math.abs(te - (Math.LN2 - hb)) < 0.01, `${te} vs ${Math.LN2 - hb}`);
  });
});
