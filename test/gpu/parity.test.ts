/**
 * Exactness: the gpu.js path (float32 kernels) must give the same per-point counts as float64
 * brute force and the same estimate bits as the CPU kd-tree path, on random data, tied data and
 * data with large offsets. It runs on gpu.js's WebAssembly backend here; on a GPU machine
 * `INFOSHARD_GPU_MODE=webgpu` (or another gpu.js mode) runs the same checks on the device
 * (bench/device/run.sh does), through the asynchronous methods where the mode needs them.
 */
import assert from 'node:assert/strict';
import { columnsToMatrix } from '../../shared/data/matrix.js';
import type { Measure } from '../../shared/job/spec.js';
import { permutation, stream } from '../../shared/rng/index.js';
import { CpuBackend } from '../../worker/gpu/cpu-backend.js';
import { exactReplicate } from '../../worker/gpu/exact.js';
import { GpuBackend } from '../../worker/gpu/gpu-backend.js';
import type { ReplicateRows } from '../../worker/gpu/plan.js';
import type { EstimatorInput } from '../../worker/gpu/types.js';
import { gatherJoint, indexRows, makePlan, permutationRows, planSupported } from '../../worker/gpu/plan.js';
import { analysePrecision } from '../../worker/gpu/precision.js';
import { blocks, casesDir, FLAVOURS, readCsv } from './helpers.js';
import path from 'node:path';
import { readFileSync } from 'node:fs';

const ESTIMATORS: [Measure, string][] = [
  ['mi', 'ksg1'],
  ['mi', 'ksg2'],
  ['mi', 'mixed_ksg'],
  ['cmi', 'ksg_cmi'],
  ['entropy', 'kl'],
];

/** The gpu.js mode under test: gpu.js's WebAssembly backend unless the environment names one. */
const PARITY_MODE = process.env.INFOSHARD_GPU_MODE || 'webasm';

describe(`gpu backend parity (float32 kernels + float64 recheck), gpu.js mode '${PARITY_MODE}'`, function () {
  let gpu: GpuBackend;
  const cpu = new CpuBackend();
  const n = 160;
  const k = 3;
  before(async () => {
    gpu = await GpuBackend.open({ mode: PARITY_MODE });
    // the device really is the one asked for (gpu.js may otherwise fall back silently)
    assert.equal(gpu.mode, PARITY_MODE);
    // provenance names the mode, and on WebGPU the adapter that ran
    assert.match(gpu.describe(), PARITY_MODE === 'webgpu' ? /^gpu\.js\/webgpu \(.+\)$/ : new RegExp(`^gpu\\.js/${PARITY_MODE}$`));
  });
  after(() => gpu?.destroy());
  // synchronous modes keep using the synchronous methods the engine calls
  type Args = [Measure, string, EstimatorInput, { k: number }];
  const counts = async (a: Args, reps: ReplicateRows[]) => (gpu.async ? gpu.countsAsync(...a, reps) : gpu.counts(...a, reps));
  const permBatch = async (a: Args, p: Int32Array[]) => (gpu.async ? gpu.permutationBatchAsync(...a, p) : gpu.permutationBatch(...a, p));
  const indexBatch = async (a: Args, s: Int32Array[]) => (gpu.async ? gpu.indexBatchAsync(...a, s) : gpu.indexBatch(...a, s));

  for (const f of FLAVOURS) {
    describe(f.name, () => {
      const input = blocks(n, f, 11);
      const perms = [0, 1, 2].map((r) => permutation(n, stream(5, r, 3)));
      const boots = [0, 1].map((r) => {
        // a subsample without replacement (m = 120) and a bootstrap draw with repeats
        const s = stream(6, r, 2);
        return r === 0 ? permutation(n, s).subarray(0, 120) : Int32Array.from({ length: n }, () => s.nextInt(n));
      });

      it('takes the exact float32 path exactly when the data allow it', () => {
        assert.equal(analysePrecision(makePlan('mi', 'ksg1', input), true).exact, f.exact);
      });

      for (const [measure, est] of ESTIMATORS) {
        it(`${est}: counts equal float64 brute force, estimates equal the CPU path bit for bit`, async () => {
          const plan = makePlan(measure, est, input);
          // a bootstrap draw repeats rows, which KL entropy refuses (ρ = 0): subsample only
          const sets = measure === 'entropy' ? boots.slice(0, 1) : boots;
          const reps = [...(measure === 'entropy' ? [] : perms.map((p) => permutationRows(plan, p))), ...sets.map((b) => indexRows(plan, b))];
          const got = await counts([measure, est, input, { k }], reps);
          let zeroRho = false;
          reps.forEach((rep, r) => {
            const ref = exactReplicate(plan, gatherJoint(plan, rep), rep.m, k);
            for (let s = 0; s < plan.spaces.length; s++) assert.deepEqual(got[r]!.counts[s], ref.counts[s], `replicate ${r}, space ${s}`);
            if (est !== 'ksg2') assert.deepEqual(got[r]!.eps, ref.eps, `replicate ${r}, eps`);
            zeroRho ||= ref.eps.includes(0);
          });
          const dupKl = est === 'kl' && zeroRho;
          if (dupKl) {
            // duplicates make KL -Infinity: both paths refuse with the same typed error
            await assert.rejects(indexBatch([measure, est, input, { k }], sets), { name: 'EstimatorError' });
            assert.throws(() => cpu.indexBatch(measure, est, input, { k }, sets), { name: 'EstimatorError' });
            return;
          }
          if (measure !== 'entropy') {
            assert.deepEqual(await permBatch([measure, est, input, { k }], perms), cpu.permutationBatch(measure, est, input, { k }, perms));
          }
          assert.deepEqual(await indexBatch([measure, est, input, { k }], sets), cpu.indexBatch(measure, est, input, { k }, sets));
        });
      }
    });
  }

  describe('coverage of the recheck', () => {
    it('undecidable points and counts were redone in float64 (non-exact data above)', () => {
      assert.ok(gpu.stats.recheckedPoints > 0, JSON.stringify(gpu.stats));
      assert.ok(gpu.stats.recheckedCounts > 0, JSON.stringify(gpu.stats));
    });
  });

  describe('reference cases (../shared/cases, normalize off)', () => {
    const spec = JSON.parse(readFileSync(path.join(casesDir(), 'expected.json'), 'utf8')) as {
      cases: { file: string; measure: Measure; estimator: string; x: string[]; y?: string[]; z?: string[]; k?: number; expected: number }[];
    };
    for (const c of spec.cases.filter((c) => planSupported(c.measure, c.estimator))) {
      it(`${c.file} ${c.measure} ${c.estimator} k=${c.k}: expected within 1e-9 and equal to the CPU bits`, async () => {
        const cols = readCsv(path.join(casesDir(), c.file));
        const pick = (names: string[] | undefined) => (names ? columnsToMatrix(names.map((nm) => cols.get(nm)!)) : undefined);
        const input = { x: pick(c.x)!, ...(c.y ? { y: pick(c.y)! } : {}), ...(c.z ? { z: pick(c.z)! } : {}) };
        const id = Int32Array.from({ length: input.x.n }, (_, i) => i);
        const g = (await indexBatch([c.measure, c.estimator, input, { k: c.k! }], [id]))[0]!;
        const p = cpu.indexBatch(c.measure, c.estimator, input, { k: c.k! }, [id])[0]!;
        assert.equal(g, p);
        assert.ok(Math.abs(g - c.expected) <= 1e-9 * Math.abs(c.expected), `${g} vs ${c.expected}`);
      });
    }
  });
});
