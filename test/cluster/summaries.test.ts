/**
 * The summary path on a real cluster (coordinator + 2 worker processes on loopback): the workers
 * return packed summaries, the coordinator merges them in block order, and the result is the
 * same bytes as the embedded engine's (issue 18; docs/cluster.md, "Memory"). A vector-path result
 * is fetched in pages, so one over the message limit stays fetchable.
 */
import assert from 'node:assert/strict';
import { connectCluster, coordinatorStub } from '../../coordinator/client.js';
import { PROTOCOL_VERSION, type GetResultResponse } from '../../cluster/wire.js';
import { inlineExecutor, openJob, runJob } from '../../shared/job/pipeline.js';
import type { Job, JobResult } from '../../shared/job/spec.js';
import { SUMMARY_BLOCK } from '../../shared/job/summary.js';
import { gaussianPair, TestCluster } from '../helpers/cluster.js';

function numbers(r: JobResult) {
  return JSON.stringify({ e: r.estimate, ci: r.ci, p: r.pValue, nul: r.null, bc: r.biasCorrected, bag: r.ensemble, w: r.warnings, s: r.summaries, rep: r.replicates });
}

describe('cluster: the summary path', function () {
  this.timeout(180_000);
  let cluster: TestCluster | undefined;
  const R = 2 * SUMMARY_BLOCK + 500;
  const job: Job = {
    measure: 'mi', estimator: 'gaussian', x: ['x'], y: ['y'], seed: 3, data: gaussianPair(150, 0.25, 8), summaries: true,
    bootstrap: { replicates: R, method: 'bca', jackknifeGroups: 15 }, permutation: { shuffles: R },
  };
  before(async () => {
    cluster = await TestCluster.start({ workers: 2, coordinatorArgs: ['--shard-size', '10'] });
  });
  after(async () => {
    await cluster?.stop();
  });

  it('2 workers: the same bytes as the embedded engine; no replicate vectors cross the wire', async () => {
    const embedded = await runJob(openJob(job), inlineExecutor(), { jobId: 'e', signal: new AbortController().signal, shardSize: 5000, meta: { engine: 'embedded', version: 't' } });
    const engine = await connectCluster(cluster!.address);
    try {
      const r = await engine.run(job);
      assert.equal(numbers(r), numbers(embedded));
      assert.equal(r.provenance.engine, 'cluster');
      assert.equal(r.bootstrapDistribution, undefined);
      assert.equal(r.nullDistribution, undefined);
      assert.deepEqual(r.summaries!.workloads, ['bootstrap', 'permutation']);
      const s = await cluster!.status();
      // 3 bootstrap + 3 permutation block shards + 2 jackknife shards (--shard-size 10 does not cut summaries below a block)
      assert.equal(s.counters.shardsCompleted, 3 + 3 + 2);
    } finally {
      await engine.close();
    }
  });

  it('GetResult pages: a vector result read 1000 bytes at a time is the whole result_json, byte for byte', async () => {
    const engine = await connectCluster(cluster!.address);
    const stub = coordinatorStub(cluster!.address);
    type Req = { protocol_version: number; job_id: string; wait_ms: number; offset?: number; page_bytes?: number };
    const get = (req: Omit<Req, 'protocol_version'>) =>
      new Promise<GetResultResponse>((resolve, reject) =>
        (stub.GetResult as unknown as (r: Req, o: object, cb: (e: Error | null, v?: GetResultResponse) => void) => void)({ protocol_version: PROTOCOL_VERSION, ...req }, {}, (e, v) => (e ? reject(e) : resolve(v!))),
      );
    try {
      const h = await engine.submit({ ...job, summaries: false, bootstrap: { replicates: 300 }, permutation: { shuffles: 300 } });
      const viaClient = await h.result(); // the client itself reads pages
      const whole = await get({ job_id: h.id, wait_ms: 0 });
      const parts: Buffer[] = [];
      let total = Infinity;
      for (let off = 0; off < total; ) {
        const r = await get({ job_id: h.id, wait_ms: 0, offset: off, page_bytes: 1000 });
        total = r.total_bytes!;
        parts.push(Buffer.from(r.result_page!));
        off += r.result_page!.length;
      }
      assert.ok(parts.length > 5, `${parts.length} pages`);
      assert.equal(Buffer.concat(parts).toString('utf8'), whole.result_json);
      assert.equal(viaClient.nullDistribution!.length, 300);
      assert.equal(viaClient.summaries, undefined);
    } finally {
      (stub as unknown as { close(): void }).close();
      await engine.close();
    }
  });
});
