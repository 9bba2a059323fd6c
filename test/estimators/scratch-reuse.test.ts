/**
 * Buffer reuse (knn/scratch.ts) must not leak state between calls: permutation contexts and
 * estimateOnRows calls of different sizes, k, dimensions and data, interleaved, each equal bit
 * for bit to a fresh estimate() on the explicitly permuted / gathered rows.
 */
import assert from 'node:assert/strict';
import { gatherRows, type Matrix } from '../../shared/data/matrix.js';
import { createPermutationContext, estimate, estimateOnRows, type EstimatorInput } from '../../shared/estimators/index.js';
import { GridIndex, Scratch } from '../../shared/knn/index.js';
import { permutation, stream } from '../../shared/rng/index.js';

function block(n: number, d: number, seed: number, ties: boolean): Matrix {
  const r = stream(seed, 0);
  const data = new Float64Array(n * d);
  for (let i = 0; i < data.length; i++) data[i] = ties ? (r.nextInt(7) - 3) * 0.1 : r.nextGaussian();
  if (!ties) for (let i = 0; i < n; i++) data[i * d + d - 1]! += 0.5 * data[i * d]!;
  return { n, d, data };
}

describe('estimators: scratch buffers reused across calls of different sizes', () => {
  const setups = [
    { n: 700, dx: 1, k: 3, ties: false, seed: 1 },
    { n: 400, dx: 1, k: 5, ties: true, seed: 2 },
    { n: 700, dx: 2, k: 4, ties: false, seed: 3 },
    { n: 300, dx: 1, k: 2, ties: false, seed: 4 },
  ];
  const inputs: EstimatorInput[] = setups.map((s) => ({ x: block(s.n, s.dx, s.seed, s.ties), y: block(s.n, 1, s.seed + 10, s.ties) }));

  for (const est of ['ksg1', 'ksg2', 'mixed_ksg']) {
    it(`mi/${est}: interleaved permutation contexts equal fresh estimate() bit for bit`, () => {
      const ctxs = setups.map((s, t) => createPermutationContext('mi', est, inputs[t]!, { k: s.k }));
      for (let r = 0; r < 3; r++) {
        setups.forEach((s, t) => {
          const perm = permutation(s.n, stream(11, r * 10 + t, 3));
          const input = inputs[t]!;
          const want = estimate('mi', est, { x: input.x, y: gatherRows(input.y!, perm) }, { k: s.k });
          assert.ok(Number.isFinite(want));
          assert.ok(Object.is(ctxs[t]!.estimate(perm), want), `${est} setup ${t} replicate ${r}`);
        });
      }
    });

    it(`mi/${est}: estimateOnRows interleaved with contexts (subsample, bootstrap, sizes vary) equals estimate() on gathered rows`, () => {
      const ctx = createPermutationContext('mi', est, inputs[0]!, { k: setups[0]!.k });
      for (let r = 0; r < 3; r++) {
        setups.forEach((s, t) => {
          const g = stream(13, r * 10 + t, 3);
          const m = r === 1 ? s.n : Math.floor(s.n / (2 + t));
          const rows = r === 1 ? Int32Array.from({ length: m }, () => g.nextInt(s.n)) : permutation(s.n, g).subarray(0, m);
          const input = inputs[t]!;
          const want = estimate('mi', est, { x: gatherRows(input.x, rows), y: gatherRows(input.y!, rows) }, { k: s.k });
          assert.ok(Object.is(estimateOnRows('mi', est, input, { k: s.k }, rows), want), `${est} setup ${t} round ${r}`);
          const perm = permutation(setups[0]!.n, g);
          const want0 = estimate('mi', est, { x: inputs[0]!.x, y: gatherRows(inputs[0]!.y!, perm) }, { k: setups[0]!.k });
          assert.ok(Object.is(ctx.estimate(perm), want0));
        });
      }
    });
  }

  it('GridIndex: grids rebuilt from one scratch (d = 3, then 2, then 1, same and other n) answer as fresh grids', () => {
    const scratch = new Scratch();
    const dist = new Float64Array(4), idx = new Int32Array(4), dist2 = new Float64Array(4), idx2 = new Int32Array(4);
    for (const [n, d, seed] of [[500, 3, 1], [500, 2, 2], [500, 1, 3], [300, 2, 4], [500, 3, 5]] as const) {
      const m = block(n, d, seed, seed % 2 === 0);
      const reused = new GridIndex(m, undefined, undefined, scratch);
      const fresh = new GridIndex(m);
      for (let i = 0; i < n; i += 7) {
        reused.knn(i, 4, dist, idx, 0);
        fresh.knn(i, 4, dist2, idx2, 0);
        assert.deepEqual([...dist, ...idx], [...dist2, ...idx2], `n=${n} d=${d} row ${i}`);
        assert.equal(reused.count(m.data, i * d, dist[3]!, true), fresh.count(m.data, i * d, dist[3]!, true));
      }
    }
  });
});
