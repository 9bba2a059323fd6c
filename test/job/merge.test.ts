import assert from 'node:assert/strict';
import fc from 'fast-check';
import { InternalError } from '../../shared/errors.js';
import { executeShard, pointEstimate } from '../../shared/job/execute.js';
import { addPartial, assemble, BACKEND_PROVENANCE, backendProvenance, finalizeResult, mergePartialSets, type PartialSet } from '../../shared/job/merge.js';
import { planShards, planWorkloads } from '../../shared/job/plan.js';
import { prepareJob } from '../../shared/job/prepare.js';
import type { ShardPartial } from '../../shared/job/shard.js';
import { stream } from '../../shared/rng/index.js';

const n = 60;
const rng = stream(99, 0);
const a = new Float64Array(n), b = new Float64Array(n);
for (let i = 0; i < n; i++) {
  a[i] = rng.nextGaussian();
  b[i] = 0.5 * a[i]! + rng.nextGaussian();
}
const prepared = prepareJob({
  measure: 'mi', estimator: 'gaussian', x: ['a'], y: ['b'], seed: 3,
  data: { names: ['a', 'b'], columns: [a, b], n },
  bootstrap: { replicates: 23, method: 'bca', jackknifeGroups: 6 },
  permutation: { shuffles: 17 },
  ensemble: { bagging: { replicates: 5 } },
});
const workloads = planWorkloads(prepared);
const theta = pointEstimate(prepared);
const meta = { engine: 'embedded' as const, version: 't', estimateMs: 0, totalMs: 0 };
const unsharded = planShards('j', workloads, 1000).map((s) => executeShard(prepared, s));
const reference = finalizeResult(prepared, theta, unsharded, meta);
const setOf = (ps: ShardPartial[]): PartialSet => {
  const s: PartialSet = new Map();
  for (const p of ps) addPartial(s, p);
  return s;
};

describe('job: plan and merge', () => {
  it('shard ids are stable and ranges cover every workload', () => {
    const shards = planShards('j', workloads, 7);
    assert.deepEqual(shards.slice(0, 4).map((s) => s.shardId), ['bootstrap:0-7', 'bootstrap:7-14', 'bootstrap:14-21', 'bootstrap:21-23']);
    assert.deepEqual(workloads.map((w) => [w.kind, w.replicates]), [['bootstrap', 23], ['jackknife', 6], ['permutation', 17], ['bagging', 5]]);
  });

  it('merge is associative and commutative and equals the unsharded computation, for any shard size and order', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 30 }), fc.integer({ min: 0, max: 2 ** 31 }), (size, seed) => {
        const parts = planShards('j', workloads, size).map((s) => executeShard(prepared, s));
        // a seeded shuffle of arrival order, split into three groups
        const r = stream(seed, 0);
        for (let i = parts.length - 1; i > 0; i--) {
          const j = r.nextInt(i + 1);
          [parts[i], parts[j]] = [parts[j]!, parts[i]!];
        }
        const third = Math.ceil(parts.length / 3);
        const A = setOf(parts.slice(0, third)), B = setOf(parts.slice(third, 2 * third)), C = setOf(parts.slice(2 * third));
        const left = mergePartialSets(mergePartialSets(A, B), C);
        const right = mergePartialSets(C, mergePartialSets(B, A));
        for (const merged of [left, right]) {
          const res = finalizeResult(prepared, theta, merged.values(), meta);
          assert.deepEqual(res, reference);
        }
      }),
      { numRuns: 25 },
    );
  });

  it('a duplicate completion of a shard id is ignored; a missing range is named', () => {
    const parts = planShards('j', workloads, 5).map((s) => executeShard(prepared, s));
    const s = setOf(parts);
    assert.equal(addPartial(s, parts[0]!), false);
    const missing = parts.filter((p) => p.shardId !== 'permutation:5-10' && p.shardId !== 'bagging:0-5');
    assert.throws(() => assemble(workloads, missing), (e: unknown) => e instanceof InternalError && /permutation:5-10, bagging:0-5/.test(e.message));
  });

  it('the result carries CI (with G), p-value convention, null summary and the bias-corrected estimate', () => {
    assert.equal(reference.ci!.method, 'bca');
    assert.equal(reference.ci!.scheme, 'iid');
    assert.equal(reference.ci!.jackknifeGroups, 6);
    assert.ok(reference.ci!.low < reference.estimate && reference.estimate < reference.ci!.high);
    assert.equal(reference.replicates.permutation, 17);
    assert.match(reference.pValueConvention!, /\(b\+1\)\/\(m\+1\)/);
    assert.equal(reference.biasCorrected, reference.estimate - reference.null!.mean);
    assert.equal(reference.ensemble!.bagging!.replicates, 5);
    const bits = finalizeResult({ ...prepared, units: 'bits' }, theta, unsharded, meta);
    assert.equal(bits.estimate, reference.estimate / Math.LN2);
    assert.equal(bits.ci!.low, reference.ci!.low / Math.LN2);
    assert.equal(bits.pValue, reference.pValue);
  });
});

describe('provenance.backend: one plain ASCII value from BACKEND_PROVENANCE', () => {
  it('classifies what the backends describe, and is idempotent on its own values', () => {
    const cases: [string[], string][] = [
      [[], 'cpu'],
      [['cpu'], 'cpu'],
      [['auto→cpu', 'auto→cpu'], 'cpu'],
      [['cpu (no gpu kernel for gaussian)'], 'cpu'],
      [['gpu.js/webasm'], 'gpu-host'],
      [['auto→gpu.js/cpu'], 'gpu-host'],
      [['gpu.js/webgpu (mesa llvmpipe (LLVM 19.1.7, 256 bits))'], 'gpu'],
      [['gpu.js/headlessgl', 'auto→gpu.js/webgl2'], 'gpu'],
      [['gpu.js/webasm,cpu'], 'mixed'],
      [['auto→cpu', 'auto→gpu.js/webasm'], 'mixed'],
      [['gpu-host', 'gpu-host'], 'gpu-host'],
      [['mixed', 'cpu'], 'mixed'],
    ];
    for (const [names, want] of cases) {
      const got = backendProvenance(names);
      assert.equal(got, want, names.join(' | '));
      assert.ok((BACKEND_PROVENANCE as readonly string[]).includes(got));
      assert.match(got, /^[a-z-]+$/);
      assert.equal(backendProvenance([got]), got);
    }
  });
});
