/**
 * `npm run truth-interval [-- --datasets D --bootstrap B --cells 0,1,2 --seed S]`: coverage of the
 * truth-target interval (`bootstrap.target: 'truth'`, shared/resampling/truth-interval.ts) on the
 * engine's own code path (simulate), next to the default mean-target normal interval from the
 * same replicates. Cells: 5-D X / 2-D Y ρ = 0.6 N = 1000 (issue 10's stretch), 2-D ρ = 0.6 and
 * 0.9 at N = 500. Writes bench/results/truth-interval-<stamp>.jsonl, one record per cell, as each
 * finishes (quoted in docs/intervals.md).
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { simulate, type Generator } from '../shared/resampling/simulate.js';
import { repoRoot } from './paths.js';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const CELLS: { generator: Generator; n: number }[] = [
  { generator: { kind: 'gaussian', rho: 0.6, dx: 5, dy: 2 }, n: 1000 },
  { generator: { kind: 'gaussian', rho: 0.6 }, n: 500 },
  { generator: { kind: 'gaussian', rho: 0.9 }, n: 500 },
];
const datasets = Number(arg('datasets') ?? 100);
const bootstrap = Number(arg('bootstrap') ?? 100);
const seed = Number(arg('seed') ?? 0);
const pick = arg('cells')?.split(',').map(Number) ?? CELLS.map((_, i) => i);
const dir = path.join(repoRoot(), 'bench', 'results');
mkdirSync(dir, { recursive: true });
const out = path.join(dir, `truth-interval-${new Date().toISOString().replace(/[:.]/g, '-')}.jsonl`);
for (const i of pick) {
  const cell = CELLS[i]!;
  const t0 = performance.now();
  const r = simulate({
    generator: cell.generator,
    n: cell.n,
    datasets,
    seed,
    job: { estimator: 'ksg1', k: 3, bootstrap: { replicates: bootstrap, target: 'truth' } },
  });
  const mc = (p: number) => Math.sqrt((p * (1 - p)) / datasets);
  const t = r.truthTarget!, m = r.byMethod![0]!;
  const rec = {
    cell: i, generator: cell.generator, n: cell.n, datasets, bootstrap, seed, truth: r.truth, meanEstimate: r.meanEstimate, sdEstimate: r.sdEstimate,
    biasOverSd: r.bias / r.sdEstimate,
    truthTarget: { ...t, coverageMcSd: mc(t.coverage) },
    meanTarget: { ...m, coverageMcSd: mc(m.coverage) },
    wallS: (performance.now() - t0) / 1000,
  };
  appendFileSync(out, JSON.stringify(rec) + '\n');
  console.error(JSON.stringify(rec));
}
