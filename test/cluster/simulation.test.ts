/**
 * A simulation job (shared/job/simulation.ts) on 2 workers gives the same per-cell results, byte
 * for byte, as the sequential `simulate` of each cell (coordinator shard size 2: a cell's datasets
 * spread over both workers).
 */
import assert from 'node:assert/strict';
import { connectCluster } from '../../coordinator/client.js';
import { runSimulation } from '../../shared/job/simulation.js';
import { simulate } from '../../shared/resampling/simulate.js';
import { TestCluster } from '../helpers/cluster.js';
import { FARM_CELLS, FARM_SEED, simulateKey } from '../helpers/simulation.js';
import { runCli } from '../cli/run-cli.js';

describe('cluster: simulation job on 2 workers', function () {
  this.timeout(120_000);
  let cluster: TestCluster | undefined;
  before(async () => {
    cluster = await TestCluster.start({ workers: 2, coordinatorArgs: ['--shard-size', '2'] });
  });
  after(async () => {
    await cluster?.stop();
  });

  it('same bytes as the sequential simulate of every cell; both workers ran shards', async () => {
    const engine = await connectCluster(cluster!.address);
    let last = { datasetsDone: 0, datasetsTotal: 0 };
    try {
      const rows = await runSimulation(engine, FARM_CELLS, { seed: FARM_SEED, onProgress: (p) => (last = p) });
      FARM_CELLS.forEach((c, i) => assert.equal(simulateKey(rows[i]!), simulateKey(simulate({ ...c, seed: FARM_SEED })), `cell ${i}`));
    } finally {
      await engine.close();
    }
    assert.equal(last.datasetsTotal, FARM_CELLS.reduce((s, c) => s + c.datasets, 0));
    const s = await cluster!.status();
    assert.ok(s.workers.every((w) => w.shardsDone > 0), `shards per worker: ${s.workers.map((w) => w.shardsDone).join(', ')}`);
  });

  it('infoshard simulate --coordinator: the same JSON as on the embedded pool', async () => {
    const args = ['simulate', '--n', '60', '--datasets', '5', '--bootstrap', '8', '--methods', 'percentile', '--seed', '9', '--json'];
    const pool = await runCli([...args, '--threads', '2']);
    const remote = await runCli([...args, '--coordinator', cluster!.address]);
    assert.equal(pool.code, 0, pool.stderr);
    assert.equal(remote.code, 0, remote.stderr);
    assert.equal(remote.stdout, pool.stdout);
    assert.equal((JSON.parse(remote.stdout) as { datasets: number }).datasets, 5);
  });
});
