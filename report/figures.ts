/**
 * The figures of a report as Vega-Lite specs (data inlined), built from a JobResult or a
 * SimulateResult. Pure: no I/O, no rendering (render.ts turns a spec into SVG/PNG).
 *
 * Every chart is a layer of a histogram (or dot/interval chart) and rules for the numbers the
 * text table also shows, so a reader can check the picture against the table.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { JobResult } from '../shared/job/spec.js';
import type { SimulateResult } from '../shared/resampling/simulate.js';
import { describeGenerator } from '../shared/resampling/calibrate.js';
import { ndtri } from '../shared/stats/normal.js';

export type FigureId = 'screen' | 'pairwise' | 'bootstrap' | 'null' | 'ensemble' | 'sim-estimates' | 'sim-coverage' | 'sim-pvalues' | 'calibration';

export interface Figure {
  id: FigureId;
  title: string;
  /** One sentence under the plot: what is drawn and how to read it. */
  caption: string;
  spec: TopLevelSpec;
}

const WIDTH = 560;
const HEIGHT = 260;
const BINS = 40;
/** Colours of the marks (Vega's default category palette, so the page matches Vega's look). */
const C = { bars: '#4c78a8', estimate: '#e45756', interval: '#f58518', ok: '#54a24b', miss: '#e45756', ref: '#555555' } as const;

/** Format for labels: 4 significant digits, plain for moderate magnitudes. */
export function num(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (Number.isInteger(v)) return String(v);
  const a = Math.abs(v);
  return a !== 0 && (a < 1e-3 || a >= 1e5) ? v.toExponential(3) : String(Number(v.toPrecision(4)));
}

/** Finite values only: a failed replicate is NaN and would break Vega's binning. */
function finite(values: ArrayLike<number>): { value: number }[] {
  const out: { value: number }[] = [];
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (Number.isFinite(v)) out.push({ value: v });
  }
  return out;
}

/** Pre-binned bars (SummaryInfo.histograms): equal-width bins over [low, high]. */
interface Bars {
  low: number;
  high: number;
  counts: number[];
}

function isBars(v: ArrayLike<number> | Bars): v is Bars {
  return !ArrayBuffer.isView(v) && Array.isArray((v as Bars).counts);
}

function barRows(b: Bars): { lo: number; hi: number; count: number }[] {
  const w = (b.high - b.low) / b.counts.length;
  // a single value (low = high): one bar of a nominal width so it stays visible
  const width = w > 0 ? w : Math.max(Math.abs(b.low) * 1e-3, 1e-9);
  return b.counts.map((count, j) => ({ lo: b.low + j * width, hi: j === b.counts.length - 1 && w > 0 ? b.high : b.low + (j + 1) * width, count })).filter((r) => r.count > 0);
}

/** The caption's note for a histogram drawn from the sketch (SummaryInfo), with its stated accuracy. */
function sketchNote(r: JobResult): string {
  const a = r.summaries!.sketch.relativeAccuracy;
  return ` Drawn from the quantile sketch (summary path: no replicate vector is kept): each replicate is binned at its sketch bucket's value, within ${a} × its distance from the estimate, so a bar may hold replicates up to that far beyond its edges; the range is the exact minimum to maximum.`;
}

interface Marker {
  value: number;
  label: string;
  color: string;
  dash?: number[];
}

/**
 * A histogram of `values` with vertical rules for `markers`, named in a legend under the plot
 * (labels next to the rules collide when the rules are close, as a CI around its estimate is).
 */
function histogram(values: ArrayLike<number> | Bars, xTitle: string, yTitle: string, markers: Marker[], band?: { low: number; high: number }): TopLevelSpec {
  const x = { field: 'value', type: 'quantitative', scale: { zero: false } };
  const layers: object[] = [];
  if (band && Number.isFinite(band.low) && Number.isFinite(band.high)) {
    layers.push({
      data: { values: [band] },
      mark: { type: 'rect', color: C.interval, opacity: 0.15 },
      encoding: { x: { field: 'low', type: 'quantitative', scale: { zero: false } }, x2: { field: 'high' } },
    });
  }
  // Binned by transforms, not `bin` in the encoding: a binned encoding puts the axis ticks on the
  // bin edges, which leaves two ticks when a rule (the observed value) lies far from the bars.
  // bars binned already (a summary's sketch histogram), or the replicates binned by Vega
  const bars = isBars(values) ? { data: { values: barRows(values) } } : {
    data: { values: finite(values) },
    transform: [
      { bin: { maxbins: BINS }, field: 'value', as: ['lo', 'hi'] },
      { aggregate: [{ op: 'count', as: 'count' }], groupby: ['lo', 'hi'] },
    ],
  };
  layers.push({
    ...bars,
    mark: { type: 'rect', color: C.bars, opacity: 0.85, stroke: 'white', strokeWidth: 0.5, ariaRoleDescription: 'bar' },
    encoding: {
      x: { field: 'lo', type: 'quantitative', scale: { zero: false }, title: xTitle },
      x2: { field: 'hi' },
      y: { field: 'count', type: 'quantitative', title: yTitle, axis: { tickMinStep: 1 } },
      y2: { datum: 0 },
    },
  });
  const rules = markers.filter((m) => Number.isFinite(m.value));
  if (rules.length) {
    const labels = rules.map((m) => m.label);
    const legend = { title: null, orient: 'bottom', direction: 'vertical', symbolType: 'stroke', symbolStrokeWidth: 2, labelFontSize: 12, labelLimit: 400 };
    layers.push({
      data: { values: rules },
      mark: { type: 'rule', strokeWidth: 2 },
      encoding: {
        x,
        // one legend: Vega-Lite merges colour and dash of the same field into one symbol per rule
        color: { field: 'label', type: 'nominal', scale: { domain: labels, range: rules.map((m) => m.color) }, legend },
        strokeDash: { field: 'label', type: 'nominal', scale: { domain: labels, range: rules.map((m) => m.dash ?? [1, 0]) }, legend },
      },
    });
  }
  return { $schema: 'https://vega.github.io/schema/vega-lite/v6.json', width: WIDTH, height: HEIGHT, layer: layers } as TopLevelSpec;
}

function bootstrapFigure(r: JobResult): Figure | undefined {
  // the vector path's replicates, or the summary path's sketch histogram
  const sketch = r.bootstrapDistribution ? undefined : r.summaries?.histograms?.bootstrap;
  const values = r.bootstrapDistribution ?? sketch;
  // nothing finite to bin (every replicate failed): no figure rather than an empty, warning plot
  if (!values || !r.ci || (sketch ? sketch.counts.every((c) => c === 0) : finite(r.bootstrapDistribution!).length === 0)) return undefined;
  const ci = r.ci;
  const level = `${num(ci.level * 100)}%`;
  const count = r.bootstrapDistribution?.length ?? r.replicates.bootstrap;
  return {
    id: 'bootstrap',
    title: 'Bootstrap distribution',
    caption: `${count} ${ci.scheme} replicates${ci.m !== undefined ? ` (m = ${ci.m})` : ''}; shaded: the ${level} ${ci.method} interval [${num(ci.low)}, ${num(ci.high)}]; red: the estimate ${num(r.estimate)} ${r.units}.${sketch ? sketchNote(r) : ''}`,
    spec: histogram(
      values,
      `${r.measure} (${r.units})`,
      'replicates',
      [
        { value: r.estimate, label: `estimate ${num(r.estimate)}`, color: C.estimate },
        { value: ci.low, label: `${level} ${ci.method} CI low ${num(ci.low)}`, color: C.interval, dash: [6, 4] },
        { value: ci.high, label: `${level} ${ci.method} CI high ${num(ci.high)}`, color: C.interval, dash: [6, 4] },
      ],
      { low: ci.low, high: ci.high },
    ),
  };
}

function nullFigure(r: JobResult): Figure | undefined {
  const sketch = r.nullDistribution ? undefined : r.summaries?.histograms?.null;
  const values = r.nullDistribution ?? sketch;
  if (!values || r.pValue === undefined || (sketch ? sketch.counts.every((c) => c === 0) : finite(r.nullDistribution!).length === 0)) return undefined;
  const count = r.nullDistribution?.length ?? r.replicates.permutation;
  return {
    id: 'null',
    title: 'Permutation null distribution',
    caption: `${count} permutations; red: the observed value ${num(r.estimate)} ${r.units}, p = ${num(r.pValue)} (share of the null at or above it, +1 corrected).${sketch ? sketchNote(r) : ''}`,
    spec: histogram(values, `${r.measure} under H0 (${r.units})`, 'permutations', [
      { value: r.estimate, label: `observed ${num(r.estimate)}, p = ${num(r.pValue)}`, color: C.estimate },
      ...(r.null ? [{ value: r.null.mean, label: `null mean ${num(r.null.mean)}`, color: C.ref, dash: [4, 3] }] : []),
    ]),
  };
}

/** One row per ensemble member (each k, the combination, bagging mean ± sd) against the estimate. */
function ensembleFigure(r: JobResult): Figure | undefined {
  const e = r.ensemble;
  if (!e || (!e.byK?.length && !e.bagging)) return undefined;
  const rows: { member: string; value: number; low?: number; high?: number }[] = [];
  for (const m of e.byK ?? []) rows.push({ member: `k = ${m.k}`, value: m.estimate });
  if (e.combined !== undefined) rows.push({ member: 'combined over k', value: e.combined });
  if (e.bagging) {
    const b = e.bagging;
    rows.push({ member: `bagging (${b.replicates} × ${num(b.fraction * 100)}%)`, value: b.mean, low: b.mean - b.sd, high: b.mean + b.sd });
  }
  const y = { field: 'member', type: 'nominal', sort: null, title: null };
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    width: WIDTH,
    height: { step: 28 },
    layer: [
      {
        data: { values: rows.filter((d) => d.low !== undefined) },
        mark: { type: 'rule', color: C.bars, strokeWidth: 2 },
        encoding: { y, x: { field: 'low', type: 'quantitative' }, x2: { field: 'high' } },
      },
      {
        data: { values: rows },
        mark: { type: 'point', filled: true, size: 70, color: C.bars },
        encoding: { y, x: { field: 'value', type: 'quantitative', title: `${r.measure} (${r.units})`, scale: { zero: false } } },
      },
      {
        data: { values: [{ value: r.estimate }] },
        mark: { type: 'rule', color: C.estimate, strokeWidth: 2, strokeDash: [6, 4] },
        encoding: { x: { field: 'value', type: 'quantitative' } },
      },
    ],
  } as TopLevelSpec;
  return {
    id: 'ensemble',
    title: 'Ensemble spread',
    caption: `Each member's estimate${e.bagging ? ' (bagging: mean ± sd over subsamples)' : ''}; dashed red: the reported estimate ${num(r.estimate)} ${r.units}.`,
    spec,
  };
}

/** The figures a job result supports, in report order (bootstrap, null, ensemble). */
export function jobFigures(r: JobResult): Figure[] {
  return [bootstrapFigure(r), nullFigure(r), ensembleFigure(r)].filter((f): f is Figure => f !== undefined);
}

/** Figures of a simulation: estimates vs truth, per-dataset intervals (coverage), p-values vs uniform. */
export function simulateFigures(s: SimulateResult): Figure[] {
  const figs: Figure[] = [
    {
      id: 'sim-estimates',
      title: 'Estimates over datasets',
      caption: `${s.datasets} datasets of N = ${s.n}; red: the true value ${num(s.truth)} ${s.units}; grey: the mean estimate (bias ${num(s.bias)}, RMSE ${num(s.rmse)}).`,
      spec: histogram(s.estimates, `estimate (${s.units})`, 'datasets', [
        { value: s.truth, label: `truth ${num(s.truth)}`, color: C.estimate },
        { value: s.meanEstimate, label: `mean ${num(s.meanEstimate)}`, color: C.ref, dash: [4, 3] },
      ]),
    },
  ];
  if (s.ciLow && s.ciHigh && s.coverage !== undefined) {
    const rows = Array.from(s.estimates, (v, i) => ({ v, low: s.ciLow![i]!, high: s.ciHigh![i]! }))
      .filter((d) => Number.isFinite(d.low) && Number.isFinite(d.high))
      .sort((a, b) => a.v - b.v)
      .map((d, rank) => ({ ...d, rank, covers: d.low <= s.truth && s.truth <= d.high ? 'covers the truth' : 'misses the truth' }));
    figs.push({
      id: 'sim-coverage',
      title: 'Confidence intervals (coverage)',
      caption: `One interval per dataset, sorted by estimate; ${num(s.coverage * 100)}% contain the true value ${num(s.truth)} (red line).`,
      spec: {
        $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
        width: WIDTH,
        height: HEIGHT,
        layer: [
          {
            data: { values: rows },
            mark: { type: 'rule', strokeWidth: Math.max(0.5, Math.min(3, (0.6 * HEIGHT) / Math.max(1, rows.length))) },
            encoding: {
              y: { field: 'rank', type: 'quantitative', title: 'dataset (sorted by estimate)', axis: { labels: false, ticks: false }, scale: { padding: 6, nice: false } },
              x: { field: 'low', type: 'quantitative', title: `interval (${s.units})`, scale: { zero: false } },
              x2: { field: 'high' },
              color: { field: 'covers', type: 'nominal', scale: { domain: ['covers the truth', 'misses the truth'], range: [C.ok, C.miss] }, legend: { title: null, orient: 'bottom' } },
            },
          },
          {
            data: { values: [{ value: s.truth }] },
            mark: { type: 'rule', color: C.estimate, strokeWidth: 2 },
            encoding: { x: { field: 'value', type: 'quantitative' } },
          },
        ],
      } as TopLevelSpec,
    });
  }
  if (s.pValues && s.ksStatistic !== undefined) {
    const expected = s.pValues.length / 20;
    figs.push({
      id: 'sim-pvalues',
      title: 'p-values over datasets',
      caption: `Histogram in bins of 0.05; dashed: the count per bin under Uniform(0, 1) (${num(expected)}); KS distance from uniform ${num(s.ksStatistic)}. Under dependence (truth > 0) the mass belongs near 0.`,
      spec: {
        $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
        width: WIDTH,
        height: HEIGHT,
        layer: [
          {
            data: { values: finite(s.pValues) },
            mark: { type: 'bar', color: C.bars, opacity: 0.85 },
            encoding: {
              x: { field: 'value', type: 'quantitative', bin: { extent: [0, 1], step: 0.05 }, title: 'p-value' },
              y: { aggregate: 'count', type: 'quantitative', title: 'datasets' },
            },
          },
          {
            data: { values: [{ count: expected }] },
            mark: { type: 'rule', color: C.ref, strokeWidth: 2, strokeDash: [6, 4] },
            encoding: { y: { field: 'count', type: 'quantitative' } },
          },
        ],
      } as TopLevelSpec,
    });
  }
  return figs;
}

/** Colours of the CI methods in the calibration chart (fixed, so every run draws a method alike). */
const METHOD_COLOURS: Record<string, string> = { percentile: '#4c78a8', basic: '#f58518', bca: '#b279a2', normal: '#54a24b' };

/**
 * The calibration study's chart: per cell (row) and CI method (colour), the coverage of E[Î_N]
 * (the Monte Carlo mean estimate, the interval's target) with the binomial Monte Carlo band
 * level ± z_{0.975}·√(level(1 − level)/D) around the nominal level: a calibrated method falls
 * outside its cell's band in about 5% of (cell, method) pairs.
 */
export function calibrationFigure(rows: readonly SimulateResult[]): Figure | undefined {
  const withCi = rows.filter((r) => r.byMethod && r.byMethod.length > 0);
  if (withCi.length === 0) return undefined;
  const cellName = (r: SimulateResult, i: number) => `${i + 1}. ${r.label ? `${r.label} ` : ''}${describeGenerator(r.generator)} N=${r.n}`;
  const levels = new Set(withCi.map((r) => r.level ?? 0.95));
  const z = ndtri(0.975);
  // one row per (cell, method): the cell's band, the nominal level and the method's coverage
  const rowsOut = withCi.flatMap((r, i) => {
    const level = r.level ?? 0.95;
    const half = z * Math.sqrt((level * (1 - level)) / r.datasets);
    return r.byMethod!.map((m) => ({
      row: `${cellName(r, i)} · ${m.method}`,
      method: m.method,
      level: 100 * level,
      low: 100 * Math.max(0, level - half),
      high: 100 * Math.min(1, level + half),
      coverage: 100 * m.coverageOfMean,
    }));
  });
  const methods = [...new Set(rowsOut.map((p) => p.method))];
  const D = [...new Set(withCi.map((r) => r.datasets))];
  const y = { field: 'row', type: 'nominal', title: null, sort: rowsOut.map((p) => p.row), axis: { labelLimit: 520 } };
  const xMin = Math.max(0, 5 * Math.floor(Math.min(...rowsOut.flatMap((p) => (Number.isFinite(p.coverage) ? [p.coverage, p.low] : [p.low]))) / 5));
  const height = Math.max(60, 14 * rowsOut.length);
  const data = { values: rowsOut };
  return {
    id: 'calibration',
    title: 'Coverage of E[Î_N] by cell and CI method',
    caption:
      `Dots: the fraction of the ${D.join('/')} intervals per cell that contain the mean estimate over datasets (E[Î_N], what the interval targets); ` +
      `grey band: the binomial Monte Carlo 95% band around the nominal ${[...levels].map((l) => num(100 * l)).join('/')}% (black line) for D datasets. ` +
      'Coverage of the true value is in the table.',
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      width: WIDTH,
      height,
      layer: [
        {
          data,
          mark: { type: 'bar', color: '#bbbbbb', opacity: 0.5 },
          encoding: { y, x: { field: 'low', type: 'quantitative', title: 'coverage of E[Î_N] (%)', scale: { domain: [xMin, 100], nice: false, padding: 8 } }, x2: { field: 'high' } },
        },
        {
          data,
          mark: { type: 'tick', color: '#222222', thickness: 1.5 },
          encoding: { y, x: { field: 'level', type: 'quantitative' } },
        },
        {
          data,
          mark: { type: 'point', filled: true, size: 50, opacity: 0.95 },
          encoding: {
            y,
            x: { field: 'coverage', type: 'quantitative' },
            color: { field: 'method', type: 'nominal', sort: methods, scale: { domain: methods, range: methods.map((m) => METHOD_COLOURS[m] ?? C.ref) }, legend: { title: 'CI method', orient: 'bottom' } },
          },
        },
      ],
    } as TopLevelSpec,
  };
}

/** At most this many features are drawn in the screening chart (the largest estimates; the table/CSV has all). */
export const MAX_SCREEN_BARS = 60;

/**
 * Screening (docs/screening.md): features ranked by estimate, selected ones in colour, each with
 * its permutation-null mean as a tick; beside it the adjusted p-values on a log scale with the
 * selection level alpha as a rule (selected ⇔ adjusted p ≤ alpha).
 */
function screenFigure(r: JobResult): Figure | undefined {
  const s = r.screen;
  if (!s || s.features.length === 0) return undefined;
  const shown = s.features.filter((f) => Number.isFinite(f.estimate)).slice(0, MAX_SCREEN_BARS);
  if (shown.length === 0) return undefined;
  const SEL = `selected (${s.correction} p_adj ≤ ${num(s.alpha)})`;
  const NOT = 'not selected';
  const rows = shown.map((f, rank) => ({
    feature: f.name, rank, estimate: f.estimate, nullMean: f.nullMean, pValue: f.pValue,
    // the log axis needs p > 0 (a permutation p-value is ≥ 1/(P+1), so this only guards odd inputs)
    pAdjusted: Number.isFinite(f.pAdjusted) && f.pAdjusted > 0 ? f.pAdjusted : null,
    status: f.selected ? SEL : NOT,
  }));
  const names = rows.map((d) => d.feature);
  const y = { field: 'feature', type: 'nominal', sort: names, title: null, axis: { labelLimit: 140 } };
  const color = { field: 'status', type: 'nominal', scale: { domain: [SEL, NOT], range: [C.estimate, '#9ecae9'] }, legend: { title: null, orient: 'bottom', labelLimit: 320 } };
  const height = { step: 16 };
  const pmin = Math.min(s.alpha, ...rows.map((d) => d.pAdjusted ?? 1));
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    data: { values: rows },
    hconcat: [
      {
        width: 340,
        height,
        layer: [
          {
            mark: { type: 'bar', ariaRoleDescription: 'bar' },
            encoding: { y, x: { field: 'estimate', type: 'quantitative', title: `${r.measure} (${r.units})` }, color },
          },
          {
            mark: { type: 'tick', color: C.ref, thickness: 2, ariaRoleDescription: 'null mean' },
            encoding: { y, x: { field: 'nullMean', type: 'quantitative' } },
          },
        ],
      },
      {
        width: 180,
        height,
        layer: [
          {
            transform: [{ filter: 'datum.pAdjusted !== null' }],
            mark: { type: 'point', filled: true, opacity: 1, size: 40, ariaRoleDescription: 'adjusted p' },
            encoding: {
              y: { ...y, axis: null },
              x: { field: 'pAdjusted', type: 'quantitative', title: `adjusted p (${s.correction}, log)`, scale: { type: 'log', domain: [Math.min(pmin, 1) / 1.5, 1] } },
              color,
            },
          },
          {
            data: { values: [{ alpha: s.alpha }] },
            mark: { type: 'rule', color: C.estimate, strokeDash: [6, 4], strokeWidth: 2 },
            encoding: { x: { field: 'alpha', type: 'quantitative' } },
          },
        ],
      },
    ],
    resolve: { scale: { x: 'independent' } },
  } as TopLevelSpec;
  const more = s.features.length > shown.length ? ` The ${shown.length} largest of ${s.features.length} features are drawn (the table and --out have all).` : '';
  return {
    id: 'screen',
    title: 'Features ranked by estimate',
    caption: `${r.measure} of each feature with ${s.target.join(', ')}${s.z ? ` given ${s.z.join(', ')}` : ''}; red: the ${s.selected.length} selected at ${s.correction} alpha ${num(s.alpha)}; grey ticks: each feature's permutation-null mean. Right: adjusted p-values, dashed line at alpha (selected ⇔ left of it).${more}`,
    spec,
  };
}

/** Pairwise: the symmetric MI matrix as a heatmap (diagonal empty), selected pairs marked with a dot. */
function pairwiseFigure(r: JobResult): Figure | undefined {
  const p = r.pairwise;
  if (!p || p.pairs.length === 0) return undefined;
  const cells: { a: string; b: string; estimate: number; pAdjusted: number; selected: boolean }[] = [];
  for (const q of p.pairs) {
    if (!Number.isFinite(q.estimate)) continue;
    cells.push({ a: q.a, b: q.b, estimate: q.estimate, pAdjusted: q.pAdjusted, selected: q.selected });
    cells.push({ a: q.b, b: q.a, estimate: q.estimate, pAdjusted: q.pAdjusted, selected: q.selected });
  }
  if (cells.length === 0) return undefined;
  const V = p.variables.length;
  const step = Math.max(10, Math.min(60, Math.floor(480 / V)));
  const x = { field: 'a', type: 'nominal', sort: p.variables, title: null, axis: { labelAngle: -45, labelLimit: 100 } };
  const y = { field: 'b', type: 'nominal', sort: p.variables, title: null, axis: { labelLimit: 100 } };
  const sel = cells.filter((c) => c.selected);
  const layers: object[] = [
    {
      data: { values: cells },
      mark: { type: 'rect', ariaRoleDescription: 'cell' },
      encoding: { x, y, color: { field: 'estimate', type: 'quantitative', title: `${r.measure} (${r.units})`, scale: { scheme: 'blues' } } },
    },
  ];
  if (sel.length) {
    layers.push({
      data: { values: sel },
      mark: { type: 'point', shape: 'circle', filled: true, opacity: 1, stroke: 'white', strokeWidth: 1, color: C.estimate, size: Math.max(12, step * step * 0.12), ariaRoleDescription: 'selected pair' },
      encoding: { x, y },
    });
  }
  return {
    id: 'pairwise',
    title: 'Pairwise matrix',
    caption: `${r.measure} of every pair of ${V} variables${p.z ? ` given ${p.z.join(', ')}` : ''} (symmetric; the diagonal is not estimated); red dots: the ${sel.length / 2} pairs selected at ${p.correction} alpha ${num(p.alpha)}.`,
    spec: { $schema: 'https://vega.github.io/schema/vega-lite/v6.json', width: { step }, height: { step }, layer: layers } as TopLevelSpec,
  };
}

/** The figure of a screen or pairwise result (none for other results). */
export function manyFigures(r: JobResult): Figure[] {
  return [screenFigure(r), pairwiseFigure(r)].filter((f): f is Figure => f !== undefined);
}
