/**
 * Fair-sharing benchmark (not a test): job latency when many jobs of mixed sizes arrive at once.
 *
 *   npx tsc -p . && node dist/bench/fairness.js [--long 4] [--short 12] [--workers 4] [--threads 4] [--ms 20]
 *
 * The real scheduler (coordinator/scheduler.ts) with in-process fake workers whose every shard
 * takes `--ms` ms: `--long` jobs of 1000 shards and `--short` jobs of 40, submitted interleaved
 * at t = 0 (long first). Reports each class's latency (submission to result) next to the best
 * that strict submission order (the scheduler before issue 13) could do: job i done when all
 * work submitted before it is, spread perfectly over every slot. Prints one JSON object.
 */
import { GrpcDiscovery } from '../cluster/discovery.js';
import { MemoryEventPublisher } from '../coordinator/events.js';
import { Scheduler, type JobCore, type RunShardsCall, type WorkerLink } from '../coordinator/scheduler.js';
import { MemoryJobStore } from '../coordinator/store.js';
import type { JobResult, JobSpec } from '../shared/job/spec.js';
import type { ShardRequest } from '../shared/job/shard.js';

function arg(name: string, def: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
}

const nLong = arg('long', 4), nShort = arg('short', 12), workers = arg('workers', 4), threads = arg('threads', 4), ms = arg('ms', 20);
const LONG = 1000, SHORT = 40;

const core: JobCore = {
  async prepare(spec) {
    const shards = (spec.x as unknown[]).length;
    return {
      plan: () => Array.from({ length: shards }, (_, r) => ({ workload: 'permutation' as const, r0: r, r1: r + 1 })),
      async finish() {
        return { provenance: {} } as unknown as JobResult;
      },
    };
  },
};

class TimedLink implements WorkerLink {
  async ensureDataset(): Promise<void> {}
  forgetDataset(): void {}
  runShards(req: { shards: ShardRequest[] }): RunShardsCall {
    let t: NodeJS.Timeout;
    const result = new Promise<Map<string, Float64Array>>((resolve) => {
      t = setTimeout(() => resolve(new Map(req.shards.map((s) => [s.shardId, Float64Array.of(s.r0)]))), ms * req.shards.length);
    });
    return { result, cancel: () => clearTimeout(t) };
  }
  async cancelJob(): Promise<void> {}
  close(): void {}
}

const median = (a: number[]) => {
  const s = [...a].sort((x, y) => x - y);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

async function main(): Promise<void> {
  const discovery = new GrpcDiscovery({ expireMs: 600_000 });
  const sched = new Scheduler(core, new MemoryJobStore(), discovery, new MemoryEventPublisher(), () => new TimedLink(), { shardSize: 1 });
  for (let i = 0; i < workers; i++) discovery.seen({ id: `w${i}`, address: `fake:${i}`, threads, version: 'bench' }, true);
  // interleave: one long job after every nShort/nLong short ones, a long one first
  const sizes: number[] = [];
  for (let i = 0, s = 0; i < nLong; i++) {
    sizes.push(LONG);
    for (let k = 0; k < Math.ceil(nShort / nLong) && s < nShort; k++, s++) sizes.push(SHORT);
  }
  const t0 = performance.now();
  const latencies = await Promise.all(
    sizes.map(async (size, i) => {
      const id = `job${i}`;
      await sched.submit({ measure: 'mi', x: new Array(size).fill(0) } as unknown as JobSpec, { names: [], columns: [], n: 0 }, 'h', id);
      await sched.waitFor(id, 3_600_000);
      return performance.now() - t0;
    }),
  );
  const slots = workers * threads;
  let before = 0;
  const fifo = sizes.map((size) => ((before += size) * ms) / slots);
  const by = (size: number, xs: number[]) => xs.filter((_, i) => sizes[i] === size);
  const r = (x: number) => Math.round(x);
  console.log(JSON.stringify({
    setup: { longJobs: nLong, shortJobs: nShort, longShards: LONG, shortShards: SHORT, msPerShard: ms, slots },
    fairShare: { medianMs: r(median(latencies)), shortMedianMs: r(median(by(SHORT, latencies))), longMedianMs: r(median(by(LONG, latencies))), makespanMs: r(Math.max(...latencies)) },
    idealSubmissionOrder: { medianMs: r(median(fifo)), shortMedianMs: r(median(by(SHORT, fifo))), longMedianMs: r(median(by(LONG, fifo))), makespanMs: r(Math.max(...fifo)) },
    counters: sched.counters,
    latencies: latencies.map((l, i) => `${sizes[i]}:${r(l)}`),
  }, null, 2));
  await sched.close();
  await discovery.close();
}

await main();
