/**
 * Reports for people: `--report out.html` (a self-contained page with the result table and every
 * figure the result supports) and `--plot out.svg|png` (the first figure alone).
 * The CLI calls these after a run; they read only the result object (shared/ types).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { extname } from 'node:path';
import { DataError, InternalError, OptionError } from '../shared/errors.js';
import type { JobResult } from '../shared/job/spec.js';
import type { SimulateResult } from '../shared/resampling/simulate.js';
import { calibrationFigure, jobFigures, manyFigures, num, simulateFigures, type Figure } from './figures.js';
import { coverageTable } from '../shared/resampling/calibrate.js';
import { reportHtml, type ReportRow } from './html.js';
import { renderSvg, svgToPng } from './render.js';

export { calibrationFigure, jobFigures, manyFigures, simulateFigures, type Figure } from './figures.js';
export { renderSvg, svgToPng } from './render.js';

export interface ReportTargets {
  /** HTML report path (`--report`). */
  report?: string;
  /** Single-figure path ending in .svg or .png (`--plot`). */
  plot?: string;
}

/** Check the target paths before any work is done, so a typo costs no compute. */
export function checkReportTargets(t: ReportTargets, prefix = '--'): void {
  if (t.report !== undefined && !/\.html?$/i.test(t.report)) {
    throw new OptionError(`${prefix}report ${t.report}: the report is an HTML file; give a name ending in .html`, `${prefix}report`);
  }
  if (t.plot !== undefined && !/\.(svg|png)$/i.test(t.plot)) {
    throw new OptionError(`${prefix}plot ${t.plot}: give a name ending in .svg or .png`, `${prefix}plot`);
  }
}

function jobRows(r: JobResult, source: string): ReportRow[] {
  const rows: ReportRow[] = [
    { label: 'data', value: `${source} (N = ${r.n}${r.normalize ? ', columns normalized to unit sd' : ''})` },
    { label: 'measure / estimator', value: `${r.measure} / ${r.estimator}${r.k !== null ? `, k = ${r.k}` : ''}` },
    { label: 'estimate', value: `${num(r.estimate)} ${r.units}` },
  ];
  // measure options (e.g. TE's embedding: targetHistory, delay, ...)
  if (r.options && Object.keys(r.options).length) rows.push({ label: 'options', value: Object.entries(r.options).map(([k, v]) => `${k} = ${v}`).join(', ') });
  if (r.ci) {
    const m = r.ci.m !== undefined ? `, m = ${r.ci.m}` : '';
    rows.push({ label: `${num(r.ci.level * 100)}% confidence interval`, value: `[${num(r.ci.low)}, ${num(r.ci.high)}] (${r.ci.method}, ${r.ci.scheme}${m}, B = ${r.replicates.bootstrap ?? '?'})` });
  }
  if (r.pValue !== undefined) rows.push({ label: 'permutation p-value', value: `${num(r.pValue)} (${r.replicates.permutation ?? '?'} permutations)` });
  if (r.null) {
    rows.push({ label: 'null distribution', value: `mean ${num(r.null.mean)}, sd ${num(r.null.sd)}, 95% quantile ${num(r.null.quantiles['0.95'] ?? NaN)}` });
    rows.push({ label: 'bias-corrected estimate', value: `${num(r.biasCorrected ?? r.estimate - r.null.mean)} ${r.units}` });
  }
  if (r.ensemble?.bagging) {
    const b = r.ensemble.bagging;
    rows.push({ label: 'bagging', value: `mean ${num(b.mean)}, sd ${num(b.sd)} over ${b.replicates} subsamples of ${num(b.fraction * 100)}%` });
  }
  if (r.ensemble?.byK) {
    const byK = r.ensemble.byK.map((e) => `k = ${e.k}: ${num(e.estimate)}`).join('; ');
    rows.push({ label: 'by k', value: byK + (r.ensemble.combined !== undefined ? `; combined ${num(r.ensemble.combined)}` : '') });
  }
  rows.push({ label: 'seed', value: String(r.seed) });
  const t = r.timings;
  rows.push({ label: 'time', value: `estimate ${t.estimateMs.toFixed(1)} ms${t.resampleMs !== undefined ? `, resampling ${t.resampleMs.toFixed(1)} ms` : ''}, total ${t.totalMs.toFixed(1)} ms` });
  const p = r.provenance;
  rows.push({ label: 'engine', value: `${p.engine}${p.threads ? `, ${p.threads} thread${p.threads === 1 ? '' : 's'}` : ''}${p.workers ? `, ${p.workers} workers` : ''}${p.backend ? `, backend ${p.backend}` : ''}` });
  rows.push({ label: 'data SHA-256', value: p.dataHash });
  return rows;
}

function simulateRows(s: SimulateResult, seed: number, estimator: string): ReportRow[] {
  const g = s.generator;
  const params = g.kind === 'mixture' ? `m = ${g.m}` : g.kind === 'discrete' ? `a = ${g.a}, q = ${g.q}` : g.kind === 'student-t' ? `ρ = ${g.rho}, ν = ${g.nu}` : `ρ = ${g.rho}`;
  const rows: ReportRow[] = [
    { label: 'generator', value: `${g.kind} (${params})` },
    { label: 'datasets × rows', value: `${s.datasets} × ${s.n}` },
    { label: 'estimator', value: estimator },
    { label: 'true value', value: `${num(s.truth)} ${s.units}` },
    { label: 'mean estimate (sd)', value: `${num(s.meanEstimate)} (${num(s.sdEstimate)})` },
    { label: 'bias / RMSE', value: `${num(s.bias)} / ${num(s.rmse)}` },
  ];
  if (s.coverage !== undefined) rows.push({ label: 'CI coverage', value: `${num(s.coverage * 100)}%` });
  if (s.ksStatistic !== undefined) rows.push({ label: 'p-values: KS distance from uniform', value: num(s.ksStatistic) });
  rows.push({ label: 'seed', value: String(seed) });
  return rows;
}

async function write(path: string, flag: string, bytes: string | Uint8Array): Promise<void> {
  try {
    await writeFile(path, bytes);
  } catch (err) {
    throw new DataError(`cannot write ${flag} ${path}: ${(err as Error).message}`, { cause: err });
  }
}

async function writeTargets(t: ReportTargets, figures: Figure[], page: (svgs: string[]) => string, prefix: string): Promise<void> {
  const svgs = await Promise.all(figures.map((f) => renderSvg(f.spec)));
  if (t.report) await write(t.report, `${prefix}report`, page(svgs));
  if (t.plot) {
    if (!svgs.length) throw new OptionError(`${prefix}plot ${t.plot}: nothing to plot; add a bootstrap, a permutation test or an ensemble`, `${prefix}plot`);
    const bytes = extname(t.plot).toLowerCase() === '.png' ? await svgToPng(svgs[0]!) : svgs[0]!;
    await write(t.plot, `${prefix}plot`, bytes);
  }
}

export interface JobReportContext {
  /** The data file, as the user named it. */
  source: string;
  version: string;
  /** How fields are named in errors: '--' for flags, '' for job-file fields. */
  prefix?: string;
  /** A link above the title (the dashboard's job page). */
  back?: { href: string; text: string };
}

/** HTML page for a job result (exported for the dashboard and tests). */
export async function jobReportHtml(r: JobResult, ctx: JobReportContext): Promise<string> {
  if (r.screen || r.pairwise) {
    const figures = manyFigures(r);
    const svgs = await Promise.all(figures.map((f) => renderSvg(f.spec)));
    return manyPage(r, ctx, svgs, figures);
  }
  const figures = jobFigures(r);
  const svgs = await Promise.all(figures.map((f) => renderSvg(f.spec)));
  return jobPage(r, ctx, figures, svgs);
}

function jobPage(r: JobResult, ctx: JobReportContext, figures: Figure[], svgs: string[]): string {
  return reportHtml({
    title: `${r.measure} (${r.estimator}) on ${ctx.source}`,
    subtitle: `estimate ${num(r.estimate)} ${r.units}${r.ci ? `, ${num(r.ci.level * 100)}% CI [${num(r.ci.low)}, ${num(r.ci.high)}]` : ''}${r.pValue !== undefined ? `, p = ${num(r.pValue)}` : ''}`,
    rows: jobRows(r, ctx.source),
    figures: figures.map((figure, i) => ({ figure, svg: svgs[i]! })),
    warnings: r.warnings,
    footer: `infoshard ${ctx.version}; written ${new Date().toISOString()}`,
    ...(ctx.back ? { back: ctx.back } : {}),
  });
}

export async function writeJobReport(t: ReportTargets, r: JobResult, ctx: JobReportContext): Promise<void> {
  if (!t.report && !t.plot) return;
  const figures = jobFigures(r);
  await writeTargets(t, figures, (svgs) => jobPage(r, ctx, figures, svgs), ctx.prefix ?? '--');
}

export async function writeSimulateReport(t: ReportTargets, s: SimulateResult, ctx: { seed: number; estimator: string; version: string }): Promise<void> {
  if (!t.report && !t.plot) return;
  const figures = simulateFigures(s);
  await writeTargets(t, figures, (svgs) => reportHtml({
    title: `simulate: ${ctx.estimator} on ${s.generator.kind} data`,
    subtitle: `${s.datasets} datasets of N = ${s.n}; truth ${num(s.truth)} ${s.units}, mean estimate ${num(s.meanEstimate)}${s.coverage !== undefined ? `, coverage ${num(s.coverage * 100)}%` : ''}`,
    rows: simulateRows(s, ctx.seed, ctx.estimator),
    figures: figures.map((figure, i) => ({ figure, svg: svgs[i]! })),
    warnings: [],
    footer: `infoshard ${ctx.version}; written ${new Date().toISOString()}`,
  }), '--');
}

function manyRows(r: JobResult, source: string): ReportRow[] {
  const k = r.k !== null ? `, k = ${r.k}` : '';
  const rows: ReportRow[] = [{ label: 'data', value: `${source} (N = ${r.n}${r.normalize ? ', columns normalized to unit sd' : ''})` }, { label: 'measure / estimator', value: `${r.measure} / ${r.estimator}${k}` }];
  const P = `${r.replicates.permutation ?? '?'} shared permutations`;
  if (r.screen) {
    const s = r.screen;
    rows.push({ label: 'target', value: s.target.join(', ') + (s.z ? ` given ${s.z.join(', ')}` : '') });
    rows.push({ label: 'features', value: String(s.features.length) });
    rows.push({ label: 'selection', value: `${s.correction} at alpha ${num(s.alpha)} (${P}): ${s.selected.length} selected${s.selected.length ? `: ${s.selected.slice(0, 30).join(', ')}${s.selected.length > 30 ? ', …' : ''}` : ''}` });
    for (const f of s.features.slice(0, 25)) {
      rows.push({ label: `${f.name}${f.selected ? ' (selected)' : ''}`, value: `${num(f.estimate)} ${r.units}; p = ${num(f.pValue)}, p_adj = ${num(f.pAdjusted)}; null mean ${num(f.nullMean)}` });
    }
    if (s.features.length > 25) rows.push({ label: '…', value: `${s.features.length - 25} more features (--json or --out for all)` });
  } else if (r.pairwise) {
    const p = r.pairwise;
    const sel = p.pairs.filter((q) => q.selected);
    rows.push({ label: 'variables', value: p.variables.join(', ') + (p.z ? ` given ${p.z.join(', ')}` : '') });
    rows.push({ label: 'selection', value: `${p.correction} at alpha ${num(p.alpha)} (${P}): ${sel.length} of ${p.pairs.length} pairs selected` });
    for (const q of [...p.pairs].sort((a, b) => b.estimate - a.estimate).slice(0, 25)) {
      rows.push({ label: `${q.a} – ${q.b}${q.selected ? ' (selected)' : ''}`, value: `${num(q.estimate)} ${r.units}; p = ${num(q.pValue)}, p_adj = ${num(q.pAdjusted)}` });
    }
  }
  if (r.pValue !== undefined) rows.push({ label: 'global p-value (max statistic)', value: num(r.pValue) });
  rows.push({ label: 'seed', value: String(r.seed) });
  rows.push({ label: 'data SHA-256', value: r.provenance.dataHash });
  return rows;
}

/** `--report` / `--plot` of a screen or pairwise result (the ranked bar chart or the heatmap). */
export async function writeManyReport(t: ReportTargets, r: JobResult, ctx: JobReportContext): Promise<void> {
  if (!t.report && !t.plot) return;
  const figures = manyFigures(r);
  await writeTargets(t, figures, (svgs) => manyPage(r, ctx, svgs, figures), ctx.prefix ?? '--');
}

function manyPage(r: JobResult, ctx: JobReportContext, svgs: string[], figures: Figure[]): string {
  const what = r.screen ? `screen of ${r.screen.features.length} features against ${r.screen.target.join(', ')}` : `pairwise ${r.measure} of ${r.pairwise!.variables.length} variables`;
  const nSel = r.screen ? r.screen.selected.length : r.pairwise!.pairs.filter((q) => q.selected).length;
  return reportHtml({
    title: `${what} (${r.measure}, ${r.estimator}) on ${ctx.source}`,
    subtitle: `${nSel} ${r.screen ? 'features' : 'pairs'} selected at ${(r.screen ?? r.pairwise)!.correction} alpha ${num((r.screen ?? r.pairwise)!.alpha)}; N = ${r.n}`,
    rows: manyRows(r, ctx.source),
    figures: figures.map((figure, i) => ({ figure, svg: svgs[i]! })),
    warnings: r.warnings,
    footer: `infoshard ${ctx.version}; written ${new Date().toISOString()}`,
    ...(ctx.back ? { back: ctx.back } : {}),
  });
}


/** Files `calibrate --out DIR` writes. */
export const CALIBRATION_FILES = { table: 'table.md', results: 'results.jsonl', svg: 'coverage.svg', png: 'coverage.png' } as const;

/** A SimulateResult without its per-dataset arrays (one JSON line per cell). */
export function plainSimulateResult(r: SimulateResult): Record<string, unknown> {
  return Object.fromEntries(Object.entries(r).filter(([, v]) => !ArrayBuffer.isView(v)));
}

/**
 * `calibrate --out DIR`: the coverage table (table.md, `header` above it), one JSON line per
 * cell (results.jsonl) and the coverage chart (coverage.svg and coverage.png). Returns the paths written.
 */
export async function writeCalibration(dir: string, rows: readonly SimulateResult[], header: string, extra: Record<string, unknown> = {}): Promise<string[]> {
  try {
    await mkdir(dir, { recursive: true });
  } catch (err) {
    throw new DataError(`cannot write --out ${dir}: ${(err as Error).message}`, { cause: err });
  }
  const out: string[] = [];
  const put = async (name: string, bytes: string | Uint8Array) => {
    const path = join(dir, name);
    await write(path, '--out', bytes);
    out.push(path);
  };
  await put(CALIBRATION_FILES.table, `${header}\n\n${coverageTable([...rows])}`);
  await put(CALIBRATION_FILES.results, rows.map((r) => JSON.stringify({ ...plainSimulateResult(r), ...extra })).join('\n') + '\n');
  const fig = calibrationFigure(rows);
  if (fig) {
    const warnings: string[] = [];
    const svg = await renderSvg(fig.spec, warnings);
    if (warnings.length) throw new InternalError(`coverage chart: ${warnings.join('; ')}`);
    await put(CALIBRATION_FILES.svg, svg);
    await put(CALIBRATION_FILES.png, await svgToPng(svg));
  }
  return out;
}
