/**
 * Catalog lookups. The only lists of measure and estimator names live in measures.ts and
 * estimators.ts; everything else (validation, CLI choices and help, the job-file schema, the
 * wire check, backend support) asks here.
 */
import { OptionError } from '../errors.js';
import { ESTIMATOR_LIST } from './estimators.js';
import { MEASURE_LIST } from './measures.js';
import type { EstimateFn, EstimatorDescriptor, MeasureDescriptor, OptionDescriptor } from './types.js';

export type * from './types.js';
export { stackSamples, splitSamples, SAMPLE_COLUMN } from './two-sample.js';
export { MEASURE_LIST } from './measures.js';
export { ESTIMATOR_LIST } from './estimators.js';

const MEASURES = new Map(MEASURE_LIST.map((m) => [m.name, m]));
const ESTIMATORS = new Map(ESTIMATOR_LIST.map((e) => [e.name, e]));

export function measureNames(): string[] {
  return MEASURE_LIST.map((m) => m.name);
}

export function estimatorNames(): string[] {
  return ESTIMATOR_LIST.map((e) => e.name);
}

export function findMeasure(name: string): MeasureDescriptor | undefined {
  return MEASURES.get(name);
}

/** @throws OptionError (field `field`) listing the valid measures. */
export function measureOf(name: unknown, field = 'measure'): MeasureDescriptor {
  const m = typeof name === 'string' ? MEASURES.get(name) : undefined;
  if (!m) throw new OptionError(`unknown measure '${String(name)}'; valid measures: ${measureNames().join(', ')}`, field);
  return m;
}

export function findEstimator(name: string): EstimatorDescriptor | undefined {
  return ESTIMATORS.get(name);
}

/** The estimator entry serving `measure`. @throws OptionError listing the measure's estimators. */
export function estimatorOf(measure: string, name: unknown, field = 'estimator'): EstimatorDescriptor {
  const m = measureOf(measure);
  const e = typeof name === 'string' && m.estimators.includes(name) ? ESTIMATORS.get(name) : undefined;
  if (!e) throw new OptionError(`unknown estimator '${String(name)}' for ${measure}; valid estimators: ${m.estimators.join(', ')}`, field);
  return e;
}

/** The implementation of (measure, estimator). */
export function computeFn(measure: string, estimator: string): EstimateFn {
  const f = estimatorOf(measure, estimator).measures[measure];
  if (!f) throw new OptionError(`estimator '${estimator}' does not implement ${measure}`, 'estimator');
  return f;
}

export function defaultEstimator(measure: string): string {
  return measureOf(measure).estimators[0]!;
}

/** True for kNN estimators (they use k; bootstrap scheme defaults to subsample). */
export function isKnn(estimator: string): boolean {
  return ESTIMATORS.get(estimator)?.knn ?? false;
}

/** Whether `k` is a parameter of the estimator (reported in results, checked k < N). */
export function usesK(estimator: string): boolean {
  const e = ESTIMATORS.get(estimator);
  return e ? (e.usesK ?? e.knn) : false;
}

/** Trained (neural) estimator: runs the `neural` workload of critics (catalog/neural.ts). */
export function isNeural(estimator: string): boolean {
  return ESTIMATORS.get(estimator)?.neural ?? false;
}

/** Whether batched gpu.js kernels exist for (measure, estimator). */
export function gpuSupports(measure: string, estimator: string): boolean {
  return ESTIMATORS.get(estimator)?.gpu?.includes(measure) ?? false;
}

/** Every option any measure or estimator takes, once per name (CLI flags, job-file schema). */
export function allOptions(): OptionDescriptor[] {
  const seen = new Map<string, OptionDescriptor>();
  for (const d of [...MEASURE_LIST, ...ESTIMATOR_LIST]) for (const o of d.options ?? []) if (!seen.has(o.name)) seen.set(o.name, o);
  return [...seen.values()];
}

/** Options (measure's then estimator's) that apply to this pair. */
export function optionsFor(measure: string, estimator: string): OptionDescriptor[] {
  return [...(measureOf(measure).options ?? []), ...(findEstimator(estimator)?.options ?? [])];
}

/** A choice option's value (its name, or its index) as the index; other options unchanged. */
function choiceIndex(o: OptionDescriptor, v: unknown, field: string): unknown {
  if (!o.choices) return v;
  const i = typeof v === 'string' ? o.choices.indexOf(v) : typeof v === 'number' && Number.isInteger(v) && v >= 0 && v < o.choices.length ? v : -1;
  if (i < 0) throw new OptionError(`${field} must be one of ${o.choices.join(', ')}; got ${JSON.stringify(v)}`, field);
  return i;
}

/** A choice option's name for its index (`norm` 1 → 'euclidean'). */
export function choiceName(o: OptionDescriptor, index: number): string {
  return o.choices?.[index] ?? String(index);
}

/**
 * The options in effect as a result reports them: choice options by name (so a result says
 * `norm: 'euclidean'`), numbers as they are.
 */
export function describeOptions(measure: string, estimator: string, options: Readonly<Record<string, number>>): Record<string, number | string> {
  const known = optionsFor(measure, estimator);
  const out: Record<string, number | string> = {};
  for (const [key, v] of Object.entries(options)) {
    const o = known.find((d) => d.name === key);
    out[key] = o?.choices ? choiceName(o, v) : v;
  }
  return out;
}

function checkOption(o: OptionDescriptor, raw: unknown, field: string): number {
  const v = choiceIndex(o, raw, field);
  const ok =
    typeof v === 'number' &&
    Number.isFinite(v) &&
    (!o.integer || Number.isInteger(v)) &&
    (o.minExclusive ? v > o.min : v >= o.min) &&
    (o.maxExclusive === undefined || v < o.maxExclusive);
  if (!ok) {
    const range = `${o.minExclusive ? '>' : '≥'} ${o.min}${o.maxExclusive !== undefined ? ` and < ${o.maxExclusive}` : ''}`;
    throw new OptionError(`${field} must be ${o.integer ? 'an integer' : 'a number'} ${range}; got ${JSON.stringify(v)}`, field);
  }
  return v as number;
}

/**
 * Options with defaults filled, each checked; an option the pair does not take is an error
 * naming it (so a TE flag on mi is not silently ignored), and so is a missing required one.
 * `fieldOf` names an option in messages and error fields: `options.<name>` for job specs; the CLI
 * passes its flags.
 */
export function resolveOptions(
  measure: string,
  estimator: string,
  given: Readonly<Record<string, unknown>> | undefined,
  fieldOf: (name: string) => string = (name) => `options.${name}`,
): Record<string, number> {
  const known = optionsFor(measure, estimator);
  const out: Record<string, number> = {};
  for (const key of Object.keys(given ?? {})) {
    if (!known.some((o) => o.name === key)) {
      const valid = known.map((o) => fieldOf(o.name)).join(', ') || 'none';
      throw new OptionError(`${fieldOf(key)} does not apply to ${measure} with ${estimator} (options there: ${valid})`, fieldOf(key));
    }
  }
  for (const o of known) {
    const v = given?.[o.name];
    if (v !== undefined) out[o.name] = checkOption(o, v, fieldOf(o.name));
    else if (o.default !== undefined) out[o.name] = o.default;
    else if (o.required) throw new OptionError(`${measure} with ${estimator} needs ${fieldOf(o.name)} (${o.help})`, fieldOf(o.name));
  }
  return out;
}
