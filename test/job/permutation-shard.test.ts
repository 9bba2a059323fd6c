/**
 * The permutation shard loop (issue 18): the fast path (one shuffle buffer per shard, a reused
 * permutation context — for Gaussian MI the X block's statistics computed once) gives the same
 * bits as estimating every replicate from scratch on the explicitly permuted data
 * (`reuseContext: false`), for any shard boundaries; and on the summary path the packed summary
 * does not depend on how the workload is cut.
 */
import assert from 'node:assert/strict';
import { executeShard } from '../../shared/job/execute.js';
import { prepareJob } from '../../shared/job/prepare.js';
import { mergePackedSummaries, mergeSummaries, SUMMARY_BLOCK, unpackSummary } from '../../shared/job/summary.js';
import type { ShardRequest } from '../../shared/job/shard.js';
import type { Job } from '../../shared/job/spec.js';
import { shufflePermutation } from '../../shared/resampling/permutation.js';
import { permutation, stream, Domain } from '../../shared/rng/index.js';
import { gaussianPair } from '../helpers/cluster.js';

const shard = (r0: number, r1: number): ShardRequest => ({ jobId: 'j', shardId: `permutation:${r0}-${r1}`, workload: 'permutation', r0, r1 });
const bits = (v: Float64Array) => Array.from(new Uint32Array(v.buffer, v.byteOffset, v.length * 2));

describe('job: the permutation shard loop', function () {
  this.timeout(60_000);
  const pair = gaussianPair(200, 0.3, 5), extra = gaussianPair(200, 0.5, 6);
  const data = { ...pair, names: ['x', 'y', 'z'], columns: [...pair.columns, extra.columns[1]!] };

  for (const [name, spec] of [
    ['mi gaussian', { measure: 'mi', estimator: 'gaussian' }],
    ['mi ksg1', { measure: 'mi', estimator: 'ksg1', k: 4 }],
    ['cmi gaussian (generic context)', { measure: 'cmi', estimator: 'gaussian', z: ['z'] }],
  ] as const) {
    it(`${name}: the reused buffer and context give the bits of estimating each permuted dataset, for any shard boundaries`, () => {
      const R = name.includes('ksg1') ? 40 : 300;
      const job = { x: ['x'], y: ['y'], seed: 11, data, permutation: { shuffles: R }, summaries: false, ...spec } as unknown as Job;
      const p = prepareJob(job);
      const slow = executeShard(p, shard(0, R), { reuseContext: false }).values;
      assert.deepEqual(bits(executeShard(p, shard(0, R)).values), bits(slow));
      const cut = Math.floor(R / 3);
      const parts = [executeShard(p, shard(0, cut)).values, executeShard(p, shard(cut, cut + 1)).values, executeShard(p, shard(cut + 1, R)).values];
      const joined = new Float64Array(R);
      joined.set(parts[0]!, 0);
      joined.set(parts[1]!, cut);
      joined.set(parts[2]!, cut + 1);
      assert.deepEqual(bits(joined), bits(slow));
    });
  }

  it('shufflePermutation into a buffer is permutation(n, stream(seed, r, Domain.permutation))', () => {
    const buf = new Int32Array(37);
    for (let r = 0; r < 300; r++) assert.deepEqual(shufflePermutation(4, r, 37, buf), permutation(37, stream(4, r, Domain.permutation)));
    assert.throws(() => shufflePermutation(4, 0, 36, buf), /buffer has length 37, expected 36/);
  });

  it('summary path, gaussian MI: two 1-block shards and one 2-block shard merge to the same summary bytes, packed or unpacked', () => {
    const R = 2 * SUMMARY_BLOCK;
    const p = prepareJob({ measure: 'mi', estimator: 'gaussian', x: ['x'], y: ['y'], seed: 2, data, permutation: { shuffles: R }, summaries: true } as unknown as Job);
    const merged = (cuts: number[]) => {
      const s = [];
      for (let i = 0; i + 1 < cuts.length; i++) s.push(unpackSummary(executeShard(p, shard(cuts[i]!, cuts[i + 1]!)).values, cuts[i]!, cuts[i + 1]!, 's'));
      return JSON.stringify(mergeSummaries(s));
    };
    const B = SUMMARY_BLOCK;
    const ref = merged([0, B, 2 * B]);
    assert.equal(merged([0, 2 * B]), ref);
    // the coordinator's merge unpacks one packed summary at a time (any arrival order): same bytes
    const packed = [shard(B, 2 * B), shard(0, B)].map((q) => ({ ...q, values: executeShard(p, q).values }));
    assert.equal(JSON.stringify(mergePackedSummaries(packed)), ref);
    assert.equal(JSON.parse(ref).exceedance.total, 2 * B);
  });
});
