/** Seeded processes with closed-form information dynamics (issue 15's ground-truth tests). */
import type { Dataset, Matrix } from '../../shared/data/matrix.js';
import { stream } from '../../shared/rng/index.js';

export const col = (v: Float64Array): Matrix => ({ n: v.length, d: 1, data: v });

/** x_t = Σ_j a[j] x_{t−1−j} + e_t, e ~ N(0, 1), after a burn-in of 200 steps. */
export function arSeries(n: number, a: readonly number[], seed: number): Float64Array {
  const r = stream(seed, 0, 91);
  const burn = 200, x = new Float64Array(n + burn);
  for (let t = 0; t < n + burn; t++) {
    let v = r.nextGaussian();
    for (let j = 0; j < a.length; j++) if (t - 1 - j >= 0) v += a[j]! * x[t - 1 - j]!;
    x[t] = v;
  }
  return x.slice(burn);
}

/**
 * Target x_{t+1} = a x_t + c y_t + e, source y iid N(0, 1): TE(y→x) = ½ ln(1 + c²) (the source
 * explains c² of the target's conditional variance 1 + c²), AIS(x) from its AR(1) marginal.
 */
export function coupledAr(n: number, a: number, c: number, seed: number): Dataset {
  const r = stream(seed, 0, 92);
  const x = new Float64Array(n), y = new Float64Array(n);
  let xp = 0, yp = 0;
  for (let t = -200; t < n; t++) {
    const xn = a * xp + c * yp + r.nextGaussian();
    const yn = r.nextGaussian();
    xp = xn;
    yp = yn;
    if (t >= 0) {
      x[t] = xn;
      y[t] = yn;
    }
  }
  return { names: ['x', 'y'], columns: [x, y], n };
}

/** A Markov chain on states 0..m−1 with transition matrix P (rows sum to 1), started at 0. */
export function markovChain(n: number, P: readonly (readonly number[])[], seed: number): Float64Array {
  const r = stream(seed, 0, 93);
  const x = new Float64Array(n);
  let s = 0;
  for (let t = 0; t < n + 100; t++) {
    const u = r.nextFloat64();
    let acc = 0, next = P.length - 1;
    for (let j = 0; j < P.length; j++) {
      acc += P[s]![j]!;
      if (u < acc) {
        next = j;
        break;
      }
    }
    s = next;
    if (t >= 100) x[t - 100] = s;
  }
  return x;
}

/** The stationary distribution of P (power iteration). */
export function stationary(P: readonly (readonly number[])[]): number[] {
  let pi = P.map(() => 1 / P.length);
  for (let it = 0; it < 2000; it++) pi = P.map((_, j) => pi.reduce((s, p, i) => s + p * P[i]![j]!, 0));
  return pi;
}

/** Entropy rate −Σ π_i P_ij ln P_ij and AIS (k = 1) H(π) − h of a Markov chain (nats). */
export function markovTruth(P: readonly (readonly number[])[]): { rate: number; ais: number } {
  const pi = stationary(P);
  let rate = 0;
  pi.forEach((p, i) => P[i]!.forEach((q) => (rate -= q > 0 ? p * q * Math.log(q) : 0)));
  const h = -pi.reduce((s, p) => s + (p > 0 ? p * Math.log(p) : 0), 0);
  return { rate, ais: h - rate };
}
