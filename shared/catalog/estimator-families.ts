/**
 * Issue 15's additions to existing estimator entries, grouped by estimator (estimators.ts spreads
 * each group into its entry): the discrete family (plug-in CMI, TE, AIS, predictive information,
 * entropy rate), the Gaussian family (entropy, entropy rate, AIS, predictive information, analytic
 * bias correction), the kNN estimators' information dynamics, and every estimator's local values
 * and analytic χ² degrees of freedom. Definitions and papers: the files imported below.
 */
import type { Matrix } from '../data/matrix.js';
import { gaussianMi } from '../estimators/gaussian.js';
import { gaussianCmi, gaussianMultiInfo } from '../estimators/gaussian-multi.js';
import {
  gaussianCmiLocals,
  gaussianCondEntropy,
  gaussianCondEntropyLocals,
  gaussianEntropy,
  gaussianEntropyLocals,
  gaussianMiLocals,
  logDetBias,
} from '../estimators/gaussian-info.js';
import { ksg1 } from '../estimators/ksg1.js';
import { ksg1Locals, ksgCmiLocals, klLocals } from '../estimators/ksg-locals.js';
import { pluginMi } from '../estimators/plugin.js';
import {
  alphabet,
  pluginCmi,
  pluginCmiLocals,
  pluginCondEntropy,
  pluginCondEntropyLocals,
  pluginEntropyLocals,
  pluginMiLocals,
} from '../estimators/plugin-cmi.js';
import { EstimatorError } from '../errors.js';
import type { EstimatorInput, EstimatorParams } from '../estimators/types.js';
import type { DfFn, EstimateFn, LocalsFn, OptionDescriptor } from './types.js';

const Y = (m: Matrix | undefined) => m as Matrix;

interface Family {
  measures: Record<string, EstimateFn>;
  locals?: Record<string, LocalsFn>;
  chi2?: Record<string, DfFn>;
  options?: OptionDescriptor[];
}

// ---- plug-in (discrete) -------------------------------------------------------------------

const mm = (p: EstimatorParams) => ({ millerMadow: p.millerMadow ?? false });
/** (|X| − 1)(|Y| − 1), observed alphabets. */
const dfMi: DfFn = (i) => (alphabet(i.x) - 1) * (alphabet(Y(i.y)) - 1);
/** (|X| − 1)(|Y| − 1)·|Z|. */
const dfCmi: DfFn = (i) => dfMi(i) * alphabet(Y(i.z));

export const PLUGIN_FAMILY: Family = {
  measures: {
    cmi: (i, p) => pluginCmi(i.x, Y(i.y), Y(i.z), mm(p)),
    te: (i, p) => pluginCmi(i.x, Y(i.y), Y(i.z), mm(p)),
    ais: (i, p) => pluginMi(i.x, Y(i.y), mm(p)),
    pi: (i, p) => pluginMi(i.x, Y(i.y), mm(p)),
    entropy_rate: (i, p) => pluginCondEntropy(i.x, Y(i.y), mm(p)),
  },
  locals: {
    mi: (i) => pluginMiLocals(i.x, Y(i.y)),
    ais: (i) => pluginMiLocals(i.x, Y(i.y)),
    pi: (i) => pluginMiLocals(i.x, Y(i.y)),
    cmi: (i) => pluginCmiLocals(i.x, Y(i.y), Y(i.z)),
    te: (i) => pluginCmiLocals(i.x, Y(i.y), Y(i.z)),
    entropy: (i) => pluginEntropyLocals(i.x),
    entropy_rate: (i) => pluginCondEntropyLocals(i.x, Y(i.y)),
  },
  chi2: { mi: dfMi, ais: dfMi, pi: dfMi, cmi: dfCmi, te: dfCmi },
};

// ---- Gaussian ----------------------------------------------------------------------------

/** d_X · d_Y: the χ² degrees of freedom of Gaussian MI, CMI, TE, AIS (Barnett & Bossomaier 2012). */
const dfGauss: DfFn = (i) => i.x.d * Y(i.y).d;
/**
 * Σ_{i<j} d_i d_j with one column per variable: D(D − 1)/2. TC and DTC alike: under mutual
 * independence both are ½ Σ_{i<j} r_ij² + O(r³) (expand ln|R| and each ln|R_{−d}| to second order
 * in the sample correlations; each pair appears in D − 2 of the R_{−d}), so 2N·DTC has the same
 * χ² limit as 2N·TC. Ω = TC − DTC vanishes at that order: no χ² null.
 */
const dfTc: DfFn = (i) => (i.x.d * (i.x.d - 1)) / 2;

const corrected = (p: EstimatorParams) => (p.options?.['biasCorrection'] ?? 0) === 1;
/** Minus the χ² null mean df/(2N) when bias correction is on (JIDT's Gaussian calculators). */
const miFamily = (f: (i: EstimatorInput) => number): EstimateFn => (i, p) => f(i) - (corrected(p) ? dfGauss(i) / (2 * i.x.n) : 0);

/**
 * The multivariate measures with each log-determinant corrected by its Gaussian expectation
 * offset (gaussian-info.ts, `logDetBias`): TC uses D one-column and one D-column determinants,
 * DTC D (D−1)-column ones and (D − 1) times the D-column one.
 */
function multi(which: 'tc' | 'dtc' | 'oinfo' | 'sinfo'): EstimateFn {
  return (i, p) => {
    const m = gaussianMultiInfo(i.x);
    if (!corrected(p)) return m[which];
    const D = i.x.d, n = i.x.n;
    const tc = m.tc - 0.5 * (D * logDetBias(1, n) - logDetBias(D, n));
    const dtc = m.dtc - 0.5 * (D * logDetBias(D - 1, n) - (D - 1) * logDetBias(D, n));
    return { tc, dtc, oinfo: tc - dtc, sinfo: tc + dtc }[which];
  };
}

export const GAUSSIAN_FAMILY: Family = {
  measures: {
    mi: miFamily((i) => gaussianMi(i.x, Y(i.y))),
    cmi: miFamily((i) => gaussianCmi(i.x, Y(i.y), Y(i.z))),
    te: miFamily((i) => gaussianCmi(i.x, Y(i.y), Y(i.z))),
    ais: miFamily((i) => gaussianMi(i.x, Y(i.y))),
    pi: miFamily((i) => gaussianMi(i.x, Y(i.y))),
    entropy: (i, p) => gaussianEntropy(i.x) - (corrected(p) ? 0.5 * logDetBias(i.x.d, i.x.n) : 0),
    entropy_rate: (i, p) => {
      const y = Y(i.y), n = i.x.n;
      return gaussianCondEntropy(i.x, y) - (corrected(p) ? 0.5 * (logDetBias(i.x.d + y.d, n) - logDetBias(y.d, n)) : 0);
    },
    tc: multi('tc'),
    dtc: multi('dtc'),
    oinfo: multi('oinfo'),
    sinfo: multi('sinfo'),
  },
  locals: {
    mi: (i) => gaussianMiLocals(i.x, Y(i.y)),
    ais: (i) => gaussianMiLocals(i.x, Y(i.y)),
    pi: (i) => gaussianMiLocals(i.x, Y(i.y)),
    cmi: (i) => gaussianCmiLocals(i.x, Y(i.y), Y(i.z)),
    te: (i) => gaussianCmiLocals(i.x, Y(i.y), Y(i.z)),
    entropy: (i) => gaussianEntropyLocals(i.x),
    entropy_rate: (i) => gaussianCondEntropyLocals(i.x, Y(i.y)),
  },
  chi2: { mi: dfGauss, cmi: dfGauss, te: dfGauss, ais: dfGauss, pi: dfGauss, tc: dfTc, dtc: dfTc },
  options: [
    {
      name: 'biasCorrection',
      flag: 'bias-correction',
      help: 'gaussian: 1 = subtract the analytic bias (MI, CMI, TE, AIS, PI: the χ² null mean df/(2N), as JIDT; entropy, entropy rate, TC, DTC, Ω, Σ: the Wishart log-determinant offsets)',
      integer: true,
      min: 0,
      maxExclusive: 2,
    },
  ],
};

// ---- kNN ---------------------------------------------------------------------------------

function noTheiler(p: EstimatorParams): void {
  if ((p.options?.['theiler'] ?? 0) > 0) throw new EstimatorError('local values of te with a Theiler window are not available; use theiler 0');
}

/** The KSG family (estimator 'ksg'): AIS and predictive information as KSG-1 MI of the embeddings (JIDT's ...Kraskov calculators, algorithm 1). */
export const KSG_FAMILY: Family = {
  measures: {
    ais: (i, p) => ksg1(i.x, Y(i.y), p.k),
    pi: (i, p) => ksg1(i.x, Y(i.y), p.k),
  },
  locals: {
    te: (i, p) => {
      noTheiler(p);
      return ksgCmiLocals(i.x, Y(i.y), Y(i.z), p.k);
    },
    ais: (i, p) => ksg1Locals(i.x, Y(i.y), p.k),
    pi: (i, p) => ksg1Locals(i.x, Y(i.y), p.k),
  },
};

export const KSG1_LOCALS: Record<string, LocalsFn> = { mi: (i, p) => ksg1Locals(i.x, Y(i.y), p.k) };
export const KSG_CMI_LOCALS: Record<string, LocalsFn> = { cmi: (i, p) => ksgCmiLocals(i.x, Y(i.y), Y(i.z), p.k) };
export const KL_LOCALS: Record<string, LocalsFn> = { entropy: (i, p) => klLocals(i.x, p.k) };
