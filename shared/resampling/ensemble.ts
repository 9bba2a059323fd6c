/**
 * Ensembles over the same data.
 * - Bagging (Breiman 1996, here with subsamples without replacement, "subagging"): replicate r
 *   estimates on ⌊fraction·N⌋ distinct rows drawn from `stream(seed, r, Domain.bagging)`;
 *   reported as the mean and sd (ddof 1) of the B estimates.
 * - k-ensemble: one estimate per k in `kValues` on the full data (replicate r uses k = kValues[r],
 *   no randomness); the combination is the unweighted mean, the simplest of the ensemble
 *   estimators of Sricharan, Wei & Hero (IEEE Trans. Inf. Theory 2013), stated as such.
 */
import { Domain } from '../rng/index.js';
import { momentsOf, sd } from '../stats/moments.js';
import { subsampleIndices } from './bootstrap.js';

export function baggingSize(n: number, fraction: number): number {
  return Math.max(2, Math.floor(fraction * n));
}

export function baggingIndices(seed: number, r: number, n: number, size: number): Int32Array {
  return subsampleIndices(seed, r, n, size, Domain.bagging);
}

export interface BaggingSummary {
  mean: number;
  sd: number;
  replicates: number;
  fraction: number;
}

export function summarizeBagging(values: ArrayLike<number>, fraction: number): BaggingSummary {
  const m = momentsOf(values);
  return { mean: m.mean, sd: sd(m), replicates: m.count, fraction };
}

export interface KEnsembleSummary {
  byK: { k: number; estimate: number }[];
  combined: number;
}

export function summarizeKEnsemble(kValues: readonly number[], values: ArrayLike<number>): KEnsembleSummary {
  const byK = kValues.map((k, i) => ({ k, estimate: values[i]! }));
  let s = 0;
  for (const e of byK) s += e.estimate;
  return { byK, combined: s / byK.length };
}
