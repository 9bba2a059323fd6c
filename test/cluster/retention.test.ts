/**
 * Bounded memory (issue 13): what the coordinator's store keeps once jobs end. RetainingStore
 * over the in-memory store and over JetStream (a real nats-server): a job's shard values go
 * when it ends, finished jobs beyond the count or age go, idle datasets beyond the byte budget
 * go least recently used first, and a dataset a running job uses never goes.
 */
import assert from 'node:assert/strict';
import { createNatsBackends, type NatsBackends } from '../../coordinator/nats/index.js';
import { RetainingStore, type RetentionOptions } from '../../coordinator/retention.js';
import { MemoryJobStore, type JobStore, type StoredJob } from '../../coordinator/store.js';
import { requireNatsServer, startNatsServer, type NatsServerHandle } from '../helpers/nats-server.js';

function job(id: string, dataHash: string): StoredJob {
  const now = Date.now();
  return { id, spec: { measure: 'mi', estimator: 'ksg1', x: ['x'], y: ['y'] }, dataHash, state: 'running', createdAt: now, updatedAt: now, totalShards: 2 };
}

const bytes = (n: number, fill: number) => new Uint8Array(n).fill(fill);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The same checks against any inner store. */
function retentionSuite(inner: () => JobStore) {
  async function open(o: RetentionOptions): Promise<RetainingStore> {
    const s = new RetainingStore(inner(), { datasetGraceMs: 0, ...o });
    await s.start();
    return s;
  }
  /** Run job `id` on `hash` to `state`, with two shard results. */
  async function runJob(s: RetainingStore, id: string, hash: string, state: 'done' | 'failed' = 'done'): Promise<void> {
    await s.createJob(job(id, hash));
    await s.putShardResult(id, 'permutation:0-2', Float64Array.of(1, 2));
    await s.putShardResult(id, 'permutation:2-4', Float64Array.of(3, 4));
    if (state === 'done') await s.putResult(id, '{"estimate":1}');
    await s.updateJob(id, { state });
    await s.settled();
  }

  it("drops a job's shard values when it ends; its record and result stay", async () => {
    const s = await open({});
    await runJob(s, 'j1', 'h1');
    await runJob(s, 'j2', 'h1', 'failed');
    assert.equal((await s.getShardResults('j1')).size, 0);
    assert.equal((await s.getShardResults('j2')).size, 0);
    assert.equal(s.counters.shardsPruned, 4);
    assert.equal((await s.getJob('j1'))?.state, 'done');
    assert.equal(await s.getResult('j1'), '{"estimate":1}');
    await s.close();
  });

  it('keeps at most keepJobs finished jobs, oldest dropped first; a running job is never dropped', async () => {
    const s = await open({ keepJobs: 2 });
    await s.createJob(job('live', 'h1'));
    for (const id of ['a', 'b', 'c', 'd']) await runJob(s, id, 'h1');
    assert.deepEqual((await s.listJobs()).map((j) => j.id).sort(), ['c', 'd', 'live']);
    assert.equal(await s.getResult('a'), undefined, 'a dropped job has no result either');
    assert.equal(s.counters.jobsDropped, 2);
    await s.close();
  });

  it('drops finished jobs older than keepJobsMs', async () => {
    const s = await open({ keepJobsMs: 30 });
    await runJob(s, 'old', 'h1');
    await sleep(80);
    await runJob(s, 'new', 'h1'); // its end triggers the sweep
    assert.equal(await s.getJob('old'), undefined);
    assert.equal((await s.getJob('new'))?.state, 'done');
    await s.close();
  });

  it('keeps idle datasets within keepDatasetBytes, least recently used dropped first, never one a running job uses', async () => {
    const s = await open({ keepDatasetBytes: 1000 });
    const dropped: string[] = [];
    s.onDatasetDropped = (h) => dropped.push(h);
    await s.putDataset('d1', bytes(600, 1));
    await s.createJob(job('uses-d1', 'd1'));
    await sleep(5);
    await s.putDataset('d2', bytes(600, 2));
    await sleep(5);
    await s.putDataset('d3', bytes(600, 3));
    await runJob(s, 'x', 'd3'); // idle now: d2 + d3 = 1200 > 1000, d2 is the older
    assert.deepEqual(dropped, ['d2']);
    assert.ok(await s.getDataset('d1'), 'the running job keeps its dataset');
    assert.equal(await s.getDataset('d2'), undefined);
    await sleep(5);
    await s.updateJob('uses-d1', { state: 'done' }); // d1 idle too: d1 + d3 = 1200
    await s.settled();
    assert.deepEqual(dropped, ['d2', 'd3'], 'd3 (last used before d1 was released) goes');
    assert.ok(await s.getDataset('d1'));
    assert.equal(s.stats().datasetBytes, 600);
    await s.close();
  });

  it('never drops a dataset used within datasetGraceMs (a client may be about to submit on it)', async () => {
    const s = new RetainingStore(inner(), { keepDatasetBytes: 10, datasetGraceMs: 60_000 });
    await s.start();
    await s.putDataset('d1', bytes(600, 1));
    await runJob(s, 'x', 'd1');
    assert.ok(await s.getDataset('d1'));
    assert.equal(s.counters.datasetsDropped, 0);
    await s.close();
  });
}

describe('retention (in-memory store)', () => {
  retentionSuite(() => new MemoryJobStore());
});

describe('retention (JetStream store)', function () {
  this.timeout(60_000);
  let srv: NatsServerHandle | undefined;
  const opened: NatsBackends[] = [];
  let n = 0;
  before(async function () {
    requireNatsServer(this);
    srv = await startNatsServer();
  });
  after(async () => {
    for (const b of opened) await b.close();
    await srv?.cleanup();
  });
  // every test on fresh buckets; the backends are opened before each test so the factory stays synchronous
  let current: NatsBackends | undefined;
  beforeEach(async () => {
    current = await createNatsBackends(srv!.url, { prefix: `ret${process.pid}_${++n}` });
    opened.push(current);
  });
  retentionSuite(() => current!.store);

  it('a restarted coordinator finds what the store holds and applies the limits to it', async () => {
    const first = new RetainingStore(current!.store, { keepJobs: 1000, datasetGraceMs: 0 });
    await first.start();
    for (const id of ['a', 'b', 'c']) {
      await first.createJob(job(id, 'h'));
      await first.updateJob(id, { state: 'done' });
    }
    await first.putDataset('h', bytes(100, 7));
    await first.settled();
    const second = new RetainingStore(current!.store, { keepJobs: 1, keepDatasetBytes: 0, datasetGraceMs: 0 });
    await second.start();
    await second.settled();
    assert.deepEqual((await second.listJobs()).map((j) => j.id), ['c']);
    assert.deepEqual(await second.listDatasets(), []);
  });
});
