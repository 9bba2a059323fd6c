/**
 * Neural MI estimators (MINE, NWJ, InfoNCE, SMILE): one critic per replicate of the `neural`
 * workload, so an ensemble of R critics shards over threads and workers like any other
 * workload (docs/neural.md). CMI is the chain-rule difference of two MIs,
 * I(X;Y|Z) = I(X;[Y,Z]) − I(X;Z), with two critics trained on the same split; it is not a bound
 * itself (the difference of two lower bounds can err either way).
 */
import type { Matrix } from '../../data/matrix.js';
import { InternalError } from '../../errors.js';
import { Domain, stream } from '../../rng/index.js';
import { quantile } from '../../stats/quantile.js';
import type { EstimatorInput } from '../types.js';
import type { NeuralBound, NeuralEstimatorName } from './bound.js';
import { infonce } from './infonce.js';
import { mine } from './mine.js';
import { nwj } from './nwj.js';
import type { ScoreMatrix } from './scores.js';
import { smile } from './smile.js';
import { splitRows, trainCritic, type NeuralSettings } from './train.js';
import type { TrainingProgress } from '../../job/spec.js';

export type { NeuralBound, NeuralEstimatorName } from './bound.js';
export type { NeuralSettings, Split, CriticRun, TrainEvent, TrainListener } from './train.js';
export { splitRows, trainCritic } from './train.js';

export const NEURAL_BOUNDS: Readonly<Record<NeuralEstimatorName, NeuralBound>> = { mine, nwj, infonce, smile };

/** Defaults (docs/neural.md): small enough for a 2-core laptop, large enough for a 2–10-D Gaussian. */
export const NEURAL_DEFAULTS: NeuralSettings = {
  hidden: 64,
  layers: 2,
  embed: 16,
  separable: true,
  steps: 1000,
  batch: 128,
  learningRate: 0.001,
  evalEvery: 50,
  patience: 4,
  testFraction: 0.25,
  validFraction: 0.15,
  evalRows: 1000,
  heldOutBootstrap: 200,
  clip: 5,
};

/** What a neural cmi result states about its method (result.ensemble.neural.method). */
export const NEURAL_CMI_METHOD =
  'chain rule: I(X;Y|Z) = I(X;[Y,Z]) − I(X;Z), two critics per replicate with the same recipe and the same train/validation/test split, ' +
  'each difference evaluated on the same test rows; the difference of two lower bounds is not a bound: it can err either way';

/** Level of the per-critic held-out bootstrap interval (percentile). */
export const HELD_OUT_LEVEL = 0.95;

/** Settings from resolved catalog options (`separable` is 1 or 0 there). */
export function neuralSettings(options: Readonly<Record<string, number>> | undefined): NeuralSettings {
  const o = options ?? {};
  const pick = <K extends keyof NeuralSettings>(k: K): number => (o[k] ?? NEURAL_DEFAULTS[k]) as number;
  return {
    hidden: pick('hidden'),
    layers: pick('layers'),
    embed: pick('embed'),
    separable: (o['separable'] ?? 1) !== 0,
    steps: pick('steps'),
    batch: pick('batch'),
    learningRate: pick('learningRate'),
    evalEvery: pick('evalEvery'),
    patience: pick('patience'),
    testFraction: pick('testFraction'),
    validFraction: pick('validFraction'),
    evalRows: pick('evalRows'),
    heldOutBootstrap: pick('heldOutBootstrap'),
    clip: pick('clip'),
  };
}

/** What one critic (or, for cmi, one pair of critics) contributes to the ensemble. */
export interface NeuralReplicate {
  estimate: number;
  /** Percentile interval (HELD_OUT_LEVEL) of the bound over bootstrap resamples of the test rows. */
  heldOutLow: number;
  heldOutHigh: number;
  /** Standard deviation of those resamples. */
  heldOutSe: number;
  /** Steps trained (the larger of the two critics for cmi). */
  steps: number;
  /** Step of the kept weights. */
  bestStep: number;
  /** Best validation value. */
  validation: number;
}

/** Values per replicate of the `neural` workload, in NeuralReplicate's field order. */
export const NEURAL_WIDTH = 7;

export function packReplicate(r: NeuralReplicate, out: Float64Array, at: number): void {
  out.set([r.estimate, r.heldOutLow, r.heldOutHigh, r.heldOutSe, r.steps, r.bestStep, r.validation], at);
}

export function unpackReplicate(v: ArrayLike<number>, at: number): NeuralReplicate {
  return { estimate: v[at]!, heldOutLow: v[at + 1]!, heldOutHigh: v[at + 2]!, heldOutSe: v[at + 3]!, steps: v[at + 4]!, bestStep: v[at + 5]!, validation: v[at + 6]! };
}

function concatColumns(a: Matrix, b: Matrix): Matrix {
  const d = a.d + b.d;
  const data = new Float64Array(a.n * d);
  for (let i = 0; i < a.n; i++) {
    data.set(a.data.subarray(i * a.d, (i + 1) * a.d), i * d);
    data.set(b.data.subarray(i * b.d, (i + 1) * b.d), i * d + a.d);
  }
  return { n: a.n, d, data };
}

/**
 * Bootstrap of the held-out evaluation: resample the test rows with replacement (counts c) and
 * re-evaluate the bound of the fixed critic(s) with those weights; for cmi the same resample
 * feeds both critics and the difference is taken.
 */
function heldOutBootstrap(bound: NeuralBound, tests: ScoreMatrix[], s: NeuralSettings, seed: number, r: number): { low: number; high: number; se: number } {
  const m = tests[0]!.m;
  const rng = stream(seed, r, Domain.neuralHeldOut);
  const values = new Float64Array(s.heldOutBootstrap);
  const c = new Float64Array(m);
  for (let b = 0; b < values.length; b++) {
    c.fill(0);
    for (let i = 0; i < m; i++) c[rng.nextInt(m)]! += 1;
    values[b] = bound.evaluate(tests[0]!, c, s) - (tests[1] ? bound.evaluate(tests[1], c, s) : 0);
  }
  let mean = 0;
  for (const v of values) mean += v;
  mean /= values.length;
  let ss = 0;
  for (const v of values) ss += (v - mean) ** 2;
  const a = (1 - HELD_OUT_LEVEL) / 2;
  return { low: quantile(values, a), high: quantile(values, 1 - a), se: Math.sqrt(ss / Math.max(1, values.length - 1)) };
}

/**
 * Critic r of a neural job: split, train, evaluate on the test rows, bootstrap that evaluation.
 * Depends only on (data, settings, seed, r).
 */
export function neuralReplicate(
  name: string, measure: string, input: EstimatorInput, options: Readonly<Record<string, number>> | undefined, seed: number, r: number,
  onTraining?: (t: TrainingProgress) => void,
  /** Asked before every training step; throws to stop (a cancelled shard frees its thread within one step). */
  stop?: () => void,
): NeuralReplicate {
  const bound = NEURAL_BOUNDS[name as NeuralEstimatorName];
  if (!bound) throw new InternalError(`unknown neural estimator ${name}`);
  const s = neuralSettings(options);
  const rng = stream(seed, r, Domain.neural);
  const split = splitRows(input.x.n, s, rng);
  if (!input.y) throw new InternalError(`${measure} with ${name} needs a y block`);
  const listen = (part: TrainingProgress['part']) => (onTraining ? (e: Omit<TrainingProgress, 'critic' | 'part'>) => onTraining({ critic: r, part, ...e }) : undefined);
  if (measure === 'mi') {
    const run = trainCritic(bound, input.x, input.y, split, s, rng, listen('mi'), stop);
    const h = heldOutBootstrap(bound, [run.test], s, seed, r);
    return { estimate: run.estimate, heldOutLow: h.low, heldOutHigh: h.high, heldOutSe: h.se, steps: run.steps, bestStep: run.bestStep, validation: run.validation };
  }
  if (measure !== 'cmi' || !input.z) throw new InternalError(`${name} does not implement ${measure}`);
  const joint = trainCritic(bound, input.x, concatColumns(input.y, input.z), split, s, rng, listen('joint'), stop);
  const cond = trainCritic(bound, input.x, input.z, split, s, stream(seed, r, Domain.neuralCmi), listen('conditioning'), stop);
  const h = heldOutBootstrap(bound, [joint.test, cond.test], s, seed, r);
  return {
    estimate: joint.estimate - cond.estimate,
    heldOutLow: h.low,
    heldOutHigh: h.high,
    heldOutSe: h.se,
    steps: Math.max(joint.steps, cond.steps),
    bestStep: Math.max(joint.bestStep, cond.bestStep),
    validation: joint.validation - cond.validation,
  };
}
