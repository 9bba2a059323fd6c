/**
 * Multivariate TE network inference (shared/job/network.ts, te-step.ts): a step's statistics
 * equal CMI written from the definition on hand-embedded rows, its surrogate values equal the
 * estimator on explicitly reordered source rows, its max / min / sequential tests equal hand
 * counts, a simulated VAR network is recovered exactly (edges and lags) with the Gaussian
 * estimator, and the result does not depend on threads or shard size.
 */
import assert from 'node:assert/strict';
import { createEngine } from '../../engine/embedded.js';
import type { Dataset } from '../../shared/data/matrix.js';
import { estimate } from '../../shared/estimators/index.js';
import { inferNetwork, stepSeed } from '../../shared/job/network.js';
import { embedColumns, executeTeStepShard, prepareTeStep, teStepEstimates, teStepPermutation, teStepTests } from '../../shared/job/te-step.js';
import type { Job } from '../../shared/job/spec.js';
import { simulateVar, recovery, type VarEdge } from '../../bench/var-network.js';

/** ln det of a symmetric positive-definite matrix (Gaussian elimination; small d only). */
function logDet(a: number[][]): number {
  const m = a.map((r) => [...r]);
  let s = 0;
  for (let i = 0; i < m.length; i++) {
    for (let r = i + 1; r < m.length; r++) {
      const f = m[r]![i]! / m[i]![i]!;
      for (let c = i; c < m.length; c++) m[r]![c]! -= f * m[i]![c]!;
    }
    s += Math.log(m[i]![i]!);
  }
  return s;
}

/** Sample covariance (ddof 1) of the given columns. */
function cov(cols: Float64Array[]): number[][] {
  const n = cols[0]!.length;
  const mu = cols.map((c) => c.reduce((a, b) => a + b, 0) / n);
  return cols.map((a, i) => cols.map((b, j) => {
    let s = 0;
    for (let t = 0; t < n; t++) s += (a[t]! - mu[i]!) * (b[t]! - mu[j]!);
    return s / (n - 1);
  }));
}

/** Gaussian I(X;Y|Z) = ½ ln(|Σ_XZ| |Σ_YZ| / (|Σ_Z| |Σ_XYZ|)) (|Σ_∅| = 1). */
function gaussianCmiRef(x: Float64Array[], y: Float64Array[], z: Float64Array[]): number {
  const ld = (cols: Float64Array[]) => (cols.length ? logDet(cov(cols)) : 0);
  return 0.5 * (ld([...x, ...z]) + ld([...y, ...z]) - ld(z) - ld([...x, ...y, ...z]));
}

const FIVE: VarEdge[] = [
  { source: 0, target: 1, lag: 1 },
  { source: 1, target: 2, lag: 2 },
  { source: 0, target: 3, lag: 1 },
  { source: 3, target: 4, lag: 1 },
  { source: 2, target: 4, lag: 3 },
];

describe('network inference: teStep', function () {
  this.timeout(60_000);
  const data = simulateVar({ nodes: 3, edges: [{ source: 0, target: 1, lag: 2 }, { source: 1, target: 2, lag: 1 }] }, 300, 5);
  const lag = (v: number, l: number, offset: number) => data.columns[v]!.subarray(offset - l, data.n - l);
  const job = (estimator: string, items: Job['teStep'] extends infer T ? T extends { items: infer I } ? I : never : never): Job => ({
    measure: 'te', estimator, k: 3, x: ['n0', 'n1', 'n2'], seed: 11, normalize: false, permutation: { shuffles: 9 },
    teStep: { target: 1, offset: 3, items }, data,
  });

  it('embeds rows s = offset..n−1 with x_v[s − lag]', () => {
    const m = embedColumns(data.columns, [[0, 2], [1, 1]], 3);
    assert.equal(m.n, data.n - 3);
    for (const s of [0, 1, 150, m.n - 1]) {
      assert.equal(m.data[2 * s], data.columns[0]![s + 3 - 2]);
      assert.equal(m.data[2 * s + 1], data.columns[1]![s + 3 - 1]);
    }
  });

  it('gaussian item estimates equal the CMI definition on the lagged columns (and MI when z is empty)', () => {
    const p = prepareTeStep(job('gaussian', [{ x: [[0, 2]], z: [[1, 1]] }, { x: [[0, 1], [2, 3]], z: [[1, 1], [1, 2]] }, { x: [[0, 2]], z: [] }]));
    const got = teStepEstimates(p);
    const y = [lag(1, 0, 3)];
    const want = [
      gaussianCmiRef([lag(0, 2, 3)], y, [lag(1, 1, 3)]),
      gaussianCmiRef([lag(0, 1, 3), lag(2, 3, 3)], y, [lag(1, 1, 3), lag(1, 2, 3)]),
      gaussianCmiRef([lag(0, 2, 3)], y, []),
    ];
    for (let t = 0; t < 3; t++) assert.ok(Math.abs(got[t]! - want[t]!) < 1e-10 * Math.max(1, Math.abs(want[t]!)), `item ${t}: ${got[t]} vs ${want[t]}`);
    // the true coupling n0(t−2) → n1 is large; n0(t−1) given n1's past carries little
    assert.ok(want[0]! > 0.1 && want[0]! > 5 * Math.abs(want[1]!), `${want}`);
  });

  it('ksg surrogate values (shared Z/YZ counters across items) equal ksg_cmi on the explicitly reordered source rows', () => {
    const items = [{ x: [[0, 2]] as [number, number][], z: [[1, 1]] as [number, number][] }, { x: [[2, 1]] as [number, number][], z: [[1, 1]] as [number, number][] }, { x: [[0, 1]] as [number, number][], z: [] }];
    const p = prepareTeStep(job('ksg', items));
    const shard = executeTeStepShard(p, { jobId: 'j', shardId: 'permutation:2-6', workload: 'permutation', r0: 2, r1: 6, width: 3 });
    for (let r = 2; r < 6; r++) {
      const perm = teStepPermutation(p, r);
      items.forEach((it, t) => {
        const x = embedColumns(data.columns, it.x, 3);
        const xp = { n: x.n, d: x.d, data: Float64Array.from({ length: x.n * x.d }, (_, i) => x.data[perm[Math.floor(i / x.d)]! * x.d + (i % x.d)]!) };
        const y = embedColumns(data.columns, [[1, 0]], 3);
        const want = it.z.length ? estimate('cmi', 'ksg_cmi', { x: xp, y, z: embedColumns(data.columns, it.z, 3) }, { k: 3 }) : estimate('mi', 'ksg1', { x: y, y: xp }, { k: 3 });
        assert.equal(shard.values[(r - 2) * 3 + t], want, `replicate ${r} item ${t}`);
      });
    }
  });

  it('max / min / sequential / per-item p-values equal hand counts (p = (b+1)/(P+1))', () => {
    // 3 items, P = 4 null rows
    const observed = Float64Array.from([0.5, 0.1, 0.3]);
    const nul = Float64Array.from([
      0.2, 0.0, 0.1,
      0.6, 0.05, 0.2,
      0.1, 0.3, 0.0,
      0.4, 0.2, 0.35,
    ]);
    const t = teStepTests(observed, nul, 4);
    // per item: #{null ≥ obs}: item0 {0.6} → 1; item1 {0.3, 0.2} → 2; item2 {0.35} → 1
    assert.deepEqual(t.pValues, [2 / 5, 3 / 5, 2 / 5]);
    // row maxima 0.2, 0.6, 0.3, 0.4 vs 0.5 → 1 exceed
    assert.deepEqual(t.max, { item: 0, pValue: 2 / 5 });
    // row minima 0, 0.05, 0, 0.2 vs 0.1 → 1 exceed
    assert.deepEqual(t.min, { item: 1, pValue: 2 / 5 });
    // sorted rows (desc): [0.2,0.1,0], [0.6,0.2,0.05], [0.3,0.1,0], [0.4,0.35,0.2]
    // rank 0 (item0 0.5) vs 0.2,0.6,0.3,0.4 → 1; rank 1 (item2 0.3) vs 0.1,0.2,0.1,0.35 → 1; rank 2 (item1 0.1) vs 0,0.05,0,0.2 → 1
    assert.deepEqual(t.sequential, [2 / 5, 2 / 5, 2 / 5]);
  });

  it('step seeds differ by target and step and are fixed by the seed', () => {
    const seeds = new Set([stepSeed(0, 0, 0), stepSeed(0, 0, 1), stepSeed(0, 1, 0), stepSeed(1, 0, 0)]);
    assert.equal(seeds.size, 4);
    assert.equal(stepSeed(7, 3, 2), stepSeed(7, 3, 2));
  });
});

describe('network inference: recovery and determinism', function () {
  this.timeout(120_000);
  const data: Dataset = simulateVar({ nodes: 5, edges: FIVE }, 800, 21);
  const truth = FIVE.map((e) => ({ source: `n${e.source}`, target: `n${e.target}`, lag: e.lag }));
  const opts = { vars: [...data.names], maxLag: 3, estimator: 'gaussian' as const, permutations: 99, seed: 4 };

  it('recovers every true edge at its lag and no other on a 5-node VAR network (gaussian, N = 800)', async () => {
    const engine = createEngine({ threads: 1 });
    try {
      const r = await inferNetwork(engine, { ...opts, data });
      const rec = recovery(truth, r.edges);
      assert.deepEqual(rec.lags, { precision: 1, recall: 1, truePositives: 5, found: 5, true: 5 }, JSON.stringify(r.edges));
      // the self-memory at lag 1 is selected for every target
      for (const t of r.targets) assert.ok(t.past.includes(1), `${t.target}: ${t.past}`);
      // a target without inputs has no omnibus test; the others are significant after the FDR
      assert.equal(r.targets.find((t) => t.target === 'n0')!.omnibus, undefined);
      for (const t of r.targets.filter((t) => t.target !== 'n0')) assert.ok(t.omnibus!.significant && t.omnibus!.pAdjusted <= 0.05);
      for (const e of r.edges) assert.ok(e.te > 0.02 && e.pValue <= 0.05, JSON.stringify(e));
    } finally {
      await engine.close();
    }
  });

  it('the same bytes on 1 thread, on 2 threads with shard size 7, and the shift surrogate finds the true edges', async () => {
    const small = { ...opts, data: simulateVar({ nodes: 3, edges: FIVE.slice(0, 2) }, 300, 2), vars: ['n0', 'n1', 'n2'], permutations: 39 };
    const one = createEngine({ threads: 1 });
    const two = createEngine({ threads: 2, shardSize: 7 });
    try {
      const a = await inferNetwork(one, small);
      const b = await inferNetwork(two, small);
      assert.equal(JSON.stringify(b), JSON.stringify(a));
      assert.ok(a.edges.length > 0);
      // 3 targets, P = 39: 1/40 > 0.05/3, so the FDR resolution warning is given
      assert.ok(a.warnings.some((w) => /fdr_bh over 3 targets: the smallest omnibus p-value 1\/\(P\+1\) = 0.0250 exceeds alpha\/3 = 0.0167/.test(w)), a.warnings.join('; '));
      const c = await inferNetwork(one, { ...small, surrogate: 'shift' });
      // shift surrogates also find both true edges (an extra one at N = 300, P = 39 is the test's α)
      for (const t of [['n0', 'n1'], ['n1', 'n2']]) assert.ok(c.edges.some((e) => e.source === t[0] && e.target === t[1]), JSON.stringify(c.edges));
    } finally {
      await one.close();
      await two.close();
    }
  });
});
