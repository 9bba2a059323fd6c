/**
 * `infoshard worker --metrics HOST:PORT`: each real worker process serves Prometheus text whose
 * shard and replicate counters add up, over the workers, to what the coordinator accepted for a
 * job (no faults, so no shard ran twice), with its pool size and the backend it used.
 */
import assert from 'node:assert/strict';
import { connectCluster } from '../../coordinator/client.js';
import { gaussianPair, TestCluster } from '../helpers/cluster.js';

function samples(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const i = line.lastIndexOf(' ');
    out.set(line.slice(0, i), Number(line.slice(i + 1)));
  }
  return out;
}

describe('worker --metrics (real processes)', function () {
  this.timeout(120_000);
  let cluster: TestCluster | undefined;

  before(async () => {
    cluster = await TestCluster.start({ workers: 2, threads: 1, coordinatorArgs: ['--shard-size', '10'], workerArgs: ['--metrics', '127.0.0.1:0'] });
  });
  after(async () => {
    await cluster?.stop();
  });

  it('per-worker counters add up to the job; pool size, backend and cache reported', async () => {
    const engine = await connectCluster(cluster!.address);
    try {
      await engine.run({ measure: 'mi', estimator: 'ksg1', k: 3, x: ['x'], y: ['y'], seed: 5, bootstrap: { replicates: 30, method: 'percentile' }, permutation: { shuffles: 40 }, data: gaussianPair(400, 0.5, 5) });
    } finally {
      await engine.close();
    }
    const status = await cluster!.status();
    const perWorker = await Promise.all(cluster!.workers.map(async (w) => {
      const port = w.ready['metrics'];
      assert.ok(port && port !== '0', `ready line names the metrics port: ${JSON.stringify(w.ready)}`);
      const r = await fetch(`http://127.0.0.1:${port}/metrics`);
      assert.equal(r.status, 200);
      assert.match(r.headers.get('content-type')!, /^text\/plain; version=0\.0\.4/);
      return samples(await r.text());
    }));
    const sum = (name: string) => perWorker.reduce((s, m) => s + (m.get(name) ?? 0), 0);
    // Exact when nothing was redone. On a loaded machine a missed heartbeat drops a worker
    // whose shards then run twice (counted by both workers, accepted once): then at least.
    const clean = status.counters.requeued === 0 && status.counters.duplicatesIgnored === 0;
    const check = (actual: number, expected: number, what: string) =>
      clean ? assert.equal(actual, expected, what) : assert.ok(actual >= expected, `${what}: ${actual} >= ${expected}`);
    check(sum('infoshard_worker_shards_total'), status.counters.shardsCompleted, 'shards');
    check(sum('infoshard_worker_replicates_total{workload="bootstrap"}'), 30, 'bootstrap replicates');
    check(sum('infoshard_worker_replicates_total{workload="permutation"}'), 40, 'permutation replicates');
    for (const m of perWorker) {
      assert.equal(m.get('infoshard_worker_pool_threads'), 1);
      assert.equal(m.get('infoshard_worker_pool_active_tasks'), 0);
      const u = m.get('infoshard_worker_pool_utilization')!;
      assert.ok(u >= 0 && u <= 1, `utilization ${u}`);
      if ((m.get('infoshard_worker_shards_total') ?? 0) > 0) {
        assert.equal(m.get('infoshard_worker_dataset_cache_entries'), 1);
        assert.ok([...m.keys()].some((k) => /^infoshard_worker_backend_info\{backend="[^"]+"\}$/.test(k)), 'backend label');
      }
      assert.ok(m.has('nodejs_eventloop_lag_seconds'));
    }
  });
});
