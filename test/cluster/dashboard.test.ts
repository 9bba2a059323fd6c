/**
 * The coordinator's HTTP side against a real coordinator and two real workers (loopback):
 * `/metrics` (Prometheus text) agrees with `/status`; the dashboard, in headless Chromium, lists
 * both workers, shows a job's progress advancing to done with a working report link, and drops
 * a killed worker (recorded under recoveries). Screenshots go to the test's temp dir (or
 * $INFOSHARD_SCREENSHOTS, which is kept).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectCluster } from '../../coordinator/client.js';
import type { Job } from '../../shared/job/spec.js';
import { openBrowser, requireChromium, screenshotDir, type BrowserSession } from '../helpers/browser.js';
import { gaussianPair, plannedShards, TestCluster } from '../helpers/cluster.js';

/** Metric samples `name{labels} value` of a Prometheus text exposition, by name+labels. */
function parseMetrics(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][\w:]*(?:\{[^}]*\})?) (\S+)$/.exec(line);
    assert.ok(m, `not a sample line: ${line}`);
    out.set(m[1]!, Number(m[2]));
  }
  return out;
}

function job(shuffles: number, seed: number): Job {
  return { measure: 'mi', estimator: 'ksg1', k: 4, x: ['x'], y: ['y'], seed, bootstrap: { replicates: 20, method: 'percentile' }, permutation: { shuffles }, data: gaussianPair(3000, 0.5, seed) };
}

describe('coordinator HTTP: /metrics and the dashboard (real coordinator + 2 workers)', function () {
  this.timeout(180_000);
  let cluster: TestCluster | undefined;
  let http: string;
  let dir: string;
  let session: BrowserSession | undefined;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'infoshard-dashboard-'));
    cluster = await TestCluster.start({ workers: 2, threads: 1, coordinatorArgs: ['--shard-size', '10'] });
    http = `http://127.0.0.1:${cluster.coordinator.ready['http']}`;
  });
  after(async () => {
    await session?.close();
    await cluster?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('/metrics: Prometheus text whose counts agree with /status after a job', async () => {
    const engine = await connectCluster(cluster!.address);
    try {
      await engine.run(job(30, 1));
    } finally {
      await engine.close();
    }
    const res = await fetch(`${http}/metrics`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
    const m = parseMetrics(await res.text());
    const s = await cluster!.status();
    assert.equal(s.counters.shardsCompleted, plannedShards(job(30, 1), 10), 'the planned shards, each counted once');
    assert.equal(m.get('infoshard_shards_completed_total'), s.counters.shardsCompleted);
    assert.equal(m.get('infoshard_shards_dispatched_total'), s.counters.shardsDispatched);
    // (a loaded machine can miss heartbeats: requeues then happen, and /metrics must say so too)
    assert.equal(m.get('infoshard_shards_requeued_total'), s.counters.requeued);
    assert.equal(m.get('infoshard_workers_lost_total'), s.counters.workersLost);
    // every shard of an answered batch is either accepted or a duplicate
    assert.equal(m.get('infoshard_shard_latency_seconds_count'), s.counters.shardsCompleted + s.counters.duplicatesIgnored, 'one latency sample per answered shard');
    assert.ok(m.get('infoshard_shard_latency_seconds_sum')! > 0);
    assert.equal(m.get('infoshard_jobs{state="done"}'), 1);
    assert.equal(m.get('infoshard_jobs{state="running"}'), 0);
    assert.equal(m.get('infoshard_workers'), 2);
    for (const w of s.workers) {
      assert.equal(m.get(`infoshard_worker_inflight_shards{worker="${w.id}"}`), 0);
      assert.equal(m.get(`infoshard_worker_shards_done{worker="${w.id}"}`), w.shardsDone);
    }
    assert.equal(m.get('infoshard_dataset_cache_entries'), 1);
    assert.ok(m.get('infoshard_dataset_cache_bytes')! >= 3000 * 2 * 8);
    assert.ok(m.has('nodejs_eventloop_lag_seconds'), 'event-loop lag');
    // counters only grow between scrapes (they mirror the scheduler by increments)
    const again = parseMetrics(await (await fetch(`${http}/metrics`)).text());
    assert.equal(again.get('infoshard_shards_completed_total'), m.get('infoshard_shards_completed_total'));
  });

  it('read-only: other methods are refused, unknown paths and jobs are 404', async () => {
    assert.equal((await fetch(`${http}/status`, { method: 'POST' })).status, 405);
    assert.equal((await fetch(`${http}/nope`)).status, 404);
    assert.equal((await fetch(`${http}/jobs/00000000-0000-0000-0000-000000000000`)).status, 404);
  });

  it('dashboard in Chromium: two workers, progress advancing to done, report link, killed worker gone', async function () {
    const chromium = requireChromium(this);
    session = await openBrowser(chromium);
    const { page } = session;
    const shots = screenshotDir(dir);
    await page.goto(`${http}/?poll=150`, { waitUntil: 'load' });
    // (page functions as strings: this project compiles without the DOM lib)
    await page.waitForFunction(`document.querySelectorAll('#workers tr[data-worker]').length === 2`, undefined, { timeout: 20_000 });
    const status = await cluster!.status();
    assert.deepEqual(await page.$$eval('#workers tr[data-worker]', (rs) => rs.map((r) => r.getAttribute('data-worker')).sort()), status.workers.map((w) => w.id).sort());

    // a job long enough to watch: 24 permutation shards, the bootstrap and its bias probe over 2 one-thread workers
    const total = plannedShards(job(240, 2), 10);
    const engine = await connectCluster(cluster!.address);
    const handle = await engine.submit(job(240, 2));
    // (a few seconds of work: it is still running now) its result is not there yet; its page says so and reloads
    const early = await fetch(`${http}/jobs/${handle.id}/result`);
    assert.equal(early.status, 409);
    assert.equal(((await early.json()) as { state: string }).state, 'running');
    const pending = await fetch(`${http}/jobs/${handle.id}`);
    assert.equal(pending.headers.get('refresh'), '2');
    assert.match(await pending.text(), /state: <strong>running<\/strong>/);
    const row = `#jobs tr[data-job="${handle.id}"]`;
    const seen = new Set<number>();
    let max = 0;
    const done = handle.result();
    let finished = false;
    void done.finally(() => (finished = true)).catch(() => undefined);
    let shot = false;
    while (!finished || seen.size === 0) {
      const v = await page.$eval(row, (r) => {
        const p = r.querySelector('progress')!;
        return { value: Number(p.getAttribute('value')), max: Number(p.getAttribute('max')), state: r.getAttribute('data-state') };
      }).catch(() => undefined);
      if (v) {
        max = v.max;
        if (v.state === 'running') seen.add(v.value);
        if (!shot && v.value > 0 && v.state === 'running') {
          await page.screenshot({ path: join(shots, 'dashboard-running.png'), fullPage: true });
          shot = true;
        }
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    const result = await done;
    await engine.close();
    assert.equal(max, total);
    const intermediate = [...seen].filter((v) => v > 0 && v < total);
    assert.ok(intermediate.length >= 2, `progress seen advancing, got ${[...seen].sort((a, b) => a - b).join(',')}`);
    await page.waitForSelector(`${row}[data-state="done"]`, { timeout: 20_000 });
    assert.equal(await page.$eval(`${row} progress`, (p) => Number(p.getAttribute('value'))), total);
    await page.screenshot({ path: join(shots, 'dashboard-done.png'), fullPage: true });

    // the job's report page: the same figures as --report, values from the cluster's result
    await Promise.all([page.waitForURL(/\/jobs\//), page.click(`${row} a:text("report")`)]);
    assert.deepEqual(await page.$$eval('figure', (fs) => fs.map((f) => f.id)), ['fig-bootstrap', 'fig-null']);
    const estimateCell = await page.$eval('tr:has(th:text-is("estimate")) td', (td) => td.textContent);
    assert.equal(estimateCell, `${Number(result.estimate.toPrecision(4))} nats`);
    await page.screenshot({ path: join(shots, 'dashboard-job-report.png'), fullPage: true });
    await Promise.all([page.waitForURL(`${http}/`), page.click('nav a:text("dashboard")')]);

    // a killed worker disappears (heartbeat expiry) and shows up under recoveries
    const victim = cluster!.workers[0]!;
    const victimId = victim.ready['id']!;
    await victim.kill();
    // (by id: on a loaded machine the survivor may miss a heartbeat and blink out and back)
    await page.waitForSelector(`#workers tr[data-worker="${victimId}"]`, { state: 'detached', timeout: 20_000 });
    await page.waitForSelector(`#workers tr[data-worker="${cluster!.workers[1]!.ready['id']}"]`, { timeout: 20_000 });
    await page.waitForSelector(`#recoveries tr:has(td:first-child:text-is("${victimId}"))`, { timeout: 10_000 });
    await page.screenshot({ path: join(shots, 'dashboard-worker-lost.png'), fullPage: true });
    assert.ok(statSync(join(shots, 'dashboard-worker-lost.png')).size > 10_000);

    assert.deepEqual(session.errors, []);
    assert.deepEqual(session.foreignRequests, []);
  });
});
