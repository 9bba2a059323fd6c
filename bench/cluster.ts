/**
 * Cluster dispatch benchmark (not a test): how many trivial shards one coordinator sustains,
 * the dispatch overhead per shard, and the bytes each shard puts on the wire.
 *
 *   npx tsc -p . && node dist/bench/cluster.js [--shards 100000] [--workers 2] [--threads 4] [--max-batch 256]
 *
 * A real coordinator (gRPC server, scheduler, memory store) and real Worker gRPC servers on
 * loopback, all in this process; the job maths are replaced by no-ops (one replicate per shard,
 * value = r) so only the cluster machinery is measured. Sharing one event loop between the
 * coordinator and its workers makes the figures pessimistic. Prints one JSON object.
 */
import { connectCluster } from '../coordinator/client.js';
import { startCoordinator } from '../coordinator/server.js';
import type { JobCore } from '../coordinator/scheduler.js';
import type { JobResult } from '../shared/job/spec.js';
import type { ShardRunner } from '../worker/server.js';
import { startWorker } from '../worker/process.js';
import { loadProto, PROTOCOL_VERSION } from '../cluster/wire.js';

function arg(name: string, def: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
}

const shards = arg('shards', 100_000);
const workers = arg('workers', 2);
const threads = arg('threads', 4);
const maxBatch = arg('max-batch', 256);

/** P shards of one replicate each; finish returns the values so they can be checked. */
const trivialCore: JobCore = {
  async prepare() {
    return {
      plan: () => Array.from({ length: shards }, (_, r) => ({ workload: 'permutation' as const, r0: r, r1: r + 1 })),
      async finish(partials) {
        const v = new Float64Array(shards);
        for (const p of partials) v.set(p.values, p.r0);
        return {
          measure: 'mi', estimator: 'noop', k: null, n: 0, estimate: 0, units: 'nats', normalize: false, seed: 0,
          replicates: { permutation: shards }, nullDistribution: v, warnings: [], timings: { estimateMs: 0, totalMs: 0 },
          provenance: { version: '0', dataHash: '', engine: 'cluster' },
        } satisfies JobResult;
      },
    };
  },
};

const noopRunner: ShardRunner = {
  threads,
  async run(_job, s) {
    return s.map((x) => Float64Array.of(x.r0));
  },
  activeTasks: () => 0,
  async close() {},
};

async function main(): Promise<void> {
  const coord = await startCoordinator({ listen: '127.0.0.1:0', core: trivialCore, maxBatch, shardSize: 1, shardDeadlineMs: 60_000 });
  const ws = await Promise.all(
    Array.from({ length: workers }, () => startWorker({ coordinator: `127.0.0.1:${coord.port}`, runner: noopRunner, log: () => {} })),
  );
  while (coord.scheduler.listWorkers().length < workers) await new Promise((r) => setTimeout(r, 20));
  const engine = await connectCluster(`127.0.0.1:${coord.port}`);
  const data = { names: ['x', 'y'], columns: [Float64Array.of(1, 2, 3), Float64Array.of(3, 1, 2)], n: 3 };
  const job = { measure: 'mi' as const, estimator: 'noop', x: ['x'], y: ['y'], data };

  // warm-up (JIT, connections, dataset upload), then the measured run
  await engine.run(job);
  const c0 = { ...coord.scheduler.counters };
  const t0 = performance.now();
  const r = await engine.run(job);
  const ms = performance.now() - t0;
  const c1 = coord.scheduler.counters;
  for (let i = 0; i < shards; i++) if (r.nullDistribution![i] !== i) throw new Error(`replicate ${i} wrong`);
  const batches = c1.batches - c0.batches;
  const avgBatch = shards / batches;

  // bytes on the wire per shard, from the real serializers at the observed batch size
  const { Worker } = loadProto();
  const def = Worker.service['RunShards']!;
  const b = Math.round(avgBatch);
  const req = def.requestSerialize({
    protocol_version: PROTOCOL_VERSION, job_id: '3f2b0c7e-6a41-4f0e-9a55-0d4e1d1c2b3a', spec_json: JSON.stringify({ measure: 'mi', estimator: 'ksg1', x: ['x'], y: ['y'], permutation: { shuffles: shards } }),
    data_hash: 'f'.repeat(64), shards: Array.from({ length: b }, (_, i) => ({ shard_id: `permutation:${50_000 + i}-${50_001 + i}`, workload: 'permutation', r0: 50_000 + i, r1: 50_001 + i })),
  }).length;
  const res = def.responseSerialize({ results: Array.from({ length: b }, (_, i) => ({ shard_id: `permutation:${50_000 + i}-${50_001 + i}`, values: Buffer.alloc(8) })) }).length;

  console.log(JSON.stringify({
    shards, workers, threadsPerWorker: threads, maxBatch,
    wallMs: Math.round(ms),
    shardsPerSecond: Math.round(shards / (ms / 1000)),
    dispatchOverheadMsPerShard: Number((ms / shards).toFixed(4)),
    runShardsCalls: batches,
    avgShardsPerCall: Number(avgBatch.toFixed(1)),
    bytesPerShard: { request: Number((req / b).toFixed(1)), response: Number((res / b).toFixed(1)), replicateValue: 8 },
  }, null, 2));
  await engine.close();
  await Promise.all(ws.map((w) => w.close()));
  await coord.close();
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
