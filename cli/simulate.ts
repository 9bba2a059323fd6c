/**
 * `infoshard simulate`: Monte Carlo calibration with `simulate` (shared/resampling/simulate.ts):
 * D datasets drawn from a generator with known MI, the estimator (optionally with a bootstrap CI
 * and a permutation test) run on each; prints bias, RMSE, CI coverage and the KS distance of the
 * p-values from uniform. Per-dataset values go to --replicates-out.
 *
 * Both `simulate` and `calibrate` run as one simulation job (shared/job/simulation.ts): on the
 * embedded thread pool by default, on a cluster with the same coordinator flags as `run`, with a
 * progress bar over datasets; the results are the same bytes either way.
 */
import { existsSync, statSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { extname } from 'node:path';
import { DataError, InternalError, OptionError } from '../shared/errors.js';
import { DEFAULTS, type CiMethod, type JobSpec } from '../shared/job/spec.js';
import type { Engine } from '../shared/job/spec.js';
import type { SimulationProgress } from '../shared/job/simulation.js';
import type { Generator, SimulateResult, SimulateSpec } from '../shared/resampling/simulate.js';
import { connectionChoice, openEngine, type ConnectionFlags } from './engine.js';
import { createProgress, wantProgress } from './progress.js';
import { checkCap, enumFlag, intFlag, numberFlag } from './options.js';
import { CI_METHODS, SCHEMES, UNITS } from './spec-builder.js';
import { packageVersion } from './version.js';
import { checkReportTargets, writeSimulateReport } from '../report/index.js';

export const GENERATORS = ['gaussian', 'student', 'mixture', 'discrete', 'gaussian-cmi'] as const;
export const SIMULATE_MEASURES = ['mi', 'cmi', 'entropy'] as const;

/** Engine, progress and connection flags of `simulate` and `calibrate`. */
export interface FarmFlags extends ConnectionFlags {
  threads?: string;
  maxReplicates?: string;
  progress?: boolean;
  json?: boolean;
}

/**
 * Run `fn` on the engine the flags choose (embedded pool with --threads, default all cores; a
 * cluster with --coordinator), with a progress bar over datasets and Ctrl-C cancelling the job.
 */
async function onEngine<T>(f: FarmFlags, maxReplicates: number | undefined, fn: (engine: Engine, o: { signal: AbortSignal; onProgress: (p: SimulationProgress) => void }) => Promise<T>): Promise<T> {
  const threads = intFlag(f.threads, '--threads', 1) ?? availableParallelism();
  const engine = await openEngine({ threads, ...(maxReplicates !== undefined ? { maxReplicates } : {}), ...connectionChoice(f) });
  const controller = new AbortController();
  const onSigint = () => controller.abort();
  process.once('SIGINT', onSigint);
  const bar = createProgress(wantProgress(f));
  try {
    return await fn(engine, { signal: controller.signal, onProgress: (p) => bar.update({ jobId: '', phase: 'datasets', done: p.datasetsDone, total: p.datasetsTotal }) });
  } finally {
    bar.stop();
    process.removeListener('SIGINT', onSigint);
    await engine.close();
  }
}

export interface SimulateFlags extends FarmFlags {
  generator?: string;
  measure?: string;
  a?: string;
  q?: string;
  n?: string;
  datasets?: string;
  rho?: string;
  nu?: string;
  m?: string;
  estimator?: string;
  k?: string;
  normalize: boolean;
  units?: string;
  bootstrap?: string;
  ci?: string;
  level?: string;
  scheme?: string;
  methods?: string;
  ciTarget?: string;
  dx?: string;
  dy?: string;
  permutations?: string;
  seed?: string;
  replicatesOut?: string;
  report?: string;
  plot?: string;
  consistency?: string;
  ensemble?: string;
}

/**
 * `simulate --consistency data-processing|additivity`: the SMILE paper's self-consistency
 * checks (shared/resampling/consistency.ts) with --estimator, --n, --rho, --seed, --ensemble R.
 */
async function runConsistencyCheck(f: SimulateFlags): Promise<void> {
  const { runConsistency, CONSISTENCY_CHECKS } = await import('../shared/resampling/consistency.js');
  const check = enumFlag(f.consistency, '--consistency', CONSISTENCY_CHECKS)!;
  const n = intFlag(f.n, '--n', 20), k = intFlag(f.k, '--k', 1), critics = intFlag(f.ensemble, '--ensemble', 1), seed = intFlag(f.seed, '--seed', 0);
  const rho = numberFlag(f.rho, '--rho', (v) => v > -1 && v < 1, 'in (-1, 1)');
  const r = runConsistency({ check, estimator: f.estimator ?? 'smile', ...(n ? { n } : {}), ...(k ? { k } : {}), ...(critics ? { critics } : {}), ...(seed !== undefined ? { seed } : {}), ...(rho !== undefined ? { rho } : {}) });
  if (f.json) {
    process.stdout.write(JSON.stringify(r) + '\n');
    return;
  }
  const lines = [`${r.check} with ${r.estimator} (N=${r.n}, ρ=${r.rho}): ${r.holds ? 'holds' : 'VIOLATED'}; ratio ${r.ratio.toPrecision(4)} (ideal ${r.idealRatio}), slack ${r.slack.toPrecision(3)}`];
  for (const s of r.sides) lines.push(`  ${s.label}: ${s.estimate.toPrecision(4)} ± ${s.halfWidth.toPrecision(3)} (truth ${s.truth.toPrecision(4)})`);
  process.stdout.write(lines.join('\n') + '\n');
}

function generatorOf(f: SimulateFlags): Generator {
  const kind = enumFlag(f.generator, '--generator', GENERATORS) ?? 'gaussian';
  const rho = numberFlag(f.rho, '--rho', (v) => v > -1 && v < 1, 'in (-1, 1)') ?? 0.5;
  if (kind === 'mixture') return { kind: 'mixture', m: intFlag(f.m, '--m', 1) ?? 4 };
  if (kind === 'student') return { kind: 'student-t', rho, nu: intFlag(f.nu, '--nu', 1) ?? 4 };
  if (kind === 'gaussian-cmi') return { kind: 'gaussian-cmi', rho };
  if (kind === 'discrete') return { kind: 'discrete', a: intFlag(f.a, '--a', 2) ?? 4, q: numberFlag(f.q, '--q', (v) => v >= 0 && v <= 1, 'in [0, 1]') ?? 0.5 };
  const dx = intFlag(f.dx, '--dx', 1), dy = intFlag(f.dy, '--dy', 1);
  return { kind: 'gaussian', rho, ...(dx !== undefined ? { dx } : {}), ...(dy !== undefined ? { dy } : {}) };
}

/** Flags → SimulateSpec; errors name the flag. */
export function buildSimulateSpec(f: SimulateFlags): SimulateSpec {
  intFlag(f.threads, '--threads', 1); // checked before any work (the engine takes it in onEngine)
  const cap = intFlag(f.maxReplicates, '--max-replicates', 1) ?? DEFAULTS.maxReplicates;
  const B = intFlag(f.bootstrap, '--bootstrap', 1);
  const P = intFlag(f.permutations, '--permutations', 1);
  checkCap(B, '--bootstrap', cap);
  checkCap(P, '--permutations', cap);
  const datasets = intFlag(f.datasets, '--datasets', 1) ?? 100;
  checkCap(datasets, '--datasets', cap);
  const measure = enumFlag(f.measure, '--measure', SIMULATE_MEASURES) ?? 'mi';
  const generator = generatorOf(f);
  if ((measure === 'cmi') !== (generator.kind === 'gaussian-cmi')) {
    throw new OptionError(measure === 'cmi' ? '--measure cmi needs --generator gaussian-cmi' : `--generator ${generator.kind} is for --measure cmi`, measure === 'cmi' ? '--generator' : '--measure');
  }
  const defaultEstimator = generator.kind === 'discrete' ? 'plugin' : measure === 'cmi' ? 'ksg_cmi' : measure === 'entropy' ? 'kl' : 'ksg1';
  const job: SimulateSpec['job'] = {
    estimator: f.estimator ?? defaultEstimator,
    k: intFlag(f.k, '--k', 1) ?? DEFAULTS.k,
    normalize: f.normalize,
    units: enumFlag(f.units, '--units', UNITS) ?? DEFAULTS.units,
  };
  if (B !== undefined) {
    const scheme = enumFlag(f.scheme, '--scheme', SCHEMES);
    const bootstrap: NonNullable<JobSpec['bootstrap']> = {
      replicates: B,
      level: numberFlag(f.level, '--level', (v) => v > 0 && v < 1, 'in (0, 1)') ?? DEFAULTS.level,
    };
    const method = enumFlag(f.ci, '--ci', CI_METHODS); // absent: the estimator's interval recipe decides
    if (method) bootstrap.method = method;
    if (scheme) bootstrap.scheme = scheme;
    if (enumFlag(f.ciTarget, '--ci-target', ['mean', 'truth'] as const) === 'truth') bootstrap.target = 'truth';
    job.bootstrap = bootstrap;
  }
  if (P !== undefined) job.permutation = { shuffles: P };
  const out: SimulateSpec = {
    generator,
    ...(measure !== 'mi' ? { measure } : {}),
    n: intFlag(f.n, '--n', 2) ?? 1000,
    datasets,
    seed: intFlag(f.seed, '--seed', 0) ?? DEFAULTS.seed,
    job,
    maxReplicates: cap,
  };
  if (f.methods !== undefined) {
    if (B === undefined) throw new OptionError('--methods requires --bootstrap', '--methods');
    const ms = f.methods.split(',').map((v) => v.trim());
    for (const v of ms) if (!(CI_METHODS as readonly string[]).includes(v)) throw new OptionError(`--methods: unknown CI method '${v}' (expected ${CI_METHODS.join(', ')})`, '--methods');
    // the job's own method first (it is the one `coverage` reports)
    out.methods = [...new Set([...(job.bootstrap!.method ? [job.bootstrap!.method] : []), ...(ms as CiMethod[])])];
  }
  return out;
}

function summary(r: SimulateResult): string {
  const g = r.generator;
  const dims = g.kind === 'gaussian' && (g.dx !== undefined || g.dy !== undefined) ? `, dx=${g.dx ?? 1}, dy=${g.dy ?? 1}` : '';
  const params = g.kind === 'mixture' ? `m=${g.m}` : g.kind === 'discrete' ? `a=${g.a}, q=${g.q}` : g.kind === 'student-t' ? `rho=${g.rho}, nu=${g.nu}` : `rho=${g.rho}${dims}`;
  const lines = [
    `simulate ${g.kind} (${params}): ${r.datasets} datasets of N=${r.n}`,
    `  truth ${r.truth.toPrecision(6)} ${r.units}; mean estimate ${r.meanEstimate.toPrecision(6)} (sd ${r.sdEstimate.toPrecision(4)})`,
    `  bias ${r.bias.toPrecision(4)}, RMSE ${r.rmse.toPrecision(4)}`,
  ];
  for (const m of r.byMethod ?? []) {
    const shifted = m.coverageShifted !== undefined ? `; shifted by the extrapolated bias: ${(m.coverageShifted * 100).toFixed(1)}% of the truth` : '';
    lines.push(`  ${m.method} CI coverage: ${(m.coverageOfMean * 100).toFixed(1)}% of the mean estimate (its target, E[Î_N]), ${(m.coverage * 100).toFixed(1)}% of the truth; width ${m.widthRatio.toFixed(3)}× 2z·sd${shifted}${m.failed ? `; ${m.failed} not computed` : ''}`);
  }
  const t = r.truthTarget;
  if (t) lines.push(`  truth-target (--ci-target truth) normal CI coverage: ${(t.coverage * 100).toFixed(1)}% of the truth, ${(t.coverageOfMean * 100).toFixed(1)}% of the mean estimate; width ${t.widthRatio.toFixed(3)}× 2z·sd`);
  if (r.biasWarningRate !== undefined) lines.push(`  bias warning (|z| > 1.5) in ${(r.biasWarningRate * 100).toFixed(1)}% of datasets; mean extrapolated bias ${r.meanExtrapolatedBias!.toPrecision(4)}`);
  if (r.ksStatistic !== undefined) lines.push(`  p-values: KS distance from uniform ${r.ksStatistic.toPrecision(4)}`);
  return lines.join('\n') + '\n';
}

async function writeSeries(path: string, r: SimulateResult): Promise<void> {
  const cols: [string, Float64Array][] = [['estimate', r.estimates]];
  if (r.pValues) cols.push(['pValue', r.pValues]);
  const text =
    extname(path).toLowerCase() === '.csv'
      ? ['dataset,' + cols.map(([n]) => n).join(','), ...Array.from(r.estimates, (_, i) => `${i},${cols.map(([, v]) => v[i]).join(',')}`)].join('\n') + '\n'
      : JSON.stringify(Object.fromEntries(cols.map(([n, v]) => [n === 'estimate' ? 'estimates' : 'pValues', Array.from(v)]))) + '\n';
  try {
    await writeFile(path, text);
  } catch (err) {
    throw new DataError(`cannot write --replicates-out ${path}: ${(err as Error).message}`, { cause: err });
  }
}

export async function runSimulate(f: SimulateFlags): Promise<void> {
  if (f.consistency !== undefined) return runConsistencyCheck(f);
  const spec = buildSimulateSpec(f);
  checkReportTargets(f);
  const { runSimulation } = await import('../shared/job/simulation.js');
  const { seed, maxReplicates, ...cell } = spec;
  const [result] = await onEngine(f, maxReplicates, (engine, o) => runSimulation(engine, [cell], { seed: seed ?? DEFAULTS.seed, ...o, ...(maxReplicates !== undefined ? { maxReplicates } : {}) }));
  if (!result) throw new InternalError('simulate: the job returned no result');
  if (f.replicatesOut) await writeSeries(f.replicatesOut, result);
  await writeSimulateReport(f, result, { seed: spec.seed ?? DEFAULTS.seed, estimator: spec.job.estimator ?? 'ksg1', version: packageVersion() });
  if (f.json) {
    const plain = Object.fromEntries(Object.entries(result).filter(([, v]) => !ArrayBuffer.isView(v)));
    process.stdout.write(JSON.stringify({ ...plain, seed: spec.seed, estimator: spec.job.estimator, k: spec.job.k }) + '\n');
  } else {
    process.stdout.write(summary(result));
  }
}

export interface CalibrateFlags extends FarmFlags {
  quick?: boolean;
  estimators?: boolean;
  cells?: string;
  datasets?: string;
  bootstrap?: string;
  estimator?: string;
  k?: string;
  methods?: string;
  seed?: string;
  out?: string;
}

/**
 * `infoshard calibrate`: the calibration study (shared/resampling/calibrate.ts) — issue 10's grid
 * (or --quick, --estimators; --cells picks rows of it), every CI method on the same replicates, run
 * as one simulation job; prints the coverage table (markdown) or one JSON object per cell;
 * --out DIR writes table.md, results.jsonl, coverage.svg and coverage.png.
 */
export async function runCalibrate(f: CalibrateFlags): Promise<void> {
  const { calibrateOn, estimatorGrid, issueGrid, quickGrid, ALL_CI_METHODS } = await import('../shared/resampling/calibrate.js');
  const methods = f.methods === undefined ? ALL_CI_METHODS : f.methods.split(',').map((v) => v.trim());
  for (const v of methods) if (!(CI_METHODS as readonly string[]).includes(v)) throw new OptionError(`--methods: unknown CI method '${v}' (expected ${CI_METHODS.join(', ')})`, '--methods');
  if (f.quick && f.estimators) throw new OptionError('--quick and --estimators pick different grids; give one', '--estimators');
  const cap = intFlag(f.maxReplicates, '--max-replicates', 1);
  // coverage and the width ratio need the sd of the estimates over datasets: at least 2
  const datasets = intFlag(f.datasets, '--datasets', 2) ?? 200;
  const bootstrap = intFlag(f.bootstrap, '--bootstrap', 1) ?? 200;
  checkCap(bootstrap, '--bootstrap', cap ?? DEFAULTS.maxReplicates);
  intFlag(f.threads, '--threads', 1);
  const k = intFlag(f.k, '--k', 1) ?? DEFAULTS.k;
  const seed = intFlag(f.seed, '--seed', 0) ?? DEFAULTS.seed;
  const grid = f.quick ? quickGrid() : f.estimators ? estimatorGrid() : issueGrid();
  let cells = grid;
  if (f.cells !== undefined) {
    cells = f.cells.split(',').map((v) => {
      const i = intFlag(v, '--cells', 0)!;
      if (i >= grid.length) throw new OptionError(`--cells: index ${i} is past the grid's last cell ${grid.length - 1}`, '--cells');
      return grid[i]!;
    });
  }
  if (f.out !== undefined && (/\.(md|markdown|json|jsonl|svg|png)$/i.test(f.out) || (existsSync(f.out) && !statSync(f.out).isDirectory()))) {
    throw new OptionError(`--out ${f.out}: give a directory (calibrate writes table.md, results.jsonl, coverage.svg and coverage.png into it)`, '--out');
  }
  const estimator = f.estimator ?? 'ksg1';
  const t0 = performance.now();
  const rows = await onEngine(f, cap, (engine, o) =>
    calibrateOn(engine, { cells, datasets, bootstrap, estimator, k, methods: methods as CiMethod[], seed }, o),
  );
  const wallS = (performance.now() - t0) / 1000;
  const header = `${estimator}, k = ${k}, ${datasets} datasets per cell, B = ${bootstrap}, seed ${seed}, default subsample m, level 0.95`;
  const { coverageTable } = await import('../shared/resampling/calibrate.js');
  if (f.json) for (const r of rows) process.stdout.write(JSON.stringify({ ...plainResult(r), bootstrap, seed }) + '\n');
  else process.stdout.write(`${header}\n\n${coverageTable(rows)}`);
  if (f.out) {
    const { writeCalibration } = await import('../report/index.js');
    await writeCalibration(f.out, rows, header, { bootstrap, seed, wallS });
  }
}

function plainResult(r: SimulateResult): Record<string, unknown> {
  return Object.fromEntries(Object.entries(r).filter(([, v]) => !ArrayBuffer.isView(v)));
}
