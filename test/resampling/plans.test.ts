import assert from 'node:assert/strict';
import { DataError } from '../../shared/errors.js';
import { defaultSubsampleSize, iidIndices, jackknifeKeep, rescaleSubsample, subsampleIndices } from '../../shared/resampling/bootstrap.js';
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
    assert.equal(defaultSubsampleSize(101), 50);
  });
  it('Politis–Romano rescaling: θ̂ + √(m/N)(θ* − θ̂)', () => {
    assert.deepEqual(Array.from(rescaleSubsample([1, 3], 2, 25, 100)), [1.5, 2.5]);
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
