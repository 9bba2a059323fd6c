/**
 * `npm run bench -- neural [--quick] [--n N] [--datasets D] [--critics R]`: the neural MI
 * estimators next to ksg1 on tasks with known MI (as in the bmi benchmark, Czyż et al., NeurIPS
 * 2023), and the time per critic on 1 vs 2 threads and 1 vs 2 worker processes.
 *
 * Tasks (truth in nats; invertible per-coordinate maps leave MI unchanged):
 *   gauss-1x1   X, Y ∈ R (2-D),   I = 0.5      gauss-5x5  5 correlated pairs (10-D), I = 2
 *   gauss-25x25 25 pairs (50-D), I = 10         student-t  ν = 3, ρ = 0.5 (truth: simulate.ts)
 *   halfcube-asinh-3x3  3 pairs (6-D), I = 1, X → sign(x)|x|^{3/2}, Y → asinh(y)
 * Each (task, estimator) is D seeded datasets of N rows (default D = 2, N = 1000), one critic
 * each with the LIBRARY DEFAULT settings (NEURAL_DEFAULTS: 2×64 units, ≤ 1000 steps of 128 rows,
 * early stopping); bias = mean(estimate − truth), RMSE over the datasets. `--quick`: the small
 * critic below (2×16, ≤ 200 steps of 64), one dataset, no gauss-25x25 (a smoke run).
 * The timing part trains an ensemble of R critics (default 2) with the default critic.
 * Writes bench/results/neural-<stamp>.{json,md} and neural-latest.{json,md}.
 */
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg } from 'node:os';
import path from 'node:path';
import { createEngine, packageVersion } from '../engine/embedded.js';
import { connectCluster } from '../coordinator/client.js';
import type { Dataset } from '../shared/data/matrix.js';
import type { Job } from '../shared/job/spec.js';
import { drawDataset, generatorTruth } from '../shared/resampling/simulate.js';
import { stream } from '../shared/rng/index.js';
import { TestCluster } from '../test/helpers/cluster.js';
import { repoRoot } from './paths.js';

interface Task {
  id: string;
  truth: number;
  draw: (n: number, seed: number) => Dataset;
  dx: number;
  dy: number;
}

/** ρ of each of `pairs` correlated pairs so that their MIs add up to `mi`. */
const rhoFor = (mi: number, pairs: number) => Math.sqrt(1 - Math.exp((-2 * mi) / pairs));

function gaussTask(id: string, d: number, mi: number, map?: { x: (v: number) => number; y: (v: number) => number }): Task {
  const rho = rhoFor(mi, d);
  return {
    id, truth: mi, dx: d, dy: d,
    draw(n, seed) {
      const ds = drawDataset({ kind: 'gaussian', rho, dx: d, dy: d }, n, stream(seed, 0, 60));
      return map ? { ...ds, columns: ds.columns.map((c, j) => Float64Array.from(c, j < d ? map.x : map.y)) } : ds;
    },
  };
}

const halfCube = (v: number) => Math.sign(v) * Math.abs(v) ** 1.5;

function tasks(all: boolean): Task[] {
  const t: Task[] = [
    gaussTask('gauss-1x1', 1, 0.5),
    gaussTask('gauss-5x5', 5, 2),
    { id: 'student-t-nu3', truth: generatorTruth({ kind: 'student-t', rho: 0.5, nu: 3 }), dx: 1, dy: 1, draw: (n, seed) => drawDataset({ kind: 'student-t', rho: 0.5, nu: 3 }, n, stream(seed, 0, 61)) },
    gaussTask('halfcube-asinh-3x3', 3, 1, { x: halfCube, y: Math.asinh }),
  ];
  if (all) t.push(gaussTask('gauss-25x25', 25, 10));
  return t;
}

const ESTIMATORS = ['ksg1', 'mine', 'nwj', 'infonce', 'smile'];
/** --quick: 2×16 hidden, at most 200 steps of 64 rows (library defaults are larger: docs/neural.md). */
const QUICK_CRITIC = { hidden: 16, embed: 8, batch: 64, steps: 200, evalEvery: 25, patience: 4, heldOutBootstrap: 50 };
/** Default: the library's default critic (NEURAL_DEFAULTS). */
const DEFAULT_CRITIC = {};

function num(argv: string[], name: string, dflt: number): number {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? Number(argv[i + 1]) : dflt;
}

const cols = (t: Task) => ({ x: Array.from({ length: t.dx }, (_, j) => (t.dx === 1 && t.dy === 1 ? 'x' : `x${j}`)), y: Array.from({ length: t.dy }, (_, j) => (t.dx === 1 && t.dy === 1 ? 'y' : `y${j}`)) });

export async function main(argv: string[]): Promise<void> {
  const quick = argv.includes('--quick');
  const full = !quick;
  const critic = quick ? QUICK_CRITIC : DEFAULT_CRITIC;
  const n = num(argv, 'n', 1000), datasets = num(argv, 'datasets', quick ? 1 : 2);
  const ei = argv.indexOf('--estimators');
  const estimators = ei >= 0 ? argv[ei + 1]!.split(',') : ESTIMATORS;
  const withTiming = !argv.includes('--no-timing');
  const log = (s: string) => process.stderr.write(`${s}\n`);
  const t0 = performance.now();
  const loadStart = loadavg();
  const progress = path.join(repoRoot(), 'bench', 'results', 'neural-progress.jsonl');
  mkdirSync(path.dirname(progress), { recursive: true });
  writeFileSync(progress, '');
  const engine = createEngine({ threads: 2 });
  const rows: { task: string; truth: number; estimator: string; estimates: number[]; bias: number; rmse: number; msPerCritic: number }[] = [];
  try {
    for (const task of tasks(full)) {
      for (const est of estimators) {
        const estimates: number[] = [];
        let ms = 0;
        // the datasets of a cell run at the same time (one critic each: one per pool thread)
        const runs = await Promise.all(Array.from({ length: datasets }, async (_, d) => {
          const job: Job = { measure: 'mi', estimator: est, ...cols(task), data: task.draw(n, 100 + d), seed: d, ...(est === 'ksg1' ? { k: 3 } : { options: critic }) };
          const t = performance.now();
          const estimate = (await engine.run(job)).estimate;
          return { estimate, ms: performance.now() - t };
        }));
        for (const r of runs) {
          estimates.push(r.estimate);
          ms += r.ms;
        }
        const bias = estimates.reduce((s, v) => s + v - task.truth, 0) / datasets;
        const rmse = Math.sqrt(estimates.reduce((s, v) => s + (v - task.truth) ** 2, 0) / datasets);
        rows.push({ task: task.id, truth: task.truth, estimator: est, estimates, bias, rmse, msPerCritic: ms / datasets });
        // kept as it goes (a long run stopped early still leaves its rows)
        appendFileSync(progress, `${JSON.stringify(rows.at(-1))}\n`);
        log(`${task.id} ${est}: ${estimates.map((v) => v.toFixed(3)).join(', ')} (truth ${task.truth.toFixed(3)}), ${(ms / datasets / 1000).toFixed(1)} s`);
      }
    }
  } finally {
    await engine.close();
  }

  // time per critic: an ensemble of R critics (smile, gauss-1x1) on 1 and 2 threads, 1 and 2 workers
  const R = num(argv, 'critics', 2);
  const task = tasks(false)[0]!;
  const job: Job = { measure: 'mi', estimator: 'smile', ...cols(task), data: task.draw(n, 7), seed: 3, options: critic, ensemble: { critics: R } };
  const timing: { setup: string; wallS: number; sPerCritic: number; mean: number }[] = [];
  for (const threads of withTiming ? [1, 2] : []) {
    const e = createEngine({ threads });
    try {
      const t = performance.now();
      const r = await e.run(job);
      const s = (performance.now() - t) / 1000;
      timing.push({ setup: `embedded, ${threads} thread${threads > 1 ? 's' : ''}`, wallS: s, sPerCritic: s / R, mean: r.estimate });
      log(`timing ${timing.at(-1)!.setup}: ${s.toFixed(1)} s`);
    } finally {
      await e.close();
    }
  }
  for (const workers of withTiming ? [1, 2] : []) {
    const cluster = await TestCluster.start({ workers, threads: 1, coordinatorArgs: ['--shard-size', '1'] });
    try {
      const c = await connectCluster(cluster.address);
      try {
        const t = performance.now();
        const r = await c.run(job);
        const s = (performance.now() - t) / 1000;
        timing.push({ setup: `cluster, ${workers} worker process${workers > 1 ? 'es' : ''} × 1 thread`, wallS: s, sPerCritic: s / R, mean: r.estimate });
        log(`timing ${timing.at(-1)!.setup}: ${s.toFixed(1)} s`);
      } finally {
        await c.close();
      }
    } finally {
      await cluster.stop();
    }
  }
  const same = timing.every((t) => t.mean === timing[0]!.mean);

  const startedAt = new Date().toISOString();
  const report = {
    kind: 'neural', version: packageVersion(), startedAt, full, n, datasets, critic, wallS: Math.round((performance.now() - t0) / 100) / 10,
    machine: { cpus: availableParallelism(), model: cpus()[0]?.model ?? '?', node: process.version, loadavgStart: loadStart, loadavgEnd: loadavg() },
    accuracy: rows, timing: { critics: R, runs: timing, identicalAcrossSetups: same },
  };
  const f = (v: number) => v.toFixed(3);
  const md = [
    `# Neural MI estimators vs ksg1 (${quick ? 'quick' : 'default'} run, ${startedAt})`,
    '',
    `Machine: ${report.machine.cpus} cores (${report.machine.model}), Node ${process.version}; load average ${loadStart.map((v) => v.toFixed(1)).join(' ')} at start, ${report.machine.loadavgEnd.map((v) => v.toFixed(1)).join(' ')} at end. N = ${n}, ${datasets} dataset(s) per cell, one critic per dataset (${quick ? JSON.stringify(critic) : 'library default critic: 2×64 units, embed 16, ≤ 1000 steps of 128 rows, early stopping (eval every 50, patience 4)'}); embedded engine, 2 threads. Wall ${report.wallS} s.`,
    '',
    `| task | truth | estimator | estimates | bias | RMSE | wall s per run (${Math.min(datasets, 2)} at a time) |`,
    '|---|---|---|---|---|---|---|',
    ...rows.map((r) => `| ${r.task} | ${f(r.truth)} | ${r.estimator} | ${r.estimates.map(f).join(', ')} | ${f(r.bias)} | ${f(r.rmse)} | ${(r.msPerCritic / 1000).toFixed(1)} |`),
    '',
    ...(timing.length === 0 ? ['Time per critic: not run (--no-timing).', ''] : [
      `## Time per critic (smile, gauss-1x1, ensemble of ${R} critics, one critic per shard)`,
      '',
      '| setup | wall s | s per critic | estimate |',
      '|---|---|---|---|',
      ...timing.map((t) => `| ${t.setup} | ${t.wallS.toFixed(1)} | ${t.sPerCritic.toFixed(2)} | ${t.mean} |`),
      '',
      `Same estimate bits in every setup: ${same ? 'yes' : 'NO'}.`,
      '',
    ]),
    `- RMSE over ${datasets} dataset(s) per cell${datasets === 1 ? ' (= |bias|)' : ''}: a rough figure; bias is the more stable number.`,
    '- The machine is shared: wall times include other processes\' load (see the load average); ratios between setups in one run are the comparable numbers.',
    `- InfoNCE is capped at ln K (K = held-out rows: ${Math.min(1000, Math.floor(0.25 * n))} at N = ${n}, ln K = ${Math.log(Math.min(1000, Math.floor(0.25 * n))).toFixed(2)}) and in training at ln(batch) = ${Math.log(128).toFixed(2)}; ksg1 is biased low in high dimension.`,
    ...(quick ? ['- Quick run: small critics and few steps; the bias it shows is mostly under-training.'] : []),
    '',
  ].join('\n');
  const dir = path.join(repoRoot(), 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const stamp = startedAt.replace(/[:.]/g, '-');
  for (const name of [`neural-${stamp}`, 'neural-latest']) {
    writeFileSync(path.join(dir, `${name}.json`), `${JSON.stringify(report, null, 2)}\n`);
    writeFileSync(path.join(dir, `${name}.md`), md);
  }
  process.stdout.write(`${md}\nwritten to ${path.join(dir, 'neural-latest.{json,md}')}\n`);
}
