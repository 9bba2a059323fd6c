/**
 * Conditional MI and total correlation for data with discrete, continuous and mixed
 * components: the graph-divergence (coupling-trick) estimator of Rahimzamani, Asnani,
 * Viswanath, Kannan, "Estimators for Multivariate Information Measures in General Probability
 * Spaces", NeurIPS 2018 (Algorithm 1; CMI and TC are their graph divergences for the graphs
 * X – Z – Y and D unconnected nodes). It is Gao et al.'s mixed KSG (mixed-ksg.ts) with the
 * marginal spaces of the graph in place of X and Y, in the same convention: max-norm, counts
 * that **include** the point itself, ψ of the counts (Gao et al.'s code), radius ρ_i from the
 * joint space (self excluded):
 *
 *   ρ_i = 0: k̃_i = #{ j : w_j = w_i } (whole rows), n_S(i) = #{ j : s_j = s_i }
 *   ρ_i > 0: k̃_i = k,                                n_S(i) = #{ j : ‖s_j − s_i‖ < ρ_i }
 *   CMI:  I(X;Y|Z) = ⟨ ψ(k̃_i) − ψ(n_XZ) − ψ(n_YZ) + ψ(n_Z) ⟩
 *   TC:   TC(X_1..X_D) = ⟨ ψ(k̃_i) + (D − 1) ln N − Σ_d ψ(n_d) ⟩          (nats)
 *
 * For D = 2 the TC is exactly mixed_ksg's MI (same counts, same sums); the CMI with a constant
 * Z is mixed_ksg's MI with ln N replaced by ψ(N) (the N's of the densities cancel in the CMI,
 * eq. (3)'s ratio, so no ln N appears): both identities are tested. The strict radius is
 * tie-adjusted (ties.ts); zero distances are exact.
 *
 * @example mixedCmi(x, y, z, 5)
 */
import { hstack, type Matrix } from '../data/matrix.js';
import { neighbourIndex, rangeCounter, type RangeCounter } from '../knn/index.js';
import { ensureDigammaTable } from '../stats/special.js';
import { strictRadius, tieTolerance } from './ties.js';

/** Each column of m as an n × 1 matrix. */
function columns(m: Matrix): Matrix[] {
  return Array.from({ length: m.d }, (_, c) => ({ n: m.n, d: 1, data: Float64Array.from({ length: m.n }, (_v, i) => m.data[i * m.d + c]!) }));
}

/**
 * Per row: ψ(k̃_i) and, for each space, ψ(n_S(i)) with Gao's counts (self included).
 * Calls `each(i, psiK, psiCounts)`.
 */
function mixedCounts(joint: Matrix, spaces: readonly Matrix[], k: number, each: (i: number, psiK: number, psiN: Float64Array) => void): void {
  const n = joint.n;
  const psi = ensureDigammaTable(n + 1);
  const index = neighbourIndex(joint);
  const counters: RangeCounter[] = spaces.map((s) => rangeCounter(s));
  const tol = tieTolerance(joint);
  const dist = new Float64Array(k);
  const out = new Float64Array(spaces.length);
  for (let i = 0; i < n; i++) {
    index.knn(i, k, dist, null, 0);
    const rho = dist[k - 1]!;
    const kt = rho === 0 ? index.count(joint.data, i * joint.d, 0, false) : k;
    const r = rho === 0 ? 0 : strictRadius(rho, tol);
    spaces.forEach((s, t) => {
      out[t] = psi[counters[t]!.count(s.data, i * s.d, r, rho !== 0)]!;
    });
    each(i, psi[kt]!, out);
  }
}

/** Rahimzamani et al. estimate of I(X;Y|Z) in nats. Assumes validated input. */
export function mixedCmi(x: Matrix, y: Matrix, z: Matrix, k: number): number {
  let sum = 0;
  mixedCounts(hstack(x, y, z), [hstack(x, z), hstack(y, z), z], k, (_i, psiK, c) => {
    sum += psiK - c[0]! - c[1]! + c[2]!;
  });
  return sum / x.n;
}

/** Rahimzamani et al. estimate of the total correlation of the columns of x (one variable each), in nats. */
export function mixedTc(x: Matrix, k: number): number {
  const d = x.d, n = x.n;
  const lnN = (d - 1) * Math.log(n);
  let sum = 0;
  mixedCounts(x, columns(x), k, (_i, psiK, c) => {
    let s = psiK + lnN;
    for (let t = 0; t < d; t++) s -= c[t]!;
    sum += s;
  });
  return sum / n;
}
