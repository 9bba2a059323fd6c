/**
 * Monte Carlo calibration: draw D datasets of size N from a generator with known mutual
 * information, run the estimator (optionally with a bootstrap CI and/or a permutation test) on
 * each, and report mean estimate, bias, RMSE, CI coverage and the Kolmogorov–Smirnov distance of
 * the p-values from Uniform(0, 1). Dataset d is drawn only from `stream(seed, d, Domain.simulate)`;
 * its resampling seed is the first uint32 of that stream, so every dataset is reproducible alone.
 *
 * Generators and their truth (nats):
 * - gaussian(ρ): bivariate normal, I = −½ ln(1 − ρ²) (Cover & Thomas, eq. 8.56).
 * - student-t(ρ, ν): bivariate t with ν (integer) degrees of freedom and correlation parameter ρ.
 *   Truth from the entropy of the multivariate t (Arellano-Valle, Contreras-Reyes & Genton,
 *   Scand. J. Statist. 2013, eq. 11): H_d = ½ ln|Σ| + ln Γ(ν/2) + (d/2) ln(νπ) − ln Γ((ν+d)/2)
 *   + ((ν+d)/2)[ψ((ν+d)/2) − ψ(ν/2)], and I = 2H_1 − H_2 = −½ ln(1 − ρ²) + 2g(1) − g(2) with
 *   g(d) = ln Γ(ν/2) − ln Γ((ν+d)/2) + ((ν+d)/2)[ψ((ν+d)/2) − ψ(ν/2)]. Note I > 0 at ρ = 0:
 *   uncorrelated t components are still dependent (they share the scale).
 * - mixture(m): X uniform on {0, …, m−1}, Y | X ~ Uniform[X, X + 2] — the discrete–continuous
 *   mixture of Gao, Kannan, Oh & Viswanath (NeurIPS 2017, §5): I = ln m − (m − 1) ln 2 / m.
 */
import type { Dataset } from '../data/matrix.js';
import { OptionError } from '../errors.js';
import { executeShard, pointEstimate } from '../job/execute.js';
import { finalizeResult } from '../job/merge.js';
import { planShards, planWorkloads } from '../job/plan.js';
import { prepareJob } from '../job/prepare.js';
import type { JobResult, JobSpec, Units } from '../job/spec.js';
import { Domain, stream, type RandomStream } from '../rng/index.js';
import { digamma, lgamma } from '../stats/special.js';
import { momentsOf, sd } from '../stats/moments.js';

export type Generator =
  | { kind: 'gaussian'; rho: number }
  | { kind: 'student-t'; rho: number; nu: number }
  | { kind: 'mixture'; m: number };

export interface SimulateSpec {
  generator: Generator;
  /** Rows per dataset. */
  n: number;
  /** Number of datasets D. */
  datasets: number;
  /** @default 0 */
  seed?: number;
  /** The job run on each dataset (columns are 'x' and 'y'; measure is 'mi'). */
  job: Omit<JobSpec, 'measure' | 'x' | 'y' | 'z' | 'seed'>;
  maxReplicates?: number;
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
  pValues?: Float64Array;
  /** sup |F_n(p) − p| of the p-values against Uniform(0, 1). */
  ksStatistic?: number;
}

function g(d: number, nu: number): number {
  const a = (nu + d) / 2;
  return lgamma(nu / 2) - lgamma(a) + a * (digamma(a) - digamma(nu / 2));
}

/** Population MI (nats) of a generator. */
export function generatorTruth(gen: Generator): number {
  switch (gen.kind) {
    case 'gaussian':
      return -0.5 * Math.log(1 - gen.rho * gen.rho);
    case 'student-t':
      return -0.5 * Math.log(1 - gen.rho * gen.rho) + 2 * g(1, gen.nu) - g(2, gen.nu);
    case 'mixture':
      return Math.log(gen.m) - ((gen.m - 1) * Math.LN2) / gen.m;
  }
}

function checkGenerator(gen: Generator): void {
  if (gen.kind === 'gaussian' || gen.kind === 'student-t') {
    if (!(Math.abs(gen.rho) < 1)) throw new OptionError(`generator.rho must be in (−1, 1); got ${gen.rho}`, 'generator.rho');
  }
  if (gen.kind === 'student-t' && !(Number.isInteger(gen.nu) && gen.nu >= 1)) throw new OptionError(`generator.nu must be a positive integer; got ${gen.nu}`, 'generator.nu');
  if (gen.kind === 'mixture' && !(Number.isInteger(gen.m) && gen.m >= 1)) throw new OptionError(`generator.m must be a positive integer; got ${gen.m}`, 'generator.m');
  if (!['gaussian', 'student-t', 'mixture'].includes(gen.kind)) throw new OptionError(`generator.kind must be gaussian, student-t or mixture; got ${String((gen as { kind: unknown }).kind)}`, 'generator.kind');
}

/** N rows from `gen` using `rng`. */
export function drawDataset(gen: Generator, n: number, rng: RandomStream): Dataset {
  const x = new Float64Array(n);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
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

/** Run one job fully inline on this thread (used by simulate; same code path as the engines). */
export function runInline(job: Parameters<typeof prepareJob>[0], maxReplicates?: number): JobResult {
  const t0 = performance.now();
  const p = prepareJob(job, maxReplicates !== undefined ? { maxReplicates } : {});
  const theta = pointEstimate(p);
  const estimateMs = performance.now() - t0;
  const workloads = planWorkloads(p);
  const partials = planShards('inline', workloads, Math.max(1, ...workloads.map((w) => w.replicates))).map((s) => executeShard(p, s));
  return finalizeResult(p, theta, partials, { engine: 'embedded', version: '', estimateMs, totalMs: performance.now() - t0, threads: 1 });
}

/** KS distance of `p` from Uniform(0, 1). */
export function ksUniform(p: ArrayLike<number>): number {
  const s = Float64Array.from(p as ArrayLike<number>).sort();
  const n = s.length;
  let d = 0;
  for (let i = 0; i < n; i++) d = Math.max(d, (i + 1) / n - s[i]!, s[i]! - i / n);
  return d;
}

export function simulate(spec: SimulateSpec): SimulateResult {
  checkGenerator(spec.generator);
  if (!(Number.isInteger(spec.n) && spec.n >= 2)) throw new OptionError(`n must be an integer ≥ 2; got ${spec.n}`, 'n');
  if (!(Number.isInteger(spec.datasets) && spec.datasets >= 1)) throw new OptionError(`datasets must be a positive integer; got ${spec.datasets}`, 'datasets');
  const seed = spec.seed ?? 0;
  const units = spec.job.units ?? 'nats';
  const truthNats = generatorTruth(spec.generator);
  const truth = units === 'bits' ? truthNats / Math.LN2 : truthNats;
  const D = spec.datasets;
  const estimates = new Float64Array(D);
  const pValues = spec.job.permutation ? new Float64Array(D) : undefined;
  let covered = 0;
  for (let d = 0; d < D; d++) {
    const rng = stream(seed, d, Domain.simulate);
    const jobSeed = rng.nextUint32();
    const data = drawDataset(spec.generator, spec.n, rng);
    const r = runInline({ ...spec.job, measure: 'mi', x: ['x'], y: ['y'], seed: jobSeed, data }, spec.maxReplicates);
    estimates[d] = r.estimate;
    if (r.ci && r.ci.low <= truth && truth <= r.ci.high) covered++;
    if (pValues) pValues[d] = r.pValue!;
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
  if (spec.job.bootstrap) out.coverage = covered / D;
  if (pValues) {
    out.pValues = pValues;
    out.ksStatistic = ksUniform(pValues);
  }
  return out;
}
