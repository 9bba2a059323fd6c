/**
 * `npm run calibrate [-- --datasets D --bootstrap B --quick | --estimators --cells i,j --methods percentile,normal --threads T --seed S]`:
 * the CI calibration study of issue 10 on the engine's own code path (shared/resampling/calibrate.ts),
 * run as one simulation job on the embedded thread pool (shared/job/simulation.ts; all cores by
 * default, the same bytes as the sequential path). Writes bench/results/calibration-<stamp>/:
 * table.md (the coverage table quoted in docs/intervals.md), results.jsonl (one record per cell),
 * coverage.svg and coverage.png (coverage per cell and method with the Monte Carlo band).
 */
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { createEngine } from '../engine/embedded.js';
import { calibrateOn, coverageTable, describeGenerator, estimatorGrid, issueGrid, quickGrid } from '../shared/resampling/calibrate.js';
import type { CiMethod } from '../shared/job/spec.js';
import { writeCalibration } from '../report/index.js';
import { repoRoot } from './paths.js';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const datasets = Number(arg('datasets') ?? 200);
const bootstrap = Number(arg('bootstrap') ?? 200);
const threads = Number(arg('threads') ?? availableParallelism());
const seed = Number(arg('seed') ?? 0);
const grid = process.argv.includes('--quick') ? quickGrid() : process.argv.includes('--estimators') ? estimatorGrid() : issueGrid();
const pick = arg('cells')?.split(',').map(Number);
const cells = pick ? pick.map((i) => grid[i]!) : grid;
const stamp = new Date().toISOString().replace(/[:.]/g, '-');
const dir = path.join(repoRoot(), 'bench', 'results', `calibration-${stamp}`);
const t0 = performance.now();
const engine = createEngine({ threads });
let lastPct = -1;
const rows = await calibrateOn(
  engine,
  { cells, datasets, bootstrap, seed, ...(arg('methods') ? { methods: arg('methods')!.split(',') as CiMethod[] } : {}) },
  {
    onProgress: (p) => {
      const pct = Math.floor((100 * p.datasetsDone) / p.datasetsTotal);
      if (pct === lastPct) return;
      lastPct = pct;
      console.error(`calibrate: ${p.datasetsDone}/${p.datasetsTotal} datasets (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
    },
  },
).finally(() => engine.close());
const wallS = (performance.now() - t0) / 1000;
for (const r of rows) console.error(`${describeGenerator(r.generator)} N=${r.n}: ${r.byMethod!.map((m) => `${m.method} ${(100 * m.coverageOfMean).toFixed(1)}%`).join(', ')}`);
const header = `k = 3, ${datasets} datasets per cell, B = ${bootstrap}, seed ${seed}, default subsample m, level 0.95 (${threads} threads, ${wallS.toFixed(0)} s)`;
await writeCalibration(dir, rows, header, { bootstrap, seed, threads, wallS });
process.stdout.write(`${header}\n\n${coverageTable(rows)}\nwritten to ${dir}\n`);
