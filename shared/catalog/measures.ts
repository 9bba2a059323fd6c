/**
 * The measure catalog: one entry per measure (blocks, estimators, permutation, transform).
 * Exact definitions: docs/estimators.md.
 */
import type { Matrix } from '../data/matrix.js';
import { DataError } from '../errors.js';
import { embedTe } from '../estimators/transfer-entropy.js';
import type { MeasureDescriptor, OptionDescriptor } from './types.js';

const posInt = (name: string, flag: string, help: string, dflt: number): OptionDescriptor => ({ name, flag, help, integer: true, min: 1, default: dflt });

export const TE_OPTIONS: readonly OptionDescriptor[] = [
  posInt('targetHistory', 'target-history', 'target embedding length k (TE)', 1),
  posInt('targetDelay', 'target-delay', 'target embedding delay τ_x (TE)', 1),
  posInt('sourceHistory', 'source-history', 'source embedding length l (TE)', 1),
  posInt('sourceDelay', 'source-delay', 'source embedding delay τ_y (TE)', 1),
  posInt('delay', 'delay', 'source–target delay u (TE)', 1),
  posInt('condHistory', 'cond-history', 'conditioning-series embedding length (conditional TE, --z)', 1),
  posInt('condDelay', 'cond-delay', 'conditioning-series–target delay (conditional TE, --z)', 1),
];

export const MEASURE_LIST: readonly MeasureDescriptor[] = [
  {
    name: 'mi',
    summary: 'mutual information I(X;Y)',
    blocks: { y: 'required', z: 'none', meaning: { x: 'X columns', y: 'Y columns' } },
    estimators: ['ksg1', 'ksg2', 'mixed_ksg', 'plugin', 'gaussian'],
    scaleInvariant: true,
    permutation: { block: 'y', kinds: ['shuffle'], nullHypothesis: 'X and Y independent (Y rows shuffled against X)' },
  },
  {
    name: 'entropy',
    summary: 'entropy H(X) (differential for kl, discrete for plugin)',
    blocks: { y: 'none', z: 'none', meaning: { x: 'X columns' } },
    estimators: ['kl', 'plugin'],
    scaleInvariant: false,
    permutation: null,
  },
  {
    name: 'cmi',
    summary: 'conditional mutual information I(X;Y|Z)',
    blocks: { y: 'required', z: 'required', meaning: { x: 'X columns', y: 'Y columns', z: 'conditioning columns Z' } },
    estimators: ['ksg_cmi'],
    scaleInvariant: true,
    permutation: { block: 'x', kinds: ['local', 'shuffle'], nullHypothesis: 'X and Y conditionally independent given Z (X permuted within Z-neighbourhoods)' },
  },
  {
    name: 'te',
    summary: 'transfer entropy TE(Y→X) = I(X_{t+1}; Y_past | X_past [, Z_past])',
    blocks: { y: 'required', z: 'optional', meaning: { x: 'target series', y: 'source series', z: 'conditioning series (conditional TE)' } },
    estimators: ['ksg'],
    scaleInvariant: true,
    // after the transform y is the source past: surrogates never touch the target (IDTxl, JIDT)
    permutation: { block: 'y', kinds: ['shuffle', 'shift'], nullHypothesis: 'no information transfer from Y (source past shuffled or circularly shifted in time)' },
    options: TE_OPTIONS,
    transform: (input, o) => embedTe(input.x, input.y as Matrix, input.z, o),
  },
  {
    name: 'divergence',
    summary: 'divergence D(P‖Q) between two samples (x columns; P and Q by the label y, or --data/--data-q)',
    blocks: { y: 'required', z: 'none', meaning: { x: 'value columns', y: 'sample label (two values: P is the smaller)' } },
    estimators: ['kl'],
    // KL is invariant under one bijection of both samples, but normalising by the pooled sd
    // changes which sample sets the scale; the reference values are on raw data
    scaleInvariant: false,
    rawBlocks: ['y'],
    permutation: { block: 'y', kinds: ['shuffle'], nullHypothesis: 'P = Q (sample labels pooled and relabelled)' },
    check: (input) => {
      if (input.y && input.y.d !== 1) throw new DataError(`divergence: the sample label (y) must be one column; got ${input.y.d}`);
    },
  },
];
