/**
 * The "neural ensemble" interval recipe (recipes.ts). R critics, each with its own seed-derived
 * split, initial weights and batch order, give R held-out estimates θ_r. Reported:
 *
 * - the ensemble mean θ̄ (the job's estimate) and sd s (ddof 1);
 * - ensemble interval θ̄ ± t_{R−1, 1−α/2} · s/√R. It covers E_seed[θ_r | data]: the estimate an
 *   infinitely large ensemble would give on THIS dataset. It does not cover the sampling
 *   variability of the data (which the held-out interval speaks to) nor the gap between the
 *   bound and the true MI (a variational bound is biased low by how far the critic is from the
 *   optimum; InfoNCE is also capped at ln K);
 * - held-out interval: each critic's held-out evaluation bootstrapped (its test rows resampled
 *   with the critic fixed, percentile 95%); the mean of the R lows and of the R highs. It covers
 *   the population value of the bound at a typical trained critic, given how many test rows
 *   there are. It is stated per critic rather than shrunk by √R because the R test sets are
 *   drawn from the same N rows and overlap;
 * - combined interval θ̄ ± t_ν·se, se² = s²/R + (m/N)·mean(se_r²) (combinedVariance): covers
 *   E[Î_N], the mean over datasets and critic seeds, like every bootstrap interval of the
 *   engine. Checked by simulation (bench/neural-coverage.ts, docs/neural.md): smile, N = 1000,
 *   R = 5, 97% on a 2-D and 100% (conservative) on a 10-D Gaussian, where the t interval gave 87%
 *   and 95% and the held-out interval 100% and 100%.
 */
import type { NeuralReplicate } from '../estimators/neural/index.js';
import { HELD_OUT_LEVEL } from '../estimators/neural/index.js';
import { momentsOf, sd } from '../stats/moments.js';
import { ndtri } from '../stats/normal.js';

/** Level of the ensemble t interval. */
export const ENSEMBLE_LEVEL = 0.95;

export interface NeuralEnsembleSummary {
  critics: number;
  mean: number;
  sd: number;
  /** Absent for R = 1 (no spread to go on). */
  interval?: { low: number; high: number; level: number; method: 't'; covers: string };
  heldOut: { low: number; high: number; level: number; method: 'bootstrap percentile of the held-out evaluation'; covers: string };
  /**
   * Absent for R = 1. θ̄ ± t_ν·se with se² = s²/R + (m/N)·mean(se_r²): the critics' spread plus
   * the data's sampling variance (below); ν by Welch–Satterthwaite.
   */
  combined?: { low: number; high: number; level: number; se: number; df: number; method: 'critics + data (two-stage variance)'; covers: string };
  /** Per critic: held-out estimate, its held-out interval, steps trained, the kept step and its validation value. */
  perCritic: NeuralReplicate[];
}

/**
 * Quantile of Student's t with ν degrees of freedom: exact for ν = 1, 2; otherwise the
 * Cornish–Fisher expansion in the normal quantile (Abramowitz & Stegun 26.7.5). Relative error
 * at p = 0.975 (against scipy.stats.t.ppf): 0.12% at ν = 3, 0.03% at ν = 4, below 0.001% from
 * ν = 9 (test/neural/bounds.test.ts); an interval from R = 4 critics is 0.12% too narrow.
 */
export function tQuantile(p: number, nu: number): number {
  if (nu === 1) return Math.tan(Math.PI * (p - 0.5));
  if (nu === 2) return (2 * p - 1) / Math.sqrt(2 * p * (1 - p));
  const x = ndtri(p);
  const x2 = x * x;
  const g1 = (x2 + 1) * x / 4;
  const g2 = ((5 * x2 + 16) * x2 + 3) * x / 96;
  const g3 = (((3 * x2 + 19) * x2 + 17) * x2 - 15) * x / 384;
  const g4 = ((((79 * x2 + 776) * x2 + 1482) * x2 - 1920) * x2 - 945) * x / 92160;
  return x + g1 / nu + g2 / nu ** 2 + g3 / nu ** 3 + g4 / nu ** 4;
}

export const ENSEMBLE_COVERS =
  'E over critic seeds and splits of the held-out estimate on this dataset (not the sampling variability of the data, not the bound\'s gap to the true MI)';
export const HELD_OUT_COVERS =
  'the population value of the bound at a typical trained critic, given its test rows (mean of the critics\' bootstrap intervals; not shrunk by √R: the test sets overlap)';

export const COMBINED_COVERS =
  'E[estimate at this N]: the mean over datasets of N rows and over critic seeds of what this ensemble reports (the sampling variability of the data included; not the bound\'s gap to the true MI)';

/**
 * Variance of the ensemble mean θ̄ over datasets AND critics (two-stage): θ_r = μ(D) + e_r, with
 * μ(D) the mean over critic seeds on dataset D. Var(θ̄) = Var_D(μ(D)) + E[s²]/R. Var_D(μ(D)):
 * critic r's held-out value is a mean over its m test rows, with bootstrap variance se_r² ≈ σ²/m;
 * averaged over all the random test sets of one dataset it becomes a mean over all N rows, with
 * variance σ²/N = (m/N)·se_r². Hence se² = s²/R + (m/N)·mean(se_r²), and ν from
 * Welch–Satterthwaite (s² has R − 1 degrees of freedom, the bootstrap term is taken as exact).
 * Training noise that depends on the dataset is not in the model: the simulation
 * (bench/neural-coverage.ts, docs/neural.md) is what says whether it matters.
 */
export function combinedVariance(reps: readonly NeuralReplicate[], testRows: number, n: number): { se: number; df: number } {
  const R = reps.length;
  const s2 = sd(momentsOf(reps.map((r) => r.estimate))) ** 2;
  const a = s2 / R;
  const b = (testRows / n) * reps.reduce((t, r) => t + r.heldOutSe ** 2, 0) / R;
  const df = a > 0 ? ((a + b) ** 2 * (R - 1)) / (a * a) : Infinity;
  return { se: Math.sqrt(a + b), df };
}

/** tQuantile for a real ν ≥ 1 (Welch): ν below 3 is rounded down (a wider interval), ν = ∞ is the normal. */
function tQuantileReal(p: number, nu: number): number {
  if (!Number.isFinite(nu) || nu > 1e6) return ndtri(p);
  return tQuantile(p, nu < 3 ? Math.floor(nu) : nu);
}

/**
 * `testRows` and `n` (the held-out rows per critic and the dataset's rows) give the combined
 * interval; without them it is left out.
 */
export function summarizeNeural(reps: readonly NeuralReplicate[], sizes?: { testRows: number; n: number }): NeuralEnsembleSummary {
  const est = reps.map((r) => r.estimate);
  const m = momentsOf(est);
  const R = reps.length;
  const s = R > 1 ? sd(m) : 0;
  const avg = (f: (r: NeuralReplicate) => number) => reps.reduce((a, r) => a + f(r), 0) / R;
  const out: NeuralEnsembleSummary = {
    critics: R,
    mean: m.mean,
    sd: s,
    heldOut: { low: avg((r) => r.heldOutLow), high: avg((r) => r.heldOutHigh), level: HELD_OUT_LEVEL, method: 'bootstrap percentile of the held-out evaluation', covers: HELD_OUT_COVERS },
    perCritic: [...reps],
  };
  if (R > 1) {
    const h = tQuantile(1 - (1 - ENSEMBLE_LEVEL) / 2, R - 1) * s / Math.sqrt(R);
    out.interval = { low: m.mean - h, high: m.mean + h, level: ENSEMBLE_LEVEL, method: 't', covers: ENSEMBLE_COVERS };
    if (sizes) {
      const c = combinedVariance(reps, sizes.testRows, sizes.n);
      const hc = tQuantileReal(1 - (1 - ENSEMBLE_LEVEL) / 2, c.df) * c.se;
      out.combined = { low: m.mean - hc, high: m.mean + hc, level: ENSEMBLE_LEVEL, se: c.se, df: c.df, method: 'critics + data (two-stage variance)', covers: COMBINED_COVERS };
    }
  }
  return out;
}
