/**
 * Timing script (not a test): wall time of bootstrap B = 1000 and permutations P = 1000 for ksg1
 * at N = 10,000 (2-D Gaussian, ρ = 0.6) on the embedded engine with 1 and 2 threads, and the
 * saving from reusing the permutation context (marginal structures) within a shard.
 * Run: npx tsc -p . && node dist/bench/timing/resampling.js [N] [B]
 */
import { createEngine } from '../../engine/embedded.js';
import { executeShard } from '../../shared/job/execute.js';
import { prepareJob } from '../../shared/job/prepare.js';
import type { Job } from '../../shared/job/spec.js';
import { stream } from '../../shared/rng/index.js';

const N = Number(process.argv[2] ?? 10_000);
const R = Number(process.argv[3] ?? 1000);
const rng = stream(1, 0);
const x = new Float64Array(N), y = new Float64Array(N);
for (let i = 0; i < N; i++) {
  x[i] = rng.nextGaussian();
  y[i] = 0.6 * x[i]! + 0.8 * rng.nextGaussian();
}
const data = { names: ['x', 'y'], columns: [x, y], n: N };
const base: Job = { measure: 'mi', estimator: 'ksg1', k: 3, x: ['x'], y: ['y'], data, seed: 7 };

async function time(label: string, job: Job, threads: number): Promise<void> {
  const e = createEngine({ threads });
  try {
    const t = performance.now();
    const r = await e.run(job);
    const ms = performance.now() - t;
    console.log(JSON.stringify({ label, N, threads, wallMs: Math.round(ms), estimateMs: Math.round(r.timings.estimateMs), resampleMs: Math.round(r.timings.resampleMs ?? 0), ci: r.ci, pValue: r.pValue }));
  } finally {
    await e.close();
  }
}

for (const threads of [1, 2]) {
  await time(`bootstrap ${R} (subsample m = N/2, percentile)`, { ...base, bootstrap: { replicates: R } }, threads);
  await time(`permutations ${R}`, { ...base, permutation: { shuffles: R } }, threads);
}

// permutation context reuse vs rebuilding everything per replicate: one thread, the same
// replicates, the two modes interleaved in alternating order so machine load hits both alike
const p = prepareJob({ ...base, permutation: { shuffles: 1000 } });
const tot = { reuse: 0, rebuild: 0 };
let identical = true;
for (let rep = 0; rep < 6; rep++) {
  const shard = { jobId: 'j', shardId: `permutation:${rep * 30}-${rep * 30 + 30}`, workload: 'permutation' as const, r0: rep * 30, r1: rep * 30 + 30 };
  const out: Record<string, Float64Array> = {};
  for (const mode of rep % 2 ? (['reuse', 'rebuild'] as const) : (['rebuild', 'reuse'] as const)) {
    const t = performance.now();
    out[mode] = executeShard(p, shard, { reuseContext: mode === 'reuse' }).values;
    tot[mode] += performance.now() - t;
  }
  identical &&= out.reuse!.every((v, i) => v === out.rebuild![i]);
}
console.log(JSON.stringify({ label: 'permutation context', N, replicates: 180, reuseMsPerReplicate: +(tot.reuse / 180).toFixed(2), rebuildMsPerReplicate: +(tot.rebuild / 180).toFixed(2), saving: +(1 - tot.reuse / tot.rebuild).toFixed(3), identicalValues: identical }));
