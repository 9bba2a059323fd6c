/**
 * The harness the cluster equality suites share (measures, many, info-dynamics, issue-15
 * estimators): called inside a `describe`, it runs every job on a 2-thread embedded engine
 * (shard size 7) and starts 2 workers (shard size 5) before the suite, stops them after, and adds
 * one test per job asserting the cluster's result equals the embedded one under `key`.
 * Different shard sizes on the two sides are the point: the bytes must not depend on sharding.
 */
import assert from 'node:assert/strict';
import { createEngine } from '../../engine/embedded.js';
import { connectCluster } from '../../coordinator/client.js';
import type { Job, JobResult } from '../../shared/job/spec.js';
import { comparable, TestCluster } from './cluster.js';

/** @returns the embedded results by job name, filled in by the suite's `before` hook. */
export function sameBytesOnTwoWorkers(jobs: Readonly<Record<string, Job>>, key: (r: JobResult) => string = comparable): Record<string, JobResult> {
  let cluster: TestCluster | undefined;
  const embedded: Record<string, JobResult> = {};

  before(async () => {
    const engine = createEngine({ threads: 2, shardSize: 7 });
    try {
      for (const [name, job] of Object.entries(jobs)) embedded[name] = await engine.run(job);
    } finally {
      await engine.close();
    }
    cluster = await TestCluster.start({ workers: 2, coordinatorArgs: ['--shard-size', '5'] });
  });
  after(async () => {
    await cluster?.stop();
  });

  for (const name of Object.keys(jobs)) {
    it(`${name}: identical bytes on 2 workers`, async () => {
      const engine = await connectCluster(cluster!.address);
      try {
        const r = await engine.run(jobs[name]!);
        assert.equal(r.provenance.engine, 'cluster');
        assert.equal(key(r), key(embedded[name]!));
      } finally {
        await engine.close();
      }
    });
  }
  return embedded;
}
