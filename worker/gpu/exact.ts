/**
 * The float64 definition, per point, by brute force over one replicate's joint rows. It is
 * both the reference the kernels are tested against and the recheck the GPU path falls back
 * to for every decision single precision could not make. Distances are computed exactly as
 * in `shared/knn` (`max |a − b|` in float64), neighbours ordered by (distance, index).
 */
import { inclusiveRadius, strictRadius, tieTolerance } from '../../shared/estimators/ties.js';
import type { CountPlan } from './plan.js';

/**
 * The estimators' tie tolerance τ for one replicate (shared/estimators/ties.ts): radii are
 * moved by τ so decimal ties survive float64 subtraction. Depends only on the values present.
 */
export function replicateTau(plan: CountPlan, g: Float64Array, m: number): number {
  return tieTolerance({ n: m, d: plan.dim, data: g });
}

/** Exact per-point results of one replicate. */
export interface ReplicateCounts {
  m: number;
  /** Joint k-th neighbour distance ε_i (ρ_i). */
  eps: Float64Array;
  /** Per space s: #{ j ≠ i : d_s(i, j) < θ_s(i) } or ≤ θ_s(i), as the estimator defines θ and strictness. */
  counts: Int32Array[];
}

/** Max-norm distance over the columns `cols` between joint rows i and j of g. */
export function spaceDist(g: Float64Array, D: number, i: number, j: number, cols: readonly number[]): number {
  let m = 0;
  const a = i * D, b = j * D;
  for (let t = 0; t < cols.length; t++) {
    const c = cols[t]!;
    const v = Math.abs(g[b + c]! - g[a + c]!);
    if (v > m) m = v;
  }
  return m;
}

/** Joint max-norm distance between rows i and j. */
export function jointDist(g: Float64Array, D: number, i: number, j: number): number {
  let m = 0;
  const a = i * D, b = j * D;
  for (let c = 0; c < D; c++) {
    const v = Math.abs(g[b + c]! - g[a + c]!);
    if (v > m) m = v;
  }
  return m;
}

/** Threshold and strictness of space s for a point, given its exact neighbour data. */
export interface Threshold {
  theta: number;
  strict: boolean;
}

/**
 * Thresholds per space for point i, as the estimators compare: `eps` is the exact k-th joint
 * distance; `margMax[s]` is (ksg2 only) the exact max over the k neighbours of d_s; radii are
 * tie-adjusted by τ exactly as in shared/estimators (strictRadius / inclusiveRadius).
 */
export function thresholds(plan: CountPlan, eps: number, margMax: readonly number[] | null, tau: number, out: Threshold[]): void {
  const S = plan.spaces.length;
  for (let s = 0; s < S; s++) {
    const t = out[s]!;
    switch (plan.kind) {
      case 'ksg2':
        t.theta = inclusiveRadius(margMax![s]!, tau);
        t.strict = false;
        break;
      case 'mixed_ksg':
        // Gao et al.: ρ = 0 counts exact ties (≤ 0); otherwise strict counts below ρ
        t.theta = eps === 0 ? 0 : strictRadius(eps, tau);
        t.strict = eps !== 0;
        break;
      default:
        t.theta = strictRadius(eps, tau);
        t.strict = true;
    }
  }
}

/** Count j ≠ i in space s against a threshold. */
export function countSpace(g: Float64Array, D: number, m: number, i: number, cols: readonly number[], t: Threshold): number {
  let c = 0;
  for (let j = 0; j < m; j++) {
    if (j === i) continue;
    const d = spaceDist(g, D, i, j, cols);
    if (t.strict ? d < t.theta : d <= t.theta) c++;
  }
  return c;
}

/** Scratch for {@link exactPoint}, sized for k. */
export class ExactScratch {
  readonly dist: Float64Array;
  readonly idx: Int32Array;
  readonly marg: number[];
  readonly th: Threshold[];
  constructor(readonly k: number, S: number) {
    this.dist = new Float64Array(k);
    this.idx = new Int32Array(k);
    this.marg = new Array<number>(S).fill(0);
    this.th = Array.from({ length: S }, () => ({ theta: 0, strict: true }));
  }
}

/**
 * k nearest neighbours of i (j ≠ i) by (distance, index), into scratch.dist / scratch.idx.
 * Insertion keeps equal distances in index order because j increases.
 */
export function exactKnn(g: Float64Array, D: number, m: number, i: number, sc: ExactScratch): void {
  const { k, dist, idx } = sc;
  dist.fill(Infinity);
  idx.fill(-1);
  for (let j = 0; j < m; j++) {
    if (j === i) continue;
    const d = jointDist(g, D, i, j);
    if (!(d < dist[k - 1]!)) continue;
    let t = k - 1;
    while (t > 0 && d < dist[t - 1]!) {
      dist[t] = dist[t - 1]!;
      idx[t] = idx[t - 1]!;
      t--;
    }
    dist[t] = d;
    idx[t] = j;
  }
}

/** Everything exact for point i: writes eps[i] and counts[s][i]. */
export function exactPoint(plan: CountPlan, g: Float64Array, m: number, i: number, tau: number, sc: ExactScratch, res: ReplicateCounts): void {
  const D = plan.dim;
  exactKnn(g, D, m, i, sc);
  const eps = sc.dist[sc.k - 1]!;
  res.eps[i] = eps;
  if (plan.kind === 'ksg2') {
    for (let s = 0; s < plan.spaces.length; s++) {
      let mx = 0;
      for (let t = 0; t < sc.k; t++) {
        const v = spaceDist(g, D, i, sc.idx[t]!, plan.spaces[s]!);
        if (v > mx) mx = v;
      }
      sc.marg[s] = mx;
    }
  }
  thresholds(plan, eps, sc.marg, tau, sc.th);
  for (let s = 0; s < plan.spaces.length; s++) {
    // mixed_ksg reads the joint count only at ρ = 0
    if (plan.kind === 'mixed_ksg' && s === 2 && eps !== 0) {
      res.counts[s]![i] = 0;
      continue;
    }
    res.counts[s]![i] = countSpace(g, D, m, i, plan.spaces[s]!, sc.th[s]!);
  }
}

export function emptyCounts(plan: CountPlan, m: number): ReplicateCounts {
  return { m, eps: new Float64Array(m), counts: plan.spaces.map(() => new Int32Array(m)) };
}

/** The whole replicate in float64 by brute force (reference; O(m²)). */
export function exactReplicate(plan: CountPlan, g: Float64Array, m: number, k: number): ReplicateCounts {
  const res = emptyCounts(plan, m);
  const sc = new ExactScratch(k, plan.spaces.length);
  const tau = replicateTau(plan, g, m);
  for (let i = 0; i < m; i++) exactPoint(plan, g, m, i, tau, sc, res);
  return res;
}
