/**
 * The coordinator's event loop stays free during a job on many rows (issue 13: a 1e6-row job
 * froze it 3.6 s, every worker was declared dead and /healthz went silent). Preparing the job,
 * θ̂ and the merge run on job threads (coordinator/jobcore.ts). Checked as the correctness
 * property it is, not as a timing: during a 4e5-row KSG job (about 2 s of preparing and θ̂ on
 * one core, twice the 1 s worker expiry) /healthz answers every poll and no worker is lost.
 */
import assert from 'node:assert/strict';
import { connectCluster } from '../../coordinator/client.js';
import { gaussianPair, TestCluster } from '../helpers/cluster.js';

describe('cluster: the coordinator stays responsive during a big job', function () {
  this.timeout(180_000);
  let cluster: TestCluster | undefined;
  after(async () => {
    await cluster?.stop();
  });

  it('a 4e5-row job: /healthz answers throughout, no worker declared dead', async () => {
    cluster = await TestCluster.start({ workers: 2, threads: 1 });
    const http = `http://127.0.0.1:${cluster.coordinator.ready['http']}`;
    const engine = await connectCluster(cluster.address);
    let polling = true;
    let polls = 0;
    const poller = (async () => {
      while (polling) {
        // each poll must be answered; 10 s is a bound on a hang, far above any healthy answer
        const r = await fetch(`${http}/healthz`, { signal: AbortSignal.timeout(10_000) });
        assert.equal(r.status, 200);
        await r.arrayBuffer();
        polls++;
        await new Promise((res) => setTimeout(res, 50));
      }
    })();
    try {
      const result = await engine.run({
        measure: 'mi', estimator: 'ksg1', x: ['x'], y: ['y'], seed: 5, bootstrap: { replicates: 2 }, data: gaussianPair(400_000, 0.5, 5),
      });
      assert.ok(Number.isFinite(result.estimate) && result.estimate > 0.1, `estimate ${result.estimate}`);
    } finally {
      polling = false;
      await poller;
      await engine.close();
    }
    const s = await cluster.status();
    assert.equal(s.counters.workersLost, 0, `workers declared dead: ${JSON.stringify(s.recoveries)}`);
    assert.equal(s.workers.length, 2);
    // the coordinator's own measure (prom-client's monitorEventLoopDelay, max since start: /metrics was not scraped before)
    const metrics = await (await fetch(`${http}/metrics`)).text();
    const lag = /^nodejs_eventloop_lag_max_seconds (\S+)$/m.exec(metrics)?.[1];
    console.log(`      ${polls} /healthz polls answered; coordinator event-loop delay max ${lag === undefined ? '?' : (Number(lag) * 1000).toFixed(0)} ms over the job`);
  });
});
