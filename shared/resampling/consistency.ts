/**
 * Self-consistency checks of an MI estimator (Song & Ermon, ICLR 2020, section 6.2), on
 * Gaussian data where the truth is known too. Each side is one job (an ensemble of critics
 * for the neural estimators), run inline:
 *
 * - data processing: I(X;Y) ≥ I(f(X);Y) for any f. X = (X1, X2), Y = (Y1, Y2), pairs (Xj, Yj)
 *   with correlation ρ; f(X) = X1 drops a coordinate, so the truth is I(X;Y) = 2·I1 > I1.
 *   Holds when est(X;Y) ≥ est(X1;Y) − slack.
 * - additivity: for independent (X1, Y1) and (X2, Y2), I([X1,X2];[Y1,Y2]) = I(X1;Y1) + I(X2;Y2).
 *   Holds when |est(joint) − (est(1) + est(2))| ≤ slack.
 *
 * slack = the ensemble t half-widths of the sides involved, added (0 with one critic or a
 * non-neural estimator: then the check is on the point estimates alone). The SMILE paper reports
 * the ratios est(f(X);Y)/est(X;Y) (ideal ≤ 1) and est(joint)/(est(1) + est(2)) (ideal 1); so
 * do we.
 */
import { isNeural } from '../catalog/index.js';
import type { Dataset } from '../data/matrix.js';
import { OptionError } from '../errors.js';
import type { JobResult, JobSpec } from '../job/spec.js';
import { Domain, stream } from '../rng/index.js';
import { runInline } from './simulate.js';

export type ConsistencyCheck = 'data-processing' | 'additivity';
export const CONSISTENCY_CHECKS: readonly ConsistencyCheck[] = ['data-processing', 'additivity'];

export interface ConsistencySpec {
  check: ConsistencyCheck;
  estimator: string;
  /** Rows. @default 2000 */
  n?: number;
  /** Correlation of each (Xj, Yj) pair. @default 0.8 */
  rho?: number;
  /** @default 0 */
  seed?: number;
  /** Critics per side (neural estimators). @default 3 */
  critics?: number;
  /** Catalog options (critic settings) for every side. */
  options?: Record<string, number>;
  k?: number;
}

export interface ConsistencySide {
  label: string;
  truth: number;
  estimate: number;
  halfWidth: number;
}

export interface ConsistencyResult {
  check: ConsistencyCheck;
  estimator: string;
  n: number;
  rho: number;
  sides: ConsistencySide[];
  /** data processing: est(f(X);Y)/est(X;Y); additivity: est(joint)/(est(1) + est(2)). */
  ratio: number;
  idealRatio: string;
  slack: number;
  holds: boolean;
}

/** Two independent correlated pairs: columns x1, x2, y1, y2, Corr(xj, yj) = ρ. */
function pairs(n: number, rho: number, seed: number): Dataset {
  const r = stream(seed, 0, Domain.simulate);
  const c = Math.sqrt(1 - rho * rho);
  const cols = Array.from({ length: 4 }, () => new Float64Array(n));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < 2; j++) {
      const x = r.nextGaussian();
      cols[j]![i] = x;
      cols[2 + j]![i] = rho * x + c * r.nextGaussian();
    }
  }
  return { names: ['x1', 'x2', 'y1', 'y2'], columns: cols, n };
}

export function runConsistency(spec: ConsistencySpec): ConsistencyResult {
  if (!CONSISTENCY_CHECKS.includes(spec.check)) throw new OptionError(`check must be ${CONSISTENCY_CHECKS.join(' or ')}; got ${String(spec.check)}`, 'check');
  const n = spec.n ?? 2000, rho = spec.rho ?? 0.8, seed = spec.seed ?? 0;
  if (!(Math.abs(rho) < 1)) throw new OptionError(`rho must be in (−1, 1); got ${rho}`, 'rho');
  const data = pairs(n, rho, seed);
  const i1 = -0.5 * Math.log(1 - rho * rho);
  const base: Omit<JobSpec, 'x' | 'y'> = { measure: 'mi', estimator: spec.estimator, seed, ...(spec.options ? { options: spec.options } : {}), ...(spec.k ? { k: spec.k } : {}) };
  const neural = (r: JobResult) => r.ensemble?.neural;
  const side = (label: string, truth: number, x: string[], y: string[]): ConsistencySide => {
    const r = runInline({ ...base, x, y, data, ...(isNeural(spec.estimator) ? { ensemble: { critics: spec.critics ?? 3 } } : {}) });
    const iv = neural(r)?.interval;
    return { label, truth, estimate: r.estimate, halfWidth: iv ? (iv.high - iv.low) / 2 : 0 };
  };
  if (spec.check === 'data-processing') {
    const full = side('I(X;Y), X = (x1, x2), Y = (y1, y2)', 2 * i1, ['x1', 'x2'], ['y1', 'y2']);
    const proc = side('I(f(X);Y), f(X) = x1', i1, ['x1'], ['y1', 'y2']);
    const slack = full.halfWidth + proc.halfWidth;
    return { check: spec.check, estimator: spec.estimator, n, rho, sides: [full, proc], ratio: proc.estimate / full.estimate, idealRatio: '≤ 1 (truth 0.5)', slack, holds: full.estimate >= proc.estimate - slack };
  }
  const joint = side('I([x1,x2];[y1,y2])', 2 * i1, ['x1', 'x2'], ['y1', 'y2']);
  const a = side('I(x1;y1)', i1, ['x1'], ['y1']);
  const b = side('I(x2;y2)', i1, ['x2'], ['y2']);
  const slack = joint.halfWidth + a.halfWidth + b.halfWidth;
  return { check: spec.check, estimator: spec.estimator, n, rho, sides: [joint, a, b], ratio: joint.estimate / (a.estimate + b.estimate), idealRatio: '1', slack, holds: Math.abs(joint.estimate - (a.estimate + b.estimate)) <= slack };
}
