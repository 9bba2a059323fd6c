/**
 * Rogue workers in NATS mode (issue 13): anything that can publish on the NATS subjects could
 * announce a worker and get the dataset, the token and the shards, or forge a "leave" to evict a
 * live worker. With a token, the coordinator acts only on announcements signed with it.
 *
 * Real processes on loopback: a nats-server, a coordinator and a worker with the token, a real
 * worker WITHOUT the token, a rogue publisher announcing a fake worker (unsigned, and with a
 * forged signature) whose address is a TCP listener that counts connections, and forged leaves
 * for the live worker. The job must give the embedded bytes, the rogue must see no connection
 * at all (so neither data nor token), and the live worker must never be evicted.
 */
import assert from 'node:assert/strict';
import net from 'node:net';
import { randomBytes } from 'node:crypto';
import { createEngine } from '../../engine/embedded.js';
import { connectCluster } from '../../coordinator/client.js';
import { connectNats } from '../../cluster/nats/connection.js';
import { names } from '../../cluster/nats/subjects.js';
import { signWorkerMessage, verifyWorkerMessage, type WorkerMessage } from '../../cluster/nats/announce.js';
import type { Job, JobResult } from '../../shared/job/spec.js';
import { comparable, gaussianPair, spawnInfoshard, tempDir, writeToken, type ClusterStatus, type Proc } from '../helpers/cluster.js';
import { requireNatsServer, startNatsServer, type NatsServerHandle } from '../helpers/nats-server.js';

function job(): Job {
  return {
    measure: 'mi', estimator: 'ksg1', k: 4, x: ['x'], y: ['y'], seed: 5,
    bootstrap: { replicates: 60, method: 'percentile' },
    permutation: { shuffles: 100 },
    data: gaussianPair(300, 0.5, 5),
  };
}

async function status(httpPort: string): Promise<ClusterStatus & { counters: { workersLost: number } }> {
  return (await (await fetch(`http://127.0.0.1:${httpPort}/status`)).json()) as ClusterStatus & { counters: { workersLost: number } };
}

describe('cluster on NATS: rogue workers get nothing', function () {
  this.timeout(120_000);
  let nats: NatsServerHandle | undefined;
  let coordinator: Proc | undefined;
  let good: Proc | undefined;
  let tokenless: Proc | undefined;
  let rogue: net.Server | undefined;
  const tmp = tempDir();
  const token = randomBytes(24).toString('hex');
  let rogueConnections = 0;

  before(async function () {
    requireNatsServer(this);
    nats = await startNatsServer();
    const tokenFile = writeToken(tmp.dir, token);
    rogue = net.createServer((s) => {
      rogueConnections++;
      s.destroy();
    });
    await new Promise<void>((r) => rogue!.listen(0, '127.0.0.1', r));
    coordinator = await spawnInfoshard([
      'coordinator', '--listen', '127.0.0.1:0', '--http', '127.0.0.1:0', '--nats', nats.url, '--token-file', tokenFile, '--shard-size', '10', '--max-batch', '2',
    ]);
    [good, tokenless] = await Promise.all([
      spawnInfoshard(['worker', '--listen', '127.0.0.1:0', '--threads', '1', '--nats', nats.url, '--token-file', tokenFile]),
      spawnInfoshard(['worker', '--listen', '127.0.0.1:0', '--threads', '1', '--nats', nats.url]),
    ]);
    const end = Date.now() + 20_000;
    while ((await status(coordinator.ready['http']!)).workers.length < 1) {
      if (Date.now() > end) throw new Error('the worker with the token was not discovered');
      await new Promise((r) => setTimeout(r, 25));
    }
  });

  after(async () => {
    await Promise.all([good?.stop(), tokenless?.stop(), coordinator?.stop()]);
    await new Promise<void>((r) => (rogue ? rogue.close(() => r()) : r()));
    await nats?.cleanup();
    tmp.cleanup();
  });

  it('signatures: a message verifies only under its token and unchanged', () => {
    const info = { id: 'w-1', address: '127.0.0.1:7071', threads: 2, version: '0.1.0' };
    const m = signWorkerMessage(token, 'announce', info, 1_700_000_000_000);
    assert.equal(verifyWorkerMessage(token, m), true);
    assert.equal(verifyWorkerMessage('another-token', m), false);
    assert.equal(verifyWorkerMessage(token, { ...m, info: { ...info, address: '10.0.0.9:7071' } }), false, 'address changed');
    assert.equal(verifyWorkerMessage(token, { ...m, kind: 'leave' }), false, 'kind changed');
    assert.equal(verifyWorkerMessage(token, { ...m, ts: m.ts! + 1 }), false, 'timestamp changed');
    assert.equal(verifyWorkerMessage(token, { kind: 'announce', info }), false, 'unsigned');
  });

  it('a fake announce, forged leaves and a worker without the token change nothing: embedded bytes, no connection to the rogue', async () => {
    const engine = createEngine({ threads: 1 });
    let embedded: JobResult;
    try {
      embedded = await engine.run(job());
    } finally {
      await engine.close();
    }
    const goodId = good!.ready['id']!;
    const n = names();
    const nc = await connectNats(nats!.url, { name: 'rogue' });
    const enc = new TextEncoder();
    const rogueInfo = { id: 'rogue-1', address: `127.0.0.1:${(rogue!.address() as net.AddressInfo).port}`, threads: 64, version: '0.1.0' };
    const goodInfo = { id: goodId, address: good!.address, threads: 1, version: '0.1.0' };
    const forged = (kind: WorkerMessage['kind'], info: typeof rogueInfo) => ({ kind, info, ts: Date.now(), sig: randomBytes(32).toString('hex') });
    const publish = () => {
      nc.publish(n.workerSubject('rogue-1'), enc.encode(JSON.stringify({ kind: 'announce', info: rogueInfo })));
      nc.publish(n.workerSubject('rogue-1'), enc.encode(JSON.stringify(forged('announce', rogueInfo))));
      nc.publish(n.workerSubject(goodId), enc.encode(JSON.stringify({ kind: 'leave', info: goodInfo })));
      nc.publish(n.workerSubject(goodId), enc.encode(JSON.stringify(forged('leave', goodInfo))));
      // the live worker's id pointed at the rogue's address
      nc.publish(n.workerSubject(goodId), enc.encode(JSON.stringify({ kind: 'announce', info: { ...goodInfo, address: rogueInfo.address } })));
    };
    publish();
    const timer = setInterval(publish, 50);
    try {
      const cluster = await connectCluster(coordinator!.address, { token });
      try {
        const r = await cluster.run(job());
        assert.equal(comparable(r), comparable(embedded));
      } finally {
        await cluster.close();
      }
      const s = await status(coordinator!.ready['http']!);
      assert.deepEqual(s.workers.map((w) => w.id), [goodId], 'only the worker with the token is listed');
      assert.equal(s.workers[0]!.address, good!.address, 'its address was not replaced by an unsigned announce');
      assert.equal(s.counters.workersLost, 0, 'no forged leave evicted the live worker');
    } finally {
      clearInterval(timer);
      await nc.drain().catch(() => undefined);
    }
    assert.equal(rogueConnections, 0, 'the coordinator never dialled the rogue address (so it sent it neither token nor data)');
    const log = coordinator!.output();
    assert.match(log, /ignoring announce of worker 'rogue-1'.*not signed/);
    assert.match(log, /ignoring announce of worker 'rogue-1'.*bad signature/);
    assert.match(log, new RegExp(`ignoring leave of worker '${goodId}'`));
    assert.match(log, new RegExp(`ignoring announce of worker '${tokenless!.ready['id']}'.*not signed`), 'the worker without the token was refused');
  });
});
