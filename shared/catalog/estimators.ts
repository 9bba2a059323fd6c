/**
 * The estimator catalog: one entry per estimator, with one implementation per measure it
 * serves. Definitions: docs/estimators.md; each implementation's file cites paper and equation.
 */
import type { Matrix } from '../data/matrix.js';
import { klDivergence } from '../estimators/kl-divergence.js';
import { klEntropy } from '../estimators/kl-entropy.js';
import { ksg1 } from '../estimators/ksg1.js';
import { ksg2 } from '../estimators/ksg2.js';
import { ksgCmi } from '../estimators/ksg-cmi.js';
import { mixedKsg } from '../estimators/mixed-ksg.js';
import { pluginEntropy, pluginMi } from '../estimators/plugin.js';
import { gcmiMi } from '../estimators/gcmi.js';
import { ksgCmiTheiler } from '../estimators/ksg-cmi-theiler.js';
import { ksgDualTotalCorrelation, ksgMultiInfo, ksgTotalCorrelation } from '../estimators/multi-info.js';
import { renyiNnr } from '../estimators/renyi-nnr.js';
import type { EstimatorInput, EstimatorParams } from '../estimators/types.js';
import { klFromCounts, ksg1FromCounts, ksg2FromCounts, ksgCmiFromCounts, mixedKsgFromCounts } from '../estimators/point-counts.js';
import { NEURAL_ESTIMATORS } from './neural.js';
import { splitSamples } from './two-sample.js';
import { GAUSSIAN_FAMILY, KL_LOCALS, KSG1_LOCALS, KSG_CMI_LOCALS, KSG_FAMILY, PLUGIN_FAMILY } from './estimator-families.js';
import type { EstimatorDescriptor, OptionDescriptor } from './types.js';
import { klDivergenceEuclidean, klEntropyEuclidean, ksg1Euclidean, ksgCmiEuclidean } from '../estimators/knn-euclidean.js';
import { ksg2Cmi } from '../estimators/ksg2-cmi.js';
import { mixedCmi, mixedTc } from '../estimators/mixed-cmi.js';
import { NORMS, normOf } from '../estimators/norms.js';
import { BINNINGS, binnedEntropy, binnedMi, binningOptions, CORRECTIONS } from '../estimators/binning.js';
import { boxEntropy, boxMi } from '../estimators/box-kernel.js';
import { BANDWIDTHS, KDE_MODES, kdeEntropy, kdeMi } from '../estimators/kde.js';

const Y = (m: Matrix | undefined) => m as Matrix;

/** A named-choice option (catalog types: `choices`); the first choice is the default. */
const choice = (name: string, flag: string, help: string, choices: readonly string[]): OptionDescriptor => ({ name, flag, help, integer: true, min: 0, maxExclusive: choices.length, default: 0, choices });

/** `--norm max|euclidean` for the kNN estimators that take it (norms.ts; Euclidean is brute force, knn-euclidean.ts). */
const NORM_OPTION = choice('norm', 'norm', 'distance norm of the kNN search: max (Chebyshev, default, kd-tree/grid) or euclidean (brute force, O(N²)); kl, ksg1, ksg_cmi', NORMS);
const euclid = (p: EstimatorParams) => normOf(p.options) === 'euclidean';

/** TE with the Frenzel–Pompe CMI; a Theiler window (option `theiler`) needs the brute-force path and the rows' time steps. */
function ksgTe(i: EstimatorInput, p: EstimatorParams): number {
  const w = p.options?.['theiler'] ?? 0;
  return w > 0 ? ksgCmiTheiler(i.x, Y(i.y), Y(i.z), p.k, w, i.t?.data) : ksgCmi(i.x, Y(i.y), Y(i.z), p.k);
}

export const ESTIMATOR_LIST: readonly EstimatorDescriptor[] = [
  {
    name: 'ksg1',
    fromCounts: ksg1FromCounts,
    summary: 'Kraskov–Stögbauer–Grassberger algorithm 1',
    reference: 'Kraskov, Stögbauer, Grassberger, PRE 69 (2004) 066138, eq. 8',
    knn: true,
    duplicates: 'warn',
    measures: { mi: (i, p) => (euclid(p) ? ksg1Euclidean(i.x, Y(i.y), p.k) : ksg1(i.x, Y(i.y), p.k)) },
    locals: KSG1_LOCALS,
    gpu: ['mi'],
    options: [NORM_OPTION],
  },
  {
    name: 'ksg2',
    fromCounts: ksg2FromCounts,
    summary: 'Kraskov–Stögbauer–Grassberger algorithm 2 (mi; cmi and te with the KSG-2 conditional counts, O(N²))',
    reference: 'Kraskov, Stögbauer, Grassberger, PRE 69 (2004) 066138, eq. 9; CMI: Frenzel & Pompe PRL 99 (2007) 204101, Vejmelka & Paluš PRE 77 (2008) 026214, Wibral et al. 2014 (JIDT Kraskov2)',
    knn: true,
    duplicates: 'warn',
    measures: {
      mi: (i, p) => ksg2(i.x, Y(i.y), p.k),
      cmi: (i, p) => ksg2Cmi(i.x, Y(i.y), Y(i.z), p.k),
      te: (i, p) => ksg2Cmi(i.x, Y(i.y), Y(i.z), p.k),
    },
    gpu: ['mi'],
  },
  {
    name: 'mixed_ksg',
    fromCounts: mixedKsgFromCounts,
    summary: 'KSG for mixed discrete–continuous data (mi: Gao et al.; cmi, tc: the graph-divergence estimator of Rahimzamani et al.)',
    reference: 'Gao, Kannan, Oh, Viswanath, NeurIPS 2017, eq. (7); Rahimzamani, Asnani, Viswanath, Kannan, NeurIPS 2018, Algorithm 1',
    knn: true,
    duplicates: 'expected',
    measures: {
      mi: (i, p) => mixedKsg(i.x, Y(i.y), p.k),
      cmi: (i, p) => mixedCmi(i.x, Y(i.y), Y(i.z), p.k),
      tc: (i, p) => mixedTc(i.x, p.k),
    },
    gpu: ['mi'],
  },
  {
    name: 'plugin',
    summary: 'plug-in (empirical frequencies) for discrete data: MI, entropy, CMI, TE, AIS, PI, entropy rate; optional Miller–Madow; analytic χ² test',
    reference: 'Miller 1955; Paninski, Neural Comput. 15 (2003) 1191; Cover & Thomas eqs. 2.10, 2.60; G-test asymptotics (Brillinger 2004)',
    knn: false,
    duplicates: 'expected',
    interval: 'plugin',
    measures: {
      mi: (i, p) => pluginMi(i.x, Y(i.y), { millerMadow: p.millerMadow ?? false }),
      entropy: (i, p) => pluginEntropy(i.x, { millerMadow: p.millerMadow ?? false }),
      ...PLUGIN_FAMILY.measures,
    },
    locals: PLUGIN_FAMILY.locals!,
    chi2: PLUGIN_FAMILY.chi2!,
  },
  {
    name: 'gaussian',
    summary: 'Gaussian (parametric, sample covariance; analytic χ² test and bias correction)',
    reference: 'Cover & Thomas, Elements of Information Theory, eq. 8.56 and Theorem 8.4.1; Barnett & Bossomaier, PRL 109 (2012) 138105, eq. 5',
    knn: false,
    duplicates: 'ignore',
    // mi, cmi, te, tc, dtc, oinfo, sinfo (gaussian.ts, gaussian-multi.ts) and entropy, entropy
    // rate, ais, pi (gaussian-info.ts), each with the optional analytic bias correction
    measures: GAUSSIAN_FAMILY.measures,
    locals: GAUSSIAN_FAMILY.locals!,
    chi2: GAUSSIAN_FAMILY.chi2!,
    options: GAUSSIAN_FAMILY.options!,
  },
  {
    name: 'gcmi',
    summary: 'Gaussian-copula MI (rank → normal scores, then Gaussian MI; invariant to monotone transforms)',
    reference: 'Ince et al., Hum. Brain Mapp. 38 (2017) 1541, section 2.3',
    knn: false,
    duplicates: 'ignore',
    measures: { mi: (i) => gcmiMi(i.x, Y(i.y)) },
  },
  {
    name: 'kl',
    fromCounts: klFromCounts,
    summary: 'Kozachenko–Leonenko kNN entropy; Wang–Kulkarni–Verdú kNN divergence (max-norm, or --norm euclidean as JIDT\'s Kozachenko)',
    reference: 'Kozachenko & Leonenko, Probl. Inf. Transm. 23 (1987) 95; Wang, Kulkarni, Verdú, IEEE TIT 55 (2009) 2392, eq. 5',
    knn: true,
    duplicates: 'refuse',
    measures: {
      entropy: (i, p) => (euclid(p) ? klEntropyEuclidean(i.x, p.k) : klEntropy(i.x, p.k)),
      divergence: (i, p) => {
        const { p: ps, q: qs } = splitSamples(i.x, Y(i.y));
        return euclid(p) ? klDivergenceEuclidean(ps, qs, p.k) : klDivergence(ps, qs, { k: p.k });
      },
    },
    locals: KL_LOCALS,
    gpu: ['entropy'],
    options: [NORM_OPTION],
    space: (_m, i) => i.x,
  },
  {
    name: 'ksg_cmi',
    fromCounts: ksgCmiFromCounts,
    summary: 'Frenzel–Pompe conditional MI (KSG-1 construction)',
    reference: 'Frenzel & Pompe, PRL 99 (2007) 204101, eq. 4',
    knn: true,
    duplicates: 'warn',
    measures: { cmi: (i, p) => (euclid(p) ? ksgCmiEuclidean(i.x, Y(i.y), Y(i.z), p.k) : ksgCmi(i.x, Y(i.y), Y(i.z), p.k)) },
    locals: KSG_CMI_LOCALS,
    gpu: ['cmi'],
    options: [NORM_OPTION],
  },
  {
    name: 'ksg',
    summary: 'KSG-1 family: Frenzel–Pompe CMI on the delay embeddings (te); multi-information, DTC, O- and S-information (tc, dtc, oinfo, sinfo)',
    reference: 'Schreiber, PRL 85 (2000) 461, eq. 4; Frenzel & Pompe, PRL 99 (2007) 204101, eq. 4; Kraskov et al. PRE 69 (2004) 066138 eq. 21; Rosas et al. PRE 100 (2019) 032305',
    knn: true,
    duplicates: 'warn',
    measures: {
      te: ksgTe,
      tc: (i, p) => ksgTotalCorrelation(i.x, p.k),
      dtc: (i, p) => ksgDualTotalCorrelation(i.x, p.k),
      oinfo: (i, p) => ksgMultiInfo(i.x, p.k).oinfo,
      sinfo: (i, p) => ksgMultiInfo(i.x, p.k).sinfo,
      ...KSG_FAMILY.measures,
    },
    locals: KSG_FAMILY.locals!,
  },
  {
    name: 'renyi_nnr',
    summary: 'Rényi divergence D_α(P‖Q) by nearest-neighbour ratios, weighted ensemble over k = l·√N',
    reference: 'Noshad, Moon, Yasaei Sekeh, Hero, ISIT 2017 (arXiv:1702.05222)',
    knn: true,
    usesK: false,
    duplicates: 'warn',
    measures: {
      divergence: (i, p) => {
        const { p: ps, q: qs } = splitSamples(i.x, Y(i.y));
        const o = p.options ?? {};
        return renyiNnr(ps, qs, { alpha: o['alpha']!, ...(o['nnrK'] !== undefined ? { k: o['nnrK'] } : {}), ...(o['ensembleSize'] !== undefined ? { ensembleSize: o['ensembleSize'] } : {}) });
      },
    },
    options: [
      { name: 'alpha', flag: 'alpha', help: 'order α of the Rényi divergence (renyi_nnr; α > 0, α ≠ 1)', integer: false, min: 0, minExclusive: true, required: true },
      { name: 'ensembleSize', flag: 'ensemble-size', help: 'renyi_nnr ensemble size L (k_l = l·√N, l = 1..L)', integer: true, min: 1, default: 3 },
      { name: 'nnrK', flag: 'nnr-k', help: 'renyi_nnr: one base estimator with this k instead of the ensemble', integer: true, min: 1 },
    ],
    space: (_m, i) => i.x,
  },
  // binned and kernel estimators (issue 15): binning.ts, box-kernel.ts, kde.ts
  {
    name: 'binned',
    summary: 'histogram: fixed-width, equal-mass (quantile) or adaptive bins per column, then plug-in; optional Miller–Madow or Panzeri–Treves correction (entropy: of the binned variable)',
    reference: 'Chelombiev, Houghton, O\'Donnell, ICLR 2019, Sec. 3 (adaptive); Miller 1955; Treves & Panzeri, Neural Comput. 7 (1995) 399, eq. 16',
    knn: false,
    duplicates: 'ignore',
    interval: 'plugin',
    measures: {
      mi: (i, p) => binnedMi(i.x, Y(i.y), binningOptions(p.options)),
      entropy: (i, p) => binnedEntropy(i.x, binningOptions(p.options)),
    },
    options: [
      choice('binning', 'binning', 'binned: bin rule per column, fixed (equal width over the observed range), quantile (equal mass) or adaptive (equal numbers of distinct values)', BINNINGS),
      { name: 'bins', flag: 'bins', help: 'binned: bins per column', integer: true, min: 2, default: 10 },
      choice('correction', 'correction', 'binned: bias correction, none, miller_madow or panzeri_treves', CORRECTIONS),
    ],
  },
  {
    name: 'kernel',
    summary: 'box kernel (max-norm, width r, self included) density estimates, as JIDT\'s kernel calculators; entropy is differential',
    reference: 'Silverman, Density Estimation (1986), eq. 2.1; JIDT EntropyCalculatorMultiVariateKernel / MutualInfoCalculatorMultiVariateKernel',
    knn: false,
    duplicates: 'ignore',
    interval: 'knn',
    measures: {
      mi: (i, p) => boxMi(i.x, Y(i.y), p.options?.['kernelWidth'] ?? 0.25),
      entropy: (i, p) => boxEntropy(i.x, p.options?.['kernelWidth'] ?? 0.25),
    },
    options: [{ name: 'kernelWidth', flag: 'kernel-width', help: 'kernel: box half-width r (in sd units when normalize is on)', integer: false, min: 0, minExclusive: true, default: 0.25 }],
  },
  {
    name: 'kde',
    summary: 'Gaussian kernel density estimate (product kernel, Scott or Silverman bandwidth, leave-one-out or resubstitution), O(N²)',
    reference: 'Scott, Multivariate Density Estimation (1992), eq. 6.42; Silverman, Density Estimation (1986), eq. 4.14',
    knn: false,
    duplicates: 'ignore',
    interval: 'knn',
    measures: {
      mi: (i, p) => kdeMi(i.x, Y(i.y), BANDWIDTHS[p.options?.['bandwidth'] ?? 0]!, (p.options?.['kdeMode'] ?? 0) === 0),
      entropy: (i, p) => kdeEntropy(i.x, BANDWIDTHS[p.options?.['bandwidth'] ?? 0]!, (p.options?.['kdeMode'] ?? 0) === 0),
    },
    options: [
      choice('bandwidth', 'bandwidth', 'kde: bandwidth rule, scott (σ·N^(−1/(d+4))) or silverman (σ·(4/((d+2)N))^(1/(d+4)))', BANDWIDTHS),
      choice('kdeMode', 'kde-mode', 'kde: density at each sample point leave-one-out (loo, default) or resubstitution', KDE_MODES),
    ],
  },
  ...NEURAL_ESTIMATORS,
];
