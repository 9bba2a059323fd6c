/**
 * A worker runs only shards of the job it was given, and stops a running shard when its call is
 * cancelled (issue 13; docs/cluster.md promises "stop mid-shard on cancel"): replicate ranges
 * are checked against the job's workloads, and every task reads its call's stop flag between
 * replicates.
 */
import assert from 'node:assert/strict';
import { checkShardRanges, planWorkloads } from '../../shared/job/plan.js';
import { executeShard } from '../../shared/job/execute.js';
import { prepareJob } from '../../shared/job/prepare.js';
import { CancelledError, OptionError } from '../../shared/errors.js';
import runTask from '../../worker/task.js';
import { PoolRunner } from '../../worker/runner.js';
import type { ShardRequest } from '../../shared/job/shard.js';
import type { JobSpec } from '../../shared/job/spec.js';
import { gaussianPair } from '../helpers/cluster.js';

const spec: JobSpec = { measure: 'mi', estimator: 'ksg1', x: ['x'], y: ['y'], seed: 3, bootstrap: { replicates: 40, method: 'bca' }, permutation: { shuffles: 30 } };
const data = gaussianPair(200, 0.5, 3);
const shard = (workload: ShardRequest['workload'], r0: number, r1: number): ShardRequest => ({ jobId: 'j', shardId: `${workload}:${r0}-${r1}`, workload, r0, r1 });

describe('worker: shard ranges and cancelling a running shard', function () {
  this.timeout(60_000);

  it("checkShardRanges accepts the plan's shards and sub-ranges, refuses other workloads and ranges outside the job", () => {
    const w = planWorkloads(prepareJob({ ...spec, data }));
    assert.deepEqual(w.map((x) => [x.kind, x.replicates]), [['bootstrap', 40], ['jackknife', 100], ['biasprobe', 10], ['permutation', 30]]);
    checkShardRanges(w, [shard('bootstrap', 0, 40), shard('permutation', 29, 30), shard('jackknife', 10, 11)]);
    const refused = (s: ShardRequest, re: RegExp, field: string) =>
      assert.throws(() => checkShardRanges(w, [shard('bootstrap', 0, 1), s]), (e: unknown) => e instanceof OptionError && re.test(e.message) && e.field === field);
    refused(shard('bagging', 0, 1), /shards\[1\]\.workload: this job has no bagging workload \(it has bootstrap, jackknife, biasprobe, permutation\)/, 'shards[1].workload');
    refused(shard('permutation', 0, 31), /replicate range \[0, 31\) is outside the job's permutation replicates \[0, 30\)/, 'shards[1].r1');
    refused(shard('bootstrap', 4294967290, 4294967295), /outside/, 'shards[1].r1');
    refused(shard('bootstrap', -1, 2), /outside/, 'shards[1].r1');
    refused(shard('bootstrap', 1.5, 2), /outside/, 'shards[1].r1');
  });

  it('a pool runner refuses a RunShards batch with a range outside the job (no values computed)', async () => {
    const runner = PoolRunner.create(1);
    try {
      const job = { jobId: 'j', spec, dataHash: 'h', data };
      const ok = await runner.run(job, [shard('permutation', 0, 3)], new AbortController().signal);
      assert.equal((Array.isArray(ok) ? ok : ok.values)[0]!.length, 3);
      await assert.rejects(runner.run(job, [shard('permutation', 0, 3), shard('permutation', 28, 1000)], new AbortController().signal), (e: unknown) => e instanceof OptionError && /\[28, 1000\)/.test(e.message));
      assert.equal(runner.activeTasks(), 0);
    } finally {
      await runner.close();
    }
  });

  it('executeShard asks shouldStop after every replicate and stops there with CancelledError', () => {
    const p = prepareJob({ ...spec, data });
    for (const workload of ['bootstrap', 'jackknife', 'permutation'] as const) {
      let asked = 0;
      assert.throws(() => executeShard(p, shard(workload, 0, 20), { shouldStop: () => ++asked >= 3 }), (e: unknown) => e instanceof CancelledError);
      assert.equal(asked, 3, `${workload}: stopped after the third replicate, not at the end of the shard`);
      // and a shard never told to stop gives the same values as one without the option
      const a = executeShard(p, shard(workload, 0, 5), { shouldStop: () => false });
      assert.deepEqual(a.values, executeShard(p, shard(workload, 0, 5)).values);
    }
  });

  it("a pool task reads its call's stop flag: set, the thread answers E_CANCELLED instead of running the shard", () => {
    const job = prepareJob({ ...spec, data });
    const stop = new Int32Array(new SharedArrayBuffer(4));
    const ok = runTask({ jobId: 'j', shard: shard('permutation', 0, 4), job, stop });
    assert.equal(ok.kind, 'ok');
    Atomics.store(stop, 0, 1);
    const stopped = runTask({ jobId: 'j', shard: shard('permutation', 0, 4), stop });
    assert.equal(stopped.kind, 'error');
    assert.equal((stopped as { code: string }).code, 'E_CANCELLED');
  });
});
