/**
 * Interval recipes: for every (measure, estimator) of the catalog (by its entry's interval family), which resampling schemes
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
 * Every interval targets E[Î_N], the estimator's expectation at this sample size, not the true
 * value; the two differ by the estimator's bias (see `subsampleBias`).
 */
import { OptionError } from '../errors.js';
import { estimatorOf } from '../catalog/index.js';
import type { BootstrapScheme, CiMethod, Measure } from '../job/spec.js';

import type { IntervalFamily } from '../catalog/types.js';
export type { IntervalFamily };

export interface IntervalRecipe {
  family: IntervalFamily;
  /** Schemes that may be used; the first is the default. */
  schemes: readonly BootstrapScheme[];
  /** CI methods checked by simulation for this estimator. */
  methods: readonly CiMethod[];
  defaultMethod: CiMethod;
}

const ALL_METHODS: readonly CiMethod[] = ['percentile', 'basic', 'bca', 'normal'];

// normal by default for kNN: percentile takes the skew of m-row estimates (larger than that of
// N-row ones) the wrong way and under-covered in skewed cells (90–91% at ρ = 0.9, N = 2000 and in
// 5-D/2-D), normal stayed within 95–97% in every cell (docs/intervals.md)
const KNN: IntervalRecipe = { family: 'knn', schemes: ['subsample'], methods: ALL_METHODS, defaultMethod: 'normal' };
const PLUGIN: IntervalRecipe = { family: 'plugin', schemes: ['iid', 'subsample'], methods: ALL_METHODS, defaultMethod: 'percentile' };
const PARAMETRIC: IntervalRecipe = { family: 'parametric', schemes: ['iid', 'subsample'], methods: ALL_METHODS, defaultMethod: 'percentile' };

export const RECIPES: Readonly<Record<IntervalFamily, IntervalRecipe>> = { knn: KNN, plugin: PLUGIN, parametric: PARAMETRIC };

/**
 * The recipe of an estimator: its catalog entry's interval family (`interval`, default knn for
 * kNN estimators and parametric otherwise). OptionError for a pair the catalog does not have.
 */
export function intervalRecipe(measure: Measure, estimator: string): IntervalRecipe {
  const e = estimatorOf(measure, estimator);
  return RECIPES[e.interval ?? (e.knn ? 'knn' : 'parametric')];
}

/** Why a kNN estimator refuses the iid scheme, naming the alternatives (job field and CLI flag). */
export function iidRefusal(estimator: string): string {
  return (
    // field names only: the CLI renames them to the flags the user typed (coordinator/cli/flag-names.ts)
    `bootstrap.scheme iid cannot be used with the kNN estimator ${estimator}: an iid resample repeats about 37% of the rows, ` +
    'each copy sits at distance 0 from its original, and the kNN radii collapse, so every replicate lands far above the estimate ' +
    '(measured: +0.8 to +1.1 nats, 0% coverage). Use scheme subsample (the default; bootstrap.m chooses m), ' +
    'or a permutation test (permutation.shuffles) to test independence'
  );
}

/** Check a requested scheme and method against the recipe (OptionError naming the field). */
export function checkRecipe(recipe: IntervalRecipe, estimator: string, scheme: BootstrapScheme, method: CiMethod): void {
  if (!recipe.schemes.includes(scheme)) {
    throw new OptionError(scheme === 'iid' && recipe.family === 'knn' ? iidRefusal(estimator) : `bootstrap.scheme ${scheme} is not available for ${estimator} (use ${recipe.schemes.join(' or ')})`, 'bootstrap.scheme');
  }
  if (!recipe.methods.includes(method)) {
    throw new OptionError(`bootstrap.method ${method} (--ci ${method}) has not been calibrated for ${estimator} (use ${recipe.methods.join(', ')})`, 'bootstrap.method');
  }
}
