/**
 * Network inference on a real cluster (coordinator + 2 worker processes over gRPC, shard size
 * 5): every teStep job runs on the workers, and the inferred network is the same bytes as on
 * the embedded engine with 2 threads and another shard size; the CLI's --coordinator gives it too.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createEngine } from '../../engine/embedded.js';
import { connectCluster } from '../../coordinator/client.js';
import { inferNetwork, type NetworkOptions, type NetworkResult } from '../../shared/job/network.js';
import { simulateVar } from '../../bench/var-network.js';
import { tempDir, TestCluster } from '../helpers/cluster.js';
import { runCli } from '../cli/run-cli.js';

describe('cluster: network inference equals the embedded engine', function () {
  this.timeout(180_000);
  const data = simulateVar({ nodes: 3, edges: [{ source: 0, target: 1, lag: 1 }, { source: 2, target: 1, lag: 2 }] }, 250, 13);
  const runs: Record<string, NetworkOptions> = {
    gaussian: { vars: ['n0', 'n1', 'n2'], maxLag: 2, estimator: 'gaussian', permutations: 59, seed: 5 },
    ksgShift: { vars: ['n0', 'n1', 'n2'], targets: ['n1'], maxLag: 2, estimator: 'ksg', k: 4, permutations: 19, surrogate: 'shift', seed: 6 },
  };
  let cluster: TestCluster | undefined;
  const embedded: Record<string, NetworkResult> = {};
  const tmp = tempDir('infoshard-netcl-');

  before(async () => {
    const engine = createEngine({ threads: 2, shardSize: 7 });
    try {
      for (const [name, o] of Object.entries(runs)) embedded[name] = await inferNetwork(engine, { ...o, data });
    } finally {
      await engine.close();
    }
    cluster = await TestCluster.start({ workers: 2, coordinatorArgs: ['--shard-size', '5'] });
  });
  after(async () => {
    await cluster?.stop();
    tmp.cleanup();
  });

  it('embedded: the gaussian run finds both true edges into n1', () => {
    const e = embedded['gaussian']!.edges.filter((x) => x.target === 'n1').map((x) => x.source).sort();
    assert.deepEqual(e, ['n0', 'n2']);
  });

  for (const name of Object.keys(runs)) {
    it(`${name}: identical bytes on 2 workers`, async () => {
      const engine = await connectCluster(cluster!.address);
      try {
        const r = await inferNetwork(engine, { ...runs[name]!, data });
        assert.equal(JSON.stringify(r), JSON.stringify(embedded[name]));
      } finally {
        await engine.close();
      }
    });
  }

  it('the CLI with --coordinator prints the same network', async () => {
    const csv = join(tmp.dir, 'd.csv');
    const rows = [data.names.join(',')];
    for (let i = 0; i < data.n; i++) rows.push(data.columns.map((c) => c[i]!.toPrecision(17)).join(','));
    writeFileSync(csv, rows.join('\n') + '\n');
    const res = await runCli(['network', '--data', csv, '--vars', 'n0,n1,n2', '--max-lag', '2', '--estimator', 'gaussian', '--permutations', '59', '--seed', '5', '--coordinator', cluster!.address, '--json']);
    assert.equal(res.code, 0, res.stderr);
    const j = JSON.parse(res.stdout);
    assert.equal(j.engine, 'cluster');
    assert.deepEqual(j.edges, embedded['gaussian']!.edges);
    assert.deepEqual(j.targets, embedded['gaussian']!.targets);
  });
});
