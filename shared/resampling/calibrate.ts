/**
 * The calibration study (issue 10): `simulate` over a grid of models × N, every CI method
 * evaluated on the same replicates of each dataset, summarised as one coverage table. Used by
 * `infoshard calibrate` and `npm run calibrate` (bench/calibrate.ts, whose output is quoted in
 * docs/intervals.md). Pure: no I/O; `onCell` reports each finished cell. `calibrateOn` runs the
 * whole grid as one simulation job (shared/job/simulation.ts) on the embedded pool or a cluster.
 */
import type { CiMethod, Engine, Measure } from '../job/spec.js';
import { runSimulation, type SimulationCell, type SimulationProgress } from '../job/simulation.js';
import { intervalRecipe } from './recipes.js';
import { simulate, type Generator, type SimulateResult } from './simulate.js';

export interface CalibrationCell {
  generator: Generator;
  n: number;
  /** Overrides of the study's measure ('mi'), estimator, k and normalisation for this cell. */
  measure?: Measure;
  estimator?: string;
  k?: number;
  normalize?: boolean;
}

export interface CalibrationOptions {
  cells: CalibrationCell[];
  datasets: number;
  bootstrap: number;
  estimator?: string;
  k?: number;
  methods?: CiMethod[];
  level?: number;
  /** Subsample size; @default the engine's default. */
  m?: number;
  seed?: number;
  onCell?: (r: SimulateResult, index: number) => void;
}

export const ALL_CI_METHODS: CiMethod[] = ['percentile', 'basic', 'bca', 'normal'];

/** Issue 10's grid: bivariate Gaussian ρ ∈ {0, .3, .6, .9} × N ∈ {200, 500, 2000}, plus 5-D X / 2-D Y at N = 1000. */
export function issueGrid(): CalibrationCell[] {
  const cells: CalibrationCell[] = [];
  for (const n of [200, 500, 2000]) for (const rho of [0, 0.3, 0.6, 0.9]) cells.push({ generator: { kind: 'gaussian', rho }, n });
  cells.push({ generator: { kind: 'gaussian', rho: 0.6, dx: 5, dy: 2 }, n: 1000 });
  return cells;
}

/**
 * One cell per estimator family beyond ksg1 (N = 200): the evidence behind each entry of
 * resampling/recipes.ts that the Gaussian grid does not cover.
 */
export function estimatorGrid(): CalibrationCell[] {
  return [
    { generator: { kind: 'gaussian', rho: 0.6 }, n: 200, estimator: 'gaussian' },
    { generator: { kind: 'gaussian', rho: 0.6 }, n: 200, estimator: 'ksg2' },
    { generator: { kind: 'discrete', a: 4, q: 0.4 }, n: 200, estimator: 'plugin', normalize: false },
    { generator: { kind: 'discrete', a: 4, q: 0.4 }, n: 200, measure: 'entropy', estimator: 'plugin', normalize: false },
    { generator: { kind: 'gaussian', rho: 0, dx: 2 }, n: 200, measure: 'entropy', estimator: 'kl', normalize: false },
    { generator: { kind: 'gaussian-cmi', rho: 0.6 }, n: 200, measure: 'cmi', estimator: 'ksg_cmi' },
    { generator: { kind: 'gaussian-cmi', rho: 0.6 }, n: 800, measure: 'cmi', estimator: 'ksg_cmi' },
    { generator: { kind: 'mixture', m: 4 }, n: 200, estimator: 'mixed_ksg', normalize: false },
    // issue 15
    { generator: { kind: 'gaussian', rho: 0.6 }, n: 200, estimator: 'binned' },
    { generator: { kind: 'gaussian-cmi', rho: 0.6 }, n: 200, measure: 'cmi', estimator: 'ksg2' },
    { generator: { kind: 'gaussian-cmi', rho: 0.6 }, n: 200, measure: 'cmi', estimator: 'mixed_ksg' },
    { generator: { kind: 'gaussian', rho: 0 }, n: 200, measure: 'entropy', estimator: 'binned', normalize: false },
  ];
}

/** A few small cells (seconds to a minute): smoke runs and the CLI's --quick. */
export function quickGrid(): CalibrationCell[] {
  return [
    { generator: { kind: 'gaussian', rho: 0.6 }, n: 200 },
    { generator: { kind: 'gaussian', rho: 0.9 }, n: 200 },
    { generator: { kind: 'gaussian', rho: 0.6, dx: 3, dy: 2 }, n: 300 },
  ];
}

/** The study's cells as simulation cells (the job run on each dataset, the methods its recipe allows). */
export function calibrationCells(o: Omit<CalibrationOptions, 'onCell' | 'seed'>): SimulationCell[] {
  return o.cells.map((cell) => {
    const estimator = cell.estimator ?? o.estimator ?? 'ksg1';
    return {
      generator: cell.generator,
      n: cell.n,
      datasets: o.datasets,
      ...(cell.measure ? { measure: cell.measure } : {}),
      job: {
        estimator,
        k: cell.k ?? o.k ?? 3,
        ...(cell.normalize !== undefined ? { normalize: cell.normalize } : {}),
        bootstrap: { replicates: o.bootstrap, level: o.level ?? 0.95, ...(o.m !== undefined ? { m: o.m } : {}) },
      },
      // only the methods the estimator's recipe allows
      methods: (o.methods ?? ALL_CI_METHODS).filter((m) => intervalRecipe(cell.measure ?? 'mi', estimator).methods.includes(m)),
    };
  });
}

/** The label of a calibration row: measure and estimator. */
export function cellLabel(cell: SimulationCell): string {
  return `${cell.measure ?? 'mi'} ${cell.job.estimator}`;
}

/** The study on this thread, cell after cell (`calibrateOn` runs it as one farm job). */
export function calibrate(o: CalibrationOptions): SimulateResult[] {
  const out: SimulateResult[] = [];
  calibrationCells(o).forEach((cell, i) => {
    const r = simulate({ ...cell, seed: o.seed ?? 0 });
    r.label = cellLabel(cell);
    out.push(r);
    o.onCell?.(r, i);
  });
  return out;
}

/**
 * The study as one simulation job on `engine` (embedded pool or cluster): every (cell, dataset)
 * a replicate of the farm, the same rows (bytes) as `calibrate` (onCell is called for each row
 * once the job is done).
 */
export async function calibrateOn(
  engine: Engine,
  o: CalibrationOptions,
  opts: { signal?: AbortSignal; onProgress?: (p: SimulationProgress) => void } = {},
): Promise<SimulateResult[]> {
  const cells = calibrationCells(o);
  const rows = await runSimulation(engine, cells, { seed: o.seed ?? 0, ...opts });
  rows.forEach((r, i) => {
    r.label = cellLabel(cells[i]!);
    o.onCell?.(r, i);
  });
  return rows;
}

export function describeGenerator(g: Generator): string {
  if (g.kind === 'gaussian') return (g.dx ?? 1) > 1 || (g.dy ?? 1) > 1 ? `gaussian ${g.dx ?? 1}-D/${g.dy ?? 1}-D ρ=${g.rho}` : `gaussian ρ=${g.rho}`;
  if (g.kind === 'student-t') return `student-t ρ=${g.rho} ν=${g.nu}`;
  if (g.kind === 'discrete') return `discrete a=${g.a} q=${g.q}`;
  if (g.kind === 'gaussian-cmi') return `gaussian-cmi ρ=${g.rho}`;
  return `mixture m=${g.m}`;
}

const pct = (v: number | undefined) => (v === undefined ? '' : `${(100 * v).toFixed(1)}`);

/**
 * Markdown table: one row per cell, per method the coverage of E[Î_N] (Monte Carlo mean), of the
 * truth, and the width ratio to the ideal 2·z·sd(Î_N).
 */
export function coverageTable(rows: SimulateResult[]): string {
  if (rows.length === 0) return '';
  const methods = [...new Set(rows.flatMap((r) => r.byMethod!.map((m) => m.method)))];
  const head = ['estimator', 'model', 'N', 'truth', 'mean Î', 'sd Î', 'bias/sd', 'bias warn %', ...methods.flatMap((m) => [`${m} cov E[Î] %`, `${m} cov truth %`, `${m} width ratio`]), 'shifted pct cov truth %'];
  const lines = [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`];
  for (const r of rows) {
    const by = (method: CiMethod) => r.byMethod!.find((m) => m.method === method);
    const cells = [
      r.label ?? '',
      describeGenerator(r.generator),
      String(r.n),
      r.truth.toFixed(4),
      r.meanEstimate.toFixed(4),
      r.sdEstimate.toFixed(4),
      (r.bias / r.sdEstimate).toFixed(2),
      pct(r.biasWarningRate),
      ...methods.flatMap((method) => {
        const m = by(method);
        return m ? [pct(m.coverageOfMean), pct(m.coverage), m.widthRatio.toFixed(3)] : ['—', '—', '—'];
      }),
      pct(by('percentile')?.coverageShifted),
    ];
    lines.push(`| ${cells.join(' | ')} |`);
  }
  return lines.join('\n') + '\n';
}
