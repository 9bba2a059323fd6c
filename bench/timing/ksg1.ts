/**
 * Timing script (not a test): ksg1 on 2-D Gaussian data (ρ = 0.6), k = 3, one thread.
 * Run: npx tsx test/knn/time-ksg1.ts   (or node dist/bench/timing/ksg1.js after a build)
 */
import { ksg1 } from '../../shared/estimators/index.js';
import { stream } from '../../shared/rng/index.js';

for (const n of [10_000, 100_000]) {
  const r = stream(1, 0);
  const x = new Float64Array(n), y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const a = r.nextGaussian(), b = r.nextGaussian();
    x[i] = a;
    y[i] = 0.6 * a + 0.8 * b;
  }
  const times: number[] = [];
  let v = 0;
  for (let rep = 0; rep < 5; rep++) {
    const t = performance.now();
    v = ksg1({ n, d: 1, data: x }, { n, d: 1, data: y }, 3);
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  console.log(JSON.stringify({ n, estimate: v, minMs: +times[0]!.toFixed(1), medianMs: +times[2]!.toFixed(1) }));
}
