/**
 * The asynchronous driver (gpu.js 'webgpu' kernels return Promises) runs the same generator as
 * the synchronous one: checked here on WebAssembly kernels, whose results are plain values, with
 * chunked calls so several kernel calls are awaited per batch. The device run
 * (bench/device/run.sh) runs test/gpu/parity with INFOSHARD_GPU_MODE=webgpu on the GPU.
 */
import assert from 'node:assert/strict';
import { permutation, stream } from '../../shared/rng/index.js';
import { GpuBackend } from '../../worker/gpu/gpu-backend.js';
import { blocks, FLAVOURS } from './helpers.js';

describe('gpu backend, asynchronous driver', () => {
  const n = 90;
  const input = blocks(n, FLAVOURS[4]!, 21);
  const perms = [0, 1, 2, 3].map((r) => permutation(n, stream(8, r, 3)));
  const subsets = [0, 1].map((r) => permutation(n, stream(9, r, 2)).subarray(0, 60));

  it('permutationBatchAsync / indexBatchAsync give the synchronous bits, over chunked calls', async () => {
    const sync = new GpuBackend({ mode: 'webasm', maxBytesPerCall: 2 * (90 * 4 * 12 * 3) + 1 });
    const asyn = await GpuBackend.open({ mode: 'webasm', maxBytesPerCall: 2 * (90 * 4 * 12 * 3) + 1 });
    try {
      assert.equal(asyn.async, false);
      for (const [measure, est] of [['mi', 'ksg1'], ['mi', 'ksg2'], ['cmi', 'ksg_cmi']] as const) {
        assert.deepEqual(await asyn.permutationBatchAsync(measure, est, input, { k: 3 }, perms), sync.permutationBatch(measure, est, input, { k: 3 }, perms));
        assert.deepEqual(await asyn.indexBatchAsync(measure, est, input, { k: 3 }, subsets), sync.indexBatch(measure, est, input, { k: 3 }, subsets));
      }
      assert.deepEqual(asyn.stats, sync.stats);
      assert.ok(asyn.stats.kernelCalls > 12, JSON.stringify(asyn.stats));
      // no kernel for the Gaussian estimator: both go to the CPU
      assert.deepEqual(await asyn.permutationBatchAsync('mi', 'gaussian', input, { k: 3 }, perms), sync.permutationBatch('mi', 'gaussian', input, { k: 3 }, perms));
    } finally {
      sync.destroy();
      asyn.destroy();
    }
  });

  it("the synchronous constructor refuses 'webgpu' with an error that says how to open it", () => {
    assert.throws(() => new GpuBackend({ mode: 'webgpu' }), {
      name: 'UnavailableError',
      message: /^backend 'gpu': gpu\.js cannot create a kernel in mode 'webgpu': its kernels return Promises: open it with 'await GpuBackend\.open/,
    });
  });
});
