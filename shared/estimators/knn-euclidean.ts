/**
 * The kNN estimators under the Euclidean norm (`--norm euclidean`); the max-norm versions are
 * ksg1.ts, ksg-cmi.ts and kl-entropy.ts. Same definitions, one change: distances are
 * Euclidean in every space, so the unit-ball volumes no longer cancel (norms.ts):
 *
 *   Kozachenko–Leonenko (Kozachenko & Leonenko 1987; KSG 2004 eq. (20), c_d = V_d):
 *     H = ψ(N) − ψ(k) + ln V_d + (d/N) Σ ln ρ_i
 *   KSG-1 (KSG 2004 eq. (8) before the max-norm cancellation; their text after eq. (8)):
 *     I = ψ(k) + ψ(N) − ⟨ ψ(n_x + 1) + ψ(n_y + 1) ⟩ + ln( V_dx V_dy / V_{dx+dy} )
 *   Frenzel–Pompe CMI (PRL 99 (2007) 204101 eq. (4), same derivation):
 *     I = ψ(k) − ⟨ ψ(n_xz + 1) + ψ(n_yz + 1) − ψ(n_z + 1) ⟩ + ln( V_xz V_yz / (V_z V_xyz) )
 *
 * ρ_i / ε_i: Euclidean distance to the k-th neighbour in the (joint) space, self excluded;
 * counts strict (< ε_i), self excluded. Squared distances are compared exactly (no tie
 * tolerance). Brute force, O(N² d): the neighbour structures of knn/ are max-norm only, so this
 * path is for N up to a few thousand rows; the default max-norm path stays the fast one.
 */
import { hstack, type Matrix } from '../data/matrix.js';
import { EstimatorError } from '../errors.js';
import { ensureDigammaTable } from '../stats/special.js';
import { logUnitBall } from './norms.js';

function sq(m: Matrix, i: number, j: number): number {
  const { d, data } = m;
  let s = 0;
  for (let c = 0; c < d; c++) {
    const v = data[i * d + c]! - data[j * d + c]!;
    s += v * v;
  }
  return s;
}

/** Keeps `best` the k smallest values seen so far, ascending: inserts s if it beats the k-th. */
function insertSmallest(best: Float64Array, k: number, s: number): void {
  if (s >= best[k - 1]!) return;
  let t = k - 1;
  while (t > 0 && best[t - 1]! > s) {
    best[t] = best[t - 1]!;
    t--;
  }
  best[t] = s;
}

/** Squared Euclidean distance from each row to its k-th nearest other row. */
export function kthSquaredDistances(m: Matrix, k: number): Float64Array {
  const n = m.n;
  const out = new Float64Array(n);
  const best = new Float64Array(k); // the k smallest so far, ascending
  for (let i = 0; i < n; i++) {
    best.fill(Infinity);
    for (let j = 0; j < n; j++) {
      if (j === i) continue;
      const s = sq(m, i, j);
      insertSmallest(best, k, s);
    }
    out[i] = best[k - 1]!;
  }
  return out;
}

/** #{ j ≠ i : ‖m_j − m_i‖₂² < r2[i] } for every i. */
export function countStrict(m: Matrix, r2: Float64Array): Int32Array {
  const n = m.n;
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let c = 0;
    for (let j = 0; j < n; j++) if (j !== i && sq(m, i, j) < r2[i]!) c++;
    out[i] = c;
  }
  return out;
}

/** Euclidean Kozachenko–Leonenko entropy of the rows of x, in nats. */
export function klEntropyEuclidean(x: Matrix, k: number): number {
  const { n, d } = x;
  const psi = ensureDigammaTable(n + 1);
  const r2 = kthSquaredDistances(x, k);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    if (r2[i] === 0) throw new EstimatorError(`kl entropy: row ${i} has ${k} or more exact duplicates, so its k-th neighbour distance is 0 and the estimate would be -Infinity; add a small seeded noise with the 'jitter' option, or use a larger k`);
    sum += 0.5 * Math.log(r2[i]!);
  }
  return psi[n]! - psi[k]! + logUnitBall('euclidean', d) + (d / n) * sum;
}

/** Euclidean KSG-1 estimate of I(X;Y), in nats. */
export function ksg1Euclidean(x: Matrix, y: Matrix, k: number): number {
  const n = x.n;
  const psi = ensureDigammaTable(n + 1);
  const r2 = kthSquaredDistances(hstack(x, y), k);
  const nx = countStrict(x, r2), ny = countStrict(y, r2);
  let sum = 0;
  for (let i = 0; i < n; i++) sum += psi[nx[i]! + 1]! + psi[ny[i]! + 1]!;
  const vol = logUnitBall('euclidean', x.d) + logUnitBall('euclidean', y.d) - logUnitBall('euclidean', x.d + y.d);
  return psi[k]! + psi[n]! - sum / n + vol;
}

/** Euclidean Frenzel–Pompe estimate of I(X;Y|Z), in nats. */
export function ksgCmiEuclidean(x: Matrix, y: Matrix, z: Matrix, k: number): number {
  const n = x.n;
  const psi = ensureDigammaTable(n + 1);
  const r2 = kthSquaredDistances(hstack(x, y, z), k);
  const xz = hstack(x, z), yz = hstack(y, z);
  const a = countStrict(xz, r2), b = countStrict(yz, r2), c = countStrict(z, r2);
  let sum = 0;
  for (let i = 0; i < n; i++) sum += psi[a[i]! + 1]! + psi[b[i]! + 1]! - psi[c[i]! + 1]!;
  const V = (d: number) => logUnitBall('euclidean', d);
  return psi[k]! - sum / n + V(xz.d) + V(yz.d) - V(z.d) - V(x.d + y.d + z.d);
}

/** Squared Euclidean distance from each row of p to its k-th nearest row of q (no self to skip). */
function kthSquaredCross(p: Matrix, q: Matrix, k: number): Float64Array {
  const out = new Float64Array(p.n);
  const best = new Float64Array(k);
  const d = p.d;
  for (let i = 0; i < p.n; i++) {
    best.fill(Infinity);
    for (let j = 0; j < q.n; j++) {
      let s = 0;
      for (let c = 0; c < d; c++) {
        const v = p.data[i * d + c]! - q.data[j * d + c]!;
        s += v * v;
      }
      insertSmallest(best, k, s);
    }
    out[i] = best[k - 1]!;
  }
  return out;
}

/**
 * Euclidean Wang–Kulkarni–Verdú divergence (IEEE TIT 55 (2009) 2392, eq. (5)): the formula
 * holds for any norm (the unit-ball volumes of P and Q cancel),
 *   D(P‖Q) = (d/N) Σ_i ln(ν_k(i)/ρ_k(i)) + ln(M/(N − 1)).
 */
export function klDivergenceEuclidean(p: Matrix, q: Matrix, k: number): number {
  const rho = kthSquaredDistances(p, k), nu = kthSquaredCross(p, q, k);
  let s = 0;
  for (let i = 0; i < p.n; i++) {
    if (rho[i] === 0 || nu[i] === 0) throw new EstimatorError(`kl divergence: row ${i} of P has a zero ${rho[i] === 0 ? 'P' : 'Q'} neighbour distance (duplicates); add a small seeded noise with the 'jitter' option`);
    s += 0.5 * Math.log(nu[i]! / rho[i]!);
  }
  return (p.d / p.n) * s + Math.log(q.n / (p.n - 1));
}
