/**
 * Delay embeddings of one series for the information-dynamics measures (Lizier, Prokopenko,
 * Zomaya, "Local measures of information storage in complex distributed computation", Inf. Sci.
 * 208 (2012) 39; JIDT's ActiveInfoStorageCalculator and PredictiveInfoCalculator layout):
 *
 *   past (k, τ)     x_t, x_{t−τ}, …, x_{t−(k−1)τ}
 *   next value      x_{t+1}
 *   future (k, τ)   x_{t+1}, x_{t+1+τ}, …, x_{t+1+(k−1)τ}
 *
 *   active information storage   A = I(x_{t+1}; past)                        (eq. 7 there)
 *   predictive information       E_k = I(future; past)                       (Bialek, Nemenman,
 *                                   Tishby, Neural Comput. 13 (2001) 2409, eq. 5, finite k)
 *   entropy rate                 h_μ(k) = H(x_{t+1} | past)                  (Cover & Thomas eq. 4.3
 *                                   with a finite history; Crutchfield & Feldman, Chaos 13 (2003) 25)
 *
 * for every t with all indices in 0..N−1, in increasing order. Rows of x are time steps (a
 * multivariate series embeds every column). The estimators see x = next value (or future),
 * y = past: the measures are MI / conditional entropy of those blocks.
 */
import type { Matrix } from '../data/matrix.js';
import { EstimatorError } from '../errors.js';

export interface HistoryOptions {
  /** History length k (JIDT's k). @default 1 */
  targetHistory?: number;
  /** History delay τ. @default 1 */
  targetDelay?: number;
}

/** Rows t..: copy the values at t + offsets[h] for each offset into one row. */
function embed(x: Matrix, first: number, rows: number, offsets: readonly number[]): Matrix {
  const d = x.d, w = offsets.length * d;
  const out = new Float64Array(rows * w);
  for (let r = 0; r < rows; r++) {
    const t = first + r;
    for (let h = 0; h < offsets.length; h++) for (let c = 0; c < d; c++) out[r * w + h * d + c] = x.data[(t + offsets[h]!) * d + c]!;
  }
  return { n: rows, d: w, data: out };
}

function lengths(o: HistoryOptions): { k: number; tau: number } {
  return { k: o.targetHistory ?? 1, tau: o.targetDelay ?? 1 };
}

/** The (next value, past) blocks of AIS and the entropy rate. */
export function embedNextAndPast(x: Matrix, o: HistoryOptions = {}): { x: Matrix; y: Matrix } {
  const { k, tau } = lengths(o);
  const first = (k - 1) * tau;
  const rows = x.n - 1 - first;
  if (rows < 2) throw new EstimatorError(`a history of k = ${k} with delay ${tau} leaves ${Math.max(rows, 0)} samples of ${x.n} time steps; at least 2 are needed`);
  const past = Array.from({ length: k }, (_, h) => -h * tau);
  return { x: embed(x, first, rows, [1]), y: embed(x, first, rows, past) };
}

/** The (future, past) blocks of the predictive information. */
export function embedFutureAndPast(x: Matrix, o: HistoryOptions = {}): { x: Matrix; y: Matrix } {
  const { k, tau } = lengths(o);
  const first = (k - 1) * tau;
  const usable = x.n - 1 - first - (k - 1) * tau;
  if (usable < 2) throw new EstimatorError(`a past and future of k = ${k} with delay ${tau} leave ${Math.max(usable, 0)} samples of ${x.n} time steps; at least 2 are needed`);
  const past = Array.from({ length: k }, (_, h) => -h * tau);
  const future = Array.from({ length: k }, (_, h) => 1 + h * tau);
  return { x: embed(x, first, usable, future), y: embed(x, first, usable, past) };
}
