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
 * Conditional TE (`embedTe` with a conditioning series w): the past of w, w_{t+1−c},
 * w_{t+1−c−1}, …, (condHistory values, condition delay c) joins the target past in the
 * conditioning block, as JIDT's ConditionalTransferEntropyCalculatorKraskov (embedding 1 and
 * delay 1 by default).
 *
 * The `te` measure (shared/catalog/measures.ts) runs `embedTe` once per job; its estimators
 * see blocks (x = target future, y = source past, z = target past [+ condition past]).
 * @example transferEntropy(x, y, { k: 4, targetHistory: 1, sourceHistory: 1 })
 */
import type { Matrix } from '../data/matrix.js';
import { DataError, EstimatorError, OptionError } from '../errors.js';
import { ksgCmi } from './ksg-cmi.js';
import { ksgCmiTheiler } from './ksg-cmi-theiler.js';

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
  /**
   * Theiler window W: embedded rows within W time steps of a row are neither its neighbours
   * nor counted (ksg-cmi-theiler.ts; O(N (log N + k + W))). 0 excludes only the row itself.
   * @default 0
   */
  theiler?: number;
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

export interface TeEmbeddingOptions extends TransferEntropyOptions {
  /** Conditioning-series embedding length. @default 1 */
  condHistory?: number;
  /** Conditioning-series–target delay c. @default 1 */
  condDelay?: number;
}

/**
 * The TE blocks as CMI blocks: x = target future, y = source past, z = target past followed by
 * the conditioning series' past (when `w` is given). Rows are the usable time steps.
 */
export function embedTe(x: Matrix, y: Matrix, w: Matrix | undefined, opts: TeEmbeddingOptions = {}): { x: Matrix; y: Matrix; z: Matrix } {
  if (!w) {
    const e = embedForTe(x, y, opts);
    return { x: e.future, y: e.sourcePast, z: e.targetPast };
  }
  const o = { ...DEFAULT_TE, condHistory: 1, condDelay: 1, ...opts };
  const kx = positiveInt(o.targetHistory, 'targetHistory'), tx = positiveInt(o.targetDelay, 'targetDelay');
  const ly = positiveInt(o.sourceHistory, 'sourceHistory'), ty = positiveInt(o.sourceDelay, 'sourceDelay');
  const u = positiveInt(o.delay, 'delay');
  const hc = positiveInt(o.condHistory, 'condHistory'), c = positiveInt(o.condDelay, 'condDelay');
  if (w.n !== x.n) throw new DataError(`conditioning series has ${w.n} time steps but target has ${x.n}`);
  if (x.n !== y.n) throw new DataError(`source has ${y.n} time steps but target has ${x.n}`);
  const first = Math.max((kx - 1) * tx, (ly - 1) * ty + u - 1, hc - 1 + c - 1);
  const rows = x.n - 1 - first;
  if (rows < 1) throw new EstimatorError(`transfer entropy: ${x.n} time steps leave no sample for these embedding lengths and delays`);
  const dx = x.d, dy = y.d, dw = w.d, dz = kx * dx + hc * dw;
  const future = new Float64Array(rows * dx), sp = new Float64Array(rows * ly * dy), zp = new Float64Array(rows * dz);
  for (let r = 0; r < rows; r++) {
    const t = first + r;
    for (let j = 0; j < dx; j++) future[r * dx + j] = x.data[(t + 1) * dx + j]!;
    for (let h = 0; h < ly; h++) for (let j = 0; j < dy; j++) sp[(r * ly + h) * dy + j] = y.data[(t + 1 - u - h * ty) * dy + j]!;
    for (let h = 0; h < kx; h++) for (let j = 0; j < dx; j++) zp[r * dz + h * dx + j] = x.data[(t - h * tx) * dx + j]!;
    for (let h = 0; h < hc; h++) for (let j = 0; j < dw; j++) zp[r * dz + kx * dx + h * dw + j] = w.data[(t + 1 - c - h) * dw + j]!;
  }
  return { x: { n: rows, d: dx, data: future }, y: { n: rows, d: ly * dy, data: sp }, z: { n: rows, d: dz, data: zp } };
}

/** TE(Y→X) in nats: `x` is the target series, `y` the source. */
export function transferEntropy(x: Matrix, y: Matrix, opts: TransferEntropyOptions = {}): number {
  const k = positiveInt(opts.k ?? DEFAULT_TE.k, 'k');
  const e = embedForTe(x, y, opts);
  if (k >= e.future.n) throw new EstimatorError(`transfer entropy with k = ${k} needs at least ${k + 1} embedded samples, got ${e.future.n}`);
  const w = opts.theiler ?? 0;
  if (!Number.isInteger(w) || w < 0) throw new OptionError(`theiler must be a non-negative integer, got ${w}`, 'theiler');
  // consecutive embedded rows are consecutive time steps, so row distance is time distance
  return w === 0 ? ksgCmi(e.future, e.sourcePast, e.targetPast, k) : ksgCmiTheiler(e.future, e.sourcePast, e.targetPast, k, w);
}
