/**
 * The same job on the embedded engine, on a coordinator with 3 workers and with 1 worker
 * (real processes on loopback): identical estimate, CI, p-value, null and raw distributions
 * (docs/design.md, contract 1).
 */
import assert from 'node:assert/strict';
import { createEngine } from '../../engine/embedded.js';
import { connectCluster } from '../../coordinator/client.js';
import type { Job, JobResult } from '../../shared/job/spec.js';
import { comparable, gaussianPair, TestCluster } from '../helpers/cluster.js';

export function clusterJob(n = 800, seed = 7): Job {
  return {
    measure: 'mi', estimator: 'ksg1', k: 4, x: ['x'], y: ['y'], seed,
    bootstrap: { replicates: 120, method: 'bca', jackknifeGroups: 20 },
    permutation: { shuffles: 150 },
    data: gaussianPair(n, 0.5, seed),
  };
}

describe('cluster: results equal the embedded engine', function () {
  this.timeout(120_000);
  let cluster: TestCluster | undefined;
  let embedded: JobResult;

  before(async () => {
    const engine = createEngine({ threads: 1 });
    try {
      embedded = await engine.run(clusterJob());
    } finally {
      await engine.close();
    }
    cluster = await TestCluster.start({ workers: 3, coordinatorArgs: ['--shard-size', '10'] });
  });
  after(async () => {
    await cluster?.stop();
  });

  it('3 workers: identical bytes, provenance says cluster, all workers did work', async () => {
    const engine = await connectCluster(cluster!.address);
    try {
      const progress: number[] = [];
      const r = await engine.run(clusterJob(), { onProgress: (p) => progress.push(p.done) });
      assert.equal(comparable(r), comparable(embedded));
      assert.equal(r.provenance.engine, 'cluster');
      assert.equal(r.provenance.version, embedded.provenance.version);
      assert.ok(r.bootstrapDistribution instanceof Float64Array && r.bootstrapDistribution.length === 120);
      assert.ok(r.nullDistribution instanceof Float64Array && r.nullDistribution.length === 150);
      assert.ok(progress.length > 0, 'progress events arrived');
      const s = await cluster!.status();
      assert.equal(s.workers.length, 3);
      // 12 + 2 + 2 + 15 shards of ≤10 replicates (bootstrap, jackknife, bias probe of max(10, 120/10)
      // = 12, permutation) over 3 single-thread workers: every worker got some
      for (const w of s.workers) assert.ok(w.shardsDone > 0, `worker ${w.id} did no shard`);
      assert.equal(s.counters.shardsCompleted, 31);
    } finally {
      await engine.close();
    }
  });

  it('1 worker: identical bytes', async () => {
    await Promise.all(cluster!.workers.slice(1).map((w) => w.stop()));
    await cluster!.waitFor((s) => s.workers.length === 1, 10_000, 'one worker left');
    const engine = await connectCluster(cluster!.address);
    try {
      const r = await engine.run(clusterJob());
      assert.equal(comparable(r), comparable(embedded));
      assert.equal(r.provenance.workers, 1);
    } finally {
      await engine.close();
    }
  });
});
