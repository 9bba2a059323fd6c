/**
 * Local (pointwise) values of the kNN estimators: the per-point terms whose mean is the
 * estimate (JIDT's computeLocalOfPreviousObservations; Lizier 2014, local information dynamics):
 *
 *   KSG-1 MI (Kraskov et al. PRE 69 (2004) 066138, eq. 8):  i_i = ψ(k) + ψ(N) − ψ(n_x + 1) − ψ(n_y + 1)
 *   Frenzel–Pompe CMI (PRL 99 (2007) 204101, eq. 4):        i_i = ψ(k) − ψ(n_xz + 1) − ψ(n_yz + 1) + ψ(n_z + 1)
 *   Kozachenko–Leonenko entropy, max-norm (KSG eq. 20):     h_i = ψ(N) − ψ(k) + d ln 2 + d ln ρ_i
 *
 * The counts are the estimators' own (ksg1.ts, ksg-cmi.ts, kl-entropy.ts): the same radii,
 * tie-adjusted the same way (ties.ts), counted by the same range counters.
 */
import { hstack, type Matrix } from '../data/matrix.js';
import { EstimatorError } from '../errors.js';
import { neighbourIndex, rangeCounter } from '../knn/index.js';
import { ensureDigammaTable } from '../stats/special.js';
import { kthDistancesAll } from './counts.js';
import { countOthersStrict } from './ksg1.js';
import { strictRadius, tieTolerance } from './ties.js';

/** Tie-adjusted joint radii of the blocks side by side. */
function radii(blocks: Matrix[], k: number): Float64Array {
  const r = kthDistancesAll(neighbourIndex(hstack(...blocks)), k);
  const tol = tieTolerance(...blocks);
  for (let i = 0; i < r.length; i++) r[i] = strictRadius(r[i]!, tol);
  return r;
}

/** Strict counts (self excluded) of every row of q within its radius. */
function counts(q: Matrix, r: Float64Array): Int32Array {
  const c = rangeCounter(q);
  return Int32Array.from({ length: q.n }, (_, i) => countOthersStrict(c, q, i, r[i]!));
}

/** KSG-1 local MI of each row, nats. */
export function ksg1Locals(x: Matrix, y: Matrix, k: number): Float64Array {
  const n = x.n, psi = ensureDigammaTable(n + 1);
  const r = radii([x, y], k);
  const nx = counts(x, r), ny = counts(y, r);
  return Float64Array.from({ length: n }, (_, i) => psi[k]! + psi[n]! - psi[nx[i]! + 1]! - psi[ny[i]! + 1]!);
}

/** Frenzel–Pompe local CMI of each row, nats. */
export function ksgCmiLocals(x: Matrix, y: Matrix, z: Matrix, k: number): Float64Array {
  const n = x.n, psi = ensureDigammaTable(n + 1);
  const r = radii([x, y, z], k);
  const a = counts(hstack(x, z), r), b = counts(hstack(y, z), r), c = counts(z, r);
  return Float64Array.from({ length: n }, (_, i) => psi[k]! - psi[a[i]! + 1]! - psi[b[i]! + 1]! + psi[c[i]! + 1]!);
}

/** Kozachenko–Leonenko local entropy of each row (max-norm), nats; a zero radius is an error. */
export function klLocals(x: Matrix, k: number): Float64Array {
  const { n, d } = x, psi = ensureDigammaTable(n + 1);
  const rho = kthDistancesAll(neighbourIndex(x), k);
  return Float64Array.from({ length: n }, (_, i) => {
    if (rho[i] === 0) throw new EstimatorError(`kl entropy: row ${i} has ${k} or more exact duplicates (zero neighbour distance); add seeded noise with the 'jitter' option`);
    return psi[n]! - psi[k]! + d * Math.LN2 + d * Math.log(rho[i]!);
  });
}
