/**
 * The calibration study (issue 10): `simulate` over a grid of models × N, every CI method
 * evaluated on the same replicates of each dataset, summarised as one coverage table. Used by
 * `infoshard calibrate` and `npm run calibrate` (bench/calibrate.ts, whose output is quoted in
 * docs/intervals.md). Pure: no I/O; `onCell` reports each finished cell.
 */
import type { CiMethod } from '../job/spec.js';
import { generatorTruth, simulate, type Generator, type SimulateResult } from './simulate.js';

export interface CalibrationCell {
  generator: Generator;
  n: number;
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

/** A few small cells (seconds to a minute): smoke runs and the CLI's --quick. */
export function quickGrid(): CalibrationCell[] {
  return [
    { generator: { kind: 'gaussian', rho: 0.6 }, n: 200 },
    { generator: { kind: 'gaussian', rho: 0.9 }, n: 200 },
    { generator: { kind: 'gaussian', rho: 0.6, dx: 3, dy: 2 }, n: 300 },
  ];
}

export function calibrate(o: CalibrationOptions): SimulateResult[] {
  const out: SimulateResult[] = [];
  o.cells.forEach((cell, i) => {
    const r = simulate({
      generator: cell.generator,
      n: cell.n,
      datasets: o.datasets,
      seed: o.seed ?? 0,
      job: {
        estimator: o.estimator ?? 'ksg1',
        k: o.k ?? 3,
        bootstrap: { replicates: o.bootstrap, level: o.level ?? 0.95, ...(o.m !== undefined ? { m: o.m } : {}) },
      },
      methods: o.methods ?? ALL_CI_METHODS,
    });
    out.push(r);
    o.onCell?.(r, i);
  });
  return out;
}

export function describeGenerator(g: Generator): string {
  if (g.kind === 'gaussian') return (g.dx ?? 1) > 1 || (g.dy ?? 1) > 1 ? `gaussian ${g.dx ?? 1}-D/${g.dy ?? 1}-D ρ=${g.rho}` : `gaussian ρ=${g.rho}`;
  if (g.kind === 'student-t') return `student-t ρ=${g.rho} ν=${g.nu}`;
  return `mixture m=${g.m}`;
}

const pct = (v: number | undefined) => (v === undefined ? '' : `${(100 * v).toFixed(1)}`);

/**
 * Markdown table: one row per cell, per method the coverage of E[Î_N] (Monte Carlo mean), of the
 * truth, and the width ratio to the ideal 2·z·sd(Î_N).
 */
export function coverageTable(rows: SimulateResult[]): string {
  if (rows.length === 0) return '';
  const methods = rows[0]!.byMethod!.map((m) => m.method);
  const head = ['model', 'N', 'truth', 'mean Î', 'sd Î', 'bias/sd', 'bias warn %', ...methods.flatMap((m) => [`${m} cov E[Î] %`, `${m} cov truth %`, `${m} width ratio`]), 'shifted pct cov truth %'];
  const lines = [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`];
  for (const r of rows) {
    const cells = [
      describeGenerator(r.generator),
      String(r.n),
      generatorTruth(r.generator).toFixed(4),
      r.meanEstimate.toFixed(4),
      r.sdEstimate.toFixed(4),
      (r.bias / r.sdEstimate).toFixed(2),
      pct(r.biasWarningRate),
      ...r.byMethod!.flatMap((m) => [pct(m.coverageOfMean), pct(m.coverage), m.widthRatio.toFixed(3)]),
      pct(r.byMethod!.find((m) => m.method === 'percentile')?.coverageShifted),
    ];
    lines.push(`| ${cells.join(' | ')} |`);
  }
  return lines.join('\n') + '\n';
}
