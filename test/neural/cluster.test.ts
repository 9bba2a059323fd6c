/**
 * A neural ensemble on a real cluster (coordinator + 2 worker processes over gRPC, one critic per
 * shard): the same bytes as the embedded engine.
 */
import assert from 'node:assert/strict';
import { createEngine } from '../../engine/embedded.js';
import { connectCluster } from '../../coordinator/client.js';
import type { Job, JobResult } from '../../shared/job/spec.js';
import { comparable, TestCluster } from '../helpers/cluster.js';
import { gaussian, TINY } from './data.js';

describe('neural estimators on a cluster', function () {
  this.timeout(240_000);
  const job: Job = { measure: 'mi', estimator: 'nwj', x: ['x'], y: ['y'], seed: 9, data: gaussian(240, 0.7, 6), options: TINY, ensemble: { critics: 4 } };
  let cluster: TestCluster | undefined;
  let embedded: JobResult;

  before(async () => {
    const engine = createEngine({ threads: 1 });
    try {
      embedded = await engine.run(job);
    } finally {
      await engine.close();
    }
    cluster = await TestCluster.start({ workers: 2, coordinatorArgs: ['--shard-size', '3'] });
  });
  after(async () => {
    await cluster?.stop();
  });

  it('4 critics over 2 workers: identical estimate, ensemble and per-critic values', async () => {
    const engine = await connectCluster(cluster!.address);
    try {
      const r = await engine.run(job);
      assert.equal(r.provenance.engine, 'cluster');
      assert.equal(comparable(r), comparable(embedded));
      assert.deepEqual(r.ensemble, embedded.ensemble);
      assert.equal(r.ensemble!.neural!.critics, 4);
    } finally {
      await engine.close();
    }
  });
});
