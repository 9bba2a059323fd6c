/**
 * The measure catalog: one entry per measure (blocks, estimators, permutation, transform).
 * Exact definitions: docs/estimators.md.
 */
import type { Matrix } from '../data/matrix.js';
import { DataError } from '../errors.js';
import { embedTe } from '../estimators/transfer-entropy.js';
import type { MeasureDescriptor, OptionDescriptor } from './types.js';
import { AUTO_EMBED_OPTIONS, INFO_DYNAMICS_MEASURES } from './info-dynamics.js';

const posInt = (name: string, flag: string, help: string, dflt: number): OptionDescriptor => ({ name, flag, help, integer: true, min: 1, default: dflt });

export const TE_OPTIONS: readonly OptionDescriptor[] = [
  posInt('targetHistory', 'target-history', 'target (te) or series (ais, pi, entropy_rate) history length k', 1),
  posInt('targetDelay', 'target-delay', 'target (te) or series (ais, pi, entropy_rate) history delay τ', 1),
  posInt('sourceHistory', 'source-history', 'source embedding length l (TE)', 1),
  posInt('sourceDelay', 'source-delay', 'source embedding delay τ_y (TE)', 1),
  posInt('delay', 'delay', 'source–target delay u (TE)', 1),
  posInt('condHistory', 'cond-history', 'conditioning-series embedding length (conditional TE, --z)', 1),
  posInt('condDelay', 'cond-delay', 'conditioning-series–target delay (conditional TE, --z)', 1),
  { name: 'theiler', flag: 'theiler', help: 'Theiler window W: neighbours within W time steps are excluded (TE with ksg; brute force)', integer: true, min: 0, default: 0 },
];

/** Each x column one variable: the null of mutual independence shuffles every column but the first on its own. */
function multivariate(name: string, summary: string, permutation: MeasureDescriptor['permutation'], noPermutation?: string, extra: readonly string[] = []): MeasureDescriptor {
  return {
    ...(noPermutation ? { noPermutation } : {}),
    name,
    summary,
    blocks: { y: 'none', z: 'none', minX: 2, meaning: { x: 'variables (one per column, at least 2)' } },
    estimators: ['ksg', 'gaussian', ...extra],
    scaleInvariant: true,
    permutation,
  };
}

const INDEPENDENCE = { block: 'x' as const, kinds: ['columns' as const], nullHypothesis: 'the variables are mutually independent (each column but the first shuffled on its own)' };

export const MEASURE_LIST: readonly MeasureDescriptor[] = [
  {
    name: 'mi',
    summary: 'mutual information I(X;Y)',
    blocks: { y: 'required', z: 'none', meaning: { x: 'X columns', y: 'Y columns' } },
    estimators: ['ksg1', 'ksg2', 'mixed_ksg', 'plugin', 'gaussian', 'gcmi', 'binned', 'kernel', 'kde', 'mine', 'nwj', 'infonce', 'smile'],
    scaleInvariant: true,
    permutation: { block: 'y', kinds: ['shuffle'], nullHypothesis: 'X and Y independent (Y rows shuffled against X)' },
  },
  {
    name: 'entropy',
    summary: 'entropy H(X) (differential for kl, discrete for plugin)',
    blocks: { y: 'none', z: 'none', meaning: { x: 'X columns' } },
    estimators: ['kl', 'plugin', 'gaussian', 'binned', 'kernel', 'kde'],
    scaleInvariant: false,
    permutation: null,
    noPermutation: 'entropy is not a dependence between blocks; use --bootstrap for an interval',
  },
  {
    name: 'cmi',
    summary: 'conditional mutual information I(X;Y|Z)',
    blocks: { y: 'required', z: 'required', meaning: { x: 'X columns', y: 'Y columns', z: 'conditioning columns Z' } },
    estimators: ['ksg_cmi', 'gaussian', 'plugin', 'ksg2', 'mixed_ksg', 'mine', 'nwj', 'infonce', 'smile'],
    scaleInvariant: true,
    permutation: { block: 'x', kinds: ['local', 'shuffle'], nullHypothesis: 'X and Y conditionally independent given Z (X permuted within Z-neighbourhoods)' },
  },
  {
    name: 'te',
    summary: 'transfer entropy TE(Y→X) = I(X_{t+1}; Y_past | X_past [, Z_past])',
    blocks: { y: 'required', z: 'optional', meaning: { x: 'target series', y: 'source series', z: 'conditioning series (conditional TE)' } },
    estimators: ['ksg', 'gaussian', 'plugin', 'ksg2'],
    scaleInvariant: true,
    // after the transform y is the source past: surrogates never touch the target (IDTxl, JIDT)
    permutation: { block: 'y', kinds: ['shuffle', 'shift'], nullHypothesis: 'no information transfer from Y (source past shuffled or circularly shifted in time)' },
    options: [...TE_OPTIONS, ...AUTO_EMBED_OPTIONS],
    transform: (input, o) => {
      const e = embedTe(input.x, input.y as Matrix, input.z, o);
      // embedded rows are consecutive time steps; t travels with resampled rows (Theiler window)
      return { ...e, t: { n: e.x.n, d: 1, data: Float64Array.from({ length: e.x.n }, (_, i) => i) } };
    },
  },
  {
    name: 'divergence',
    summary: 'divergence D(P‖Q) between two samples (x columns; P and Q by the label y, or --data/--data-q)',
    blocks: { y: 'required', z: 'none', meaning: { x: 'value columns', y: 'sample label (two values: P is the smaller)' } },
    estimators: ['kl', 'renyi_nnr'],
    // KL is invariant under one bijection of both samples, but normalising by the pooled sd
    // changes which sample sets the scale; the reference values are on raw data
    scaleInvariant: false,
    rawBlocks: ['y'],
    permutation: { block: 'y', kinds: ['shuffle'], nullHypothesis: 'P = Q (sample labels pooled and relabelled)' },
    check: (input) => {
      if (input.y && input.y.d !== 1) throw new DataError(`divergence: the sample label (y) must be one column; got ${input.y.d}`);
    },
  },
  multivariate('tc', 'total correlation (multi-information) TC = Σ H(X_d) − H(X)', INDEPENDENCE, undefined, ['mixed_ksg']),
  multivariate('dtc', 'dual total correlation DTC = H(X) − Σ H(X_d | X_rest)', INDEPENDENCE),
  multivariate('oinfo', 'O-information Ω = TC − DTC (> 0 redundancy, < 0 synergy)', null,
    'Ω is 0 under independence and under balanced redundancy and synergy alike, so a permutation null does not answer its question (the sign): read the sign from a bootstrap interval (--bootstrap)'),
  multivariate('sinfo', 'S-information Σ = TC + DTC', INDEPENDENCE),
  ...INFO_DYNAMICS_MEASURES,
];
