/**
 * Scheduler policy with in-process fake workers (no network): batching, exactly-once counting
 * under duplicate completions, deadline re-dispatch, re-dispatch on worker loss, job errors.
 * A shard's values are r + 0.5 for replicate r, so the merged vector is checkable exactly.
 */
import assert from 'node:assert/strict';
import { GrpcDiscovery } from '../../cluster/discovery.js';
import { MemoryEventPublisher } from '../../coordinator/events.js';
import { Scheduler, type JobCore, type RunShardsCall, type WorkerLink } from '../../coordinator/scheduler.js';
import { MemoryJobStore } from '../../coordinator/store.js';
import { EstimatorError, UnavailableError } from '../../shared/errors.js';
import type { JobResult, JobSpec } from '../../shared/job/spec.js';
import type { ShardRequest } from '../../shared/job/shard.js';

const core = (replicates: number): JobCore => ({
  async prepare() {
    return {
      plan: (size: number) => {
        const out = [];
        for (let r0 = 0; r0 < replicates; r0 += size) out.push({ workload: 'permutation' as const, r0, r1: Math.min(replicates, r0 + size) });
        return out;
      },
      async finish(partials) {
        const v = new Float64Array(replicates);
        for (const p of partials) v.set(p.values, p.r0);
        return { nullDistribution: v, provenance: {} } as unknown as JobResult;
      },
    };
  },
});

type Behaviour = 'ok' | 'hang' | 'fail-unavailable' | 'fail-estimator';

class FakeLink implements WorkerLink {
  calls: ShardRequest[][] = [];
  /** Job ids the scheduler told this worker to cancel. */
  cancelled: string[] = [];
  /** RunShards calls the scheduler dropped (call.cancel()). */
  dropped = 0;
  pending: { resolve: (m: Map<string, Float64Array>) => void; shards: ShardRequest[] }[] = [];
  constructor(public behaviour: Behaviour) {}
  async ensureDataset(): Promise<void> {}
  forgetDataset(): void {}
  static values(s: ShardRequest): Float64Array {
    return Float64Array.from({ length: s.r1 - s.r0 }, (_, i) => s.r0 + i + 0.5);
  }
  runShards(req: { shards: ShardRequest[] }): RunShardsCall {
    this.calls.push(req.shards);
    const answer = () => new Map(req.shards.map((s) => [s.shardId, FakeLink.values(s)]));
    let result: Promise<Map<string, Float64Array>>;
    if (this.behaviour === 'ok') result = new Promise((r) => setImmediate(() => r(answer())));
    else if (this.behaviour === 'hang') result = new Promise((resolve) => this.pending.push({ resolve, shards: req.shards }));
    else if (this.behaviour === 'fail-unavailable') result = Promise.reject(new UnavailableError('connection dropped'));
    else result = Promise.reject(new EstimatorError('k must be below the number of rows'));
    return { result, cancel: () => void this.dropped++ };
  }
  /** Deliver the hung answers now (a late worker). */
  release(): void {
    for (const p of this.pending.splice(0)) p.resolve(new Map(p.shards.map((s) => [s.shardId, FakeLink.values(s)])));
  }
  async cancelJob(jobId: string): Promise<void> {
    this.cancelled.push(jobId);
  }
  close(): void {}
}

function setup(replicates: number, behaviours: Behaviour[], opts = {}) {
  const discovery = new GrpcDiscovery({ expireMs: 60_000 });
  const store = new MemoryJobStore();
  const links = new Map<string, FakeLink>();
  behaviours.forEach((b, i) => links.set(`w${i}`, new FakeLink(b)));
  const sched = new Scheduler(core(replicates), store, discovery, new MemoryEventPublisher(), (w) => links.get(w.id)!, opts);
  behaviours.forEach((_, i) => discovery.seen({ id: `w${i}`, address: `fake:${i}`, threads: 2, version: 't' }, true));
  const run = async (): Promise<{ values: Float64Array; state: string }> => {
    const job = await sched.submit({ measure: 'mi', estimator: 'x', x: [0] } as JobSpec, { names: [], columns: [], n: 0 }, 'h', 'job1');
    await sched.waitFor(job.id, 10_000);
    const j = (await store.getJob(job.id))!;
    const res = await store.getResult(job.id);
    const { decodeResult } = await import('../../cluster/wire.js');
    return { state: j.state, values: res ? decodeResult(res).nullDistribution! : new Float64Array() };
  };
  const run2 = async () => {
    const { decodeResult } = await import('../../cluster/wire.js');
    return { values: decodeResult((await store.getResult('job1'))!).nullDistribution! };
  };
  const close = async () => {
    await sched.close();
    await discovery.close();
  };
  return { sched, discovery, links, store, run, run2, close };
}

const expected = (n: number) => Float64Array.from({ length: n }, (_, r) => r + 0.5);

describe('cluster scheduler (fake workers)', () => {
  it('batches many small shards per call, bounded by maxBatch and by threads per worker', async () => {
    const t = setup(5000, ['ok', 'ok'], { shardSize: 1, maxBatch: 64 });
    const r = await t.run();
    assert.equal(r.state, 'done');
    assert.deepEqual(r.values, expected(5000));
    const calls = [...t.links.values()].flatMap((l) => l.calls);
    assert.ok(calls.every((c) => c.length <= 64));
    assert.ok(calls.length < 5000 / 8, `${calls.length} calls for 5000 shards: not batched`);
    assert.equal(t.sched.counters.shardsCompleted, 5000);
    await t.close();
  });

  it('a hung worker: deadline re-dispatches elsewhere; its late answer is ignored', async () => {
    const t = setup(40, ['hang', 'ok'], { shardSize: 4, shardDeadlineMs: 20, maxBatch: 1 });
    const r = await t.run();
    assert.equal(r.state, 'done');
    assert.deepEqual(r.values, expected(40));
    assert.ok(t.sched.counters.deadlineMisses >= 1);
    t.links.get('w0')!.release();
    await new Promise((res) => setImmediate(res));
    await new Promise((res) => setImmediate(res));
    assert.equal(t.sched.counters.shardsCompleted, 10, 'each shard counted once');
    assert.ok(t.sched.counters.duplicatesIgnored >= 1, 'the late answer was seen and ignored');
    assert.deepEqual((await t.run2()).values, expected(40), 'the stored result did not change');
    await t.close();
  });

  it('an unreachable worker is dropped and its shards run elsewhere (recorded)', async () => {
    const t = setup(40, ['fail-unavailable', 'ok'], { shardSize: 4, maxBatch: 1 });
    const r = await t.run();
    assert.deepEqual(r.values, expected(40));
    const rec = t.sched.recoveryLog().find((x) => x.workerId === 'w0');
    assert.ok(rec && rec.requeued > 0 && rec.redispatchedAfterMs !== undefined);
    assert.deepEqual(t.sched.listWorkers().map((w) => w.id), ['w1']);
    await t.close();
  });

  it('an estimator error fails the job with that error', async () => {
    const t = setup(40, ['fail-estimator'], { shardSize: 4 });
    const r = await t.run();
    assert.equal(r.state, 'failed');
    assert.equal(t.sched.listJobs()[0]!.error!.code, 'E_ESTIMATOR');
    await t.close();
  });

  it('close() detaches: the job stays running in the store, no worker is told to cancel, in-flight calls are dropped', async () => {
    const t = setup(40, ['hang'], { shardSize: 4, maxBatch: 1 });
    const job = await t.sched.submit({ measure: 'mi', estimator: 'x', x: [0] } as JobSpec, { names: [], columns: [], n: 0 }, 'h', 'job1');
    const w0 = t.links.get('w0')!;
    for (let i = 0; i < 50 && w0.calls.length === 0; i++) await new Promise((res) => setTimeout(res, 10));
    assert.ok(w0.calls.length > 0, 'a batch was dispatched');
    const waiting = t.sched.waitFor(job.id, 60_000);
    await t.close();
    await waiting; // released by close, long before its timeout
    const stored = (await t.store.getJob(job.id))!;
    assert.equal(stored.state, 'running', 'a durable store still holds the job for the next coordinator');
    assert.equal(stored.error, undefined);
    assert.deepEqual(w0.cancelled, [], 'close is not a cancel');
    assert.equal(w0.dropped, w0.calls.length, 'every in-flight call was dropped');
  });

  it('cancel() cancels: the job is cancelled in the store and its workers are told', async () => {
    const t = setup(40, ['hang'], { shardSize: 4, maxBatch: 1 });
    const job = await t.sched.submit({ measure: 'mi', estimator: 'x', x: [0] } as JobSpec, { names: [], columns: [], n: 0 }, 'h', 'job1');
    const w0 = t.links.get('w0')!;
    for (let i = 0; i < 50 && w0.calls.length === 0; i++) await new Promise((res) => setTimeout(res, 10));
    assert.equal(await t.sched.cancel(job.id), true);
    const stored = (await t.store.getJob(job.id))!;
    assert.equal(stored.state, 'cancelled');
    assert.equal(stored.error?.code, 'E_CANCELLED');
    assert.deepEqual(w0.cancelled, [job.id]);
    await t.close();
  });
});
