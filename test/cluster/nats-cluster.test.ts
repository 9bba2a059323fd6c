/**
 * Cluster mode on NATS with real processes on loopback: a nats-server (JetStream), a coordinator
 * with `--nats` and 3 workers announcing on NATS. Results equal the embedded engine byte for
 * byte; a coordinator SIGKILLed mid-job and restarted resumes from JetStream without redoing a
 * finished shard; a nats-server crash mid-job is ridden out. Recovery times are printed.
 */
import assert from 'node:assert/strict';
import * as grpc from '@grpc/grpc-js';
import { createEngine } from '../../engine/embedded.js';
import { connectCluster, coordinatorStub } from '../../coordinator/client.js';
import { createNatsBackends } from '../../coordinator/nats/index.js';
import type { Job, JobResult } from '../../shared/job/spec.js';
import { decodeResult, PROTOCOL_VERSION, type GetResultResponse } from '../../cluster/wire.js';
import { comparable, gaussianPair, plannedShards, spawnInfoshard, type ClusterStatus, type Proc } from '../helpers/cluster.js';
import { freePort, requireNatsServer, startNatsServer, type NatsServerHandle } from '../helpers/nats-server.js';

/** 12 bootstrap + 2 jackknife + 30 permutation shards of 10 replicates (shard size 10). */
function natsJob(): Job {
  return {
    measure: 'mi', estimator: 'ksg1', k: 4, x: ['x'], y: ['y'], seed: 11,
    bootstrap: { replicates: 120, method: 'bca', jackknifeGroups: 20 },
    permutation: { shuffles: 300 },
    data: gaussianPair(600, 0.5, 11),
  };
}
/** Shards of natsJob at the coordinator's --shard-size 10 (bootstrap, jackknife, bias probe, permutation). */
const TOTAL = plannedShards(natsJob(), 10);

async function status(httpPort: number): Promise<ClusterStatus> {
  const r = await fetch(`http://127.0.0.1:${httpPort}/status`);
  return (await r.json()) as ClusterStatus;
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** GetResult by job id, riding out a coordinator that is restarting. */
async function resultById(address: string, jobId: string): Promise<JobResult> {
  const stub = coordinatorStub(address);
  try {
    for (;;) {
      const r = await new Promise<GetResultResponse | undefined>((resolve, reject) =>
        stub.GetResult(
          { protocol_version: PROTOCOL_VERSION, job_id: jobId, wait_ms: 5000 },
          { deadline: Date.now() + 10_000 },
          (e, res) => (e ? (e.code === grpc.status.UNAVAILABLE ? resolve(undefined) : reject(e)) : resolve(res)),
        ),
      );
      if (r?.state === 'done') return decodeResult(r.result_json);
      if (r && (r.state === 'failed' || r.state === 'cancelled')) throw new Error(`job ${jobId} ${r.state}: ${r.error_message}`);
      if (!r) await new Promise((res) => setTimeout(res, 50));
    }
  } finally {
    stub.close();
  }
}

describe('cluster on NATS (real nats-server, coordinator, 3 workers)', function () {
  this.timeout(180_000);
  let nats: NatsServerHandle | undefined;
  let embedded: JobResult;
  let coordinator: Proc | undefined;
  let workers: Proc[] = [];
  let grpcPort = 0;
  let httpPort = 0;

  const startCoordinator = async () => {
    coordinator = await spawnInfoshard([
      'coordinator', '--listen', `127.0.0.1:${grpcPort}`, '--http', `127.0.0.1:${httpPort}`,
      '--nats', nats!.url, '--shard-size', '10', '--max-batch', '1',
    ]);
    return coordinator;
  };

  before(async function () {
    requireNatsServer(this);
    const engine = createEngine({ threads: 1 });
    try {
      embedded = await engine.run(natsJob());
    } finally {
      await engine.close();
    }
    nats = await startNatsServer();
    grpcPort = await freePort();
    httpPort = await freePort();
    await startCoordinator();
    // Workers know only NATS (no --coordinator); each RunShards call is held 100 ms so a job
    // lasts long enough to be interrupted mid-way.
    workers = await Promise.all(
      [0, 1, 2].map(() => spawnInfoshard(['worker', '--listen', '127.0.0.1:0', '--threads', '1', '--nats', nats!.url, '--fault-delay-ms', '100'])),
    );
    await until('3 workers discovered on NATS', async () => ((await status(httpPort)).workers.length === 3 ? true : undefined));
  });

  after(async () => {
    await Promise.all([...workers.map((w) => w.stop()), coordinator?.stop()]);
    await nats?.cleanup();
  });

  it('a job gives the embedded engine\'s bytes', async () => {
    const engine = await connectCluster(`127.0.0.1:${grpcPort}`);
    try {
      const h = await engine.submit(natsJob());
      const r = await h.result();
      assert.equal(comparable(r), comparable(embedded));
      assert.equal(r.provenance.engine, 'cluster');
      const s = await status(httpPort);
      assert.equal(s.counters.shardsCompleted, TOTAL);
      // the job ended: its shard values leave JetStream (retention.ts prunes them in the background); the result stays
      const peek = await createNatsBackends(nats!.url, {});
      try {
        await until('the finished job\'s shards pruned from JetStream', async () => ((await peek.store.getShardResults(h.id)).size === 0 ? true : undefined));
        assert.ok(await peek.store.getResult(h.id), 'the result is kept');
      } finally {
        await peek.close();
      }
    } finally {
      await engine.close();
    }
  });

  it('coordinator SIGKILLed mid-job and restarted: same bytes, no finished shard redone', async () => {
    const engine = await connectCluster(`127.0.0.1:${grpcPort}`);
    const handle = await engine.submit(natsJob());
    handle.result().catch(() => undefined); // this client's stream dies with the coordinator
    const jobId = handle.id;
    await until('some shards finished', async () => {
      const j = (await status(httpPort)).jobs.find((x) => x.id === jobId);
      return j && j.shardsDone >= 8 ? true : undefined;
    });
    const killedAt = Date.now();
    await coordinator!.kill();
    await engine.close();

    // What JetStream holds for the job is exactly what the restarted coordinator must not redo.
    const peek = await createNatsBackends(nats!.url, {});
    const stored = await peek.store.getShardResults(jobId);
    const job = await peek.store.getJob(jobId);
    await peek.close();
    assert.ok(job && job.state === 'running' && job.totalShards === TOTAL, `stored job: ${JSON.stringify(job)}`);
    assert.ok(stored.size >= 8 && stored.size < TOTAL, `${stored.size} shards stored at the kill`);

    const restartAt = Date.now();
    await startCoordinator();
    const readyMs = Date.now() - restartAt;
    const r = await resultById(`127.0.0.1:${grpcPort}`, jobId);
    const doneMs = Date.now() - restartAt;
    assert.equal(comparable(r), comparable(embedded));
    const s = await status(httpPort);
    assert.equal(s.counters.shardsCompleted, TOTAL - stored.size, 'the restarted coordinator ran exactly the shards not yet stored');
    console.log(
      `      coordinator restart: ${stored.size}/${TOTAL} shards kept in JetStream; ready ${readyMs} ms after restart, ` +
        `job done ${doneMs} ms after restart (${Date.now() - killedAt} ms after the kill), ${s.counters.shardsCompleted} shards run again`,
    );
  });

  it('coordinator SIGTERMed mid-job (a rollout) and restarted: the job is not cancelled, it finishes with the same bytes', async () => {
    const engine = await connectCluster(`127.0.0.1:${grpcPort}`);
    const handle = await engine.submit(natsJob());
    handle.result().catch(() => undefined); // this client's stream ends with the coordinator
    const jobId = handle.id;
    await until('some shards finished', async () => {
      const j = (await status(httpPort)).jobs.find((x) => x.id === jobId);
      return j && j.shardsDone >= 8 ? true : undefined;
    });
    await coordinator!.stop(20_000); // SIGTERM: a clean shutdown, not a crash
    await engine.close();

    const peek = await createNatsBackends(nats!.url, {});
    const job = await peek.store.getJob(jobId);
    const stored = await peek.store.getShardResults(jobId);
    await peek.close();
    assert.ok(job && job.state === 'running' && job.error === undefined, `a SIGTERM must leave the job running for the next coordinator: ${JSON.stringify(job)}`);
    assert.ok(stored.size < TOTAL, `${stored.size} shards stored at the SIGTERM`);

    await startCoordinator();
    const r = await resultById(`127.0.0.1:${grpcPort}`, jobId);
    assert.equal(comparable(r), comparable(embedded));
    const s = await status(httpPort);
    assert.equal(s.counters.shardsCompleted, TOTAL - stored.size, 'the restarted coordinator ran exactly the shards not yet stored');
  });

  it('nats-server killed and restarted mid-job: the job completes with the same bytes', async () => {
    const engine = await connectCluster(`127.0.0.1:${grpcPort}`);
    try {
      const handle = await engine.submit(natsJob());
      const before = (await status(httpPort)).counters.shardsCompleted;
      await until('some shards finished', async () => ((await status(httpPort)).counters.shardsCompleted - before >= 8 ? true : undefined));
      await nats!.kill();
      const downAt = Date.now();
      await new Promise((r) => setTimeout(r, 1000));
      await nats!.restart();
      const upAt = Date.now();
      const r = await handle.result();
      assert.equal(comparable(r), comparable(embedded));
      const s = await status(httpPort);
      assert.equal(s.workers.length, 3, 'all workers still known after the NATS outage');
      console.log(`      nats-server outage ${upAt - downAt} ms; job done ${Date.now() - upAt} ms after nats-server came back`);
    } finally {
      await engine.close();
    }
  });
});
