/**
 * Training one critic and evaluating it on rows it never saw.
 *
 * Critic r of a job draws everything from `stream(seed, r, Domain.neural)`: first the split of
 * the N rows into train / validation / test, then the initial weights, then the batch order
 * (a fresh shuffle of the training rows each epoch). Adam (Kingma & Ba 2015) minimises the
 * estimator's loss on batches; every `evalEvery` steps the bound is evaluated on the validation
 * rows and the best weights kept; training stops after `patience` evaluations without
 * improvement or at `steps`. The estimate is the bound of the best weights on the test rows
 * only (never a training batch, never the rows that chose the stopping step). Inputs are
 * standardised with the training rows' means and sds (part of the critic, so nothing leaks).
 *
 * A non-finite objective or validation value is an EstimatorError naming the estimator and the
 * step, never a number.
 */
import type { Scalar, Tensor2D } from '@tensorflow/tfjs';
import type { Matrix } from '../../data/matrix.js';
import { EstimatorError } from '../../errors.js';
import { permutation, shuffleInPlace, type RandomStream } from '../../rng/index.js';
import type { BoundOptions, NeuralBound, TrainState } from './bound.js';
import { createCritic, type CriticShape } from './critic.js';
import type { ScoreMatrix } from './scores.js';
import { unitWeights } from './scores.js';
import { loadTf, type Tf } from './tf.js';
import type { TrainingProgress } from '../../job/spec.js';

/** Training settings of one critic (catalog options; defaults in NEURAL_DEFAULTS). */
export interface NeuralSettings extends CriticShape, BoundOptions {
  steps: number;
  batch: number;
  learningRate: number;
  evalEvery: number;
  patience: number;
  testFraction: number;
  validFraction: number;
  /** Most rows in the validation and in the test set (the score matrix is rows²). */
  evalRows: number;
  /** Bootstrap resamples of the held-out evaluation. */
  heldOutBootstrap: number;
}

/** Row indices of the three disjoint parts. */
export interface Split {
  train: Int32Array;
  valid: Int32Array;
  test: Int32Array;
}

/** One validation point of the training trace. */
export interface TracePoint {
  step: number;
  validation: number;
}

export interface CriticRun {
  /** The bound on the test rows (nats). */
  estimate: number;
  /** Test-row scores of the kept weights (for the held-out bootstrap). */
  test: ScoreMatrix;
  steps: number;
  bestStep: number;
  validation: number;
  /** The same bound on (up to evalRows of) the training rows: the gap to `estimate` is overfitting. */
  trainValue: number;
  trace: TracePoint[];
}

/** One critic's state after a validation evaluation (step, held-out value, early stopping). */
export type TrainEvent = Omit<TrainingProgress, 'critic' | 'part'>;

/**
 * Called after every validation evaluation (progress: step and held-out value); the last call
 * of a critic has state 'early-stopped' or 'finished'. It must not touch the critic's stream:
 * listening never changes a result.
 */
export type TrainListener = (e: TrainEvent) => void;

/** The smallest data a critic is trained on: a few rows in each part. */
export const MIN_ROWS_PER_PART = 8;

/** Train / validation / test rows from the critic's stream (the first thing it draws). */
export function splitRows(n: number, s: Pick<NeuralSettings, 'testFraction' | 'validFraction' | 'evalRows'>, rng: RandomStream): Split {
  const order = permutation(n, rng);
  const nTest = Math.min(s.evalRows, Math.floor(s.testFraction * n));
  const nValid = Math.min(s.evalRows, Math.floor(s.validFraction * n));
  const nTrain = n - nTest - nValid;
  if (nTest < MIN_ROWS_PER_PART || nValid < MIN_ROWS_PER_PART || nTrain < MIN_ROWS_PER_PART) {
    throw new EstimatorError(
      `${n} rows split into ${nTrain} train, ${nValid} validation and ${nTest} test rows; a neural critic needs at least ${MIN_ROWS_PER_PART} in each (more rows, or change --test-fraction/--valid-fraction)`,
    );
  }
  return { test: order.slice(0, nTest), valid: order.slice(nTest, nTest + nValid), train: order.slice(nTest + nValid) };
}

/** Column means and sds (ddof 1; 1 for a constant column) over `rows`. */
function standardiser(m: Matrix, rows: Int32Array): { mean: Float64Array; sd: Float64Array } {
  const { d, data } = m;
  const mean = new Float64Array(d), sd = new Float64Array(d);
  for (const i of rows) for (let j = 0; j < d; j++) mean[j] += data[i * d + j]!;
  for (let j = 0; j < d; j++) mean[j] /= rows.length;
  for (const i of rows) for (let j = 0; j < d; j++) sd[j] += (data[i * d + j]! - mean[j]!) ** 2;
  for (let j = 0; j < d; j++) sd[j] = Math.sqrt(sd[j]! / Math.max(1, rows.length - 1)) || 1;
  return { mean, sd };
}

function gather(tf: Tf, m: Matrix, rows: ArrayLike<number>, st: { mean: Float64Array; sd: Float64Array }): Tensor2D {
  const { d, data } = m;
  const out = new Float32Array(rows.length * d);
  for (let r = 0; r < rows.length; r++) {
    const i = rows[r]!;
    for (let j = 0; j < d; j++) out[r * d + j] = (data[i * d + j]! - st.mean[j]!) / st.sd[j]!;
  }
  return tf.tensor2d(out, [rows.length, d]);
}

function diverged(bound: NeuralBound, step: number, what: string, v: number): EstimatorError {
  return new EstimatorError(
    `${bound.name}: training diverged at step ${step} (${what} ${v}); lower --learning-rate, use a smaller critic, or use smile (clipped partition term) or infonce`,
  );
}

/** Train one critic on `split` and evaluate it on the test rows. */
export function trainCritic(
  bound: NeuralBound, x: Matrix, y: Matrix, split: Split, s: NeuralSettings, rng: RandomStream, onEval?: TrainListener,
  /** Called before every step; throws (CancelledError) to stop a cancelled shard mid-critic. */
  stop?: () => void,
): CriticRun {
  const tf = loadTf();
  const sx = standardiser(x, split.train), sy = standardiser(y, split.train);
  const critic = createCritic(tf, x.d, y.d, s, rng);
  const opt = tf.train.adam(s.learningRate);
  const block = (rows: Int32Array): ScoreMatrix => {
    const f = tf.tidy(() => critic.scores(gather(tf, x, rows, sx), gather(tf, y, rows, sy)).dataSync().slice() as Float32Array);
    return { m: rows.length, data: Float64Array.from(f) };
  };
  try {
    const batch = Math.min(s.batch, split.train.length);
    const order = Int32Array.from(split.train);
    let pos = order.length; // start with a shuffle
    const state: TrainState = {};
    const trace: TracePoint[] = [];
    let best = -Infinity, bestStep = 0, stale = 0, step = 0;
    let kept = critic.variables.map((v) => v.dataSync().slice());
    const validate = () => {
      const v = bound.evaluate(block(split.valid), unitWeights(split.valid.length), s);
      if (!Number.isFinite(v)) throw diverged(bound, step, 'validation value', v);
      trace.push({ step, validation: v });
      if (v > best) {
        best = v;
        bestStep = step;
        stale = 0;
        kept = critic.variables.map((w) => w.dataSync().slice());
      } else stale++;
      const state = stale >= s.patience ? 'early-stopped' : step >= s.steps ? 'finished' : 'training';
      onEval?.({ step, steps: s.steps, validation: v, best, bestStep, stale, patience: s.patience, state });
    };
    while (step < s.steps) {
      stop?.();
      if (pos + batch > order.length) {
        shuffleInPlace(order, rng);
        pos = 0;
      }
      const rows = order.subarray(pos, pos + batch);
      pos += batch;
      step++;
      const loss = tf.tidy(() => {
        const xb = gather(tf, x, rows, sx), yb = gather(tf, y, rows, sy);
        const l = opt.minimize(() => bound.loss(tf, critic.scores(xb, yb), state, s) as Scalar, true, critic.variables);
        return l ? l.dataSync()[0]! : NaN;
      });
      if (!Number.isFinite(loss)) throw diverged(bound, step, 'objective', -loss);
      if (step % s.evalEvery === 0 || step === s.steps) {
        validate();
        if (stale >= s.patience) break;
      }
    }
    tf.tidy(() => critic.variables.forEach((v, i) => v.assign(tf.tensor(kept[i]!, v.shape))));
    const test = block(split.test);
    const estimate = bound.evaluate(test, unitWeights(test.m), s);
    if (!Number.isFinite(estimate)) throw diverged(bound, step, 'test value', estimate);
    const seen = split.train.subarray(0, Math.min(s.evalRows, split.train.length));
    const trainValue = bound.evaluate(block(seen), unitWeights(seen.length), s);
    return { estimate, test, steps: step, bestStep, validation: best, trainValue, trace };
  } finally {
    opt.dispose();
    critic.dispose();
  }
}
