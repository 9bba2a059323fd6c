/**
 * The pool reference-counts jobs: overlapping runShards calls for one job id share its
 * SharedArrayBuffer copy, and the pool forgets the job only when the last call ends.
 */
import assert from 'node:assert/strict';
import { executeShard } from '../../shared/job/execute.js';
import { prepareJob } from '../../shared/job/prepare.js';
import type { ShardRequest } from '../../shared/job/shard.js';
import { ShardPool } from '../../worker/pool.js';
import { gaussianPair } from '../helpers/cluster.js';

describe('pool: overlapping runShards calls of one job', function () {
  this.timeout(60_000);
  const p = prepareJob({ measure: 'mi', estimator: 'ksg1', k: 3, x: ['x'], y: ['y'], seed: 4, backend: 'cpu', permutation: { shuffles: 80 }, data: gaussianPair(400, 0.5, 2) });
  const shard = (r0: number, r1: number): ShardRequest => ({ jobId: 'job-1', shardId: `permutation:${r0}-${r1}`, workload: 'permutation', r0, r1 });

  it('the job stays held until the last call ends; every call gets the CPU values', async () => {
    const pool = new ShardPool({ threads: 2 });
    try {
      const long = Array.from({ length: 16 }, (_, i) => shard(8 + 4 * i, 12 + 4 * i));
      const b = pool.runShards(p, long);
      const a = await pool.runShards(p, [shard(0, 8)]);
      // A ended while B runs: B's threads must still be able to fetch the job
      assert.deepEqual(pool.heldJobs(), ['job-1']);
      const bParts = await b;
      assert.deepEqual(pool.heldJobs(), []);
      const got = new Map([...a, ...bParts].map((q) => [q.shardId, Array.from(q.values)]));
      for (const s of [shard(0, 8), ...long]) assert.deepEqual(got.get(s.shardId), Array.from(executeShard(p, s).values), s.shardId);
    } finally {
      await pool.close();
    }
  });

  it('a failing call releases its hold too', async () => {
    const pool = new ShardPool({ threads: 1 });
    try {
      await assert.rejects(pool.runShards(p, [{ ...shard(0, 4), workload: 'bootstrap' }]), /./);
      assert.deepEqual(pool.heldJobs(), []);
      const ok = await pool.runShards(p, [shard(0, 4)]);
      assert.equal(ok.length, 1);
      assert.deepEqual(pool.heldJobs(), []);
    } finally {
      await pool.close();
    }
  });
});
