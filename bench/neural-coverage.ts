/**
 * `npm run bench -- neural-coverage [--datasets D] [--critics R] [--n N] [--tasks a,b]
 *   [--estimator smile] [--threads T] [--summary]`: coverage of the neural ensemble's intervals,
 * checked by simulation through the engine's own path (createEngine().run with ensemble.critics).
 *
 * For each task, D seeded datasets of N rows; on each, one job with an ensemble of R critics and
 * the default intervals. Reported per interval kind (ensemble t, held-out bootstrap, combined):
 * coverage of (a) the true MI and (b) E[Î_N], the estimator's own expectation at this N and
 * these settings, estimated for dataset d by the mean ensemble estimate over the OTHER datasets
 * (leave-one-out, so a dataset does not pull the target towards itself); mean width; Monte Carlo
 * sd of each coverage √(p(1−p)/D). Also the sd of the ensemble mean across datasets next to the
 * sd each interval assumes (the variance model checked directly).
 *
 * Runs append one JSON line per dataset to bench/results/neural-coverage-runs/<task>-<estimator>-R<R>-N<N>.jsonl
 * and skip datasets already there, so an interrupted run resumes; `--summary` only summarises.
 * Writes bench/results/neural-coverage-<stamp>.{json,md} and neural-coverage-latest.{json,md}.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg } from 'node:os';
import path from 'node:path';
import { createEngine, packageVersion } from '../engine/embedded.js';
import type { Dataset } from '../shared/data/matrix.js';
import type { Job } from '../shared/job/spec.js';
import { drawDataset } from '../shared/resampling/simulate.js';
import { stream } from '../shared/rng/index.js';
import { repoRoot } from './paths.js';

interface Task {
  id: string;
  truth: number;
  d: number;
  rho: number;
}

/** ρ of each of `pairs` correlated pairs so that their MIs add up to `mi`. */
const rhoFor = (mi: number, pairs: number) => Math.sqrt(1 - Math.exp((-2 * mi) / pairs));
const gauss = (id: string, d: number, mi: number): Task => ({ id, d, truth: mi, rho: rhoFor(mi, d) });

/** gauss-1x1: ρ = 0.6 (I = −½ ln 0.64 = 0.2231); gauss-5x5: 10-D, five pairs, I = 1. */
export const COVERAGE_TASKS: Record<string, Task> = {
  'gauss-1x1': { id: 'gauss-1x1', d: 1, rho: 0.6, truth: -0.5 * Math.log(1 - 0.36) },
  'gauss-5x5': gauss('gauss-5x5', 5, 1),
};

function draw(t: Task, n: number, seed: number): Dataset {
  return drawDataset({ kind: 'gaussian', rho: t.rho, dx: t.d, dy: t.d }, n, stream(seed, 0, 62));
}

const cols = (t: Task) => ({
  x: Array.from({ length: t.d }, (_, j) => (t.d === 1 ? 'x' : `x${j}`)),
  y: Array.from({ length: t.d }, (_, j) => (t.d === 1 ? 'y' : `y${j}`)),
});

/** One dataset's ensemble, as recorded. */
export interface CoverageRun {
  dataset: number;
  mean: number;
  sd: number;
  t?: { low: number; high: number };
  heldOut: { low: number; high: number };
  combined?: { low: number; high: number; se: number; df: number };
  critics: { estimate: number; heldOutSe: number; steps: number; bestStep: number }[];
  ms: number;
}

interface Kind {
  kind: string;
  coverTruth: number;
  coverMean: number;
  mcSd: number;
  width: number;
  /** sd of the ensemble mean this interval assumes (half-width / its quantile), mean over datasets. */
  impliedSd?: number;
}

function arg(argv: string[], name: string): string | undefined {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : undefined;
}

export function summarize(task: Task, runs: CoverageRun[]) {
  const D = runs.length;
  const means = runs.map((r) => r.mean);
  const grand = means.reduce((a, b) => a + b, 0) / D;
  const sdAcross = Math.sqrt(means.reduce((a, v) => a + (v - grand) ** 2, 0) / (D - 1));
  const within = Math.sqrt(runs.reduce((a, r) => a + r.sd ** 2, 0) / D);
  const heldSe = Math.sqrt(runs.reduce((a, r) => a + r.critics.reduce((b, c) => b + c.heldOutSe ** 2, 0) / r.critics.length, 0) / D);
  const loo = (d: number) => (grand * D - means[d]!) / (D - 1);
  const kinds: Kind[] = [];
  const add = (kind: string, get: (r: CoverageRun) => { low: number; high: number } | undefined, implied?: (r: CoverageRun) => number) => {
    let ct = 0, cm = 0, w = 0, imp = 0;
    runs.forEach((r, d) => {
      const i = get(r)!;
      if (i.low <= task.truth && task.truth <= i.high) ct++;
      const target = loo(d);
      if (i.low <= target && target <= i.high) cm++;
      w += i.high - i.low;
      if (implied) imp += implied(r);
    });
    const p = cm / D;
    kinds.push({ kind, coverTruth: ct / D, coverMean: p, mcSd: Math.sqrt(Math.max(p * (1 - p), 0.05 * 0.95) / D), width: w / D, ...(implied ? { impliedSd: imp / D } : {}) });
  };
  if (runs.every((r) => r.t)) add('ensemble t', (r) => r.t, (r) => r.sd / Math.sqrt(r.critics.length));
  add('held-out bootstrap', (r) => r.heldOut, (r) => r.critics.reduce((b, c) => b + c.heldOutSe, 0) / r.critics.length);
  if (runs.every((r) => r.combined)) add('combined (data + critics)', (r) => r.combined, (r) => r.combined!.se);
  const steps = runs.flatMap((r) => r.critics.map((c) => c.steps));
  return {
    task: task.id, truth: task.truth, datasets: D, critics: runs[0]?.critics.length ?? 0,
    meanEstimate: grand, bias: grand - task.truth, sdAcrossDatasets: sdAcross, withinSd: within, heldOutSeRms: heldSe,
    meanSteps: steps.reduce((a, b) => a + b, 0) / steps.length, sPerDataset: runs.reduce((a, r) => a + r.ms, 0) / D / 1000,
    kinds,
  };
}

export async function main(argv: string[]): Promise<void> {
  const D = Number(arg(argv, 'datasets') ?? 50);
  const R = Number(arg(argv, 'critics') ?? 5);
  const n = Number(arg(argv, 'n') ?? 1000);
  const threads = Number(arg(argv, 'threads') ?? 2);
  const estimator = arg(argv, 'estimator') ?? 'smile';
  const taskIds = (arg(argv, 'tasks') ?? 'gauss-1x1,gauss-5x5').split(',');
  const options = JSON.parse(arg(argv, 'options') ?? '{}') as Record<string, number>;
  const summaryOnly = argv.includes('--summary');
  const log = (s: string) => process.stderr.write(`${s}\n`);
  const dir = path.join(repoRoot(), 'bench', 'results');
  const runDir = path.join(dir, 'neural-coverage-runs');
  mkdirSync(runDir, { recursive: true });
  const loadStart = loadavg();
  const t0 = performance.now();
  const summaries = [];
  for (const id of taskIds) {
    const task = COVERAGE_TASKS[id];
    if (!task) throw new Error(`--tasks: unknown task ${id} (${Object.keys(COVERAGE_TASKS).join(', ')})`);
    const file = path.join(runDir, `${id}-${estimator}-R${R}-N${n}${Object.keys(options).length ? `-${Object.entries(options).map(([k, v]) => `${k}${v}`).join('-')}` : ''}.jsonl`);
    const runs: CoverageRun[] = existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as CoverageRun) : [];
    const done = new Set(runs.map((r) => r.dataset));
    if (!summaryOnly && done.size < D) {
      const engine = createEngine({ threads });
      try {
        for (let d = 0; d < D; d++) {
          if (done.has(d)) continue;
          const job: Job = { measure: 'mi', estimator, ...cols(task), data: draw(task, n, 1000 + d), seed: 17 + d, options, ensemble: { critics: R } };
          const t = performance.now();
          const res = await engine.run(job);
          const e = res.ensemble!.neural!;
          const run: CoverageRun = {
            dataset: d, mean: e.mean, sd: e.sd,
            ...(e.interval ? { t: { low: e.interval.low, high: e.interval.high } } : {}),
            heldOut: { low: e.heldOut.low, high: e.heldOut.high },
            ...(e.combined ? { combined: { low: e.combined.low, high: e.combined.high, se: e.combined.se, df: e.combined.df } } : {}),
            critics: e.perCritic.map((c) => ({ estimate: c.estimate, heldOutSe: c.heldOutSe, steps: c.steps, bestStep: c.bestStep })),
            ms: performance.now() - t,
          };
          appendFileSync(file, `${JSON.stringify(run)}\n`);
          runs.push(run);
          log(`${id} ${estimator} dataset ${d}: mean ${e.mean.toFixed(4)} sd ${e.sd.toFixed(4)} (${(run.ms / 1000).toFixed(1)} s, load ${loadavg()[0]!.toFixed(1)})`);
        }
      } finally {
        await engine.close();
      }
    }
    const use = runs.filter((r) => r.dataset < D).sort((a, b) => a.dataset - b.dataset);
    if (use.length >= 3) summaries.push({ ...summarize(task, use), estimator, n, options });
  }

  const startedAt = new Date().toISOString();
  const report = {
    kind: 'neural-coverage', version: packageVersion(), startedAt, wallS: Math.round((performance.now() - t0) / 100) / 10, threads,
    machine: { cpus: availableParallelism(), model: cpus()[0]?.model ?? '?', node: process.version, loadavgStart: loadStart, loadavgEnd: loadavg() },
    summaries,
  };
  const f = (v: number) => v.toFixed(3);
  const pct = (v: number) => `${(100 * v).toFixed(0)}%`;
  const md = [
    `# Coverage of the neural ensemble intervals (${startedAt})`,
    '',
    `Machine: ${report.machine.cpus} cores, Node ${process.version}; load average ${loadStart.map((v) => v.toFixed(1)).join(' ')} at start. Each row: D datasets of N rows, one engine.run per dataset with an ensemble of R critics (embedded engine, ${threads} threads), default intervals (95%).`,
    '',
    ...summaries.flatMap((s) => [
      `## ${s.task}, ${s.estimator}, N = ${s.n}, R = ${s.critics}, D = ${s.datasets}${Object.keys(s.options).length ? `, options ${JSON.stringify(s.options)}` : ''}`,
      '',
      `Truth ${f(s.truth)}; E[Î_N] ≈ ${f(s.meanEstimate)} (bias ${f(s.bias)}); sd of the ensemble mean across datasets ${f(s.sdAcrossDatasets)}; within-dataset critic sd (rms) ${f(s.withinSd)}; held-out bootstrap se (rms) ${f(s.heldOutSeRms)}; mean steps per critic ${s.meanSteps.toFixed(0)}; ${s.sPerDataset.toFixed(1)} s per dataset.`,
      '',
      '| interval | covers truth | covers E[Î_N] | MC sd | mean width | sd it assumes |',
      '|---|---|---|---|---|---|',
      ...s.kinds.map((k) => `| ${k.kind} | ${pct(k.coverTruth)} | ${pct(k.coverMean)} | ${pct(k.mcSd)} | ${f(k.width)} | ${k.impliedSd !== undefined ? f(k.impliedSd) : ''} |`),
      '',
    ]),
    '- E[Î_N] for dataset d is the mean ensemble estimate over the other D − 1 datasets.',
    '- "sd it assumes": ensemble t: s/√R; held-out: the critics\' mean bootstrap se (the interval is about ±1.96 of it); combined: its standard error. Compare with the sd of the ensemble mean across datasets.',
    '- MC sd = √(p(1−p)/D) (at least √(0.95·0.05/D)).',
    '',
  ].join('\n');
  const stamp = startedAt.replace(/[:.]/g, '-');
  for (const name of [`neural-coverage-${stamp}`, 'neural-coverage-latest']) {
    writeFileSync(path.join(dir, `${name}.json`), `${JSON.stringify(report, null, 2)}\n`);
    writeFileSync(path.join(dir, `${name}.md`), md);
  }
  process.stdout.write(`${md}\nwritten to ${path.join(dir, 'neural-coverage-latest.{json,md}')}\n`);
}
