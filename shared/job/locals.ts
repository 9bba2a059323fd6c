/**
 * Local (pointwise) values of a prepared job (`--locals FILE`; JIDT's
 * computeLocalOfPreviousObservations): one value per row the estimator sees (after the
 * measure's transform, so per embedded time step for te, ais, pi, entropy_rate), in the job's
 * units; their mean is the estimate. The catalog says which (measure, estimator) pairs define
 * them (the estimator's `locals`).
 */
import { ESTIMATOR_LIST, estimatorOf } from '../catalog/index.js';
import { OptionError } from '../errors.js';
import type { PreparedJob } from './prepare.js';
import type { JobSpec } from './spec.js';

/** Pairs with local values, as "measure with estimator". */
export function localsPairs(): string[] {
  return ESTIMATOR_LIST.flatMap((e) => Object.keys(e.locals ?? {}).map((m) => `${m} with ${e.name}`));
}

/**
 * Whether the job can write local values; `field` names the request in errors (--locals).
 * @throws OptionError naming `field`.
 */
export function checkLocals(spec: JobSpec, field: string): void {
  if (spec.screen !== undefined || spec.pairwise !== undefined) throw new OptionError(`${field}: local values are for single estimates, not screen or pairwise jobs`, field);
  if (!estimatorOf(spec.measure, spec.estimator).locals?.[spec.measure]) {
    throw new OptionError(`${field}: ${spec.measure} with ${spec.estimator} has no local values (they are defined for: ${localsPairs().join(', ')})`, field);
  }
  if (spec.millerMadow) throw new OptionError(`${field}: local values are of the uncorrected estimate; drop the Miller–Madow correction`, field);
  if (spec.measure === 'te' && Number(spec.options?.['theiler'] ?? 0) > 0) throw new OptionError(`${field}: local values of te with a Theiler window are not available; use theiler 0`, field);
  if (spec.options?.['biasCorrection'] === 1) throw new OptionError(`${field}: local values are of the uncorrected estimate; drop the bias correction`, field);
}

/** The local values of a prepared (single) job, in its units. */
export function localValues(p: PreparedJob): Float64Array {
  const f = estimatorOf(p.measure, p.estimator).locals?.[p.measure];
  if (!f || p.many) throw new OptionError(`${p.measure} with ${p.estimator} has no local values`, 'locals');
  const v = f(p.input, p.params);
  return p.units === 'bits' ? v.map((x) => x / Math.LN2) : v;
}
