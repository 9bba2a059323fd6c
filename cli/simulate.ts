/**
 * `infoshard simulate`: Monte Carlo calibration with `simulate` (shared/resampling/simulate.ts):
 * D datasets drawn from a generator with known MI, the estimator (optionally with a bootstrap CI
 * and a permutation test) run on each; prints bias, RMSE, CI coverage and the KS distance of the
 * p-values from uniform. Per-dataset values go to --replicates-out.
 */
import { writeFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { DataError, OptionError } from '../shared/errors.js';
import { DEFAULTS, type CiMethod, type JobSpec } from '../shared/job/spec.js';
import { simulate, type Generator, type SimulateResult, type SimulateSpec } from '../shared/resampling/simulate.js';
import { checkCap, enumFlag, intFlag, numberFlag } from './options.js';
import { CI_METHODS, SCHEMES, UNITS } from './spec-builder.js';
import { packageVersion } from './version.js';
import { checkReportTargets, writeSimulateReport } from '../report/index.js';

export const GENERATORS = ['gaussian', 'student', 'mixture', 'discrete', 'gaussian-cmi'] as const;
export const SIMULATE_MEASURES = ['mi', 'cmi', 'entropy'] as const;

export interface SimulateFlags {
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
  threads?: string;
  maxReplicates?: string;
  replicatesOut?: string;
  report?: string;
  plot?: string;
  json?: boolean;
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
  intFlag(f.threads, '--threads', 1); // accepted for symmetry with estimate; simulate runs datasets on this thread
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
  const result = simulate(spec);
  if (f.replicatesOut) await writeSeries(f.replicatesOut, result);
  await writeSimulateReport(f, result, { seed: spec.seed ?? DEFAULTS.seed, estimator: spec.job.estimator ?? 'ksg1', version: packageVersion() });
  if (f.json) {
    const plain = Object.fromEntries(Object.entries(result).filter(([, v]) => !ArrayBuffer.isView(v)));
    process.stdout.write(JSON.stringify({ ...plain, seed: spec.seed, estimator: spec.job.estimator, k: spec.job.k }) + '\n');
  } else {
    process.stdout.write(summary(result));
  }
}

export interface CalibrateFlags {
  quick?: boolean;
  estimators?: boolean;
  datasets?: string;
  bootstrap?: string;
  estimator?: string;
  k?: string;
  methods?: string;
  seed?: string;
  json?: boolean;
  out?: string;
}

/**
 * `infoshard calibrate`: the calibration study (shared/resampling/calibrate.ts) — issue 10's grid
 * (or --quick), every CI method on the same replicates; prints the coverage table (markdown) or
 * one JSON object per cell; --out writes the table to a file too.
 */
export async function runCalibrate(f: CalibrateFlags): Promise<void> {
  const { calibrate, coverageTable, estimatorGrid, issueGrid, quickGrid, ALL_CI_METHODS } = await import('../shared/resampling/calibrate.js');
  const methods = f.methods === undefined ? ALL_CI_METHODS : f.methods.split(',').map((v) => v.trim());
  for (const v of methods) if (!(CI_METHODS as readonly string[]).includes(v)) throw new OptionError(`--methods: unknown CI method '${v}' (expected ${CI_METHODS.join(', ')})`, '--methods');
  const datasets = intFlag(f.datasets, '--datasets', 1) ?? 200;
  const bootstrap = intFlag(f.bootstrap, '--bootstrap', 1) ?? 200;
  const rows = calibrate({
    cells: f.quick ? quickGrid() : f.estimators ? estimatorGrid() : issueGrid(),
    datasets,
    bootstrap,
    estimator: f.estimator ?? 'ksg1',
    k: intFlag(f.k, '--k', 1) ?? DEFAULTS.k,
    methods: methods as CiMethod[],
    seed: intFlag(f.seed, '--seed', 0) ?? DEFAULTS.seed,
    ...(f.json ? { onCell: (r: SimulateResult) => process.stdout.write(JSON.stringify(Object.fromEntries(Object.entries(r).filter(([, v]) => !ArrayBuffer.isView(v)))) + '\n') } : {}),
  });
  const table = `${f.estimator ?? 'ksg1'}, k = ${f.k ?? DEFAULTS.k}, ${datasets} datasets per cell, B = ${bootstrap}\n\n` + coverageTable(rows);
  if (!f.json) process.stdout.write(table);
  if (f.out) {
    try {
      await writeFile(f.out, table);
    } catch (err) {
      throw new DataError(`cannot write --out ${f.out}: ${(err as Error).message}`, { cause: err });
    }
  }
}
