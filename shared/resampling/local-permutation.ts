/**
 * Local permutation surrogates for conditional independence tests of CMI (Runge, "Conditional
 * independence testing based on a nearest-neighbor estimator of conditional mutual
 * information", AISTATS 2018, Algorithm 1). X is permuted only among samples whose Z values are
 * close, so the surrogate keeps the X–Z dependence and destroys only X–Y dependence given Z.
 *
 * Algorithm (as in the paper): for each sample i, N_i = its k_perm nearest neighbours in Z
 * (max-norm, i itself included, ties broken by row index so the lists are deterministic).
 * Visit the samples in a random order; for sample i shuffle N_i, take the first neighbour j not
 * used yet (if all are used, the last one in the shuffled list), set π(i) = j and mark j used.
 * Drawing without reuse keeps π close to a permutation; it can repeat rows when all candidates
 * are taken (the paper accepts this). The surrogate is x[π(i)] paired with (y_i, z_i).
 *
 * The neighbour lists do not depend on the replicate and are built once (`zNeighbours`).
 * Cost of building them here is O(N² d) by brute force — fine for the N where CMI permutation
 * tests are run in practice; each replicate is then O(N k_perm).
 */
import type { Matrix } from '../data/matrix.js';
import { Domain, shuffleInPlace, stream } from '../rng/index.js';

/** Row-major N × kPerm neighbour lists in Z (self first among equals at distance 0). */
export interface ZNeighbours {
  n: number;
  kPerm: number;
  idx: Int32Array;
}

export function zNeighbours(z: Matrix, kPerm: number): ZNeighbours {
  const { n, d, data } = z;
  const k = Math.min(kPerm, n);
  const idx = new Int32Array(n * k);
  const bestD = new Float64Array(k);
  const bestJ = new Int32Array(k);
  for (let i = 0; i < n; i++) {
    // self first: distance 0 and wins ties against other rows at distance 0
    bestD[0] = 0;
    bestJ[0] = i;
    let filled = 1;
    for (let j = 0; j < n; j++) {
      if (j === i) continue;
      let m = 0;
      for (let c = 0; c < d; c++) {
        const v = Math.abs(data[i * d + c]! - data[j * d + c]!);
        if (v > m) m = v;
      }
      // j ascends, so on equal distance the earlier row stays ahead (strict comparison)
      if (filled === k && m >= bestD[k - 1]!) continue;
      let p = filled === k ? k - 1 : filled++;
      while (p > 0 && bestD[p - 1]! > m) {
        bestD[p] = bestD[p - 1]!;
        bestJ[p] = bestJ[p - 1]!;
        p--;
      }
      bestD[p] = m;
      bestJ[p] = j;
    }
    for (let t = 0; t < k; t++) idx[i * k + t] = bestJ[t]!;
  }
  return { n, kPerm: k, idx };
}

/** π for replicate r, from `stream(seed, r, Domain.permutation)` only. */
export function localPermutation(nb: ZNeighbours, seed: number, r: number): Int32Array {
  const { n, kPerm, idx } = nb;
  const rng = stream(seed, r, Domain.permutation);
  const visit = new Int32Array(n);
  for (let i = 0; i < n; i++) visit[i] = i;
  shuffleInPlace(visit, rng);
  const used = new Uint8Array(n);
  const pi = new Int32Array(n);
  const cand = new Int32Array(kPerm);
  for (let t = 0; t < n; t++) {
    const i = visit[t]!;
    for (let c = 0; c < kPerm; c++) cand[c] = idx[i * kPerm + c]!;
    shuffleInPlace(cand, rng);
    let m = 0;
    let j = cand[0]!;
    while (used[j] && m < kPerm - 1) {
      m++;
      j = cand[m]!;
    }
    pi[i] = j;
    used[j] = 1;
  }
  return pi;
}
