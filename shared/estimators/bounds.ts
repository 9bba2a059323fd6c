/**
 * Bounds a measure cannot break, checked on the point estimate before it is reported (issue 12:
 * "never print a value that breaks a bound the measure has"). For MI: I(X;Y) ≤ H(X) ≤ ln m
 * when X takes m distinct values, so a block that is discrete (at most N/2 distinct rows)
 * caps the estimate. For plugin without Miller–Madow: a plug-in MI, CMI or entropy is ≥ 0 by
 * construction, so a negative value is summation rounding and is reported as 0.
 */
import { EstimatorError } from '../errors.js';
import type { Measure } from '../job/spec.js';
import { rowCells } from './cells.js';
import { sampleHasNoCopies } from './ties-guard.js';
import type { EstimatorInput, EstimatorParams } from './types.js';

/** Relative slack for rounding in a bound comparison. */
const SLACK = 1e-9;
/** A plugin value this close below 0 is rounding; anything lower is a bug, and left visible. */
const ROUNDING = 1e-12;

/** The checked value: the estimate itself, or 0 for a plugin value that rounding took below 0. */
export function checkBounds(measure: Measure, estimator: string, input: EstimatorInput, params: EstimatorParams, value: number): number {
  if (estimator === 'plugin' && !params.millerMadow && value < 0 && value > -ROUNDING) return 0;
  // ais and pi are MIs of the embedded blocks (x, y): the same bound
  if ((measure !== 'mi' && measure !== 'ais' && measure !== 'pi') || !Number.isFinite(value)) return value;
  let bound = Infinity, which = '', levels = 0;
  for (const name of ['x', 'y'] as const) {
    const m = input[name];
    if (!m || sampleHasNoCopies(m)) continue; // no copies in a sample: far from N/2 distinct rows
    const distinct = rowCells(m).m;
    if (distinct <= m.n / 2 && Math.log(distinct) < bound) {
      bound = Math.log(distinct);
      which = name;
      levels = distinct;
    }
  }
  if (value > bound + SLACK * Math.max(1, bound)) {
    throw new EstimatorError(
      `${estimator} gave ${value.toPrecision(4)} nats, above the most MI can be here: ${which} takes ${levels} distinct values, so I(X;Y) ≤ ln ${levels} = ${bound.toPrecision(4)}; ` +
        `the data are discrete for this estimator: use mixed_ksg or plugin, or add seeded noise with --jitter (job field 'jitter')`,
    );
  }
  return value;
}
