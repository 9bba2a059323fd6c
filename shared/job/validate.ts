/**
 * Up-front validation of a job spec (docs/design.md, contract 5: a bad job is rejected before any
 * work starts, with an error naming the field). Data-dependent checks (columns, N, surrogates)
 * happen in prepare.ts once the data is known.
 */
import { isNeural, measureOf } from '../catalog/index.js';
import { OptionError } from '../errors.js';
import { DEFAULTS, type JobSpec } from './spec.js';
import { validateMany } from './many.js';
import { validateTeStep } from './te-step.js';
import { validateSimulation } from './simulation.js';

export interface ValidateOptions {
  /** Cap on any replicate count (B, P, bagging B). @default DEFAULTS.maxReplicates */
  maxReplicates?: number;
}

const METHODS = ['percentile', 'basic', 'bca', 'normal'] as const;
const SCHEMES = ['iid', 'subsample'] as const;
const CI_TARGETS = ['mean', 'truth'] as const;
export const PERMUTATION_KINDS = ['shuffle', 'local', 'shift', 'columns'] as const;
const UNITS = ['nats', 'bits'] as const;
const BACKENDS = ['auto', 'cpu', 'gpu'] as const;
export const TESTS = ['permutation', 'analytic'] as const;

function oneOf<T extends string>(value: unknown, allowed: readonly T[], field: string): void {
  if (value !== undefined && !allowed.includes(value as T)) {
    throw new OptionError(`${field} must be one of ${allowed.join(', ')}; got ${JSON.stringify(value)}`, field);
  }
}

function positiveInt(value: unknown, field: string, max = Number.MAX_SAFE_INTEGER): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) {
    throw new OptionError(`${field} must be a positive integer; got ${JSON.stringify(value)}`, field);
  }
  if (value > max) throw new OptionError(`${field} = ${value} exceeds the cap of ${max} (raise maxReplicates to allow it)`, field);
}

function optionalPositiveInt(value: unknown, field: string): void {
  if (value !== undefined) positiveInt(value, field);
}

function columnList(value: unknown, field: string, required: boolean): void {
  if (value === undefined) {
    if (required) throw new OptionError(`${field} is required`, field);
    return;
  }
  if (!Array.isArray(value) || value.length === 0) throw new OptionError(`${field} must be a non-empty list of column names or 0-based indices`, field);
  value.forEach((c, i) => {
    const ok = (typeof c === 'string' && c.length > 0) || (typeof c === 'number' && Number.isInteger(c) && c >= 0);
    if (!ok) throw new OptionError(`${field}[${i}] must be a column name or a 0-based index; got ${JSON.stringify(c)}`, `${field}[${i}]`);
  });
}

/**
 * The one range of the bagging fraction, for the library, the job file and the CLI (the
 * caller names its field): a bag of all N rows drawn without replacement is the data itself,
 * so fraction 1 would give B copies of the point estimate.
 */
export function checkBaggingFraction(f: unknown, field: string): void {
  if (f !== undefined && !(typeof f === 'number' && f > 0 && f < 1)) {
    throw new OptionError(`${field} must be in (0, 1) (a bag of all rows without replacement is the data itself); got ${JSON.stringify(f)}`, field);
  }
}

/** Throws OptionError (with `field`) on the first invalid field. */
export function validateSpec(spec: JobSpec, opts: ValidateOptions = {}): void {
  const max = opts.maxReplicates ?? DEFAULTS.maxReplicates;
  if (spec === null || typeof spec !== 'object') throw new OptionError('job spec must be an object', 'spec');
  // simulation jobs: their cells carry the jobs (simulation.ts)
  if (spec.simulate !== undefined) return validateSimulation(spec, opts);
  const m = measureOf(spec.measure);
  if (typeof spec.estimator !== 'string' || spec.estimator.length === 0) throw new OptionError('estimator is required', 'estimator');
  optionalPositiveInt(spec.k, 'k');
  columnList(spec.x, 'x', true);
  // screen / pairwise: their own block rules (many.ts)
  if (spec.screen !== undefined || spec.pairwise !== undefined) validateMany(spec);
  else if (spec.teStep !== undefined) validateTeStep(spec);
  else for (const b of ['y', 'z'] as const) {
    const rule = m.blocks[b];
    columnList(spec[b], b, rule === 'required');
    if (rule === 'none' && spec[b] !== undefined) throw new OptionError(`${b} is not used by measure ${m.name}`, b);
  }
  if (m.blocks.minX !== undefined && Array.isArray(spec.x) && spec.x.length < m.blocks.minX) {
    throw new OptionError(`${m.name} needs at least ${m.blocks.minX} x columns (${m.blocks.meaning.x}); got ${spec.x.length}`, 'x');
  }
  if (spec.options !== undefined && (spec.options === null || typeof spec.options !== 'object' || Array.isArray(spec.options))) {
    throw new OptionError('options must be an object of numbers (or names, for choice options such as norm)', 'options');
  }
  if (spec.normalize !== undefined && typeof spec.normalize !== 'boolean') throw new OptionError('normalize must be true or false', 'normalize');
  if (spec.millerMadow !== undefined && typeof spec.millerMadow !== 'boolean') throw new OptionError('millerMadow must be true or false', 'millerMadow');
  if (spec.summaries !== undefined && typeof spec.summaries !== 'boolean') throw new OptionError('summaries must be true or false', 'summaries');
  oneOf(spec.units, UNITS, 'units');
  oneOf(spec.backend, BACKENDS, 'backend');
  if (spec.jitter !== undefined && !(typeof spec.jitter === 'number' && Number.isFinite(spec.jitter) && spec.jitter >= 0)) {
    throw new OptionError(`jitter must be a finite number ≥ 0; got ${JSON.stringify(spec.jitter)}`, 'jitter');
  }
  if (spec.seed !== undefined && !(typeof spec.seed === 'number' && Number.isSafeInteger(spec.seed) && spec.seed >= 0)) {
    throw new OptionError(`seed must be a non-negative integer; got ${JSON.stringify(spec.seed)}`, 'seed');
  }

  const b = spec.bootstrap;
  if (b !== undefined) {
    if (b === null || typeof b !== 'object') throw new OptionError('bootstrap must be an object', 'bootstrap');
    positiveInt(b.replicates, 'bootstrap.replicates', max);
    oneOf(b.method, METHODS, 'bootstrap.method');
    oneOf(b.scheme, SCHEMES, 'bootstrap.scheme');
    if (b.level !== undefined && !(typeof b.level === 'number' && b.level > 0 && b.level < 1)) {
      throw new OptionError(`bootstrap.level must be in (0, 1); got ${JSON.stringify(b.level)}`, 'bootstrap.level');
    }
    optionalPositiveInt(b.m, 'bootstrap.m');
    oneOf(b.target, CI_TARGETS, 'bootstrap.target');
    if (b.jackknifeGroups !== undefined) {
      positiveInt(b.jackknifeGroups, 'bootstrap.jackknifeGroups');
      if (b.jackknifeGroups < 2) throw new OptionError('bootstrap.jackknifeGroups must be at least 2', 'bootstrap.jackknifeGroups');
    }
  }

  const p = spec.permutation;
  if (p !== undefined) {
    if (p === null || typeof p !== 'object') throw new OptionError('permutation must be an object', 'permutation');
    if (!m.permutation) throw new OptionError(`${m.name} has no permutation test: ${m.noPermutation ?? 'it is not a dependence between blocks'}`, 'permutation');
    positiveInt(p.shuffles, 'permutation.shuffles', max);
    oneOf(p.kind, PERMUTATION_KINDS, 'permutation.kind');
    if (p.kind !== undefined && !m.permutation.kinds.includes(p.kind)) {
      throw new OptionError(`permutation.kind ${p.kind} does not apply to ${m.name} (kinds there: ${m.permutation.kinds.join(', ')})`, 'permutation.kind');
    }
    optionalPositiveInt(p.localK, 'permutation.localK');
    if (p.surrogates !== undefined) {
      if (!Array.isArray(p.surrogates)) throw new OptionError('permutation.surrogates must be a list of row orderings', 'permutation.surrogates');
      if (p.surrogates.length !== p.shuffles) {
        throw new OptionError(`permutation.shuffles (${p.shuffles}) must equal the number of surrogates (${p.surrogates.length})`, 'permutation.shuffles');
      }
    }
  }

  oneOf(spec.test, TESTS, 'test');
  if (spec.test === 'analytic' && p !== undefined) throw new OptionError('test analytic replaces the permutation test: give either permutation or test analytic, not both', 'test');
  if (spec.test === 'permutation' && p === undefined) throw new OptionError('test permutation needs permutation (the number of shuffles)', 'test');
  if (spec.test === 'analytic' && (spec.screen !== undefined || spec.pairwise !== undefined)) throw new OptionError('test analytic is not available for screen or pairwise jobs (use permutation)', 'test');
  if (spec.trial !== undefined) {
    const t = spec.trial;
    if (!((typeof t === 'string' && t.length > 0) || (typeof t === 'number' && Number.isInteger(t) && t >= 0))) {
      throw new OptionError(`trial must be a column name or a 0-based index; got ${JSON.stringify(t)}`, 'trial');
    }
    if (spec.screen !== undefined || spec.pairwise !== undefined) throw new OptionError('trial is not available for screen or pairwise jobs', 'trial');
  }

  const e = spec.ensemble;
  if (e !== undefined) {
    if (e === null || typeof e !== 'object') throw new OptionError('ensemble must be an object', 'ensemble');
    if (e.bagging !== undefined) {
      positiveInt(e.bagging.replicates, 'ensemble.bagging.replicates', max);
      const f = e.bagging.fraction;
      checkBaggingFraction(f, 'ensemble.bagging.fraction');
    }
    if (e.kValues !== undefined) {
      if (!Array.isArray(e.kValues) || e.kValues.length === 0) throw new OptionError('ensemble.kValues must be a non-empty list of k', 'ensemble.kValues');
      if (e.kValues.length > max) throw new OptionError(`ensemble.kValues has ${e.kValues.length} entries, over the cap ${max}`, 'ensemble.kValues');
      e.kValues.forEach((k, i) => positiveInt(k, `ensemble.kValues[${i}]`));
    }
    if (e.critics !== undefined) {
      positiveInt(e.critics, 'ensemble.critics', max);
      if (!isNeural(spec.estimator)) throw new OptionError(`ensemble.critics applies to the neural estimators (mine, nwj, infonce, smile), not ${spec.estimator}`, 'ensemble.critics');
    }
  }
  if (isNeural(spec.estimator)) {
    // every replicate of a bootstrap or permutation test would retrain a critic: the ensemble is the neural interval (recipes.ts)
    for (const [f, v] of [['screen', spec.screen], ['pairwise', spec.pairwise], ['permutation', spec.permutation], ['ensemble.bagging', e?.bagging], ['ensemble.kValues', e?.kValues]] as const) {
      if (v !== undefined) throw new OptionError(`${f} cannot be used with the neural estimator ${spec.estimator}; use ensemble.critics (an ensemble of critics) for its spread and intervals`, f);
    }
  }
}
