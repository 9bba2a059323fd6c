/**
 * The coordinator's memory stays flat over many jobs (issue 13: +1 MB per job before). 200 small
 * jobs through a real coordinator process; its resident set (VmRSS from /proc) after a 50-job
 * warm-up and after all 200 may differ by less than 64 MB, a generous bound (one job used to
 * leave about 1 MB, i.e. ~150 MB over 150 jobs). With --keep-jobs 100 the oldest jobs are gone
 * from the store (GetResult: unknown job) while the newest are still there.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { connectCluster, coordinatorStub } from '../../coordinator/client.js';
import { PROTOCOL_VERSION, fromServiceError, type GetResultResponse } from '../../cluster/wire.js';
import { NotFoundError } from '../../shared/errors.js';
import { gaussianPair, TestCluster } from '../helpers/cluster.js';

function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!m) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(m[1]) / 1024;
}

describe('cluster: coordinator memory over 200 jobs', function () {
  this.timeout(300_000);
  let cluster: TestCluster | undefined;
  after(async () => {
    await cluster?.stop();
  });

  it('RSS grows by less than 64 MB from job 50 to job 200; the oldest jobs beyond --keep-jobs are dropped', async function () {
    if (process.platform !== 'linux') this.skip(); // /proc; CI is Linux
    cluster = await TestCluster.start({ workers: 1, threads: 1, coordinatorArgs: ['--keep-jobs', '100'] });
    const engine = await connectCluster(cluster.address);
    const data = gaussianPair(200, 0.5, 1);
    const ids: string[] = [];
    const runJobs = async (from: number, to: number) => {
      // eight clients' worth of concurrency
      let next = from;
      await Promise.all(Array.from({ length: 8 }, async () => {
        while (next < to) {
          const i = next++;
          const h = await engine.submit({ measure: 'mi', estimator: 'ksg1', x: ['x'], y: ['y'], seed: i, permutation: { shuffles: 10 }, data });
          ids[i] = h.id;
          const r = await h.result();
          assert.equal(r.nullDistribution!.length, 10);
        }
      }));
    };
    const pid = cluster.coordinator.pid;
    try {
      await runJobs(0, 50);
      const warm = rssMb(pid);
      await runJobs(50, 200);
      const end = rssMb(pid);
      console.log(`      coordinator RSS: ${warm.toFixed(1)} MB after 50 jobs, ${end.toFixed(1)} MB after 200 (growth ${(end - warm).toFixed(1)} MB)`);
      assert.ok(end - warm < 64, `RSS grew ${(end - warm).toFixed(1)} MB over 150 jobs`);
    } finally {
      await engine.close();
    }
    const stub = coordinatorStub(cluster.address);
    try {
      const get = (id: string) =>
        new Promise<GetResultResponse>((resolve, reject) =>
          stub.GetResult({ protocol_version: PROTOCOL_VERSION, job_id: id, wait_ms: 0 }, {}, (e, r) => (e ? reject(fromServiceError(e)) : resolve(r!))),
        );
      // retention runs in the background right after each job ends: give the last sweep a moment
      let dropped = false;
      for (let i = 0; i < 100 && !dropped; i++) {
        dropped = await get(ids[0]!).then(() => false, (e: unknown) => e instanceof NotFoundError);
        if (!dropped) await new Promise((r) => setTimeout(r, 50));
      }
      assert.ok(dropped, 'the first job is gone from the store');
      assert.equal((await get(ids[199]!)).state, 'done', 'the newest job is still there');
      const metrics = await (await fetch(`http://127.0.0.1:${cluster.coordinator.ready['http']}/metrics`)).text();
      assert.equal(Number(/^infoshard_store_finished_jobs (\d+)$/m.exec(metrics)?.[1]), 100, 'the store holds --keep-jobs finished jobs');
      assert.equal(Number(/^infoshard_store_dropped_total\{kind="jobs"\} (\d+)$/m.exec(metrics)?.[1]), 100);
      assert.equal(Number(/^infoshard_store_dropped_total\{kind="shards"\} (\d+)$/m.exec(metrics)?.[1]), 200, "every job's one shard pruned");
    } finally {
      stub.close();
    }
  });
});
