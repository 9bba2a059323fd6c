/**
 * Transfer entropy TE(Y→X) = I(X_{t+1}; Y_t^{(l)} | X_t^{(k)}) (Schreiber, PRL 85 (2000)
 * 461, eq. (4)), estimated with the Frenzel–Pompe CMI (ksg-cmi.ts) on delay embeddings, as
 * in JIDT's TransferEntropyCalculatorKraskov and IDTxl:
 *
 *   target future      x_{t+1}
 *   target past (k)    x_t, x_{t−τ_x}, …, x_{t−(k−1)τ_x}
 *   source past (l)    y_{t+1−u}, y_{t+1−u−τ_y}, …, y_{t+1−u−(l−1)τ_y}
 *
 * for every t with all indices in range; u ≥ 1 is the source–target delay. Rows of x and y
 * are time steps (a multivariate series embeds every column).
 *
 * Not wired into `Measure` yet: a library function.
 * @example transferEntropy(x, y, { k: 4, targetHistory: 1, sourceHistory: 1 })
 */
import type { Matrix } from '../data/matrix.js';
import { DataError, EstimatorError, OptionError } from '../errors.js';
import { ksgCmi } from './ksg-cmi.js';

export interface TransferEntropyOptions {
  /** kNN neighbours of the CMI estimator. @default 4 (JIDT's default) */
  k?: number;
  /** Target embedding length k. @default 1 */
  targetHistory?: number;
  /** Target embedding delay τ_x. @default 1 */
  targetDelay?: number;
  /** Source embedding length l. @default 1 */
  sourceHistory?: number;
  /** Source embedding delay τ_y. @default 1 */
  sourceDelay?: number;
  /** Source–target delay u. @default 1 */
  delay?: number;
}

export const DEFAULT_TE = { k: 4, targetHistory: 1, targetDelay: 1, sourceHistory: 1, sourceDelay: 1, delay: 1 } as const;

/** The three embedded blocks (future, source past, target past) of TE(Y→X). */
export interface TeEmbedding {
  future: Matrix;
  sourcePast: Matrix;
  targetPast: Matrix;
}

function positiveInt(v: number, field: string): number {
  if (!Number.isInteger(v) || v < 1) throw new OptionError(`${field} must be a positive integer, got ${v}`, field);
  return v;
}

/** Build the delay embeddings; rows are the usable time steps t in increasing order. */
export function embedForTe(x: Matrix, y: Matrix, opts: TransferEntropyOptions = {}): TeEmbedding {
  const o = { ...DEFAULT_TE, ...opts };
  const kx = positiveInt(o.targetHistory, 'targetHistory'), tx = positiveInt(o.targetDelay, 'targetDelay');
  const ly = positiveInt(o.sourceHistory, 'sourceHistory'), ty = positiveInt(o.sourceDelay, 'sourceDelay');
  const u = positiveInt(o.delay, 'delay');
  if (x.n !== y.n) throw new DataError(`source has ${y.n} time steps but target has ${x.n}`);
  const first = Math.max((kx - 1) * tx, (ly - 1) * ty + u - 1);
  const rows = x.n - 1 - first;
  if (rows < 1) throw new EstimatorError(`transfer entropy: ${x.n} time steps leave no sample for these embedding lengths and delays`);
  const dx = x.d, dy = y.d;
  const future = new Float64Array(rows * dx), tp = new Float64Array(rows * kx * dx), sp = new Float64Array(rows * ly * dy);
  for (let r = 0; r < rows; r++) {
    const t = first + r;
    for (let c = 0; c < dx; c++) future[r * dx + c] = x.data[(t + 1) * dx + c]!;
    for (let h = 0; h < kx; h++) for (let c = 0; c < dx; c++) tp[(r * kx + h) * dx + c] = x.data[(t - h * tx) * dx + c]!;
    for (let h = 0; h < ly; h++) for (let c = 0; c < dy; c++) sp[(r * ly + h) * dy + c] = y.data[(t + 1 - u - h * ty) * dy + c]!;
  }
  return {
    future: { n: rows, d: dx, data: future },
    sourcePast: { n: rows, d: ly * dy, data: sp },
    targetPast: { n: rows, d: kx * dx, data: tp },
  };
}

/** TE(Y→X) in nats: `x` is the target series, `y` the source. */
export function transferEntropy(x: Matrix, y: Matrix, opts: TransferEntropyOptions = {}): number {
  const k = positiveInt(opts.k ?? DEFAULT_TE.k, 'k');
  const e = embedForTe(x, y, opts);
  if (k >= e.future.n) throw new EstimatorError(`transfer entropy with k = ${k} needs at least ${k + 1} embedded samples, got ${e.future.n}`);
  return ksgCmi(e.future, e.sourcePast, e.targetPast, k);
}
