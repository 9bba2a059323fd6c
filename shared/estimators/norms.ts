/**
 * The two norms the kNN estimators offer (`norm` option): the max-norm (Chebyshev, the default
 * everywhere: KSG 2004 use it so the volume constants of eq. (8) cancel) and the Euclidean norm
 * (JIDT's Kozachenko–Leonenko entropy, Kozachenko & Leonenko 1987). A kNN entropy carries
 * ln V_d, V_d the volume of the unit ball of the norm in d dimensions (radius 1):
 *   max-norm:  V_d = 2^d
 *   Euclidean: V_d = π^{d/2} / Γ(1 + d/2)
 * (KSG 2004, eq. (20) with c_d = V_d.) In 1-D both are 2.
 */
import { lgamma } from '../stats/special.js';

export const NORMS = ['max', 'euclidean'] as const;
export type Norm = (typeof NORMS)[number];

/** The `norm` option's index (catalog choice) as its name; absent means max. */
export function normOf(options: Readonly<Record<string, number>> | undefined): Norm {
  return NORMS[options?.['norm'] ?? 0] ?? 'max';
}

/** ln V_d, the log-volume of the unit ball of `norm` in d dimensions. */
export function logUnitBall(norm: Norm, d: number): number {
  return norm === 'max' ? d * Math.LN2 : (d / 2) * Math.log(Math.PI) - lgamma(1 + d / 2);
}
