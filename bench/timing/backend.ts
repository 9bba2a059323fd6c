/**
 * Timing script (not a test): time per replicate of a ksg1 permutation job (k = 3, 2-D
 * Gaussian, ρ = 0.6) on the embedded engine with backend cpu, gpu and auto, N = 2,000 and
 * 10,000, and whether the three give the same null distribution. 'auto' includes its one-off
 * calibration (its first batch in each thread), which is what a CI job pays.
 * Run: npx tsc -p . && node dist/bench/timing/backend.js [threads] [P at 2k] [P at 10k]
 */
import { createEngine } from '../../engine/embedded.js';
import type { Job, JobResult } from '../../shared/job/spec.js';
import { stream } from '../../shared/rng/index.js';

const threads = Number(process.argv[2] ?? 1);
const P: Record<number, number> = { 2000: Number(process.argv[3] ?? 128), 10000: Number(process.argv[4] ?? 32) };

function data(N: number): Job['data'] {
  const rng = stream(1, 0);
  const x = new Float64Array(N), y = new Float64Array(N);
  for (let i = 0; i < N; i++) {
    x[i] = rng.nextGaussian();
    y[i] = 0.6 * x[i]! + 0.8 * rng.nextGaussian();
  }
  return { names: ['x', 'y'], columns: [x, y], n: N };
}

for (const N of [2000, 10000]) {
  const d = data(N);
  const nulls: Record<string, Float64Array> = {};
  for (const backend of ['cpu', 'gpu', 'auto'] as const) {
    const e = createEngine({ threads });
    try {
      const t = performance.now();
      const r: JobResult = await e.run({ measure: 'mi', estimator: 'ksg1', k: 3, x: ['x'], y: ['y'], data: d, seed: 7, backend, permutation: { shuffles: P[N]! } });
      const wall = performance.now() - t;
      nulls[backend] = r.nullDistribution!;
      console.log(JSON.stringify({
        N, threads, backend, replicates: P[N], ran: r.provenance.backend,
        msPerReplicate: +((r.timings.resampleMs ?? 0) / P[N]!).toFixed(2), wallMs: Math.round(wall),
        sameNullAsCpu: Buffer.compare(Buffer.from(nulls.cpu!.buffer), Buffer.from(r.nullDistribution!.buffer)) === 0,
      }));
    } finally {
      await e.close();
    }
  }
}
