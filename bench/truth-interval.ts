/**
 * `npm run truth-interval [-- --datasets D --bootstrap B --cells 0,1,2 --seed S]`: coverage of the
 * truth-target interval (`bootstrap.target: 'truth'`, shared/resampling/truth-interval.ts) on the
 * engine's own code path (simulate), next to the default mean-target normal interval from the
 * same replicates. Cells: 5-D X / 2-D Y ρ = 0.6 N = 1000 (issue 10's stretch), 2-D ρ = 0.6 and
 * 0.9 at N = 500. Dataset d of a cell is `simulate` with one dataset and seed S + d, and the cells
 * take turns dataset by dataset, so an interrupted run still has every cell at about the same D.
 * Writes bench/results/truth-interval-<stamp>.jsonl: one line per dataset and cell, and a
 * summary line per cell at the end (quoted in docs/intervals.md); `--summarize FILE` re-reads one.
 */
import { appendFileSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { simulate, type Generator } from '../shared/resampling/simulate.js';
import { ndtri } from '../shared/stats/normal.js';
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

interface Row { cell: number; d: number; truth: number; estimate: number; truthLow: number; truthHigh: number; meanLow: number; meanHigh: number; centre: number }

function summarize(rows: Row[], cell: number) {
  const r = rows.filter((x) => x.cell === cell);
  const D = r.length;
  if (D < 2) return undefined;
  const truth = r[0]!.truth;
  const mean = r.reduce((s, x) => s + x.estimate, 0) / D;
  const sd = Math.sqrt(r.reduce((s, x) => s + (x.estimate - mean) ** 2, 0) / (D - 1));
  const cMean = r.reduce((s, x) => s + x.centre, 0) / D;
  const sdCentre = Math.sqrt(r.reduce((s, x) => s + (x.centre - cMean) ** 2, 0) / (D - 1));
  const ideal = 2 * ndtri(0.975) * sd;
  const cov = (lo: keyof Row, hi: keyof Row, v: number) => r.filter((x) => (x[lo] as number) <= v && v <= (x[hi] as number)).length / D;
  const width = (lo: keyof Row, hi: keyof Row) => r.reduce((s, x) => s + (x[hi] as number) - (x[lo] as number), 0) / D;
  const mc = (p: number) => Math.sqrt((p * (1 - p)) / D);
  const tCov = cov('truthLow', 'truthHigh', truth), tMean = cov('truthLow', 'truthHigh', mean);
  const mCov = cov('meanLow', 'meanHigh', truth), mMean = cov('meanLow', 'meanHigh', mean);
  return {
    summary: true, cell, generator: CELLS[cell]!.generator, n: CELLS[cell]!.n, datasets: D, truth, meanEstimate: mean, sdEstimate: sd, biasOverSd: (mean - truth) / sd,
    centreBias: cMean - truth, sdCentre, centreBiasOverSdCentre: (cMean - truth) / sdCentre,
    truthTarget: { coverage: tCov, coverageMcSd: mc(tCov), coverageOfMean: tMean, widthOverIdeal: width('truthLow', 'truthHigh') / ideal, widthOverOracle: width('truthLow', 'truthHigh') / (2 * ndtri(0.975) * sdCentre) },
    meanTarget: { coverage: mCov, coverageOfMean: mMean, coverageOfMeanMcSd: mc(mMean), widthOverIdeal: width('meanLow', 'meanHigh') / ideal },
  };
}

const toSummarize = arg('summarize');
if (toSummarize) {
  const rows = readFileSync(toSummarize, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Row & { summary?: true }).filter((x) => !x.summary);
  for (const c of new Set(rows.map((x) => x.cell))) console.log(JSON.stringify(summarize(rows, c)));
} else {
  const datasets = Number(arg('datasets') ?? 100);
  const bootstrap = Number(arg('bootstrap') ?? 50);
  const seed = Number(arg('seed') ?? 0);
  const pick = arg('cells')?.split(',').map(Number) ?? CELLS.map((_, i) => i);
  const dir = path.join(repoRoot(), 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const out = path.join(dir, `truth-interval-${new Date().toISOString().replace(/[:.]/g, '-')}.jsonl`);
  const rows: Row[] = [];
  for (let d = 0; d < datasets; d++) {
    for (const cell of pick) {
      const c = CELLS[cell]!;
      const r = simulate({ generator: c.generator, n: c.n, datasets: 1, seed: seed + d, job: { estimator: 'ksg1', k: 3, bootstrap: { replicates: bootstrap, target: 'truth' } } });
      const truthLow = r.truthLow![0]!, truthHigh = r.truthHigh![0]!;
      const row: Row = { cell, d, truth: r.truth, estimate: r.estimates[0]!, truthLow, truthHigh, meanLow: r.ciLow![0]!, meanHigh: r.ciHigh![0]!, centre: (truthLow + truthHigh) / 2 };
      rows.push(row);
      appendFileSync(out, JSON.stringify({ ...row, bootstrap }) + '\n');
    }
  }
  for (const cell of pick) {
    const s = summarize(rows, cell);
    appendFileSync(out, JSON.stringify(s) + '\n');
    console.error(JSON.stringify(s));
  }
}
