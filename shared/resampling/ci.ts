/**
 * Bootstrap confidence intervals, defined exactly as scipy.stats.bootstrap (scipy 1.10,
 * `_resampling.py`), which follows Efron & Tibshirani, "An Introduction to the Bootstrap"
 * (1993), §13.3 (percentile), §14.3 and eq. 14.15 (BCa), §15.4 eq. 15.36 (jackknife acceleration):
 *
 * - percentile: [q(α), q(1 − α)] with α = (1 − level)/2;
 * - basic:      [2θ̂ − q(1 − α), 2θ̂ − q(α)];
 * - BCa:        z0 = Φ⁻¹((#{θ* < θ̂} + #{θ* ≤ θ̂}) / 2B),
 *               a  = Σ U³ / n³ / (6 (Σ U² / n²)^{3/2}), U_i = (n − 1)(θ̄_(·) − θ_(i)) over the n
 *                    jackknife values (here: n = G group-deleted values of the grouped jackknife),
 *               α1 = Φ(z0 + (z0 + z_α)/(1 − a(z0 + z_α))), α2 likewise with z_{1−α},
 *               interval [q(α1), q(α2)].
 * q(·) is numpy's linear-interpolation percentile, evaluated like scipy at (100·p)/100.
 *
 * - normal:     θ̂ ± z_{1−α}·sd(θ*) (sd with ddof 1), the "standard" bootstrap interval (Efron &
 *               Tibshirani §13.2; not in scipy). On recentred, scaled subsample replicates this
 *               is θ̂ ± z·√(m/(N − m))·sd(θ*_m), the delete-d jackknife normal interval.
 *
 * For the subsample scheme the distribution passed in is already recentred on θ̂ and scaled
 * (bootstrap.ts, `recentreSubsample`); the formulas above are then applied unchanged.
 */
import { ndtr, ndtri } from '../stats/normal.js';
import { quantileSorted, sortedCopy } from '../stats/quantile.js';

export type CiMethod = 'percentile' | 'basic' | 'bca' | 'normal';

export interface CiResult {
  low: number;
  high: number;
  /** BCa only: bias correction z0 and acceleration a. */
  z0?: number;
  acceleration?: number;
  /** Set when no finite interval exists (e.g. degenerate distribution for BCa). */
  warning?: string;
}

/** np.percentile(sorted, 100·p) as scipy calls it. */
function pct(sorted: Float64Array, p: number): number {
  return quantileSorted(sorted, (p * 100) / 100);
}

/** Jackknife acceleration â (scipy's formula, one sample). */
export function jackknifeAcceleration(jack: ArrayLike<number>): number {
  const n = jack.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += jack[i]!;
  mean /= n;
  let s3 = 0, s2 = 0;
  for (let i = 0; i < n; i++) {
    const u = (n - 1) * (mean - jack[i]!);
    s3 += u * u * u;
    s2 += u * u;
  }
  const num = s3 / n ** 3;
  const den = s2 / n ** 2;
  return ((1 / 6) * num) / den ** (3 / 2);
}

/** BCa bias correction ẑ0 from the fraction of replicates below θ̂ (ties count half). */
export function bcaZ0(distribution: ArrayLike<number>, thetaHat: number): number {
  let lt = 0, le = 0;
  for (let i = 0; i < distribution.length; i++) {
    const v = distribution[i]!;
    if (v < thetaHat) lt++;
    if (v <= thetaHat) le++;
  }
  return ndtri((lt + le) / (2 * distribution.length));
}

/** BCa-adjusted percentile levels (α1, α2). */
export function bcaLevels(z0: number, a: number, alpha: number): [number, number] {
  const zAlpha = ndtri(alpha);
  const num1 = z0 + zAlpha;
  const num2 = z0 - zAlpha;
  return [ndtr(z0 + num1 / (1 - a * num1)), ndtr(z0 + num2 / (1 - a * num2))];
}

export interface CiInput {
  method: CiMethod;
  level: number;
  /** θ̂ on the full data. */
  thetaHat: number;
  /** Bootstrap replicate values (already rescaled for subsampling). */
  distribution: ArrayLike<number>;
  /** Jackknife values (BCa only). */
  jackknife?: ArrayLike<number>;
}

/** Confidence interval of the given method; never NaN without a `warning` saying why. */
export function confidenceInterval(input: CiInput): CiResult {
  const { method, level, thetaHat } = input;
  const sorted = sortedCopy(input.distribution);
  const alpha = (1 - level) / 2;
  const degenerate = sorted.length === 0 || sorted[0] === sorted[sorted.length - 1];
  if (method === 'bca') {
    if (!input.jackknife || input.jackknife.length < 2) throw new RangeError('BCa needs at least two jackknife values');
    const z0 = bcaZ0(sorted, thetaHat);
    const a = jackknifeAcceleration(input.jackknife);
    const [a1, a2] = bcaLevels(z0, a, alpha);
    if (!Number.isFinite(a1) || !Number.isFinite(a2) || Number.isNaN(a1) || Number.isNaN(a2)) {
      const why = degenerate
        ? 'the bootstrap distribution is degenerate (all replicates equal)'
        : !Number.isFinite(z0)
          ? `θ̂ lies outside the bootstrap distribution (z0 = ${z0})`
          : `the jackknife acceleration is undefined (a = ${a})`;
      return { low: NaN, high: NaN, z0, acceleration: a, warning: `BCa interval cannot be computed: ${why}` };
    }
    return { low: pct(sorted, a1), high: pct(sorted, a2), z0, acceleration: a };
  }
  if (method === 'normal') {
    let mean = 0;
    for (const v of sorted) mean += v;
    mean /= sorted.length;
    let ss = 0;
    for (const v of sorted) ss += (v - mean) ** 2;
    const half = ndtri(1 - alpha) * Math.sqrt(ss / (sorted.length - 1));
    const out: CiResult = { low: thetaHat - half, high: thetaHat + half };
    if (degenerate) out.warning = 'the bootstrap distribution is degenerate (all replicates equal): the interval has zero width';
    return out;
  }
  const qlo = pct(sorted, alpha);
  const qhi = pct(sorted, 1 - alpha);
  const out: CiResult = method === 'basic' ? { low: 2 * thetaHat - qhi, high: 2 * thetaHat - qlo } : { low: qlo, high: qhi };
  if (degenerate) out.warning = 'the bootstrap distribution is degenerate (all replicates equal): the interval has zero width';
  return out;
}
