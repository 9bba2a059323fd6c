/**
 * Fair sharing between running jobs (issue 13: a 1.6 s job waited behind a 9.9 s one). The
 * scheduler with in-process fake workers whose shards take a fixed time each: a short job
 * submitted after a long one must finish first, a higher priority must get the larger share,
 * and every job's merged values stay exact. Assertions are on order, not on durations.
 */
import assert from 'node:assert/strict';
import { GrpcDiscovery } from '../../cluster/discovery.js';
import { decodeResult } from '../../cluster/wire.js';
import { MemoryEventPublisher } from '../../coordinator/events.js';
import { Scheduler, type JobCore, type RunShardsCall, type SchedulerOptions, type WorkerLink } from '../../coordinator/scheduler.js';
import { batchSize, nextJob } from '../../coordinator/scheduling/fair-share.js';
import type { JobRun } from '../../coordinator/scheduling/job-run.js';
import { MemoryJobStore } from '../../coordinator/store.js';
import type { JobResult, JobSpec } from '../../shared/job/spec.js';
import type { ShardRequest } from '../../shared/job/shard.js';
import { assertUsageError, runCli } from '../cli/run-cli.js';

/** Jobs whose replicate count is the spec's `x.length` (so one core serves jobs of any size). */
const core: JobCore = {
  async prepare(spec) {
    const replicates = (spec.x as unknown[]).length;
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
};

/** A worker whose every shard takes `msPerShard` (a batch of k shards answers after k × that). */
class TimedLink implements WorkerLink {
  /** Job id of every shard dispatched, in dispatch order. */
  readonly log: string[] = [];
  constructor(private readonly msPerShard: number) {}
  async ensureDataset(): Promise<void> {}
  forgetDataset(): void {}
  runShards(req: { jobId: string; shards: ShardRequest[] }): RunShardsCall {
    for (const _ of req.shards) this.log.push(req.jobId);
    let t: NodeJS.Timeout;
    const result = new Promise<Map<string, Float64Array>>((resolve) => {
      t = setTimeout(
        () => resolve(new Map(req.shards.map((s) => [s.shardId, Float64Array.from({ length: s.r1 - s.r0 }, (_, i) => s.r0 + i + 0.5)]))),
        this.msPerShard * req.shards.length,
      );
    });
    return { result, cancel: () => clearTimeout(t) };
  }
  async cancelJob(): Promise<void> {}
  close(): void {}
}

function setup(opts: SchedulerOptions, threads = 2) {
  const discovery = new GrpcDiscovery({ expireMs: 60_000 });
  const store = new MemoryJobStore();
  const link = new TimedLink(4);
  const sched = new Scheduler(core, store, discovery, new MemoryEventPublisher(), () => link, opts);
  discovery.seen({ id: 'w0', address: 'fake:0', threads, version: 't' }, true);
  const finished: string[] = [];
  const submit = async (id: string, replicates: number, priority = 1) => {
    await sched.submit({ measure: 'mi', estimator: 'x', x: new Array(replicates).fill(0) } as unknown as JobSpec, { names: [], columns: [], n: 0 }, 'h', id, priority);
    // wrapped: an async function returning a promise would wait for it
    const done = (async () => {
      await sched.waitFor(id, 60_000);
      finished.push(id);
      const j = (await store.getJob(id))!;
      assert.equal(j.state, 'done', `job ${id}: ${JSON.stringify(j.error)}`);
      const values = decodeResult((await store.getResult(id))!).nullDistribution!;
      assert.deepEqual(values, Float64Array.from({ length: replicates }, (_, r) => r + 0.5), `job ${id}: merged values exact`);
    })();
    return { done };
  };
  const close = async () => {
    await sched.close();
    await discovery.close();
  };
  return { sched, link, submit, finished, close };
}

describe('cluster scheduler: fair sharing', () => {
  it('a short job submitted after a long one finishes first', async () => {
    const t = setup({ shardSize: 1, batchTargetMs: 40 });
    const long = await t.submit('long', 400);
    // let the long job take every slot and learn its cost per shard
    while (t.link.log.length < 20) await new Promise((r) => setTimeout(r, 5));
    const short = await t.submit('short', 12);
    await Promise.all([long.done, short.done]);
    assert.deepEqual(t.finished, ['short', 'long']);
    // it was not merely luck at the end: the short job's shards went out while the long one had most of its work left
    const lastShort = t.link.log.lastIndexOf('short');
    const longAfter = t.link.log.slice(lastShort + 1).filter((j) => j === 'long').length;
    assert.ok(longAfter > 200, `only ${longAfter} of the long job's 400 shards were dispatched after the short job's last one`);
    await t.close();
  });

  it('a higher priority gets the larger share: of two equal jobs the later one with priority 4 finishes first', async () => {
    const t = setup({ shardSize: 1, batchTargetMs: 40 }, 4);
    const low = await t.submit('low', 200, 1);
    const high = await t.submit('high', 200, 4);
    await Promise.all([low.done, high.done]);
    assert.deepEqual(t.finished, ['high', 'low']);
    await t.close();
  });

  it('refuses a priority outside [1, 100], naming it', async () => {
    const t = setup({});
    await assert.rejects(t.submit('bad', 4, 0), (e: Error & { field?: string }) => e.field === 'priority' && /priority/.test(e.message));
    await assert.rejects(t.submit('bad2', 4, 101), /priority/);
    await t.close();
  });

  it('CLI --priority: checked, and refused without --coordinator (one line, exit 2)', async function () {
    this.timeout(60_000);
    const mi = ['estimate', 'mi', '--data', 'samples/gauss.csv', '--x', 'x', '--y', 'y', '--permutations', '5'];
    assertUsageError(await runCli([...mi, '--priority', '3']), /^infoshard: error: --priority applies to cluster jobs: give --coordinator HOST:PORT/);
    assertUsageError(await runCli([...mi, '--priority', '101', '--coordinator', '127.0.0.1:1']), /--priority must be an integer in \[1, 100\], got '101'/);
    assertUsageError(await runCli([...mi, '--priority', '0', '--coordinator', '127.0.0.1:1']), /--priority must be an integer >= 1, got '0'/);
  });

  describe('policy (fair-share.ts)', () => {
    const run = (id: string, pending: number, inflight: number, weight = 1, msPerShard?: number): JobRun =>
      ({
        stored: { id }, fresh: Array.from({ length: pending }, (_, i) => String(i)), freshHead: 0, retry: [], inflight, weight,
        ...(msPerShard !== undefined ? { msPerShard } : {}),
      }) as unknown as JobRun;

    it('next job: fewest shards in flight per unit of weight, ties to the earlier submission, none without pending shards', () => {
      const a = run('a', 10, 4), b = run('b', 10, 2), c = run('c', 10, 2), done = run('d', 0, 0);
      assert.equal(nextJob([a, b, c, done])!.stored.id, 'b');
      assert.equal(nextJob([a, run('h', 10, 6, 4)])!.stored.id, 'h', '6 in flight at weight 4 is less than 4 at weight 1');
      assert.equal(nextJob([done]), undefined);
    });

    it('batch size: one probe shard until the cost is known, then about batchTargetMs, within the fair share and maxBatch', () => {
      const o = { maxBatch: 256, batchTargetMs: 1000 };
      assert.equal(batchSize(run('a', 1000, 0), [run('a', 1000, 0)], 8, o), 1, 'unknown cost: one shard');
      const known = run('a', 1000, 0, 1, 1);
      assert.equal(batchSize(known, [known], 8, o), Math.ceil(1000 / 16), 'alone: half its pending shards per slot round');
      const slow = run('a', 1000, 0, 1, 200);
      assert.equal(batchSize(slow, [slow], 8, o), 5, '1000 ms / 200 ms per shard');
      const other = run('b', 1000, 0, 3, 10);
      assert.equal(batchSize(known, [known, other], 8, o), Math.ceil(1000 / (2 * 2)), 'weight 1 of 4: a quarter of 8 slots');
      assert.equal(batchSize(run('a', 1e6, 0, 1, 0.01), [run('a', 1e6, 0, 1, 0.01)], 8, o), 256, 'capped by maxBatch');
    });
  });
});
