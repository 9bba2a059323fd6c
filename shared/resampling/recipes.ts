/**
 * Interval recipes: for every (measure, estimator) the engine offers, which resampling schemes
 * and CI methods may make its confidence interval, and the defaults. A job asking for anything
 * else is refused in prepare.ts, so no estimator gets an interval that was never checked by
 * simulation (docs/intervals.md has the coverage table each entry rests on; `npm run calibrate`
 * remeasures it).
 *
 * Families
 * - knn (ksg1, ksg2, mixed_ksg, kl, ksg_cmi): subsampling without replacement only, recentred on
 *   θ̂ and scaled by √(m/(N − m)) (bootstrap.ts). iid resamples put copies of rows at distance 0,
 *   which wrecks every kNN estimate (0% coverage in issue 10's study).
 * - plugin (histogram counts) and parametric (Gaussian): the classic iid bootstrap; copies of a
 *   row only repeat a count or a moment term, which is what the iid bootstrap assumes.
 *   Subsampling is allowed too (the same recentred, scaled recipe).
 * - neural (mine, nwj, infonce, smile): no bootstrap of the job at all (each replicate would
 *   retrain a critic). The "neural ensemble" recipe instead: R critics with their own seeds and
 *   splits (`ensemble.critics`), reported as (a) a t interval for the ensemble mean over R
 *   critics and (b) the bootstrap of each critic's held-out evaluation (percentile, resampling
 *   its test rows with the critic fixed), averaged over the ensemble, and (c) the combined
 *   interval, critics' spread plus the data's variance, which covers E[Î_N] (checked by
 *   simulation for mi with smile: NEURAL_CHECKED; resampling/neural-ensemble.ts).
 * Every interval targets E[Î_N], the estimator's expectation at this sample size, not the true
 * value; the two differ by the estimator's bias (see `subsampleBias`).
 */
import { OptionError } from '../errors.js';
import { estimatorOf } from '../catalog/index.js';
import type { IntervalFamily } from '../catalog/types.js';
import type { BootstrapScheme, CiMethod, Measure } from '../job/spec.js';

export type { IntervalFamily };

export interface IntervalRecipe {
  family: IntervalFamily;
  /** Schemes that may be used; the first is the default. */
  schemes: readonly BootstrapScheme[];
  /** CI methods checked by simulation for this estimator. */
  methods: readonly CiMethod[];
  defaultMethod: CiMethod;
  /** Default subsample size m = ⌊N·fraction⌋ (at least k + 1). */
  subsampleFraction: number;
  /** False for a catalog entry whose coverage no simulation has checked yet (family defaults; the result warns). */
  checked: boolean;
}

const ALL_METHODS: readonly CiMethod[] = ['percentile', 'basic', 'bca', 'normal'];

// normal by default for kNN: percentile takes the skew of m-row estimates (larger than that of
// N-row ones) the wrong way and under-covered in skewed cells (90–91% at ρ = 0.9, N = 2000 and in
// 5-D/2-D), normal stayed within 95–97% in every cell (docs/intervals.md)
const KNN: IntervalRecipe = { family: 'knn', schemes: ['subsample'], methods: ALL_METHODS, defaultMethod: 'normal', subsampleFraction: 1 / 4, checked: true };
// ksg_cmi: at m = N/4 every method covered only 86–91% (widths 0.81–0.89 of the ideal), at m = N/2
// 94–96% (Gaussian CMI, N = 200 and 800): the Z-conditioning makes small subsamples less alike
const KNN_CMI: IntervalRecipe = { ...KNN, subsampleFraction: 1 / 2 };
// plug-in: basic (85% for MI, 68% for an entropy at its maximum) and BCa (91%, 76%) under-covered;
// percentile and normal are what was checked to hold (docs/intervals.md)
const PLUGIN: IntervalRecipe = { family: 'plugin', schemes: ['iid', 'subsample'], methods: ['percentile', 'normal'], defaultMethod: 'percentile', subsampleFraction: 1 / 4, checked: true };
// neural: the job's bootstrap is refused; the interval comes from the ensemble (see above)
const NEURAL: IntervalRecipe = { family: 'neural', schemes: [], methods: [], defaultMethod: 'normal', subsampleFraction: 1 / 4, checked: false };
const PARAMETRIC: IntervalRecipe = { family: 'parametric', schemes: ['iid', 'subsample'], methods: ALL_METHODS, defaultMethod: 'percentile', subsampleFraction: 1 / 4, checked: true };

/**
 * The calibrated entries, keyed by `${measure}:${estimator}` (docs/intervals.md has the evidence).
 * Catalog entries not listed here get their family's recipe with `checked: false`.
 */
export const INTERVAL_RECIPES: Readonly<Record<string, IntervalRecipe>> = {
  'mi:ksg1': KNN,
  'mi:ksg2': KNN,
  'mi:mixed_ksg': KNN,
  'mi:plugin': PLUGIN,
  'mi:gaussian': PARAMETRIC,
  'entropy:kl': KNN,
  'entropy:plugin': PLUGIN,
  'cmi:ksg_cmi': KNN_CMI,
  // issue 15 (docs/intervals.md): the conditional kNN estimators under-cover at m = N/4 like
  // ksg_cmi (ksg2 90%, mixed_ksg 88.5%), hence m = N/2
  'cmi:ksg2': KNN_CMI,
  'cmi:mixed_ksg': KNN_CMI,
  // binned MI: an iid resample inflates the plug-in bias, so the percentile interval sits beside
  // θ̂ (34% coverage, Gaussian ρ = 0.6, N = 200, 10 fixed bins); θ̂ ± z·sd covered 98%
  'mi:binned': { ...PLUGIN, methods: ['normal'], defaultMethod: 'normal' },
};

/**
 * The recipe of a catalog (measure, estimator): the calibrated entry, or the family's recipe
 * (kNN: subsample only; plug-in; parametric) marked unchecked.
 */
export function intervalRecipe(measure: Measure, estimator: string): IntervalRecipe {
  const r = INTERVAL_RECIPES[`${measure}:${estimator}`];
  if (r) return r;
  // the catalog entry's interval family (default: knn for kNN estimators, else parametric)
  const e = estimatorOf(measure, estimator);
  const family = { knn: KNN, plugin: PLUGIN, parametric: PARAMETRIC, neural: NEURAL }[e.interval ?? (e.knn ? 'knn' : 'parametric')];
  return { ...family, checked: false };
}

/**
 * Neural (measure, estimator) pairs whose combined interval (critics + data,
 * resampling/neural-ensemble.ts) was checked by simulation: bench/neural-coverage.ts, smile on a
 * 2-D Gaussian (ρ = 0.6) and a 10-D Gaussian (I = 1 nat), N = 1000, 5 critics (docs/neural.md
 * has the table). The other pairs share the recipe unchecked.
 */
export const NEURAL_CHECKED: ReadonlySet<string> = new Set(['mi:smile']);

/** The warning a neural result carries when its intervals were not checked by simulation (undefined when they were). */
export function neuralUncheckedWarning(measure: Measure, estimator: string): string | undefined {
  if (NEURAL_CHECKED.has(`${measure}:${estimator}`)) return undefined;
  return `the coverage of the neural ensemble intervals for ${measure} with ${estimator} has not been checked by simulation (only mi with smile was; docs/neural.md says what each interval targets)`;
}

/** The warning a result carries when its recipe was not checked by simulation. */
export function uncheckedWarning(measure: Measure, estimator: string): string {
  return `the coverage of bootstrap intervals for ${measure} with ${estimator} has not been checked by simulation (the ${intervalRecipe(measure, estimator).family} family's recipe is used; docs/intervals.md lists what has been checked)`;
}

/** Why a kNN estimator refuses the iid scheme, naming the alternatives (job field and CLI flag). */
export function iidRefusal(estimator: string): string {
  return (
    // field names only: the CLI renames them to the flags the user typed (cli/flag-names.ts)
    `bootstrap.scheme iid cannot be used with the kNN estimator ${estimator}: an iid resample repeats about 37% of the rows, ` +
    'each copy sits at distance 0 from its original, and the kNN radii collapse, so every replicate lands far above the estimate ' +
    '(measured: +0.8 to +1.1 nats, 0% coverage). Use scheme subsample (the default; bootstrap.m chooses m), ' +
    'or a permutation test (permutation.shuffles) to test independence'
  );
}

/** Check a requested scheme and method against the recipe (OptionError naming the field). */
export function checkRecipe(recipe: IntervalRecipe, estimator: string, scheme: BootstrapScheme, method: CiMethod): void {
  if (recipe.family === 'neural') {
    throw new OptionError(
      `bootstrap cannot be used with the neural estimator ${estimator}: every replicate would retrain a critic. ` +
        'Its interval comes from the neural ensemble: ensemble.critics (--ensemble R) trains R critics and reports a t interval over them and the bootstrap of their held-out evaluation',
      'bootstrap',
    );
  }
  if (!recipe.schemes.includes(scheme)) {
    throw new OptionError(scheme === 'iid' && recipe.family === 'knn' ? iidRefusal(estimator) : `bootstrap.scheme ${scheme} is not available for ${estimator} (use ${recipe.schemes.join(' or ')})`, 'bootstrap.scheme');
  }
  if (!recipe.methods.includes(method)) {
    throw new OptionError(`bootstrap.method ${method} (--ci ${method}) has not been calibrated for ${estimator} (use ${recipe.methods.join(', ')})`, 'bootstrap.method');
  }
}
