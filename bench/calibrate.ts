/**
 * `npm run calibrate [-- --datasets D --bootstrap B --quick | --estimators --cells i,j --methods percentile,normal]`: the CI calibration
 * study of issue 10 on the engine's own code path (shared/resampling/calibrate.ts), one cell
 * after another on this thread. Writes bench/results/calibration-<stamp>.json (one record per
 * cell, written as each finishes) and .md (the coverage table quoted in docs/intervals.md).
 */
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { calibrate, coverageTable, describeGenerator, estimatorGrid, issueGrid, quickGrid } from '../shared/resampling/calibrate.js';
import type { CiMethod } from '../shared/job/spec.js';
import type { SimulateResult } from '../shared/resampling/simulate.js';
import { repoRoot } from './paths.js';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const datasets = Number(arg('datasets') ?? 200);
const bootstrap = Number(arg('bootstrap') ?? 200);
const grid = process.argv.includes('--quick') ? quickGrid() : process.argv.includes('--estimators') ? estimatorGrid() : issueGrid();
const pick = arg('cells')?.split(',').map(Number);
const cells = pick ? pick.map((i) => grid[i]!) : grid;
const dir = path.join(repoRoot(), 'bench', 'results');
mkdirSync(dir, { recursive: true });
const stamp = new Date().toISOString().replace(/[:.]/g, '-');
const jsonPath = path.join(dir, `calibration-${stamp}.jsonl`);
const t0 = performance.now();
const rows: SimulateResult[] = calibrate({
  cells,
  datasets,
  bootstrap,
  seed: Number(arg('seed') ?? 0),
  ...(arg('methods') ? { methods: arg('methods')!.split(',') as CiMethod[] } : {}),
  onCell: (r) => {
    const plain = Object.fromEntries(Object.entries(r).filter(([, v]) => !ArrayBuffer.isView(v)));
    appendFileSync(jsonPath, JSON.stringify({ ...plain, bootstrap, wallS: (performance.now() - t0) / 1000 }) + '\n');
    console.error(`${describeGenerator(r.generator)} N=${r.n}: ${r.byMethod!.map((m) => `${m.method} ${(100 * m.coverageOfMean).toFixed(1)}%`).join(', ')} (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
  },
});
const md = `k = 3, ${datasets} datasets per cell, B = ${bootstrap}, default subsample m, level 0.95\n\n` + coverageTable(rows);
writeFileSync(jsonPath.replace(/\.jsonl$/, '.md'), md);
process.stdout.write(md);
