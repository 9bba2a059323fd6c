/**
 * Brute-force references for the issue-15 estimators, written from the definitions in
 * docs/estimators.md with plain loops and no shared code: all pairwise distances, a full sort
 * for the k-th neighbour, digamma from the series of shared/stats (the one numeric primitive).
 */
import type { Matrix } from '../../shared/data/matrix.js';
import { stream } from '../../shared/rng/index.js';
import { digamma, lgamma } from '../../shared/stats/special.js';

export type Rows = number[][];

export const psi = (n: number) => digamma(n);

export function rows(m: Matrix): Rows {
  return Array.from({ length: m.n }, (_, i) => Array.from(m.data.subarray(i * m.d, (i + 1) * m.d)));
}

export function mat(r: Rows): Matrix {
  const d = r[0]!.length;
  return { n: r.length, d, data: Float64Array.from(r.flat()) };
}

export function cols(r: Rows, idx: number[]): Rows {
  return r.map((row) => idx.map((j) => row[j]!));
}

export const maxDist = (a: number[], b: number[]) => Math.max(...a.map((v, j) => Math.abs(v - b[j]!)));
export const eucDist = (a: number[], b: number[]) => Math.sqrt(a.reduce((s, v, j) => s + (v - b[j]!) ** 2, 0));

/** Distances from row i to every other row, sorted ascending, with their indices (ties by index). */
export function sortedOthers(r: Rows, i: number, dist: (a: number[], b: number[]) => number): { d: number; j: number }[] {
  const out: { d: number; j: number }[] = [];
  r.forEach((row, j) => {
    if (j !== i) out.push({ d: dist(r[i]!, row), j });
  });
  return out.sort((a, b) => a.d - b.d || a.j - b.j);
}

export const logBall = (norm: 'max' | 'euclidean', d: number) => (norm === 'max' ? d * Math.log(2) : (d / 2) * Math.log(Math.PI) - lgamma(1 + d / 2));

/** n rows of a zero-mean Gaussian with covariance L Lᵀ (L lower-triangular, given row-wise). */
export function gaussianRows(n: number, L: number[][], seed: number): Rows {
  const r = stream(seed, 0, 151);
  const d = L.length;
  return Array.from({ length: n }, () => {
    const z = Array.from({ length: d }, () => r.nextGaussian());
    return L.map((row) => row.reduce((s, v, j) => s + v * z[j]!, 0));
  });
}

/** ln det of a small symmetric positive-definite matrix (Cholesky). */
export function logDet(a: number[][]): number {
  const n = a.length;
  const l = a.map((r) => r.map(() => 0));
  let s = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let v = a[i]![j]!;
      for (let t = 0; t < j; t++) v -= l[i]![t]! * l[j]![t]!;
      if (i === j) {
        l[i]![i] = Math.sqrt(v);
        s += 2 * Math.log(l[i]![i]!);
      } else l[i]![j] = v / l[j]![j]!;
    }
  }
  return s;
}
