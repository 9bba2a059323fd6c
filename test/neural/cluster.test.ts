/**
 * A neural ensemble on a real cluster (coordinator + 2 worker processes, one critic per shard),
 * with workers registered over gRPC and with coordinator and workers on NATS JetStream: the same
 * bytes as the embedded engine, and every critic's training progress (step, held-out value,
 * early-stopping state) reaches the client's progress stream from the pool threads of the workers.
 */
import assert from 'node:assert/strict';
import { createEngine } from '../../engine/embedded.js';
import { connectCluster } from '../../coordinator/client.js';
import type { Job, JobResult, TrainingProgress } from '../../shared/job/spec.js';
import { comparable, spawnInfoshard, TestCluster, type Proc } from '../helpers/cluster.js';
import { freePort, requireNatsServer, startNatsServer, type NatsServerHandle } from '../helpers/nats-server.js';
import { checkTraining, gaussian, TINY } from './data.js';

const job: Job = { measure: 'mi', estimator: 'nwj', x: ['x'], y: ['y'], seed: 9, data: gaussian(240, 0.7, 6), options: TINY, ensemble: { critics: 4 } };

/** Run `job` on the cluster at `address`, following its progress() stream to the end. */
async function onCluster(address: string): Promise<{ result: JobResult; training: TrainingProgress[] }> {
  const engine = await connectCluster(address);
  try {
    const h = await engine.submit(job);
    const training: TrainingProgress[] = [];
    for await (const p of h.progress()) if (p.training) training.push(p.training);
    return { result: await h.result(), training };
  } finally {
    await engine.close();
  }
}

describe('neural estimators on a cluster', function () {
  this.timeout(240_000);
  let embedded: JobResult;

  before(async () => {
    const engine = createEngine({ threads: 1 });
    try {
      embedded = await engine.run(job);
    } finally {
      await engine.close();
    }
  });

  describe('workers registered over gRPC', () => {
    let cluster: TestCluster | undefined;
    before(async () => {
      cluster = await TestCluster.start({ workers: 2, coordinatorArgs: ['--shard-size', '3'] });
    });
    after(async () => {
      await cluster?.stop();
    });

    it('4 critics over 2 workers: identical estimate, ensemble and per-critic values; every critic\'s training progress', async () => {
      const { result: r, training } = await onCluster(cluster!.address);
      assert.equal(r.provenance.engine, 'cluster');
      assert.equal(comparable(r), comparable(embedded));
      assert.deepEqual(r.ensemble, embedded.ensemble);
      assert.equal(r.ensemble!.neural!.critics, 4);
      checkTraining(training, r);
    });
  });

  describe('coordinator and workers on NATS', () => {
    let nats: NatsServerHandle | undefined;
    let procs: Proc[] = [];
    let address = '';
    before(async function () {
      requireNatsServer(this);
      nats = await startNatsServer();
      const coordinator = await spawnInfoshard(['coordinator', '--listen', `127.0.0.1:${await freePort()}`, '--nats', nats.url, '--shard-size', '1']);
      procs.push(coordinator);
      address = coordinator.address;
      procs.push(...(await Promise.all([0, 1].map(() => spawnInfoshard(['worker', '--listen', '127.0.0.1:0', '--threads', '1', '--nats', nats!.url])))));
    });
    after(async () => {
      await Promise.all(procs.map((p) => p.stop()));
      procs = [];
      await nats?.cleanup();
    });

    it('--ensemble 4 over 2 NATS workers: the embedded bytes; training progress through the NATS event bus', async () => {
      const { result: r, training } = await onCluster(address);
      assert.equal(r.provenance.engine, 'cluster');
      assert.equal(comparable(r), comparable(embedded));
      assert.deepEqual(r.ensemble, embedded.ensemble);
      checkTraining(training, r);
    });
  });
});
