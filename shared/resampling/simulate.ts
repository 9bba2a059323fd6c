/**
 * Monte Carlo calibration: draw D datasets of size N from a generator with known mutual
 * information, run the estimator (optionally with a bootstrap CI and/or a permutation test) on
 * each, and report mean estimate, bias, RMSE, CI coverage and the Kolmogorov–Smirnov distance of
 * the p-values from Uniform(0, 1).
 *
 * Coverage is reported twice: of the truth, and of the mean estimate over the D datasets (the
 * Monte Carlo value of E[Î_N], which is what a bootstrap interval targets: issue 10). With
 * `methods`, each dataset's replicates are computed once (with the jackknife if BCa is asked
 * for) and every method's interval is made from them, so methods are compared on the same draws. Dataset d is drawn only from `stream(seed, d, Domain.simulate)`;
 * its resampling seed is the first uint32 of that stream, so every dataset is reproducible alone.
 *
 * Generators and their truth (nats):
 * - gaussian(ρ): bivariate normal, I = −½ ln(1 − ρ²) (Cover & Thomas, eq. 8.56). With dx, dy:
 *   X ∈ R^dx, Y ∈ R^dy standard normal, Corr(X_j, Y_j) = ρ for j < min(dx, dy), all else
 *   independent, so I = −(min(dx, dy)/2) ln(1 − ρ²) (a sum over independent pairs).
 * - student-t(ρ, ν): bivariate t with ν (integer) degrees of freedom and correlation parameter ρ.
 *   Truth from the entropy of the multivariate t (Arellano-Valle, Contreras-Reyes & Genton,
 *   Scand. J. Statist. 2013, eq. 11): H_d = ½ ln|Σ| + ln Γ(ν/2) + (d/2) ln(νπ) − ln Γ((ν+d)/2)
 *   + ((ν+d)/2)[ψ((ν+d)/2) − ψ(ν/2)], and I = 2H_1 − H_2 = −½ ln(1 − ρ²) + 2g(1) − g(2) with
 *   g(d) = ln Γ(ν/2) − ln Γ((ν+d)/2) + ((ν+d)/2)[ψ((ν+d)/2) − ψ(ν/2)]. Note I > 0 at ρ = 0:
 *   uncorrelated t components are still dependent (they share the scale).
 * - mixture(m): X uniform on {0, …, m−1}, Y | X ~ Uniform[X, X + 2] — the discrete–continuous
 *   mixture of Gao, Kannan, Oh & Viswanath (NeurIPS 2017, §5): I = ln m − (m − 1) ln 2 / m.
 * - discrete(a, q): X uniform on {0, …, a−1}; Y = X with probability q, else uniform on the same
 *   set. p(x, y) = (q·1{x = y} + (1 − q)/a)/a, so I = (q + (1 − q)/a) ln(aq + 1 − q)
 *   + (1 − q)(a − 1)/a · ln(1 − q) (for the plug-in estimator).
 * - gaussian-cmi(ρ): Z, e1, e2 standard normal; X = Z + e1, Y = Z + ρe1 + √(1 − ρ²)e2. Given Z,
 *   (X, Y) has correlation ρ, so I(X; Y | Z) = −½ ln(1 − ρ²) (measure cmi).
 *
 * Entropy (measure 'entropy', of the X block): gaussian, H = (dx/2) ln(2πe) (unit variances;
 * exact without normalisation); discrete, H = ln a.
 */
import type { Dataset } from '../data/matrix.js';
import { OptionError } from '../errors.js';
import { executeShard, pointEstimate } from '../job/execute.js';
import { assemble, BIAS_Z_WARNING, bootstrapInterval, finalizeResult } from '../job/merge.js';
import { planShards, planWorkloads } from '../job/plan.js';
import { prepareJob } from '../job/prepare.js';
import type { CiMethod, JobResult, JobSpec, Measure, Units } from '../job/spec.js';
import { subsampleBias } from './bootstrap.js';
import { intervalRecipe } from './recipes.js';
import { Domain, stream, type RandomStream } from '../rng/index.js';
import { digamma, lgamma } from '../stats/special.js';
import { momentsOf, sd } from '../stats/moments.js';
import { ndtri } from '../stats/normal.js';

export type Generator =
  | { kind: 'gaussian'; rho: number; dx?: number; dy?: number }
  | { kind: 'student-t'; rho: number; nu: number }
  | { kind: 'mixture'; m: number }
  | { kind: 'discrete'; a: number; q: number }
  | { kind: 'gaussian-cmi'; rho: number };

export interface SimulateSpec {
  generator: Generator;
  /** Rows per dataset. */
  n: number;
  /** Number of datasets D. */
  datasets: number;
  /** 'entropy' estimates H(X); 'cmi' needs generator gaussian-cmi. @default 'mi' */
  measure?: Measure;
  /** @default 0 */
  seed?: number;
  /** The job run on each dataset (columns from generatorColumns; measure from `measure`). */
  job: Omit<JobSpec, 'measure' | 'x' | 'y' | 'z' | 'seed'>;
  maxReplicates?: number;
  /** More CI methods to evaluate on the same replicates (needs job.bootstrap); the job's own method is always first. */
  methods?: CiMethod[];
}

/** Coverage of one CI method over the datasets. */
export interface MethodCoverage {
  method: CiMethod;
  /** Fraction of intervals containing the truth. */
  coverage: number;
  /** Fraction containing the mean estimate over datasets (Monte Carlo E[Î_N]): the interval's target. */
  coverageOfMean: number;
  /** Fraction containing the truth after shifting by the extrapolated bias (subsample only). */
  coverageShifted?: number;
  /** Mean width, and mean width / (2 z_{1−α} sd of the estimates over datasets). */
  meanWidth: number;
  widthRatio: number;
  /** Intervals that could not be computed (NaN, e.g. degenerate BCa). */
  failed: number;
}

export interface SimulateResult {
  generator: Generator;
  n: number;
  datasets: number;
  units: Units;
  truth: number;
  estimates: Float64Array;
  meanEstimate: number;
  sdEstimate: number;
  bias: number;
  rmse: number;
  /** Fraction of datasets whose CI contains the truth (when a bootstrap was requested). */
  coverage?: number;
  /** Fraction whose CI contains the mean estimate over datasets (Monte Carlo E[Î_N]). */
  coverageOfMean?: number;
  /** The intervals' nominal level (when a bootstrap was requested). */
  level?: number;
  /** Per method (first = job.bootstrap.method), all from the same replicates. */
  byMethod?: MethodCoverage[];
  /** Each dataset's CI bounds by the job's own method (byMethod[0]), for coverage plots. */
  ciLow?: Float64Array;
  ciHigh?: Float64Array;
  /**
   * job.bootstrap.target 'truth' (truth-interval.ts): coverage of the truth interval (the
   * result's own ci); byMethod then holds the mean-target intervals from the same replicates.
   */
  truthTarget?: MethodCoverage;
  /** Each dataset's truth-target interval. */
  truthLow?: Float64Array;
  truthHigh?: Float64Array;
  /** Fraction of datasets where the subsample bias warning (|z| > 1.5) fired. */
  biasWarningRate?: number;
  /** Mean over datasets of the extrapolated bias (subsample scheme), to compare with `bias`. */
  meanExtrapolatedBias?: number;
  /** Free text naming the cell (set by the calibration study). */
  label?: string;
  pValues?: Float64Array;
  /** sup |F_n(p) − p| of the p-values against Uniform(0, 1). */
  ksStatistic?: number;
}

function g(d: number, nu: number): number {
  const a = (nu + d) / 2;
  return lgamma(nu / 2) - lgamma(a) + a * (digamma(a) - digamma(nu / 2));
}

/** Population value (nats) of `measure` under a generator (MI by default). */
export function generatorTruth(gen: Generator, measure: Measure = 'mi'): number {
  if (measure === 'entropy') {
    if (gen.kind === 'gaussian') return ((gen.dx ?? 1) / 2) * Math.log(2 * Math.PI * Math.E);
    if (gen.kind === 'discrete') return Math.log(gen.a);
    throw new OptionError(`simulate: no entropy truth for generator ${gen.kind} (use gaussian or discrete)`, 'generator.kind');
  }
  if ((measure === 'cmi') !== (gen.kind === 'gaussian-cmi')) throw new OptionError(`simulate: measure ${measure} needs ${measure === 'cmi' ? 'generator gaussian-cmi' : 'another generator than gaussian-cmi'}`, 'generator.kind');
  switch (gen.kind) {
    case 'gaussian-cmi':
      return -0.5 * Math.log(1 - gen.rho * gen.rho);
    case 'discrete': {
      const { a, q } = gen;
      return (q + (1 - q) / a) * Math.log(a * q + 1 - q) + (q < 1 ? ((1 - q) * (a - 1) * Math.log(1 - q)) / a : 0);
    }
    case 'gaussian':
      return -0.5 * Math.min(gen.dx ?? 1, gen.dy ?? 1) * Math.log(1 - gen.rho * gen.rho);
    case 'student-t':
      return -0.5 * Math.log(1 - gen.rho * gen.rho) + 2 * g(1, gen.nu) - g(2, gen.nu);
    case 'mixture':
      return Math.log(gen.m) - ((gen.m - 1) * Math.LN2) / gen.m;
  }
}

function checkGenerator(gen: Generator): void {
  if (gen.kind === 'gaussian' || gen.kind === 'student-t' || gen.kind === 'gaussian-cmi') {
    if (!(Math.abs(gen.rho) < 1)) throw new OptionError(`generator.rho must be in (−1, 1); got ${gen.rho}`, 'generator.rho');
  }
  if (gen.kind === 'gaussian') {
    for (const f of ['dx', 'dy'] as const) {
      const v = gen[f];
      if (v !== undefined && !(Number.isInteger(v) && v >= 1 && v <= 64)) throw new OptionError(`generator.${f} must be an integer in [1, 64]; got ${v}`, `generator.${f}`);
    }
  }
  if (gen.kind === 'student-t' && !(Number.isInteger(gen.nu) && gen.nu >= 1)) throw new OptionError(`generator.nu must be a positive integer; got ${gen.nu}`, 'generator.nu');
  if (gen.kind === 'mixture' && !(Number.isInteger(gen.m) && gen.m >= 1)) throw new OptionError(`generator.m must be a positive integer; got ${gen.m}`, 'generator.m');
  if (gen.kind === 'discrete' && !(Number.isInteger(gen.a) && gen.a >= 2 && gen.q >= 0 && gen.q <= 1)) throw new OptionError(`generator discrete needs an integer a ≥ 2 and q in [0, 1]; got a = ${gen.a}, q = ${gen.q}`, 'generator.a');
  if (!['gaussian', 'student-t', 'mixture', 'discrete', 'gaussian-cmi'].includes(gen.kind)) throw new OptionError(`generator.kind must be gaussian, student-t, mixture, discrete or gaussian-cmi; got ${String((gen as { kind: unknown }).kind)}`, 'generator.kind');
}

/** N rows from `gen` using `rng`. */
export function drawDataset(gen: Generator, n: number, rng: RandomStream): Dataset {
  if (gen.kind === 'gaussian' && ((gen.dx ?? 1) > 1 || (gen.dy ?? 1) > 1)) return drawBlockGaussian(gen.rho, gen.dx ?? 1, gen.dy ?? 1, n, rng);
  const x = new Float64Array(n);
  const y = new Float64Array(n);
  if (gen.kind === 'gaussian-cmi') {
    const z = new Float64Array(n);
    const c = Math.sqrt(1 - gen.rho * gen.rho);
    for (let i = 0; i < n; i++) {
      const [zi, e1, e2] = [rng.nextGaussian(), rng.nextGaussian(), rng.nextGaussian()];
      z[i] = zi;
      x[i] = zi + e1;
      y[i] = zi + gen.rho * e1 + c * e2;
    }
    return { names: ['x', 'y', 'z'], columns: [x, y, z], n };
  }
  for (let i = 0; i < n; i++) {
    if (gen.kind === 'discrete') {
      const xi = rng.nextInt(gen.a);
      x[i] = xi;
      y[i] = rng.nextFloat64() < gen.q ? xi : rng.nextInt(gen.a);
      continue;
    }
    if (gen.kind === 'mixture') {
      const xi = rng.nextInt(gen.m);
      x[i] = xi;
      y[i] = xi + 2 * rng.nextFloat64();
      continue;
    }
    const z1 = rng.nextGaussian();
    const z2 = gen.rho * z1 + Math.sqrt(1 - gen.rho * gen.rho) * rng.nextGaussian();
    let s = 1;
    if (gen.kind === 'student-t') {
      let w = 0;
      for (let j = 0; j < gen.nu; j++) w += rng.nextGaussian() ** 2;
      s = Math.sqrt(gen.nu / w);
    }
    x[i] = z1 * s;
    y[i] = z2 * s;
  }
  return { names: ['x', 'y'], columns: [x, y], n };
}

/** Column names of a generator's X and Y blocks. */
export function generatorColumns(gen: Generator): { x: string[]; y: string[]; z?: string[] } {
  if (gen.kind === 'gaussian-cmi') return { x: ['x'], y: ['y'], z: ['z'] };
  if (gen.kind === 'gaussian' && ((gen.dx ?? 1) > 1 || (gen.dy ?? 1) > 1)) {
    return { x: Array.from({ length: gen.dx ?? 1 }, (_, j) => `x${j}`), y: Array.from({ length: gen.dy ?? 1 }, (_, j) => `y${j}`) };
  }
  return { x: ['x'], y: ['y'] };
}

/** X (dx columns), Y (dy columns): pairs (X_j, Y_j), j < min(dx, dy), with correlation ρ; row by row. */
function drawBlockGaussian(rho: number, dx: number, dy: number, n: number, rng: RandomStream): Dataset {
  const xs = Array.from({ length: dx }, () => new Float64Array(n));
  const ys = Array.from({ length: dy }, () => new Float64Array(n));
  const c = Math.sqrt(1 - rho * rho);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < dx; j++) xs[j]![i] = rng.nextGaussian();
    for (let j = 0; j < dy; j++) ys[j]![i] = j < dx ? rho * xs[j]![i]! + c * rng.nextGaussian() : rng.nextGaussian();
  }
  const cols = generatorColumns({ kind: 'gaussian', rho, dx, dy });
  return { names: [...cols.x, ...cols.y], columns: [...xs, ...ys], n };
}

/** Run one job fully inline on this thread (used by simulate; same code path as the engines). */
export function runInline(job: Parameters<typeof prepareJob>[0], maxReplicates?: number): JobResult {
  return runInlineWithReplicates(job, maxReplicates).result;
}

/** runInline, also returning the prepared job, θ̂ (nats) and the replicate vectors by workload. */
export function runInlineWithReplicates(job: Parameters<typeof prepareJob>[0], maxReplicates?: number) {
  const t0 = performance.now();
  const p = prepareJob(job, maxReplicates !== undefined ? { maxReplicates } : {});
  const theta = pointEstimate(p);
  const estimateMs = performance.now() - t0;
  const workloads = planWorkloads(p);
  const partials = planShards('inline', workloads, Math.max(1, ...workloads.map((w) => w.replicates))).map((s) => executeShard(p, s));
  const result = finalizeResult(p, theta, partials, { engine: 'embedded', version: '', estimateMs, totalMs: performance.now() - t0, threads: 1 });
  return { result, prepared: p, theta, values: assemble(workloads, partials) };
}

/** KS distance of `p` from Uniform(0, 1). */
export function ksUniform(p: ArrayLike<number>): number {
  const s = Float64Array.from(p as ArrayLike<number>).sort();
  const n = s.length;
  let d = 0;
  for (let i = 0; i < n; i++) d = Math.max(d, (i + 1) / n - s[i]!, s[i]! - i / n);
  return d;
}

/** Up-front checks of a simulation spec (generator, n, datasets, methods); OptionError naming the field. */
export function checkSimulateSpec(spec: Pick<SimulateSpec, 'generator' | 'n' | 'datasets' | 'methods' | 'job'>): void {
  checkGenerator(spec.generator);
  if (!(Number.isInteger(spec.n) && spec.n >= 2)) throw new OptionError(`n must be an integer ≥ 2; got ${spec.n}`, 'n');
  if (!(Number.isInteger(spec.datasets) && spec.datasets >= 1)) throw new OptionError(`datasets must be a positive integer; got ${spec.datasets}`, 'datasets');
  if (spec.methods && !spec.job.bootstrap) throw new OptionError('methods need a bootstrap (job.bootstrap)', 'methods');
}

/**
 * What every dataset of a simulation shares: the CI methods (the job's own first), the job run
 * on each dataset (BCa's jackknife once if any method needs it), the truth and the record width.
 */
export interface SimulatePlan {
  measure: Measure;
  units: Units;
  truth: number;
  methods: CiMethod[];
  job: SimulateSpec['job'];
  /** Values per dataset record (`datasetRecord`): RECORD_FIXED + 2 × methods (+ 2 for a truth-target interval). */
  width: number;
}

/**
 * A dataset's record: [estimate, p-value (NaN without permutations), subsample (0/1),
 * extrapolated bias (0 unless subsample), bias warning (0/1), then (low, high) per method, then
 * (low, high) of the truth-target interval when job.bootstrap.target is 'truth'], in
 * the job's units. The summary (`summarizeSimulation`) reads nothing else, so a farm that
 * returns these records, placed in dataset order, gives the same result as the loop here.
 */
export const RECORD_FIXED = 5;

export function simulatePlan(spec: SimulateSpec): SimulatePlan {
  const units = spec.job.units ?? 'nats';
  const measure = spec.measure ?? 'mi';
  const truthNats = generatorTruth(spec.generator, measure);
  const boot = spec.job.bootstrap;
  // the job's own method (or its estimator's default) first: it is the one `coverage` reports
  const methods: CiMethod[] = boot ? [...new Set([boot.method ?? intervalRecipe(measure, spec.job.estimator).defaultMethod, ...(spec.methods ?? [])])] : [];
  // run BCa's jackknife once if any method needs it; the job's own method otherwise
  const job = boot ? { ...spec.job, bootstrap: { ...boot, method: methods.includes('bca') ? ('bca' as const) : methods[0]! } } : spec.job;
  return { measure, units, truth: units === 'bits' ? truthNats / Math.LN2 : truthNats, methods, job, width: RECORD_FIXED + 2 * methods.length + (boot?.target === 'truth' ? 2 : 0) };
}

/** Dataset d of a simulation: drawn from stream(seed, d, Domain.simulate), estimated, its record written at `out[at..]`. */
export function simulateDataset(spec: SimulateSpec, plan: SimulatePlan, d: number, out: Float64Array, at: number): void {
  const toUnits = plan.units === 'bits' ? (v: number) => v / Math.LN2 : (v: number) => v;
  const cols = generatorColumns(spec.generator);
  const rng = stream(spec.seed ?? 0, d, Domain.simulate);
  const jobSeed = rng.nextUint32();
  const data = drawDataset(spec.generator, spec.n, rng);
  const blocks = plan.measure === 'entropy' ? { x: cols.x } : { x: cols.x, y: cols.y, ...(cols.z ? { z: cols.z } : {}) };
  const run = runInlineWithReplicates({ ...plan.job, measure: plan.measure, ...blocks, seed: jobSeed, data }, spec.maxReplicates);
  out[at] = run.result.estimate;
  out[at + 1] = spec.job.permutation ? run.result.pValue! : NaN;
  out[at + 2] = 0;
  out[at + 3] = 0;
  out[at + 4] = 0;
  const b = run.prepared.bootstrap;
  if (!b) return;
  const dist = run.values.get('bootstrap')!;
  plan.methods.forEach((method, i) => {
    const ci = bootstrapInterval({ ...b, method }, run.prepared.n, run.theta, dist, method === 'bca' ? run.values.get('jackknife') : undefined);
    out[at + RECORD_FIXED + 2 * i] = toUnits(ci.low);
    out[at + RECORD_FIXED + 2 * i + 1] = toUnits(ci.high);
  });
  // the truth-target interval is the result's own ci (already in units)
  if (b.truth) [out[at + RECORD_FIXED + 2 * plan.methods.length], out[at + RECORD_FIXED + 2 * plan.methods.length + 1]] = [run.result.ci!.low, run.result.ci!.high];
  if (b.scheme === 'subsample') {
    const bias = subsampleBias(dist, run.theta, b.m, run.prepared.n, b.probe ? { m: b.probe.m, values: run.values.get('biasprobe')! } : undefined);
    out[at + 2] = 1;
    out[at + 3] = toUnits(bias.extrapolatedBias);
    if (Math.abs(bias.z) > BIAS_Z_WARNING) out[at + 4] = 1;
  }
}

/**
 * The SimulateResult from the D records (`simulateDataset`), record d at `records[offset + d·stride]`.
 */
export function summarizeSimulation(spec: SimulateSpec, plan: SimulatePlan, records: Float64Array, offset = 0, stride = plan.width): SimulateResult {
  const { truth, units, methods } = plan;
  const D = spec.datasets;
  const at = (d: number) => offset + d * stride;
  const estimates = new Float64Array(D);
  const pValues = spec.job.permutation ? new Float64Array(D) : undefined;
  const lows = methods.map(() => new Float64Array(D));
  const highs = methods.map(() => new Float64Array(D));
  const shift = new Float64Array(D); // extrapolated bias per dataset (0 for iid)
  const truthCi = spec.job.bootstrap?.target === 'truth' ? { low: new Float64Array(D), high: new Float64Array(D) } : undefined;
  let warned = 0, subsample = false;
  for (let d = 0; d < D; d++) {
    const o = at(d);
    estimates[d] = records[o]!;
    if (pValues) pValues[d] = records[o + 1]!;
    if (!spec.job.bootstrap) continue;
    methods.forEach((_, i) => {
      lows[i]![d] = records[o + RECORD_FIXED + 2 * i]!;
      highs[i]![d] = records[o + RECORD_FIXED + 2 * i + 1]!;
    });
    if (truthCi) [truthCi.low[d], truthCi.high[d]] = [records[o + RECORD_FIXED + 2 * methods.length]!, records[o + RECORD_FIXED + 2 * methods.length + 1]!];
    if (records[o + 2] === 1) {
      subsample = true;
      shift[d] = records[o + 3]!;
      if (records[o + 4] === 1) warned++;
    }
  }
  const m = momentsOf(estimates);
  let se = 0;
  for (const e of estimates) se += (e - truth) ** 2;
  const out: SimulateResult = {
    generator: spec.generator,
    n: spec.n,
    datasets: D,
    units,
    truth,
    estimates,
    meanEstimate: m.mean,
    sdEstimate: sd(m),
    bias: m.mean - truth,
    rmse: Math.sqrt(se / D),
  };
  const boot = spec.job.bootstrap;
  if (boot) {
    const level = boot.level ?? 0.95;
    const ideal = 2 * ndtri(1 - (1 - level) / 2) * out.sdEstimate;
    out.level = level;
    out.byMethod = methods.map((method, i) => coverageOf(method, lows[i]!, highs[i]!, truth, out.meanEstimate, ideal, subsample ? shift : undefined));
    out.coverage = out.byMethod[0]!.coverage;
    out.ciLow = lows[0];
    out.ciHigh = highs[0];
    out.coverageOfMean = out.byMethod[0]!.coverageOfMean;
    if (truthCi) {
      out.truthTarget = coverageOf('normal', truthCi.low, truthCi.high, truth, out.meanEstimate, ideal);
      [out.truthLow, out.truthHigh] = [truthCi.low, truthCi.high];
    }
    if (subsample) {
      out.biasWarningRate = warned / D;
      out.meanExtrapolatedBias = shift.reduce((a, v) => a + v, 0) / D;
    }
  }
  if (pValues) {
    out.pValues = pValues;
    out.ksStatistic = ksUniform(pValues);
  }
  return out;
}

/** The simulation on this thread, dataset after dataset (the farm job: shared/job/simulation.ts). */
export function simulate(spec: SimulateSpec): SimulateResult {
  checkSimulateSpec(spec);
  const plan = simulatePlan(spec);
  const records = new Float64Array(spec.datasets * plan.width);
  for (let d = 0; d < spec.datasets; d++) simulateDataset(spec, plan, d, records, d * plan.width);
  return summarizeSimulation(spec, plan, records);
}

function coverageOf(method: CiMethod, low: Float64Array, high: Float64Array, truth: number, mean: number, ideal: number, shift?: Float64Array): MethodCoverage {
  const D = low.length;
  let t = 0, c = 0, s = 0, w = 0, ok = 0;
  for (let d = 0; d < D; d++) {
    const [lo, hi] = [low[d]!, high[d]!];
    if (!(Number.isFinite(lo) && Number.isFinite(hi))) continue; // counts as a miss
    ok++;
    w += hi - lo;
    if (lo <= truth && truth <= hi) t++;
    if (lo <= mean && mean <= hi) c++;
    if (shift && lo - shift[d]! <= truth && truth <= hi - shift[d]!) s++;
  }
  const meanWidth = ok > 0 ? w / ok : NaN;
  const out: MethodCoverage = { method, coverage: t / D, coverageOfMean: c / D, meanWidth, widthRatio: meanWidth / ideal, failed: D - ok };
  if (shift) out.coverageShifted = s / D;
  return out;
}
