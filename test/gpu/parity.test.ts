/**
 * Exactness: the gpu.js path (here gpu.js's WebAssembly backend, float32) must give the same
 * per-point counts as float64 brute force and the same estimate bits as the CPU kd-tree path,
 * on random data, tied data and data with large offsets.
 */
import assert from 'node:assert/strict';
import { columnsToMatrix } from '../../shared/data/matrix.js';
import type { Measure } from '../../shared/job/spec.js';
import { permutation, stream } from '../../shared/rng/index.js';
import { CpuBackend } from '../../worker/gpu/cpu-backend.js';
import { exactReplicate } from '../../worker/gpu/exact.js';
import { GpuBackend } from '../../worker/gpu/gpu-backend.js';
import { gatherJoint, indexRows, makePlan, permutationRows } from '../../worker/gpu/plan.js';
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

describe('gpu backend parity (float32 kernels + float64 recheck)', function () {
  const gpu = new GpuBackend({ mode: 'webasm' });
  const cpu = new CpuBackend();
  const n = 160;
  const k = 3;
  after(() => gpu.destroy());

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
        it(`${est}: counts equal float64 brute force, estimates equal the CPU path bit for bit`, () => {
          const plan = makePlan(measure, est, input);
          // a bootstrap draw repeats rows, which KL entropy refuses (ρ = 0): subsample only
          const sets = measure === 'entropy' ? boots.slice(0, 1) : boots;
          const reps = [...(measure === 'entropy' ? [] : perms.map((p) => permutationRows(plan, p))), ...sets.map((b) => indexRows(plan, b))];
          const got = gpu.counts(measure, est, input, { k }, reps);
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
            assert.throws(() => gpu.indexBatch(measure, est, input, { k }, sets), { name: 'EstimatorError' });
            assert.throws(() => cpu.indexBatch(measure, est, input, { k }, sets), { name: 'EstimatorError' });
            return;
          }
          if (measure !== 'entropy') {
            assert.deepEqual(gpu.permutationBatch(measure, est, input, { k }, perms), cpu.permutationBatch(measure, est, input, { k }, perms));
          }
          assert.deepEqual(gpu.indexBatch(measure, est, input, { k }, sets), cpu.indexBatch(measure, est, input, { k }, sets));
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
    for (const c of spec.cases.filter((c) => gpu.supports(c.measure, c.estimator))) {
      it(`${c.file} ${c.measure} ${c.estimator} k=${c.k}: expected within 1e-9 and equal to the CPU bits`, () => {
        const cols = readCsv(path.join(casesDir(), c.file));
        const pick = (names: string[] | undefined) => (names ? columnsToMatrix(names.map((nm) => cols.get(nm)!)) : undefined);
        const input = { x: pick(c.x)!, ...(c.y ? { y: pick(c.y)! } : {}), ...(c.z ? { z: pick(c.z)! } : {}) };
        const id = Int32Array.from({ length: input.x.n }, (_, i) => i);
        const g = gpu.indexBatch(c.measure, c.estimator, input, { k: c.k! }, [id])[0]!;
        const p = cpu.indexBatch(c.measure, c.estimator, input, { k: c.k! }, [id])[0]!;
        assert.equal(g, p);
        assert.ok(Math.abs(g - c.expected) <= 1e-9 * Math.abs(c.expected), `${g} vs ${c.expected}`);
      });
    }
  });
});
