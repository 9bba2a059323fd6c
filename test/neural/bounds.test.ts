/**
 * The four bounds on a given score matrix, against references written from their definitions
 * (explicit lists of pairs, no weights trick), and against analytic truth: with the optimal
 * critic of a bivariate Gaussian, f*(x, y) = log p(y|x)/p(y), DV (mine) and SMILE (large τ)
 * estimate I, NWJ does with f* + 1, InfoNCE does while I ≪ ln K.
 */
import assert from 'node:assert/strict';
import { NEURAL_BOUNDS } from '../../shared/estimators/neural/index.js';
import { unitWeights, type ScoreMatrix } from '../../shared/estimators/neural/scores.js';
import { stream } from '../../shared/rng/index.js';
import { tQuantile } from '../../shared/resampling/neural-ensemble.js';

/** Rows a[0..K) of S as a sample (with repeats): joint pairs (a, a), product pairs (a, b) with different source rows. */
function reference(name: string, s: ScoreMatrix, rows: number[], clip = 5): number {
  const f = (i: number, j: number) => s.data[i * s.m + j]!;
  const K = rows.length;
  const joint = rows.reduce((t, i) => t + f(i, i), 0) / K;
  const prod: number[] = [];
  for (let a = 0; a < K; a++) for (let b = 0; b < K; b++) if (a !== b && rows[a] !== rows[b]) prod.push(f(rows[a]!, rows[b]!));
  const meanExp = (g: (v: number) => number) => prod.reduce((t, v) => t + Math.exp(g(v)), 0) / prod.length;
  if (name === 'mine') return joint - Math.log(meanExp((v) => v));
  if (name === 'nwj') return joint - Math.exp(-1) * meanExp((v) => v);
  if (name === 'smile') return joint - Math.log(meanExp((v) => Math.max(-clip, Math.min(clip, v))));
  // infonce: each sampled row against all K sampled rows (itself included)
  let t = 0;
  for (let a = 0; a < K; a++) {
    let z = 0;
    for (let b = 0; b < K; b++) z += Math.exp(f(rows[a]!, rows[b]!));
    t += f(rows[a]!, rows[a]!) - Math.log(z / K);
  }
  return t / K;
}

function randomScores(m: number, seed: number): ScoreMatrix {
  const r = stream(seed, 0, 77);
  const data = new Float64Array(m * m);
  for (let i = 0; i < data.length; i++) data[i] = 3 * r.nextGaussian();
  for (let i = 0; i < m; i++) data[i * m + i] = data[i * m + i]! + 2;
  return { m, data };
}

describe('neural ensemble: t quantile', () => {
  it('matches scipy.stats.t.ppf within the accuracy its comment states', () => {
    // scipy.stats.t.ppf(p, nu)
    for (const [p, nu, ref, rel] of [[0.975, 1, 12.706205, 1e-6], [0.975, 2, 4.302653, 1e-6], [0.975, 3, 3.182446, 1.5e-3], [0.975, 4, 2.776445, 4e-4], [0.975, 9, 2.262157, 1e-5], [0.975, 29, 2.045230, 1e-5]] as const) {
      const v = tQuantile(p, nu);
      assert.ok(Math.abs(v - ref) / ref < rel, `ν = ${nu}: ${v} vs ${ref}`);
    }
  });
});

describe('neural bounds: held-out formulas', () => {
  const s = randomScores(23, 1);
  for (const name of ['mine', 'nwj', 'infonce', 'smile'] as const) {
    it(`${name}: equals the definition on the sample and on a resample with repeats`, () => {
      const b = NEURAL_BOUNDS[name];
      const all = Array.from({ length: s.m }, (_, i) => i);
      assert.ok(Math.abs(b.evaluate(s, unitWeights(s.m), { clip: 1.5 }) - reference(name, s, all, 1.5)) < 1e-12);
      const r = stream(4, 0, 78);
      const rows = Array.from({ length: s.m }, () => r.nextInt(s.m));
      const c = new Float64Array(s.m);
      for (const i of rows) c[i]! += 1;
      const got = b.evaluate(s, c, { clip: 1.5 });
      assert.ok(Math.abs(got - reference(name, s, rows, 1.5)) < 1e-12, `${got} vs ${reference(name, s, rows, 1.5)}`);
    });
  }

  it('smile with a huge clip is the DV bound (mine), and clipping lowers the partition term', () => {
    assert.ok(Math.abs(NEURAL_BOUNDS.smile.evaluate(s, unitWeights(s.m), { clip: 1e6 }) - NEURAL_BOUNDS.mine.evaluate(s, unitWeights(s.m), { clip: 5 })) < 1e-12);
  });

  it('infonce never exceeds ln K', () => {
    const big: ScoreMatrix = { m: 5, data: new Float64Array(25).map((_, i) => (i % 6 === 0 ? 50 : -50)) };
    const v = NEURAL_BOUNDS.infonce.evaluate(big, unitWeights(5), { clip: 5 });
    assert.ok(v <= Math.log(5) + 1e-12 && v > Math.log(5) - 1e-9);
  });

  it('with the optimal critic of a Gaussian the bounds estimate the analytic MI', () => {
    const rho = 0.8, m = 1500, truth = -0.5 * Math.log(1 - rho * rho);
    const r = stream(9, 0, 79);
    const x = new Float64Array(m), y = new Float64Array(m);
    for (let i = 0; i < m; i++) {
      x[i] = r.nextGaussian();
      y[i] = rho * x[i]! + Math.sqrt(1 - rho * rho) * r.nextGaussian();
    }
    const logRatio = (a: number, b: number) => truth - (b - rho * a) ** 2 / (2 * (1 - rho * rho)) + (b * b) / 2;
    const data = new Float64Array(m * m);
    for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) data[i * m + j] = logRatio(x[i]!, y[j]!);
    const s: ScoreMatrix = { m, data };
    // tolerance from the data: 4 standard errors of the joint term (the dominant noise)
    let mu = 0, ss = 0;
    for (let i = 0; i < m; i++) mu += data[i * m + i]! / m;
    for (let i = 0; i < m; i++) ss += (data[i * m + i]! - mu) ** 2;
    const tol = 4 * Math.sqrt(ss / (m - 1) / m);
    const c = unitWeights(m);
    for (const name of ['mine', 'infonce'] as const) {
      const v = NEURAL_BOUNDS[name].evaluate(s, c, { clip: 5 });
      assert.ok(Math.abs(v - truth) < tol, `${name} ${v} vs ${truth} ± ${tol}`);
    }
    assert.ok(Math.abs(NEURAL_BOUNDS.smile.evaluate(s, c, { clip: 20 }) - truth) < tol, 'smile, τ = 20');
    const shifted: ScoreMatrix = { m, data: data.map((v) => v + 1) };
    const v = NEURAL_BOUNDS.nwj.evaluate(shifted, c, { clip: 5 });
    assert.ok(Math.abs(v - truth) < tol, `nwj ${v} vs ${truth} ± ${tol}`);
  });
});
