/**
 * `node dist/bench/analytic-size.js [datasets]`: the size of the analytic χ² test (issue 15) by
 * simulation — the fraction of null datasets with p ≤ 0.05 and ≤ 0.01, and the KS distance of
 * the p-values from uniform — for plug-in MI, plug-in TE and Gaussian CMI / TE, at a sample size
 * where the asymptotics hold and one where they strain (`[datasets] [name filter]`). Prints a Markdown table (docs/info-dynamics.md
 * quotes it). Seeded: the same table every run.
 */
import { openJob } from '../shared/job/pipeline.js';
import type { Job } from '../shared/job/spec.js';
import { stream } from '../shared/rng/index.js';

type Gen = (s: number, n: number) => Job;

const binaryChain = (r: ReturnType<typeof stream>, n: number, stay: number) => {
  const x = new Float64Array(n);
  for (let t = 1; t < n; t++) x[t] = r.nextFloat64() < stay ? x[t - 1]! : 1 - x[t - 1]!;
  return x;
};

const CASES: [string, Gen, number[]][] = [
  ['plugin mi, 3 × 4 levels (df 6)', (s, n) => {
    const r = stream(s, 0, 70);
    const a = Float64Array.from({ length: n }, () => r.nextInt(3)), b = Float64Array.from({ length: n }, () => r.nextInt(4));
    return { measure: 'mi', estimator: 'plugin', x: ['a'], y: ['b'], test: 'analytic', data: { names: ['a', 'b'], columns: [a, b], n } };
  }, [100, 1000]],
  ['plugin te, binary chains, k = 2 (df 4)', (s, n) => {
    const r = stream(s, 0, 71);
    const x = binaryChain(r, n, 0.8), y = binaryChain(r, n, 0.6);
    return { measure: 'te', estimator: 'plugin', x: ['x'], y: ['y'], test: 'analytic', options: { targetHistory: 2 }, data: { names: ['x', 'y'], columns: [x, y], n } };
  }, [200, 2000]],
  ['gaussian cmi, X ⊥ Y given Z (df 1)', (s, n) => {
    const r = stream(s, 0, 72);
    const z = Float64Array.from({ length: n }, () => r.nextGaussian());
    const x = Float64Array.from(z, (v) => 0.8 * v + r.nextGaussian()), y = Float64Array.from(z, (v) => -0.6 * v + r.nextGaussian());
    return { measure: 'cmi', estimator: 'gaussian', x: ['x'], y: ['y'], z: ['z'], test: 'analytic', data: { names: ['x', 'y', 'z'], columns: [x, y, z], n } };
  }, [30, 300]],
  ['gaussian te, independent AR(1) pair, l = 2 (df 2)', (s, n) => {
    const r = stream(s, 0, 73);
    const x = new Float64Array(n), y = new Float64Array(n);
    for (let t = 1; t < n; t++) {
      x[t] = 0.7 * x[t - 1]! + r.nextGaussian();
      y[t] = 0.5 * y[t - 1]! + r.nextGaussian();
    }
    return { measure: 'te', estimator: 'gaussian', x: ['x'], y: ['y'], test: 'analytic', options: { sourceHistory: 2 }, data: { names: ['x', 'y'], columns: [x, y], n } };
  }, [50, 500]],
  ...(['tc', 'dtc'] as const).map((measure): [string, Gen, number[]] => [`gaussian ${measure}, 4 independent variables (df 6)`, (s, n) => {
    const r = stream(s, 0, 74);
    const cols = [0, 1, 2, 3].map(() => Float64Array.from({ length: n }, () => r.nextGaussian()));
    return { measure, estimator: 'gaussian', x: ['a', 'b', 'c', 'd'], test: 'analytic', data: { names: ['a', 'b', 'c', 'd'], columns: cols, n } };
  }, [50, 500]]),
];

export function main(argv: string[]): void {
  const runs = Number(argv[0] ?? 2000);
  // optional second argument: only the cells whose name contains it
  const only = argv[1];
  const lines = [`datasets per cell: ${runs}; 3.5-sd binomial bands: p ≤ 0.05 in ${(0.05 - 3.5 * Math.sqrt(0.0475 / runs)).toFixed(3)}–${(0.05 + 3.5 * Math.sqrt(0.0475 / runs)).toFixed(3)}, p ≤ 0.01 in ${Math.max(0, 0.01 - 3.5 * Math.sqrt(0.0099 / runs)).toFixed(3)}–${(0.01 + 3.5 * Math.sqrt(0.0099 / runs)).toFixed(3)}`, '', '| null model | N | P(p ≤ 0.05) | P(p ≤ 0.01) | KS distance |', '|---|---|---|---|---|'];
  for (const [name, gen, ns] of CASES.filter(([name]) => only === undefined || name.includes(only))) {
    for (const n of ns) {
      const ps: number[] = [];
      for (let s = 0; s < runs; s++) ps.push(openJob(gen(s, n)).finish([], { engine: 'embedded', version: 'bench', totalMs: 0 }).pValue!);
      ps.sort((a, b) => a - b);
      let ks = 0;
      ps.forEach((p, i) => (ks = Math.max(ks, Math.abs(p - (i + 1) / runs), Math.abs(p - i / runs))));
      const frac = (a: number) => (ps.filter((p) => p <= a).length / runs).toFixed(3);
      lines.push(`| ${name} | ${n} | ${frac(0.05)} | ${frac(0.01)} | ${ks.toFixed(3)} |`);
    }
  }
  process.stdout.write(lines.join('\n') + '\n');
}

if (import.meta.url === `file://${process.argv[1]}`) main(process.argv.slice(2));
