/**
 * Micro timing of the kNN hot paths (not a test): ksg1 single estimates (2-D at N = 1e4, 1e5;
 * 5-D X at N = 1e4), a permutation, a subsample (m = N/2) and an iid bootstrap replicate at
 * N = 1e4, one thread (replicate cases report time per replicate).
 * Best of several runs (the machine is shared). Prints one JSON line per case, with the
 * estimate so that before/after runs can be compared bit for bit.
 * Run: npx tsx bench/micro/knn.ts [reps]
 */
import { gatherRows, type Matrix } from '../../shared/data/matrix.js';
import { createPermutationContext, estimate, estimateOnRows } from '../../shared/estimators/index.js';
import { permutation, stream } from '../../shared/rng/index.js';

const reps = Number(process.argv[2] ?? 7);

function gauss(n: number, dx: number, seed: number): { x: Matrix; y: Matrix } {
  const r = stream(seed, 0);
  const x = new Float64Array(n * dx), y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < dx; j++) { const a = r.nextGaussian(); x[i * dx + j] = a; s += a; }
    y[i] = (0.6 * s) / Math.sqrt(dx) + 0.8 * r.nextGaussian();
  }
  return { x: { n, d: dx, data: x }, y: { n, d: 1, data: y } };
}

function time(name: string, f: (rep: number) => number, per = 1): void {
  const ms: number[] = [];
  let v = 0;
  for (let rep = 0; rep < reps; rep++) {
    const t = performance.now();
    v = f(rep);
    ms.push(performance.now() - t);
  }
  ms.sort((a, b) => a - b);
  console.log(JSON.stringify({ case: name, value: v, bestMs: +(ms[0]! / per).toFixed(2), medianMs: +(ms[ms.length >> 1]! / per).toFixed(2) }));
}

for (const n of [10_000, 100_000]) {
  const input = gauss(n, 1, 1);
  time(`ksg1 2-D N=${n}`, () => estimate('mi', 'ksg1', input, { k: 3 }));
}
{
  const input = gauss(10_000, 5, 2);
  time('ksg1 5-D X N=10000', () => estimate('mi', 'ksg1', input, { k: 3 }));
}
{
  const n = 10_000;
  const input = gauss(n, 1, 3);
  const ctx = createPermutationContext('mi', 'ksg1', input, { k: 3 });
  const perms = Array.from({ length: 20 }, (_, r) => permutation(n, stream(5, r, 3)));
  time('ksg1 permutation replicate N=10000 (per replicate, 20 per run)', () => {
    let s = 0;
    for (const p of perms) s += ctx.estimate(p);
    return s;
  }, perms.length);
  const subs = perms.map((p) => p.subarray(0, n / 2));
  time('ksg1 subsample replicate m=N/2, N=10000 (per replicate, 20 per run)', () => {
    let s = 0;
    for (const idx of subs) s += estimate('mi', 'ksg1', { x: gatherRows(input.x, idx), y: gatherRows(input.y, idx) }, { k: 3 });
    return s;
  }, subs.length);
  time('ksg1 subsample replicate via estimateOnRows (per replicate, 20 per run)', () => {
    let s = 0;
    for (const idx of subs) s += estimateOnRows('mi', 'ksg1', input, { k: 3 }, idx);
    return s;
  }, subs.length);
  // iid bootstrap: n rows drawn with replacement (rows repeated)
  const boots = Array.from({ length: 20 }, (_, r) => {
    const g = stream(7, r, 3);
    return Int32Array.from({ length: n }, () => g.nextUint32() % n);
  });
  time('ksg1 iid bootstrap replicate N=10000 (per replicate, 20 per run)', () => {
    let s = 0;
    for (const idx of boots) s += estimate('mi', 'ksg1', { x: gatherRows(input.x, idx), y: gatherRows(input.y, idx) }, { k: 3 });
    return s;
  }, boots.length);
  time('ksg1 iid bootstrap replicate via estimateOnRows (per replicate, 20 per run)', () => {
    let s = 0;
    for (const idx of boots) s += estimateOnRows('mi', 'ksg1', input, { k: 3 }, idx);
    return s;
  }, boots.length);
}
