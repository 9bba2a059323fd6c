/**
 * Catalog entries of the neural estimators (mine, nwj, infonce, smile; shared/estimators/neural).
 * They serve mi and cmi (the chain-rule difference of two MIs). A job with one of them runs the
 * `neural` workload, one critic per replicate (`ensemble.critics`, CLI `--ensemble R`); the
 * catalog function below trains critic 0 with seed 0, for direct calls of `estimate`.
 */
import { neuralReplicate, NEURAL_DEFAULTS } from '../estimators/neural/index.js';
import type { EstimatorDescriptor, OptionDescriptor } from './types.js';

const D = NEURAL_DEFAULTS;
const int = (name: string, flag: string, help: string, min: number, dflt: number): OptionDescriptor => ({ name, flag, help, integer: true, min, default: dflt });
const frac = (name: string, flag: string, help: string, dflt: number): OptionDescriptor => ({ name, flag, help, integer: false, min: 0, minExclusive: true, maxExclusive: 1, default: dflt });

/** Options every neural estimator takes (one set of flags: the catalog dedups by name). */
export const NEURAL_OPTIONS: readonly OptionDescriptor[] = [
  int('steps', 'steps', 'neural: most training steps per critic', 1, D.steps),
  int('batch', 'batch', 'neural: training batch size (rows); InfoNCE cannot exceed ln(batch) in training', 2, D.batch),
  { name: 'learningRate', flag: 'learning-rate', help: 'neural: Adam learning rate', integer: false, min: 0, minExclusive: true, default: D.learningRate },
  int('hidden', 'hidden', 'neural: units per hidden layer of the critic', 1, D.hidden),
  int('layers', 'layers', 'neural: hidden layers per critic MLP', 1, D.layers),
  int('embed', 'embed', 'neural: output width of g and h (separable critic f = g(x)·h(y))', 1, D.embed),
  { name: 'separable', flag: 'separable', help: 'neural: 1 = separable critic g(x)·h(y), 0 = concatenated MLP([x, y]) (b² passes per batch)', integer: true, min: 0, maxExclusive: 2, default: 1 },
  int('evalEvery', 'eval-every', 'neural: steps between validation evaluations (early stopping)', 1, D.evalEvery),
  int('patience', 'patience', 'neural: validation evaluations without improvement before stopping', 1, D.patience),
  frac('testFraction', 'test-fraction', 'neural: fraction of rows held out for the estimate', D.testFraction),
  frac('validFraction', 'valid-fraction', 'neural: fraction of rows held out for early stopping', D.validFraction),
  int('evalRows', 'eval-rows', 'neural: most rows in the validation and in the test set (score matrices are rows²)', 8, D.evalRows),
  int('heldOutBootstrap', 'held-out-bootstrap', 'neural: bootstrap resamples of each critic\'s held-out evaluation', 10, D.heldOutBootstrap),
  { name: 'clip', flag: 'clip', help: 'smile: clip τ of the partition term, exp(f) clipped to [e^−τ, e^τ]', integer: false, min: 0, minExclusive: true, default: D.clip },
];

/** Options that only SMILE reads; the others reject them (resolveOptions names the flag). */
const COMMON = NEURAL_OPTIONS.filter((o) => o.name !== 'clip');

function entry(name: 'mine' | 'nwj' | 'infonce' | 'smile', summary: string, reference: string): EstimatorDescriptor {
  return {
    name,
    summary,
    reference,
    knn: false,
    duplicates: 'ignore',
    interval: 'neural',
    neural: true,
    measures: {
      mi: (i, p) => neuralReplicate(name, 'mi', i, p.options, 0, 0).estimate,
      cmi: (i, p) => neuralReplicate(name, 'cmi', i, p.options, 0, 0).estimate,
    },
    options: name === 'smile' ? NEURAL_OPTIONS : COMMON,
  };
}

export const NEURAL_ESTIMATORS: readonly EstimatorDescriptor[] = [
  entry('mine', 'MINE: Donsker–Varadhan bound with a neural critic, bias-corrected gradients (cmi: I(X;[Y,Z]) − I(X;Z))', 'Belghazi et al., ICML 2018, eq. 10 and section 3.2'),
  entry('nwj', 'NWJ: f-divergence (KL) lower bound with a neural critic (cmi: difference of two MIs)', 'Nguyen, Wainwright, Jordan, IEEE TIT 56 (2010) 5847; Poole et al., ICML 2019, eq. 9'),
  entry('infonce', 'InfoNCE: contrastive bound, at most ln K for K held-out rows (cmi: difference of two MIs)', 'van den Oord, Li, Vinyals, arXiv:1807.03748 (2018) eq. 4; Poole et al., ICML 2019, eq. 12'),
  entry('smile', 'SMILE: DV bound with the partition term clipped to [e^−τ, e^τ] (--clip), critic trained by JS (cmi: difference of two MIs)', 'Song & Ermon, ICLR 2020, eq. 17'),
];
