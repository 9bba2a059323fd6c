/**
 * What each neural estimator supplies: its value on held-out scores (plain float64 sums,
 * scores.ts) and the objective its critic is trained to maximise on a batch (tfjs tensors).
 * The batch helpers mirror scores.ts: diagonal = joint pairs, off-diagonal = product pairs.
 */
import type { Scalar, Tensor, Tensor2D } from '@tensorflow/tfjs';
import type { ScoreMatrix } from './scores.js';
import type { Tf } from './tf.js';

export type NeuralEstimatorName = 'mine' | 'nwj' | 'infonce' | 'smile';

/** Per-critic training state an objective may carry between steps (MINE's moving average). */
export interface TrainState {
  ema?: number;
}

export interface BoundOptions {
  /** SMILE's clip τ: exp(f) is clipped to [e^−τ, e^τ] in the partition term. */
  clip: number;
}

export interface NeuralBound {
  name: NeuralEstimatorName;
  /** The estimate from held-out scores with row weights c (all ones, or bootstrap counts). */
  evaluate(s: ScoreMatrix, c: Float64Array, o: BoundOptions): number;
  /** The scalar training minimises (minus the objective) on a b × b batch score tensor. */
  loss(tf: Tf, scores: Tensor2D, state: TrainState, o: BoundOptions): Tensor;
  /** An upper limit the estimate cannot pass whatever the critic (InfoNCE: ln K), or Infinity. */
  ceiling(heldOutRows: number): number;
}

/** Mean of the diagonal of a b × b tensor. */
export function batchDiagMean(tf: Tf, s: Tensor2D): Scalar {
  const b = s.shape[0];
  return tf.div(tf.sum(tf.mul(s, tf.eye(b))), b);
}

/** Mean of exp over the off-diagonal entries. */
export function batchOffDiagMeanExp(tf: Tf, s: Tensor2D): Scalar {
  const b = s.shape[0];
  return tf.div(tf.sum(tf.mul(tf.exp(s), tf.sub(1, tf.eye(b)))), b * (b - 1));
}

/** log of the mean of exp over the off-diagonal entries (log-sum-exp with the diagonal masked). */
export function batchOffDiagLogMeanExp(tf: Tf, s: Tensor2D): Scalar {
  const b = s.shape[0];
  return tf.sub(tf.logSumExp(tf.add(s, tf.mul(tf.eye(b), -1e9))), Math.log(b * (b - 1)));
}
