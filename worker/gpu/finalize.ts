/**
 * Estimates from exact per-point counts. Each formula repeats, operation for operation, the
 * summation in `shared/estimators/*` so the bits agree with the CPU path:
 * - ksg1: KSG PRE 69 066138 (2004) eq. (8); ksg2: eq. (9)
 * - mixed_ksg: Gao et al., NeurIPS 2017, Algorithm 1
 * - ksg_cmi: Frenzel & Pompe, PRL 99 204101 (2007), eq. (4)
 * - kl: Kozachenko–Leonenko, max-norm (KSG 2004 eq. (20) with c_d = 2^d)
 */
import { EstimatorError } from '../../shared/errors.js';
import { ensureDigammaTable } from '../../shared/stats/special.js';
import type { ReplicateCounts } from './exact.js';
import type { CountPlan } from './plan.js';

export function finalize(plan: CountPlan, r: ReplicateCounts, k: number): number {
  const n = r.m;
  const psi = ensureDigammaTable(n + 1);
  const c = r.counts;
  let sum = 0;
  switch (plan.kind) {
    case 'ksg1': {
      const cx = c[0]!, cy = c[1]!;
      for (let i = 0; i < n; i++) sum += psi[cx[i]! + 1]! + psi[cy[i]! + 1]!;
      return psi[k]! + psi[n]! - sum / n;
    }
    case 'ksg2': {
      const cx = c[0]!, cy = c[1]!;
      for (let i = 0; i < n; i++) sum += psi[cx[i]!]! + psi[cy[i]!]!;
      return psi[k]! - 1 / k + psi[n]! - sum / n;
    }
    case 'mixed_ksg': {
      const cx = c[0]!, cy = c[1]!, cj = c[2]!;
      const lnN = Math.log(n);
      for (let i = 0; i < n; i++) {
        // counts here exclude the point itself; Gao et al. include it
        const kt = r.eps[i] === 0 ? cj[i]! + 1 : k;
        sum += psi[kt]! + lnN - psi[cx[i]! + 1]! - psi[cy[i]! + 1]!;
      }
      return sum / n;
    }
    case 'ksg_cmi': {
      const a = c[0]!, b = c[1]!, z = c[2]!;
      for (let i = 0; i < n; i++) sum += psi[a[i]! + 1]! + psi[b[i]! + 1]! - psi[z[i]! + 1]!;
      return psi[k]! - sum / n;
    }
    case 'kl': {
      const d = plan.dim;
      for (let i = 0; i < n; i++) {
        const rho = r.eps[i]!;
        if (rho === 0) {
          throw new EstimatorError(
            `kl entropy: row ${i} has ${k} or more exact duplicates, so its k-th neighbour distance is 0 and the ` +
              `estimate would be -Infinity; add a small seeded noise with the 'jitter' option, or use a larger k`,
          );
        }
        sum += Math.log(rho);
      }
      return psi[n]! - psi[k]! + d * Math.LN2 + (d / n) * sum;
    }
  }
}
