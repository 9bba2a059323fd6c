/**
 * Information-dynamics measures of one series (issue 15): active information storage, predictive
 * information and the entropy rate, each a delay embedding (estimators/info-dynamics.ts) followed
 * by an MI or a conditional entropy of the embedded blocks. Also the auto-embedding options
 * shared with te (job/auto-embed.ts).
 */
import { embedFutureAndPast, embedNextAndPast } from '../estimators/info-dynamics.js';
import type { MeasureDescriptor, OptionDescriptor } from './types.js';

const HISTORY: readonly OptionDescriptor[] = [
  { name: 'targetHistory', flag: 'target-history', help: 'history length k of the series (ais, pi, entropy_rate)', integer: true, min: 1, default: 1 },
  { name: 'targetDelay', flag: 'target-delay', help: 'history delay τ of the series (ais, pi, entropy_rate)', integer: true, min: 1, default: 1 },
];

/**
 * `autoEmbed` 1: choose the history length k ≤ maxHistory and delay τ ≤ maxDelay by the maximum
 * bias-corrected AIS (JIDT's AUTO_EMBED_METHOD_MAX_CORR_AIS; Garland et al., PRE 93 (2016)
 * 022221); te chooses its target's and its source's. The chosen values are the result's options.
 */
export const AUTO_EMBED_OPTIONS: readonly OptionDescriptor[] = [
  { name: 'autoEmbed', flag: 'auto-embed', help: 'te, ais: 1 = choose history length and delay by the maximum bias-corrected AIS (k ≤ --max-history, τ ≤ --max-delay)', integer: true, min: 0, maxExclusive: 2 },
  { name: 'maxHistory', flag: 'max-history', help: 'largest history length k the auto-embedding tries (default 5)', integer: true, min: 1 },
  { name: 'maxDelay', flag: 'max-delay', help: 'largest history delay τ the auto-embedding tries (default 1)', integer: true, min: 1 },
];

const SERIES = { y: 'none' as const, z: 'none' as const, meaning: { x: 'the series (rows are time steps)' } };

export const INFO_DYNAMICS_MEASURES: readonly MeasureDescriptor[] = [
  {
    name: 'ais',
    summary: 'active information storage A = I(x_{t+1}; x_t^{(k)}) (history k, delay τ)',
    blocks: SERIES,
    estimators: ['ksg', 'gaussian', 'plugin'],
    scaleInvariant: true,
    permutation: { block: 'y', kinds: ['shuffle'], nullHypothesis: 'no information storage (the past shuffled against the next value)' },
    options: [...HISTORY, ...AUTO_EMBED_OPTIONS],
    transform: (input, o) => embedNextAndPast(input.x, o),
  },
  {
    name: 'pi',
    summary: 'predictive information E_k = I(x_{t+1}^{(k)}; x_t^{(k)}) between k-step future and past',
    blocks: SERIES,
    estimators: ['ksg', 'gaussian', 'plugin'],
    scaleInvariant: true,
    permutation: { block: 'y', kinds: ['shuffle'], nullHypothesis: 'past and future independent (the past shuffled against the future)' },
    options: HISTORY,
    transform: (input, o) => embedFutureAndPast(input.x, o),
  },
  {
    name: 'entropy_rate',
    summary: 'entropy rate h_μ(k) = H(x_{t+1} | x_t^{(k)}) (history k, delay τ)',
    blocks: SERIES,
    estimators: ['plugin', 'gaussian'],
    scaleInvariant: false,
    permutation: null,
    noPermutation: 'an entropy rate is not a dependence between blocks; use --bootstrap for an interval',
    options: HISTORY,
    transform: (input, o) => embedNextAndPast(input.x, o),
  },
];
