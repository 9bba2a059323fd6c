/** Bounded memory per kernel call: a tiny budget splits replicates and query points, same bits. */
import assert from 'node:assert/strict';
import { permutation, stream } from '../../shared/rng/index.js';
import { chunking } from '../../worker/gpu/gpu-counts.js';
import { GpuBackend } from '../../worker/gpu/gpu-backend.js';
import { blocks, FLAVOURS } from './helpers.js';

describe('gpu kernel chunking', () => {
  it('chunk sizes respect the byte budget and never drop below one', () => {
    const c = chunking(50_000, 3, 2, 128, 64 * 1024 * 1024);
    assert.ok(c.reps >= 1 && c.reps * 50_000 * 3 * 12 <= 32 * 1024 * 1024, JSON.stringify(c));
    assert.ok(c.q >= 1 && c.q <= 50_000);
    assert.deepEqual(chunking(100, 2, 2, 5, 1), { reps: 1, q: 1 });
    assert.deepEqual(chunking(100, 2, 2, 5, 1 << 30), { reps: 5, q: 100 });
  });

  for (const f of [FLAVOURS[0]!, FLAVOURS[2]!]) {
    it(`${f.name}: many small calls give the same estimates as one call (ksg1, ksg_cmi)`, () => {
      const n = 90;
      const input = blocks(n, f, 3);
      const perms = [0, 1, 2, 3, 4].map((r) => permutation(n, stream(8, r, 3)));
      // a few replicates and ~30 query points per call: padded last chunks on both axes
      const small = new GpuBackend({ mode: 'webasm', maxBytesPerCall: 2 * (90 * 4 * 12 * 3) + 1 });
      const big = new GpuBackend({ mode: 'webasm' });
      try {
        for (const [measure, est] of [['mi', 'ksg1'], ['cmi', 'ksg_cmi']] as const) {
          const a = small.permutationBatch(measure, est, input, { k: 4 }, perms);
          const b = big.permutationBatch(measure, est, input, { k: 4 }, perms);
          assert.deepEqual(a, b);
        }
        assert.ok(small.stats.kernelCalls > big.stats.kernelCalls * 4, `${small.stats.kernelCalls} vs ${big.stats.kernelCalls}`);
        // one shape per (estimator, kernel): compiled once, reused by every call
        assert.equal(small.compiledKernels, 4);
      } finally {
        small.destroy();
        big.destroy();
      }
    });
  }
});
