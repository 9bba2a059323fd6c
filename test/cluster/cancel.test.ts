/** Cancel stops every shard within bounded time and leaves no worker busy (issue 4, "Cancel"). */
import assert from 'node:assert/strict';
import { connectCluster } from '../../coordinator/client.js';
import { CancelledError } from '../../shared/errors.js';
import { gaussianPair, TestCluster, workerHealth } from '../helpers/cluster.js';

describe('cluster: cancel', function () {
  this.timeout(120_000);
  let cluster: TestCluster | undefined;
  after(async () => {
    await cluster?.stop();
  });

  it('cancel mid-job: job cancelled, no shard outstanding, every worker idle', async () => {
    cluster = await TestCluster.start({ workers: 2, coordinatorArgs: ['--shard-size', '25'] });
    const engine = await connectCluster(cluster.address);
    try {
      // ~4000 permutations at N = 2000: far longer than the test waits.
      const h = await engine.submit({
        measure: 'mi', estimator: 'ksg1', x: ['x'], y: ['y'], seed: 1, permutation: { shuffles: 4000 }, data: gaussianPair(2000, 0.3, 1),
      });
      await cluster.waitFor((s) => s.counters.shardsCompleted >= 2, 60_000, 'the job under way');
      const t0 = Date.now();
      await h.cancel();
      await assert.rejects(h.result(), (e: unknown) => e instanceof CancelledError);
      const s = await cluster.waitFor((st) => st.workers.every((w) => w.outstanding === 0), 5_000, 'no outstanding calls');
      assert.equal(s.jobs[0]!.state, 'cancelled');
      assert.ok(s.jobs[0]!.shardsDone < s.jobs[0]!.totalShards);
      // every worker's pool drains promptly (aborted piscina tasks terminate their threads)
      for (const w of cluster.workers) {
        const end = Date.now() + 5_000;
        let h2 = await workerHealth(w.address);
        while (h2.active_tasks !== 0 && Date.now() < end) {
          await new Promise((r) => setTimeout(r, 50));
          h2 = await workerHealth(w.address);
        }
        assert.equal(h2.active_tasks, 0, `worker ${h2.worker_id} still runs ${h2.active_tasks} shard(s)`);
      }
      console.log(`      cancel → all workers idle in ${Date.now() - t0} ms`);
      // and the workers still serve the next job
      const r = await engine.run({ measure: 'mi', estimator: 'ksg1', x: ['x'], y: ['y'], permutation: { shuffles: 20 }, data: gaussianPair(300, 0.3, 2) });
      assert.equal(r.nullDistribution!.length, 20);
    } finally {
      await engine.close();
    }
  });
});
