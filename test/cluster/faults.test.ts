/**
 * Fault scenarios with real processes on loopback (issue 4, "Faults"): a worker SIGKILLed
 * mid-job, a hung worker (deadline → elsewhere, late answer ignored), a worker joining mid-job.
 * Each must give the embedded engine's result byte for byte.
 */
import assert from 'node:assert/strict';
import { createEngine } from '../../engine/embedded.js';
import { connectCluster } from '../../coordinator/client.js';
import type { Job, JobResult } from '../../shared/job/spec.js';
import { comparable, gaussianPair, plannedShards, TestCluster } from '../helpers/cluster.js';

function faultJob(): Job {
  return {
    measure: 'mi', estimator: 'ksg1', k: 3, x: ['x'], y: ['y'], seed: 11,
    bootstrap: { replicates: 150 },
    permutation: { shuffles: 450 },
    data: gaussianPair(1200, 0.4, 11),
  };
}

describe('cluster: faults', function () {
  this.timeout(180_000);
  let embedded: JobResult;
  let cluster: TestCluster | undefined;

  before(async () => {
    const engine = createEngine({ threads: 1 });
    try {
      embedded = await engine.run(faultJob());
    } finally {
      await engine.close();
    }
  });
  afterEach(async () => {
    await cluster?.stop();
    cluster = undefined;
  });

  it('a worker SIGKILLed mid-job: its shards run elsewhere, identical result', async () => {
    cluster = await TestCluster.start({ workers: 3, coordinatorArgs: ['--shard-size', '5'] });
    const engine = await connectCluster(cluster.address);
    try {
      const h = await engine.submit(faultJob());
      const s = await cluster.waitFor((st) => st.counters.shardsCompleted >= 5 && st.workers.some((w) => w.inflightShards > 0), 60_000, 'a busy worker mid-job');
      const victimId = s.workers.find((w) => w.inflightShards > 0)!.id;
      const victim = cluster.workers.find((w) => w.ready['id'] === victimId)!;
      await victim.kill();
      const r = await h.result();
      assert.equal(comparable(r), comparable(embedded));
      const after = await cluster.status();
      const rec = after.recoveries.find((x) => x.workerId === victimId);
      assert.ok(rec, 'the loss was recorded');
      assert.ok(rec.requeued > 0, 'its in-flight shards were queued again');
      assert.ok(rec.redispatchedAfterMs !== undefined, 'and dispatched again');
      assert.equal(after.counters.shardsCompleted, plannedShards(faultJob(), 5));
      assert.ok(!after.workers.some((w) => w.id === victimId), 'the dead worker left the registry');
      console.log(`      recovery: ${rec.requeued} shards of the killed worker re-dispatched after ${rec.redispatchedAfterMs} ms (${rec.reason})`);
    } finally {
      await engine.close();
    }
  });

  it('a hung worker: the deadline fires, shards go elsewhere, the late answer is ignored', async () => {
    cluster = await TestCluster.start({ workers: 2, coordinatorArgs: ['--shard-size', '5', '--shard-deadline-ms', '100', '--max-batch', '2'] });
    const hung = await cluster.addWorker(['--fault-delay-ms', '350']);
    await cluster.waitForWorkers(3);
    const engine = await connectCluster(cluster.address);
    try {
      const r = await engine.run(faultJob());
      assert.equal(comparable(r), comparable(embedded));
      const s = await cluster.waitFor((st) => st.counters.duplicatesIgnored >= 1, 15_000, 'a late answer to be ignored');
      assert.ok(s.counters.deadlineMisses >= 1);
      assert.equal(s.counters.shardsCompleted, plannedShards(faultJob(), 5), 'each shard counted once');
      assert.ok(s.workers.some((w) => w.id === hung.ready['id']), 'a slow worker is not declared dead');
      console.log(`      deadline misses ${s.counters.deadlineMisses}, late answers ignored ${s.counters.duplicatesIgnored}, requeued ${s.counters.requeued}`);
    } finally {
      await engine.close();
    }
  });

  it('a worker joining mid-job receives work', async () => {
    cluster = await TestCluster.start({ workers: 1, coordinatorArgs: ['--shard-size', '5', '--max-batch', '1'] });
    const engine = await connectCluster(cluster.address);
    try {
      const h = await engine.submit(faultJob());
      await cluster.waitFor((st) => st.counters.shardsCompleted >= 3, 60_000, 'the job under way');
      const late = await cluster.addWorker();
      const r = await h.result();
      assert.equal(comparable(r), comparable(embedded));
      const s = await cluster.status();
      const w = s.workers.find((x) => x.id === late.ready['id']);
      assert.ok(w && w.shardsDone > 0, `the new worker ran no shard: ${JSON.stringify(s.workers)}`);
    } finally {
      await engine.close();
    }
  });
});
