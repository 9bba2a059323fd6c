/**
 * The NATS backends against a real nats-server (JetStream on, temp store dir, free port):
 * durable jobs and shards, resume after a coordinator restart, discovery liveness, events,
 * credentials, and surviving a nats-server restart mid-write.
 */
import assert from 'node:assert/strict';
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createNatsBackends, announceWorker, createNatsAnnouncer, parseNatsUrl, connectNats, type NatsBackends } from '../../coordinator/nats/index.js';
import { idToKey, keyToId } from '../../cluster/nats/codec.js';
import type { DiscoveryEvent } from '../../cluster/discovery.js';
import type { JobEvent } from '../../coordinator/events.js';
import type { StoredJob } from '../../coordinator/store.js';
import { AuthError, DataError, NotFoundError, OptionError } from '../../shared/errors.js';
import { requireNatsServer, startNatsServer, type NatsServerHandle } from '../helpers/nats-server.js';

let prefixCounter = 0;
const freshPrefix = () => `t${process.pid}_${++prefixCounter}`;

function job(id: string, extra: Partial<StoredJob> = {}): StoredJob {
  return {
    id,
    spec: { measure: 'mi', estimator: 'ksg1', k: 4, x: ['x'], y: ['y'], seed: 7, permutation: { shuffles: 100 } },
    dataHash: 'ab'.repeat(32),
    state: 'running',
    createdAt: 1_700_000_000_000 + prefixCounter,
    updatedAt: 1_700_000_000_000,
    totalShards: 4,
    ...extra,
  };
}

/** Resolves with the first event the predicate accepts. */
function nextEvent<T>(subscribe: (l: (ev: T) => void) => () => void, pred: (ev: T) => boolean): Promise<T> {
  return new Promise((resolve) => {
    const off = subscribe((ev) => {
      if (pred(ev)) {
        off();
        resolve(ev);
      }
    });
  });
}

/** Polls `cond` until it holds (the test's own timeout bounds the wait). */
async function until(cond: () => boolean): Promise<void> {
  while (!cond()) await new Promise((r) => setTimeout(r, 10));
}

const sameF64Bits = (a: Float64Array, b: Float64Array) =>
  a.length === b.length && Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));

describe('NATS url and key helpers', () => {
  it('parses user:pass, token and several servers out of --nats', () => {
    assert.deepEqual(parseNatsUrl('nats://alice:s%40cret@10.0.0.1:4222'), { servers: ['nats://10.0.0.1:4222'], user: 'alice', pass: 's@cret' });
    assert.deepEqual(parseNatsUrl('nats://tok123@nats:4222'), { servers: ['nats://nats:4222'], token: 'tok123' });
    assert.deepEqual(parseNatsUrl('a:4222, nats://b:4223'), { servers: ['nats://a:4222', 'nats://b:4223'] });
    assert.throws(() => parseNatsUrl(' , '), (e: unknown) => e instanceof OptionError && e.field === 'nats');
  });

  it('maps any id to a KV-safe key and back', () => {
    for (const id of ['job-1', 'a.b.c', 'perm:0-100', 'ünï/cødé *>', '=3d']) {
      const k = idToKey(id);
      assert.match(k, /^[-_=a-zA-Z0-9]+$/);
      assert.equal(keyToId(k), id);
    }
  });
});

describe('NATS backends (real nats-server)', function () {
  let srv: NatsServerHandle;
  const open: NatsBackends[] = [];
  const backends = async (prefix: string, extra: Parameters<typeof createNatsBackends>[1] = {}) => {
    const b = await createNatsBackends(srv.url, { prefix, ...extra });
    open.push(b);
    return b;
  };

  before(async function () {
    requireNatsServer(this);
    srv = await startNatsServer();
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((b) => b.close()));
  });
  after(async () => {
    await srv?.cleanup();
  });

  describe('JobStore', () => {
    it('creates, reads, patches and lists jobs; rejects a duplicate id and an unknown job', async () => {
      const { store } = await backends(freshPrefix());
      const j = job('job.1');
      await store.createJob(j);
      assert.deepEqual(await store.getJob('job.1'), j);
      await assert.rejects(store.createJob(j), (e: unknown) => e instanceof DataError && /job\.1 already exists/.test(e.message));
      const before = Date.now();
      const up = await store.updateJob('job.1', { state: 'done' });
      assert.equal(up.state, 'done');
      assert.equal(up.totalShards, 4);
      assert.ok(up.updatedAt >= before);
      assert.deepEqual(await store.getJob('job.1'), up);
      await store.createJob(job('job.2', { state: 'running' }));
      assert.deepEqual((await store.listJobs()).map((x) => x.id).sort(), ['job.1', 'job.2']);
      assert.deepEqual((await store.listJobs(['running'])).map((x) => x.id), ['job.2']);
      assert.equal(await store.getJob('nope'), undefined);
      await assert.rejects(store.updateJob('nope', { state: 'done' }), NotFoundError);
    });

    it('keeps datasets and results byte for byte', async () => {
      const { store } = await backends(freshPrefix());
      const bytes = new Uint8Array(2_500_000).map((_, i) => (i * 7919) % 256); // several object-store chunks
      await store.putDataset('h1', bytes);
      await store.putDataset('h1', bytes); // idempotent
      assert.deepEqual(await store.getDataset('h1'), bytes);
      assert.equal(await store.getDataset('missing'), undefined);
      await store.putResult('j', '{"estimate":0.25}');
      assert.equal(await store.getResult('j'), '{"estimate":0.25}');
      assert.equal(await store.getResult('other'), undefined);
    });

    it('records each shard once, bit-exact, including values too big for one message', async () => {
      const { store } = await backends(freshPrefix());
      const v = new Float64Array([0.1, -0, Number.MIN_VALUE, -1e308, Number.NaN, Infinity, 1 / 3]);
      assert.equal(await store.putShardResult('j1', 'permutation:0-7', v), true);
      assert.equal(await store.putShardResult('j1', 'permutation:0-7', new Float64Array(7)), false, 'duplicate completion ignored');
      const big = new Float64Array(200_000).map((_, i) => Math.sin(i) * 1e-3); // 1.6 MB > 1 MB max_payload
      assert.equal(await store.putShardResult('j1', 'bootstrap:0-200000', big), true);
      assert.equal(await store.putShardResult('j1', 'bootstrap:0-200000', big), false);
      await store.putShardResult('j2', 'permutation:0-7', new Float64Array([9]));
      const got = await store.getShardResults('j1');
      assert.deepEqual([...got.keys()].sort(), ['bootstrap:0-200000', 'permutation:0-7']);
      assert.ok(sameF64Bits(got.get('permutation:0-7')!, v));
      assert.ok(sameF64Bits(got.get('bootstrap:0-200000')!, big));
      assert.equal((await store.getShardResults('j2')).size, 1);
      assert.equal(await store.pruneShards('j1'), 2);
      assert.equal((await store.getShardResults('j1')).size, 0);
      assert.equal((await store.getShardResults('j2')).size, 1);
    });

    it('a restarted coordinator finds unfinished jobs with their finished shards and data', async () => {
      const prefix = freshPrefix();
      const first = await backends(prefix);
      const data = new Uint8Array([1, 2, 3, 4, 5]);
      await first.store.putDataset('d'.repeat(64), data);
      await first.store.createJob(job('resume-me', { dataHash: 'd'.repeat(64) }));
      await first.store.createJob(job('finished', { state: 'done' }));
      await first.store.putShardResult('resume-me', 's0', new Float64Array([1, 2]));
      await first.store.putShardResult('resume-me', 's2', new Float64Array([5, 6]));
      await first.close(); // the coordinator goes away

      const second = await backends(prefix);
      const unfinished = await second.store.listJobs(['running']);
      assert.deepEqual(unfinished.map((j) => j.id), ['resume-me']);
      const shards = await second.store.getShardResults('resume-me');
      assert.deepEqual([...shards.keys()].sort(), ['s0', 's2']);
      assert.deepEqual([...shards.get('s2')!], [5, 6]);
      assert.deepEqual(await second.store.getDataset(unfinished[0]!.dataHash), data);
      // Other prefixes (another cluster on the same server) see none of it.
      const other = await backends(freshPrefix());
      assert.deepEqual(await other.store.listJobs(), []);
    });
  });

  describe('discovery', () => {
    it('a worker announces, heartbeats, and is expired after expireMs of silence', async () => {
      const prefix = freshPrefix();
      const { discovery } = await backends(prefix, { expireMs: 600 });
      const up = nextEvent<DiscoveryEvent>((l) => discovery.subscribe(l), (e) => e.type === 'up');
      const info = { id: 'w.1', address: '127.0.0.1:7001', threads: 2, version: '0.1.0' };
      const nc = await connectNats(srv.url);
      // Announce by hand, then fall silent, as a SIGKILLed worker would.
      const announcer = await createNatsAnnouncer(srv.url, { prefix, heartbeatMs: 100 });
      await announcer.start(info);
      const ev = await up;
      assert.equal(ev.type, 'up');
      if (ev.type === 'up') assert.deepEqual({ ...ev.worker, lastSeen: 0 }, { ...info, lastSeen: 0 });
      assert.deepEqual(discovery.list().map((w) => w.id), ['w.1']);
      await new Promise((r) => setTimeout(r, 800)); // > expireMs: heartbeats keep it alive
      assert.deepEqual(discovery.list().map((w) => w.id), ['w.1']);

      const down = nextEvent<DiscoveryEvent>((l) => discovery.subscribe(l), (e) => e.type === 'down');
      const lastSeen = discovery.list()[0]!.lastSeen;
      // Crash: stop the heartbeat timer without a goodbye by closing the connection under it.
      await (announcer as unknown as { nc: { close(): Promise<void> } }).nc.close();
      const d = await down;
      const silentFor = Date.now() - lastSeen;
      assert.equal(d.type === 'down' && d.workerId, 'w.1');
      assert.ok(silentFor >= 600, `declared dead after ${silentFor} ms of silence, expected >= expireMs`);
      console.log(`      worker declared dead ${silentFor} ms after its last heartbeat (expireMs 600, heartbeat 100)`);
      assert.deepEqual(discovery.list(), []);
      await announcer.stop();
      await nc.close();
    });

    it('a clean stop says goodbye; markDown is undone by the next heartbeat', async () => {
      const prefix = freshPrefix();
      const { discovery } = await backends(prefix);
      const events: DiscoveryEvent[] = [];
      discovery.subscribe((e) => events.push(e));
      const up1 = nextEvent<DiscoveryEvent>((l) => discovery.subscribe(l), (e) => e.type === 'up');
      const w = await announceWorker(srv.url, { id: 'w2', address: 'h:1', threads: 1, version: 'v' }, { prefix, heartbeatMs: 50 });
      await up1;
      const up2 = nextEvent<DiscoveryEvent>((l) => discovery.subscribe(l), (e) => e.type === 'up');
      discovery.markDown('w2', 'rpc failed');
      await up2;
      const left = nextEvent<DiscoveryEvent>((l) => discovery.subscribe(l), (e) => e.type === 'down');
      await w.close();
      assert.deepEqual(await left, { type: 'down', workerId: 'w2', reason: 'worker left' });
      assert.deepEqual(
        events.map((e) => (e.type === 'up' ? 'up' : `down:${e.reason}`)),
        ['up', 'down:rpc failed', 'up', 'down:worker left'],
      );
    });

    it('a coordinator started after its workers learns them by ping, not by waiting for a heartbeat', async () => {
      const prefix = freshPrefix();
      // Heartbeat period far beyond the test's timeout: only the answer to the ping can arrive.
      const w = await announceWorker(srv.url, { id: 'early', address: 'h:2', threads: 4, version: 'v' }, { prefix, heartbeatMs: 3_600_000 });
      const { discovery } = await backends(prefix, { expireMs: 3_600_000 });
      await until(() => discovery.list().some((x) => x.id === 'early'));
      assert.equal(discovery.list()[0]!.threads, 4);
      await w.close();
    });
  });

  describe('events', () => {
    it('delivers a job\'s progress and state events in order, and only that job\'s', async () => {
      const { events } = await backends(freshPrefix());
      const got: JobEvent[] = [];
      const done = nextEvent<JobEvent>((l) => events.subscribe('job.A', l), (e) => e.type === 'state' && e.state === 'done');
      const off = events.subscribe('job.A', (e) => got.push(e));
      await events.ready();
      events.publish({ type: 'progress', jobId: 'job.B', phase: 'permutation', done: 1, total: 9 });
      for (let i = 1; i <= 3; i++) events.publish({ type: 'progress', jobId: 'job.A', phase: 'permutation', done: i, total: 3 });
      events.publish({ type: 'state', jobId: 'job.A', state: 'done' });
      await done;
      assert.deepEqual(got, [
        { type: 'progress', jobId: 'job.A', phase: 'permutation', done: 1, total: 3 },
        { type: 'progress', jobId: 'job.A', phase: 'permutation', done: 2, total: 3 },
        { type: 'progress', jobId: 'job.A', phase: 'permutation', done: 3, total: 3 },
        { type: 'state', jobId: 'job.A', state: 'done' },
      ]);
      off();
      // A second subscriber sees the next event; by then the first would have too, had it stayed.
      const failed = nextEvent<JobEvent>((l) => events.subscribe('job.A', l), (e) => e.type === 'state' && e.state === 'failed');
      await events.ready();
      events.publish({ type: 'state', jobId: 'job.A', state: 'failed' });
      await failed;
      assert.equal(got.length, 4, 'no event after unsubscribe');
    });
  });
});

describe('NATS credentials', function () {
  let srv: NatsServerHandle;
  before(async function () {
    requireNatsServer(this);
    srv = await startNatsServer({ user: 'infoshard', pass: 'p@ss word' });
  });
  after(async () => {
    await srv?.cleanup();
  });

  it('connects with user:pass in the URL and is refused without them', async () => {
    const b = await createNatsBackends(srv.authUrl, { prefix: freshPrefix() });
    await b.store.createJob(job('auth-ok'));
    assert.equal((await b.store.getJob('auth-ok'))?.id, 'auth-ok');
    await b.close();
    await assert.rejects(createNatsBackends(srv.url), AuthError);
    await assert.rejects(createNatsBackends(srv.url.replace('//', '//infoshard:wrong@')), AuthError);
  });

  it('names a creds file it cannot read', async () => {
    await assert.rejects(createNatsBackends(srv.url, { credsFile: '/nonexistent/x.creds' }), (e: unknown) => e instanceof NotFoundError && /x\.creds/.test(e.message));
    const dir = mkdtempSync(join(tmpdir(), 'creds-'));
    const f = join(dir, 'bad.creds');
    writeFileSync(f, 'not a creds file');
    // A malformed creds file fails at authentication, never silently connects anonymously.
    await assert.rejects(createNatsBackends(srv.url, { credsFile: f }));
    rmSync(dir, { recursive: true, force: true });
  });
});

describe('surviving a nats-server restart', function () {
  let srv: NatsServerHandle;
  before(async function () {
    requireNatsServer(this);
    srv = await startNatsServer();
  });
  after(async () => {
    await srv?.cleanup();
  });

  it('writes issued while the server is down land after it is back; data and workers survive', async () => {
    const prefix = freshPrefix();
    const b = await createNatsBackends(srv.url, { prefix, expireMs: 1000 });
    const up = nextEvent<DiscoveryEvent>((l) => b.discovery.subscribe(l), (e) => e.type === 'up');
    const w = await announceWorker(srv.url, { id: 'survivor', address: 'h:3', threads: 1, version: 'v' }, { prefix, heartbeatMs: 250 });
    try {
      const downs: DiscoveryEvent[] = [];
      await up;
      b.discovery.subscribe((e) => e.type === 'down' && downs.push(e));
      await b.store.createJob(job('through-restart'));
      await b.store.putShardResult('through-restart', 's0', new Float64Array([1.5]));

      const t0 = Date.now();
      await srv.kill(); // crash, not a clean shutdown
      // Issued while the server is gone: must wait and land, not fail.
      const pendingShard = b.store.putShardResult('through-restart', 's1', new Float64Array([2.5]));
      const pendingUpdate = b.store.updateJob('through-restart', { totalShards: 2 });
      await new Promise((r) => setTimeout(r, 1500)); // longer than expireMs
      await srv.restart();
      assert.equal(await pendingShard, true);
      assert.equal((await pendingUpdate).totalShards, 2);
      const recovered = Date.now() - t0;
      console.log(`      writes issued during a 1.5 s outage landed ${recovered - 1500} ms after nats-server came back`);

      const shards = await b.store.getShardResults('through-restart');
      assert.deepEqual([...shards.keys()].sort(), ['s0', 's1']);
      assert.equal((await b.store.getJob('through-restart'))?.totalShards, 2);
      // The worker's heartbeats resume (a real one: the post-outage grace sets lastSeen in the
      // future, a heartbeat sets it to its arrival time); the outage was not taken for its death.
      const t = Date.now();
      await until(() => {
        const w = b.discovery.list().find((x) => x.id === 'survivor');
        return !!w && w.lastSeen >= t && w.lastSeen <= Date.now();
      });
      assert.deepEqual(downs, []);
    } finally {
      await w.close();
      await b.close();
    }
  });
});
