/** Backend selection: cpu / gpu / auto (calibrated, cached, reported), and clear errors. */
import assert from 'node:assert/strict';
import { permutation, stream } from '../../shared/rng/index.js';
import { HOST_CALIBRATION_MAX_N } from '../../worker/gpu/select.js';
import { AutoBackend, cachedCalibrations, clearCalibrations, CpuBackend, createBackend, GpuBackend } from '../../worker/gpu/index.js';
import { blocks, FLAVOURS } from './helpers.js';

describe('backend selection', () => {
  const n = 80;
  const input = blocks(n, FLAVOURS[0]!, 4);
  const perms = [0, 1, 2, 3].map((r) => permutation(n, stream(9, r, 3)));
  const expected = new CpuBackend().permutationBatch('mi', 'ksg1', input, { k: 3 }, perms);
  beforeEach(() => clearCalibrations());

  it("createBackend('cpu' | 'gpu') give identical bits and say what ran", () => {
    const cpu = createBackend('cpu');
    const gpu = createBackend('gpu');
    assert.deepEqual(gpu.permutationBatch('mi', 'ksg1', input, { k: 3 }, perms), expected);
    assert.deepEqual(cpu.permutationBatch('mi', 'ksg1', input, { k: 3 }, perms), expected);
    assert.equal(cpu.describe(), 'cpu');
    assert.match(gpu.describe(), /^gpu\.js\/(webasm|headlessgl|webgl2?|webgpu)$/);
  });

  for (const [label, gpuFaster] of [['gpu', true], ['cpu', false]] as const) {
    it(`auto picks the faster backend by measurement (${label}), caches it per shape and reports it`, () => {
      // a fake clock: each backend call advances it by a fixed cost, so the choice is deterministic
      let t = 0;
      const gpu = new GpuBackend({ mode: 'webasm' });
      const costs = { cpu: gpuFaster ? 10 : 1, gpu: gpuFaster ? 1 : 10 };
      const wrap = <T extends object>(b: T, cost: number): T =>
        new Proxy(b, {
          get(target, p, recv) {
            const v = Reflect.get(target, p, recv) as unknown;
            if (p === 'permutationBatch' && typeof v === 'function') {
              return (...args: unknown[]) => {
                t += cost * (args[4] as unknown[]).length;
                return (v as (...a: unknown[]) => unknown).apply(target, args);
              };
            }
            return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
          },
        });
      const auto = new AutoBackend(() => wrap(gpu, costs.gpu), () => t);
      // the auto backend times its own CPU backend: wrap it through the prototype hook
      (auto as unknown as { cpu: CpuBackend }).cpu = wrap(new CpuBackend(), costs.cpu);
      assert.deepEqual(auto.permutationBatch('mi', 'ksg1', input, { k: 3 }, perms), expected);
      assert.equal(auto.describe(), gpuFaster ? 'auto→gpu.js/webasm' : 'auto→cpu');
      const cal = [...cachedCalibrations().values()];
      assert.equal(cal.length, 1);
      assert.equal(cal[0]!.choice, label);
      // second batch of the same shape: no new calibration
      assert.deepEqual(auto.permutationBatch('mi', 'ksg1', input, { k: 3 }, perms), expected);
      assert.equal(cachedCalibrations().size, 1);
      gpu.destroy();
    });
  }

  it('auto does not time host-mode gpu.js (webasm) beyond HOST_CALIBRATION_MAX_N: brute force cannot win there', () => {
    const big = HOST_CALIBRATION_MAX_N + 1;
    const bigInput = blocks(big, FLAVOURS[0]!, 5);
    const bigPerms = [0, 1].map((r) => permutation(big, stream(9, r, 3)));
    const gpu = new GpuBackend({ mode: 'webasm' });
    let gpuCalls = 0;
    const spy = new Proxy(gpu, {
      get(target, p, recv) {
        if (p === 'permutationBatch') gpuCalls++;
        const v = Reflect.get(target, p, recv) as unknown;
        return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
      },
    });
    const auto = new AutoBackend(() => spy);
    const want = new CpuBackend().permutationBatch('mi', 'ksg1', bigInput, { k: 3 }, bigPerms);
    assert.deepEqual(auto.permutationBatch('mi', 'ksg1', bigInput, { k: 3 }, bigPerms), want);
    assert.equal(gpuCalls, 0);
    assert.equal(auto.describe(), 'auto→cpu');
    assert.match([...cachedCalibrations().values()][0]!.note ?? '', /runs on the host \(webasm\)/);
    gpu.destroy();
  });

  it('auto falls back to the CPU (and says why) when gpu.js cannot run', () => {
    const auto = new AutoBackend(() => new GpuBackend({ mode: 'headlessgl' }));
    assert.deepEqual(auto.permutationBatch('mi', 'ksg1', input, { k: 3 }, perms), expected);
    assert.equal(auto.describe(), 'auto→cpu');
    assert.match([...cachedCalibrations().values()][0]!.note ?? '', /cannot create a kernel/);
  });

  it("'gpu' where gpu.js cannot create a kernel is a clear UnavailableError", () => {
    assert.throws(() => new GpuBackend({ mode: 'headlessgl' }), (err: Error & { code?: string }) => {
      assert.equal(err.name, 'UnavailableError');
      assert.equal(err.code, 'E_UNAVAILABLE');
      assert.match(err.message, /^backend 'gpu': gpu\.js cannot create a kernel in mode 'headlessgl': /);
      return true;
    });
  });

  it('bad inputs are typed errors naming the field', () => {
    assert.throws(() => createBackend('fast' as never), { name: 'OptionError', message: /backend must be one of auto, cpu, gpu/ });
    const gpu = createBackend('gpu');
    assert.throws(() => gpu.permutationBatch('mi', 'ksg1', input, { k: 3 }, [new Int32Array(n).fill(n)]), { name: 'OptionError', message: /perms\[0\]\[0\] = 80/ });
    assert.throws(() => gpu.indexBatch('mi', 'ksg1', input, { k: 3 }, [new Int32Array(3)]), { name: 'EstimatorError', message: /3 rows needs more than k = 3/ });
    // estimators without a kernel run on the CPU and say so
    assert.equal(gpu.supports('mi', 'gaussian'), false);
  });
});
