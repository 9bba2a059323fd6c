/**
 * `backend: 'gpu'` on a 2-worker cluster (real processes): the same bytes as the embedded
 * engine on the CPU, and provenance.backend names what the workers ran.
 */
import assert from 'node:assert/strict';
import { createEngine } from '../../engine/embedded.js';
import { connectCluster } from '../../coordinator/client.js';
import type { Job, JobResult } from '../../shared/job/spec.js';
import { comparable, gaussianPair, TestCluster } from '../helpers/cluster.js';

function job(backend: Job['backend']): Job {
  return {
    measure: 'mi', estimator: 'ksg1', k: 4, x: ['x'], y: ['y'], seed: 13, backend,
    bootstrap: { replicates: 40, method: 'bca', jackknifeGroups: 10 },
    permutation: { shuffles: 40 },
    data: gaussianPair(400, 0.5, 13),
  };
}

describe('cluster: --backend gpu', function () {
  this.timeout(120_000);
  let cluster: TestCluster | undefined;
  let embeddedCpu: JobResult;

  before(async () => {
    const engine = createEngine({ threads: 1 });
    try {
      embeddedCpu = await engine.run(job('cpu'));
    } finally {
      await engine.close();
    }
    cluster = await TestCluster.start({ workers: 2, coordinatorArgs: ['--shard-size', '10'] });
  });
  after(async () => {
    await cluster?.stop();
  });

  it('gpu on 2 workers: identical bytes to the embedded cpu run; provenance says gpu or gpu-host', async () => {
    const engine = await connectCluster(cluster!.address);
    try {
      const r = await engine.run(job('gpu'));
      assert.equal(comparable(r), comparable(embeddedCpu));
      assert.match(r.provenance.backend ?? '', /^(gpu|gpu-host)$/);
      assert.equal(r.provenance.engine, 'cluster');
    } finally {
      await engine.close();
    }
  });

  it('cpu on the cluster reports cpu, like the embedded engine', async () => {
    const engine = await connectCluster(cluster!.address);
    try {
      const r = await engine.run(job('cpu'));
      assert.equal(comparable(r), comparable(embeddedCpu));
      assert.equal(r.provenance.backend, embeddedCpu.provenance.backend);
      assert.equal(r.provenance.backend, 'cpu');
    } finally {
      await engine.close();
    }
  });
});
