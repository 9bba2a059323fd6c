import type { Matrix } from '../data/matrix.js';
import type { ColumnOrder } from '../knn/order.js';

/** Preprocessed blocks (columns selected, normalized, jittered), each n × d row-major. */
export interface EstimatorInput {
  x: Matrix;
  y?: Matrix;
  z?: Matrix;
  /** Time step of each row (n × 1), for estimators with a Theiler window; set by TE's transform, resampled with the rows. */
  t?: Matrix;
}

export interface EstimatorParams {
  /** Neighbours for kNN estimators (ignored by plugin and gaussian). */
  k: number;
  /** Miller–Madow bias correction for plugin entropy / MI. @default false */
  millerMadow?: boolean;
  /** Measure and estimator options from the catalog (e.g. TE embedding, Rényi alpha), resolved with defaults. */
  options?: Readonly<Record<string, number>>;
}

/** Sort orders of the x and y blocks where they are 1-D and already known (else undefined). */
export type BlockOrders = readonly [ColumnOrder | undefined, ColumnOrder | undefined];
