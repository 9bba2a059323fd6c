/**
 * Operating jobs from the CLI (issue 13), real processes on loopback: a coordinator (gRPC
 * registration) with two workers, and `infoshard` clients as child processes.
 * - every submission prints its job id; `result JOB_ID` prints the run's bytes; `jobs`/`status`
 * - `--detach`, `cancel`, and `watch` on a cancelled job (exit 130)
 * - SIGTERM on a waiting client cancels its job
 * - WatchJob answers its errors (unknown job, bad protocol version, missing token) instead of hanging
 * (the client's connection: down, late, restarted, token, TLS is test/cluster/connect.test.ts)
 */
import assert from 'node:assert/strict';
import * as grpc from '@grpc/grpc-js';
import { coordinatorStub } from '../../coordinator/client.js';
import { startCoordinator } from '../../coordinator/server.js';
import { PROTOCOL_VERSION, type JobEventMsg } from '../../cluster/wire.js';
import { gaussianPair, tempDir, TestCluster, writeToken } from '../helpers/cluster.js';
import { errorLine, runClient, startClient, writeCsv } from '../helpers/cli-client.js';

/** WatchJob's first error, or a failure when the stream neither errs nor ends within 5 s. */
function watchError(stub: ReturnType<typeof coordinatorStub>, req: { protocol_version: number; job_id: string }): Promise<grpc.ServiceError> {
  return new Promise((resolve, reject) => {
    const events: JobEventMsg[] = [];
    const t = setTimeout(() => reject(new Error(`WatchJob hung: no error within 5 s (events: ${JSON.stringify(events)})`)), 5000);
    const s = stub.WatchJob(req);
    s.on('data', (e: JobEventMsg) => events.push(e));
    s.on('error', (e: grpc.ServiceError) => {
      clearTimeout(t);
      resolve(e);
    });
    s.on('end', () => {
      clearTimeout(t);
      reject(new Error(`WatchJob ended without an error (events: ${JSON.stringify(events)})`));
    });
  });
}

describe('cluster: operating jobs from the CLI', function () {
  this.timeout(180_000);
  const tmp = tempDir();
  let cluster: TestCluster;
  let small: string;
  const C = () => ['--coordinator', cluster.address];

  before(async () => {
    // one shard per call, each held 250 ms by the worker: a long job that leaves the CPUs to the clients
    cluster = await TestCluster.start({ workers: 2, coordinatorArgs: ['--shard-size', '25', '--max-batch', '1'], workerArgs: ['--fault-delay-ms', '250'] });
    small = writeCsv(tmp.dir, 'small.csv', gaussianPair(300, 0.5, 3));
  });
  after(async () => {
    await cluster?.stop();
    tmp.cleanup();
  });

  it('prints the job id; result JOB_ID prints the same bytes; jobs and status list it', async () => {
    const args = ['estimate', 'mi', '--data', small, '--x', 'x', '--y', 'y', '--permutations', '50', ...C()];
    const run = await runClient(args);
    assert.equal(run.code, 0, run.stderr);
    const id = /^infoshard: job ([0-9a-f-]{36}) submitted to /m.exec(run.stderr)?.[1];
    assert.ok(id, `job id on stderr: ${run.stderr}`);
    assert.match(run.stdout, /^mi \(ksg1, k=3\) on .*small\.csv: N=300/);
    const again = await runClient(['result', id, ...C()]);
    assert.equal(again.code, 0, again.stderr);
    assert.equal(again.stdout, run.stdout, 'result prints the bytes the run printed');

    const status = await runClient(['status', id, ...C(), '--json']);
    const j = JSON.parse(status.stdout) as Record<string, unknown>;
    assert.equal(j['jobId'], id);
    assert.equal(j['state'], 'done');
    assert.equal(j['shardsDone'], j['totalShards']);
    assert.equal(j['workload'], 'permutation 50');
    assert.match(String(j['source']), /small\.csv$/);
    const list = await runClient(['jobs', ...C()]);
    assert.match(list.stdout, /^ID +STATE +PROGRESS +SUBMITTED +JOB\n/);
    assert.match(list.stdout, new RegExp(`${id}  done +2/2 shards \\(100%\\) .*mi \\(ksg1\\), permutation 50`));
  });

  // 4000 permutations = 160 shards of 250 ms on two workers: 20 s, longer than these tests wait
  it('--detach prints the id and exits 0; cancel stops the job; watch then exits 130', async () => {
    const d = await runClient(['estimate', 'mi', '--data', small, '--x', 'x', '--y', 'y', '--permutations', '4000', ...C(), '--detach', '--json']);
    assert.equal(d.code, 0, d.stderr);
    const { jobId } = JSON.parse(d.stdout) as { jobId: string };
    assert.match(d.stderr, new RegExp(`job ${jobId} submitted`));
    await cluster.waitFor((s) => s.jobs.some((x) => x.id === jobId) && s.workers.some((w) => w.outstanding > 0), 30_000, 'the detached job dispatched');
    const st = await runClient(['status', jobId, ...C()]);
    assert.match(st.stdout, new RegExp(`^job ${jobId}: running\\n  progress: \\d+/160 shards`));
    const c = await runClient(['cancel', jobId, ...C()]);
    assert.equal(c.code, 0, c.stderr);
    assert.equal(c.stdout, `job ${jobId} cancelled\n`);
    const w = await runClient(['watch', jobId, ...C()]);
    assert.equal(w.code, 130, w.stderr);
    assert.match(w.stdout, new RegExp(`^job ${jobId} cancelled: E_CANCELLED`));
    await cluster.waitFor((s) => s.workers.every((x) => x.outstanding === 0), 10_000, 'no outstanding calls');
  });

  it('SIGTERM on a waiting client cancels its job (exit 130)', async () => {
    const client = startClient(['estimate', 'mi', '--data', small, '--x', 'x', '--y', 'y', '--permutations', '4000', ...C()]);
    const id = await client.jobId();
    await cluster.waitFor((s) => s.jobs.some((x) => x.id === id) && s.workers.some((w) => w.outstanding > 0), 30_000, 'the job dispatched');
    client.proc.kill('SIGTERM');
    assert.equal(await client.exit, 130, client.stderr());
    assert.match(errorLine(client.stderr()), new RegExp(`job ${id} cancelled`));
    const s = await cluster.waitFor((st) => st.jobs.some((x) => x.id === id && x.state === 'cancelled'), 5_000, 'the job cancelled');
    assert.ok(s.jobs.find((x) => x.id === id)!.shardsDone < 160);
  });

  it('WatchJob answers an unknown job with NOT_FOUND and a bad protocol_version with FAILED_PRECONDITION', async () => {
    const stub = coordinatorStub(cluster.address);
    try {
      const e1 = await watchError(stub, { protocol_version: PROTOCOL_VERSION, job_id: 'no-such-job' });
      assert.equal(e1.code, grpc.status.NOT_FOUND);
      assert.match(e1.details, /unknown job no-such-job/);
      const e2 = await watchError(stub, { protocol_version: 99, job_id: 'x' });
      assert.equal(e2.code, grpc.status.FAILED_PRECONDITION);
    } finally {
      stub.close();
    }
    const un = await runClient(['watch', 'no-such-job', ...C()]);
    assert.equal(un.code, 2);
    assert.match(errorLine(un.stderr), /unknown job no-such-job/);
  });

  it('WatchJob without the token: UNAUTHENTICATED', async () => {
    const c = await startCoordinator({ listen: '127.0.0.1:0', tokenFile: writeToken(tmp.dir, 's3cret') });
    const stub = coordinatorStub(`127.0.0.1:${c.port}`);
    try {
      const e = await watchError(stub, { protocol_version: PROTOCOL_VERSION, job_id: 'x' });
      assert.equal(e.code, grpc.status.UNAUTHENTICATED);
    } finally {
      stub.close();
      await c.close();
    }
  });
});
