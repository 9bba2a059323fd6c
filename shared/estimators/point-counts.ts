/**
 * The counts → estimate step of the kNN estimators, written once and used by both the CPU
 * estimators (shared/estimators/*) and the batched gpu.js path (worker/gpu), so the two cannot
 * drift apart: the same sums in the same order give the same bits.
 *
 * Per point i: `eps[i]` = the joint k-th neighbour distance (ρ_i), and one count per space,
 * always over the OTHER points (self excluded), with the strictness and radius the estimator
 * defines (see each formula).
 */
import { EstimatorError } from '../errors.js';
import { digamma, ensureDigammaTable } from '../stats/special.js';

export interface PointCounts {
  /** Points. */
  n: number;
  /** Joint k-th neighbour distance per point. */
  eps: Float64Array;
  /** One Int32Array of n counts per space, self excluded. */
  counts: readonly Int32Array[];
  /** Dimension of the joint space (kl). */
  dim: number;
}

export type CountsFormula = (c: PointCounts, k: number) => number;

/**
 * The ψ table up to max(k, the largest count + 1) of the first n entries of nx and ny: a
 * one-off estimate in a fresh process then computes a few thousand ψ values, not n (ψ(n)
 * itself is `digamma(n)`, the value the table would hold).
 */
function psiForCounts(n: number, k: number, nx: Int32Array, ny: Int32Array): Float64Array {
  let m = k;
  for (let i = 0; i < n; i++) {
    const a = nx[i]!, b = ny[i]!;
    if (a >= m) m = a + 1;
    if (b >= m) m = b + 1;
  }
  return ensureDigammaTable(m);
}

/** KSG-1 (KSG 2004 eq. 8): counts [n_x, n_y], strict within ε_i. */
export const ksg1FromCounts: CountsFormula = ({ n, counts }, k) => {
  const nx = counts[0]!, ny = counts[1]!;
  const psi = psiForCounts(n, k, nx, ny);
  let sum = 0;
  for (let i = 0; i < n; i++) sum += psi[nx[i]! + 1]! + psi[ny[i]! + 1]!;
  return psi[k]! + digamma(n) - sum / n;
};

/** KSG-2 (KSG 2004 eq. 9): counts [n_x, n_y], non-strict within ε_x(i), ε_y(i). */
export const ksg2FromCounts: CountsFormula = ({ n, counts }, k) => {
  const nx = counts[0]!, ny = counts[1]!;
  const psi = psiForCounts(n, k, nx, ny);
  let sum = 0;
  for (let i = 0; i < n; i++) sum += psi[nx[i]!]! + psi[ny[i]!]!;
  return psi[k]! - 1 / k + digamma(n) - sum / n;
};

/**
 * Mixed KSG (Gao et al. 2017, Algorithm 1): counts [n_x, n_y, n_joint]; where ρ_i > 0 the
 * marginal counts are strict within ρ_i, where ρ_i = 0 all three count exact duplicates. Gao et
 * al.'s counts include the point itself, hence the + 1.
 */
export const mixedKsgFromCounts: CountsFormula = ({ n, eps, counts }, k) => {
  const psi = ensureDigammaTable(n + 1);
  const cx = counts[0]!, cy = counts[1]!, cj = counts[2]!;
  const lnN = Math.log(n);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const kt = eps[i] === 0 ? cj[i]! + 1 : k;
    sum += psi[kt]! + lnN - psi[cx[i]! + 1]! - psi[cy[i]! + 1]!;
  }
  return sum / n;
};

/** Frenzel–Pompe CMI (PRL 2007 eq. 4): counts [n_xz, n_yz, n_z], strict within ε_i. */
export const ksgCmiFromCounts: CountsFormula = ({ n, counts }, k) => {
  const psi = ensureDigammaTable(n + 1);
  const a = counts[0]!, b = counts[1]!, z = counts[2]!;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += psi[a[i]! + 1]! + psi[b[i]! + 1]! - psi[z[i]! + 1]!;
  return psi[k]! - sum / n;
};

/** Kozachenko–Leonenko, max-norm (KSG 2004 eq. 20 with c_d = 2^d): ε only; ρ_i = 0 is an error. */
export const klFromCounts: CountsFormula = ({ n, eps, dim }, k) => {
  const psi = ensureDigammaTable(n + 1);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const rho = eps[i]!;
    if (rho === 0) {
      throw new EstimatorError(
        `kl entropy: row ${i} has ${k} or more exact duplicates, so its k-th neighbour distance is 0 and the ` +
          `estimate would be -Infinity; add a small seeded noise with the 'jitter' option, or use a larger k`,
      );
    }
    sum += Math.log(rho);
  }
  return psi[n]! - psi[k]! + dim * Math.LN2 + (dim / n) * sum;
};
