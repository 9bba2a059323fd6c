/**
 * Chaos in CI (issue 13, bounded to about a minute): workers SIGKILLed one after another while a
 * job runs, a replacement joining, and the job still gives the embedded engine's bytes. Then a
 * short job submitted behind a long one on real processes finishes while the long one still runs.
 * (The coordinator-restart-with-a-waiting-client part lives with the client's reconnect tests.)
 */
import assert from 'node:assert/strict';
import { createEngine } from '../../engine/embedded.js';
import { connectCluster } from '../../coordinator/client.js';
import type { Job, JobResult } from '../../shared/job/spec.js';
import { comparable, gaussianPair, TestCluster } from '../helpers/cluster.js';

function chaosJob(): Job {
  return {
    measure: 'mi', estimator: 'ksg1', k: 3, x: ['x'], y: ['y'], seed: 13,
    bootstrap: { replicates: 100 },
    permutation: { shuffles: 300 },
    data: gaussianPair(600, 0.4, 13),
  };
}

describe('cluster: chaos', function () {
  this.timeout(240_000);
  let cluster: TestCluster | undefined;
  afterEach(async () => {
    await cluster?.stop();
    cluster = undefined;
  });

  it('three workers SIGKILLed during a job, one joining: the embedded bytes', async () => {
    // the reference on a pool thread while the cluster starts
    const engine0 = createEngine({ threads: 1 });
    const embeddedP: Promise<JobResult> = engine0.run(chaosJob()).finally(() => engine0.close());
    embeddedP.catch(() => undefined);
    cluster = await TestCluster.start({ workers: 4, threads: 1, coordinatorArgs: ['--shard-size', '5'] });
    const engine = await connectCluster(cluster.address);
    let joining: Promise<unknown> | undefined;
    try {
      const h = await engine.submit(chaosJob());
      const killed: string[] = [];
      // kill a busy worker at 8, 20 and 40 of the job's 82 shards; a fresh one joins after the first
      for (const at of [8, 20, 40]) {
        const s = await cluster.waitFor(
          (st) => st.counters.shardsCompleted >= at && st.workers.some((w) => w.inflightShards > 0),
          120_000,
          `${at} shards done and a busy worker`,
        );
        const victimId = s.workers.find((w) => w.inflightShards > 0)!.id;
        await cluster.workers.find((w) => w.ready['id'] === victimId)!.kill();
        killed.push(victimId);
        if (killed.length === 1) joining = cluster.addWorker(); // not awaited: the job goes on meanwhile
      }
      const r = await h.result();
      assert.equal(comparable(r), comparable(await embeddedP));
      const after = await cluster.status();
      // bootstrap 20, bias probe 2 (max(10, 100/10) = 10 replicates), permutation 60
      assert.equal(after.counters.shardsCompleted, 20 + 2 + 60, 'each shard counted once');
      for (const id of killed) assert.ok(!after.workers.some((w) => w.id === id), `killed worker ${id} left the registry`);
      const requeued = after.recoveries.filter((x) => killed.includes(x.workerId)).reduce((n, x) => n + x.requeued, 0);
      console.log(`      ${killed.length} workers killed, ${requeued} in-flight shards re-dispatched, ${after.counters.duplicatesIgnored} duplicates ignored`);
    } finally {
      await joining?.catch(() => undefined);
      await engine.close();
    }
  });

  it('a short job submitted behind a long one finishes while the long one still runs', async () => {
    cluster = await TestCluster.start({ workers: 2, threads: 1, coordinatorArgs: ['--shard-size', '5', '--batch-target-ms', '200'] });
    const engine = await connectCluster(cluster.address);
    try {
      const long = await engine.submit({ ...chaosJob(), permutation: { shuffles: 1000 } });
      await cluster.waitFor((st) => st.counters.shardsCompleted >= 10, 120_000, 'the long job under way');
      const short = await engine.run({ measure: 'mi', estimator: 'ksg1', x: ['x'], y: ['y'], seed: 2, permutation: { shuffles: 20 }, data: gaussianPair(300, 0.3, 2) });
      assert.equal(short.nullDistribution!.length, 20);
      const s = await cluster.status();
      const longView = s.jobs.find((j) => j.state === 'running');
      assert.ok(longView, `the long job had already ended: ${JSON.stringify(s.jobs)}`);
      console.log(`      short job done with the long one at ${longView.shardsDone}/${longView.totalShards} shards`);
      await long.cancel();
    } finally {
      await engine.close();
    }
  });
});
