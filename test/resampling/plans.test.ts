import assert from 'node:assert/strict';
import { DataError } from '../../shared/errors.js';
import { biasProbe, defaultSubsampleSize, iidIndices, jackknifeKeep, recentreSubsample, subsampleBias, subsampleIndices } from '../../shared/resampling/bootstrap.js';
import { permutationPValue, pValueFromCount, tieTolerance, validateSurrogates, summarizeNull } from '../../shared/resampling/permutation.js';
import { localPermutation, zNeighbours } from '../../shared/resampling/local-permutation.js';
import { baggingIndices } from '../../shared/resampling/ensemble.js';

describe('resampling: index plans and p-values', () => {
  it('iid and subsample plans depend only on (seed, r): same arrays on repeat, different for r + 1', () => {
    assert.deepEqual(iidIndices(3, 17, 50), iidIndices(3, 17, 50));
    assert.notDeepEqual(iidIndices(3, 17, 50), iidIndices(3, 18, 50));
    assert.deepEqual(subsampleIndices(3, 17, 50, 25), subsampleIndices(3, 17, 50, 25));
  });
  it('subsample: m distinct sorted rows; bagging uses another domain than bootstrap', () => {
    const s = subsampleIndices(9, 4, 101, 50);
    assert.equal(s.length, 50);
    assert.equal(new Set(s).size, 50);
    for (let i = 1; i < s.length; i++) assert.ok(s[i]! > s[i - 1]!);
    assert.notDeepEqual(baggingIndices(9, 4, 101, 50), s);
    assert.equal(defaultSubsampleSize(101), 25); // ⌊N/4⌋
    assert.equal(defaultSubsampleSize(101, 30), 31); // at least k + 1
    assert.equal(defaultSubsampleSize(5), 2);
  });
  it('subsample replicates: recentred on θ̂ (their mean moves to θ̂) and scaled by √(m/(N − m))', () => {
    const f = Math.sqrt(25 / 75);
    const out = Array.from(recentreSubsample([1, 3, NaN], 2.5, 25, 100));
    assert.ok(Math.abs(out[0]! - (2.5 - f)) < 1e-15 && Math.abs(out[1]! - (2.5 + f)) < 1e-15, String(out));
    assert.ok(Number.isNaN(out[2]!)); // a non-finite replicate stays non-finite (and is reported)
  });
  it('for the sample mean, the scaled subsample spread is its standard error s/√N (the exact without-replacement variance)', () => {
    // Var(mean of m rows drawn without replacement) = s²(N − m)/(mN) exactly, so the factor
    // √(m/(N − m)) gives s/√N at any m; √(m/N) (the old scaling) would give s/√N·√((N − m)/N).
    const N = 200, B = 20000;
    const rng = iidIndices(5, 0, N); // any fixed data will do
    const x = Float64Array.from(rng, (v, i) => Math.sin(v) + i / N);
    const mean = (a: ArrayLike<number>) => {
      let t = 0;
      for (let i = 0; i < a.length; i++) t += a[i]!;
      return t / a.length;
    };
    const xbar = mean(x);
    const s = Math.sqrt(x.reduce((t, v) => t + (v - xbar) ** 2, 0) / (N - 1));
    for (const m of [50, 100, 150]) {
      const reps = new Float64Array(B);
      for (let r = 0; r < B; r++) reps[r] = mean(Array.from(subsampleIndices(9, r, N, m), (i) => x[i]!));
      const t = recentreSubsample(reps, xbar, m, N);
      assert.ok(Math.abs(mean(t) - xbar) < 1e-12);
      const sd = Math.sqrt(t.reduce((u, v) => u + (v - xbar) ** 2, 0) / (B - 1));
      // the sd of a sample sd of B normal-ish values has relative error ≈ 1/√(2B) = 0.5%; allow 4 of those
      assert.ok(Math.abs(sd / (s / Math.sqrt(N)) - 1) < 4 / Math.sqrt(2 * B), `m=${m}: ${sd} vs ${s / Math.sqrt(N)}`);
    }
  });
  it('subsample bias diagnostic: z in standard errors of θ̂, bias extrapolated linearly in 1/m', () => {
    // estimates I + b/m with I = 1, b = 40 at m = 25, N = 100: θ̄* = 2.6, θ̂ = 1.4, bias at N = 0.4
    const reps = [2.5, 2.7];
    const b = subsampleBias(reps, 1.4, 25, 100);
    assert.ok(Math.abs(b.extrapolatedBias - 0.4) < 1e-12, String(b.extrapolatedBias));
    const se = Math.sqrt(25 / 75) * Math.sqrt(0.02);
    assert.ok(Math.abs(b.se - se) < 1e-12 && Math.abs(b.z - 1.2 / se) < 1e-9, JSON.stringify(b));
  });
  it('bias fit through m ∈ {N/4, N/2, N}: exact for I + b/m, least squares otherwise', () => {
    // I = 1, b = 40, N = 100: means 2.6 at m = 25, 1.8 at m = 50, θ̂ = 1.4; bias at N = 0.4
    const exact = subsampleBias([2.5, 2.7], 1.4, 25, 100, { m: 50, values: [1.7, 1.9, NaN] });
    assert.deepEqual(exact.fit.m, [25, 50, 100]);
    exact.fit.mean.forEach((v, i) => assert.ok(Math.abs(v - [2.6, 1.8, 1.4][i]!) < 1e-12, String(exact.fit.mean)));
    assert.ok(Math.abs(exact.extrapolatedBias - 0.4) < 1e-12, String(exact.extrapolatedBias));
    // a curved middle point: the slope of the least-squares line by hand (x = 1/m: 0.04, 0.02, 0.01)
    const curved = subsampleBias([2.6], 1.4, 25, 100, { m: 50, values: [2.0] });
    const x = [0.04, 0.02, 0.01], y = [2.6, 2.0, 1.4];
    const mx = (x[0]! + x[1]! + x[2]!) / 3, my = (y[0]! + y[1]! + y[2]!) / 3;
    const b = x.reduce((s, v, i) => s + (v - mx) * (y[i]! - my), 0) / x.reduce((s, v) => s + (v - mx) ** 2, 0);
    assert.ok(Math.abs(curved.extrapolatedBias - b / 100) < 1e-12, `${curved.extrapolatedBias} vs ${b / 100}`);
    assert.notEqual(curved.extrapolatedBias, exact.extrapolatedBias);
    // z and se come from the m-row replicates only
    assert.equal(curved.z, subsampleBias([2.6], 1.4, 25, 100).z);
  });
  it('bias probe: m\' = N/2 for m = N/4 (else between m and N), max(10, B/10) replicates capped at B', () => {
    assert.deepEqual(biasProbe(200, 250, 1000), { m: 500, replicates: 20 });
    assert.deepEqual(biasProbe(1000, 250, 1000), { m: 500, replicates: 100 });
    assert.deepEqual(biasProbe(5, 250, 1000), { m: 500, replicates: 5 });
    assert.deepEqual(biasProbe(200, 500, 1000), { m: 750, replicates: 20 });
    assert.equal(biasProbe(200, 9, 10), undefined);
    // its rows come from their own stream: not the bootstrap's replicate r
    assert.notDeepEqual(subsampleIndices(3, 0, 100, 50, 8), subsampleIndices(3, 0, 100, 50));
  });
  it('grouped jackknife: groups i mod G partition the rows', () => {
    const n = 23, G = 5;
    const deleted = new Int32Array(n);
    for (let g = 0; g < G; g++) {
      const keep = new Set(jackknifeKeep(g, G, n));
      for (let i = 0; i < n; i++) if (!keep.has(i)) { deleted[i]++; assert.equal(i % G, g); }
    }
    assert.ok(deleted.every((c) => c === 1));
  });
  it('p = (b + 1)/(m + 1), ties within 100·ε·|obs| count, never 0', () => {
    assert.deepEqual(permutationPValue([0.1, 0.2, 0.5, 0.9], 0.5), { pValue: 3 / 5, exceed: 2 });
    assert.equal(permutationPValue([0, 0, 0], 1).pValue, 1 / 4);
    const obs = 0.3;
    const nearlyTied = obs - tieTolerance(obs) / 2; // rounding-level difference
    assert.equal(permutationPValue([nearlyTied], obs).exceed, 1);
    assert.equal(permutationPValue([obs * (1 - 1e-10)], obs).exceed, 0);
    assert.equal(pValueFromCount(9, 9), 1);
  });
  it('null summary: mean, sd, numpy-linear quantiles', () => {
    const s = summarizeNull([1, 2, 3, 4, 5]);
    assert.equal(s.mean, 3);
    assert.equal(s.sd, Math.sqrt(2.5));
    assert.equal(s.quantiles['0.5'], 3);
    assert.equal(s.quantiles['0.05'], 1.2);
  });
  it('user surrogates: each must be a permutation of 0..N−1 (errors name the surrogate and entry)', () => {
    assert.deepEqual(validateSurrogates([[2, 0, 1]], 3), [Int32Array.from([2, 0, 1])]);
    assert.throws(() => validateSurrogates([[0, 1, 2], [0, 0, 1]], 3), (e: unknown) => e instanceof DataError && /surrogates\[1\].*row 0 appears twice/.test(e.message));
    assert.throws(() => validateSurrogates([[0, 1]], 3), /surrogates\[0\] has 2 entries/);
    assert.throws(() => validateSurrogates([[0, 1, 3]], 3), /surrogates\[0\]\[2\] = 3/);
  });
  it('local permutation (Runge 2018): π(i) is one of i\'s k nearest Z neighbours; mostly a bijection; deterministic', () => {
    const n = 200, kPerm = 5;
    const z = new Float64Array(n);
    for (let i = 0; i < n; i++) z[i] = Math.sin(i * 1.7) * 10;
    const nb = zNeighbours({ n, d: 1, data: z }, kPerm);
    // brute-force check of the neighbour lists: the k smallest distances
    for (let i = 0; i < n; i += 17) {
      const dists = Array.from(z, (v) => Math.abs(v - z[i]!)).sort((a, b) => a - b);
      const kth = dists[kPerm - 1]!;
      for (let t = 0; t < kPerm; t++) assert.ok(Math.abs(z[nb.idx[i * kPerm + t]!]! - z[i]!) <= kth);
      assert.equal(nb.idx[i * kPerm], i);
    }
    const pi = localPermutation(nb, 7, 3);
    assert.deepEqual(pi, localPermutation(nb, 7, 3));
    for (let i = 0; i < n; i++) assert.ok(Array.from(nb.idx.subarray(i * kPerm, (i + 1) * kPerm)).includes(pi[i]!));
    assert.ok(new Set(pi).size > 0.8 * n, `only ${new Set(pi).size} distinct rows`);
    let moved = 0;
    for (let i = 0; i < n; i++) if (pi[i] !== i) moved++;
    assert.ok(moved > n / 2);
  });
});
