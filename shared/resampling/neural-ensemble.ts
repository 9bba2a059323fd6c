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
 *   drawn from the same N rows and overlap.
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

export function summarizeNeural(reps: readonly NeuralReplicate[]): NeuralEnsembleSummary {
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
  }
  return out;
}
