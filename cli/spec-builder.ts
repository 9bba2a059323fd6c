/** `infoshard estimate` flags → a validated JobSpec (flags named in every error). */
import { OptionError } from '../shared/errors.js';
import { DEFAULTS, type BootstrapScheme, type Backend, type CiMethod, type JobSpec, type Measure, type Units } from '../shared/job/spec.js';
import { parseColumnList } from '../shared/data/select.js';
import { allOptions, defaultEstimator, measureNames, measureOf, resolveOptions } from '../shared/catalog/index.js';
import { checkBaggingFraction, PERMUTATION_KINDS, TESTS } from '../shared/job/validate.js';
import { checkCap, enumFlag, intFlag, intListFlag, numberFlag } from './options.js';

export const MEASURES: readonly Measure[] = measureNames();
export { defaultEstimator, PERMUTATION_KINDS };
export const UNITS: readonly Units[] = ['nats', 'bits'];
export const CI_METHODS: readonly CiMethod[] = ['percentile', 'basic', 'bca', 'normal'];
export const SCHEMES: readonly BootstrapScheme[] = ['iid', 'subsample'];
export const CI_TARGETS: readonly ('mean' | 'truth')[] = ['mean', 'truth'];
export const BACKENDS: readonly Backend[] = ['auto', 'cpu', 'gpu'];

/** Commander's view of the estimate flags (all values as typed on the command line). */
export interface EstimateFlags {
  data: string;
  /** Reading the file (not part of the spec): --header/--no-header, --delimiter, --format. */
  header?: boolean;
  delimiter?: string;
  format?: string;
  /** Q sample of a two-sample measure (divergence). */
  dataQ?: string;
  x?: string;
  y?: string;
  z?: string;
  /** --x-name/--y-name/--z-name, repeated: exact column names (no splitting at commas). */
  xName?: string[];
  yName?: string[];
  zName?: string[];
  estimator?: string;
  k?: string;
  /** undefined unless --normalize or --no-normalize was given (the catalog's default then). */
  normalize?: boolean;
  units?: string;
  jitter?: string;
  millerMadow?: boolean;
  summaries?: boolean;
  seed?: string;
  backend?: string;
  bootstrap?: string;
  ci?: string;
  level?: string;
  scheme?: string;
  subsampleM?: string;
  jackknifeGroups?: string;
  ciTarget?: string;
  permutations?: string;
  permutationKind?: string;
  localK?: string;
  surrogates?: string;
  bagging?: string;
  baggingFraction?: string;
  kValues?: string;
  ensemble?: string;
  maxReplicates?: string;
  /** 'permutation' or 'analytic' (the χ² test). */
  test?: string;
  /** Trial column (several realisations pooled; docs/info-dynamics.md, "Trials"). */
  trial?: string;
  /** Catalog options (--target-history …), keyed by their camelCase names. */
  [option: string]: string | string[] | boolean | undefined;
}

export function checkMeasure(measure: string): Measure {
  if (!(MEASURES as readonly string[]).includes(measure)) {
    throw new OptionError(`unknown measure '${measure}' (expected one of ${MEASURES.join(', ')})`, 'measure');
  }
  return measure as Measure;
}

/**
 * Which of --y/--z a measure needs (catalog); the message names the flag. A two-sample measure
 * given a Q file gets its y (the sample label) from stacking the files.
 */
export function checkBlocks(measure: Measure, hasY: boolean, hasZ: boolean, prefix = '--', hasQ = false): void {
  const m = measureOf(measure);
  const flags = { y: `${prefix}y`, z: `${prefix}z` };
  const q = prefix === '--' ? '--data-q' : 'dataQ';
  if (hasQ && m.rawBlocks?.includes('y') !== true) throw new OptionError(`${q} is for two-sample measures (divergence), not ${measure}`, q);
  if (hasQ && hasY) throw new OptionError(`give the Q sample either as ${q} or as a label column in ${flags.y}, not both`, flags.y);
  for (const [b, has] of [['y', hasY || hasQ], ['z', hasZ]] as const) {
    const rule = m.blocks[b];
    if (rule === 'required' && !has) throw new OptionError(`measure '${measure}' needs ${flags[b]} (${m.blocks.meaning[b]})${b === 'y' && hasQ === false && m.rawBlocks?.includes('y') ? ` or ${q}` : ''}`, flags[b]);
    if (rule === 'none' && has) throw new OptionError(`measure '${measure}' takes no ${flags[b]}${b === 'z' ? ' (use cmi or te for a conditional measure)' : ''}`, flags[b]);
  }
}

/** Catalog options given as flags, parsed and range-checked; the message names the flag. */
export function optionFlags(f: Record<string, unknown>): Record<string, number | string> | undefined {
  const out: Record<string, number | string> = {};
  for (const o of allOptions()) {
    const raw = f[o.name];
    if (raw === undefined) continue;
    const flag = `--${o.flag}`;
    if (o.choices) {
      out[o.name] = enumFlag(String(raw), flag, o.choices)!;
      continue;
    }
    const min = o.minExclusive ? `> ${o.min}` : `>= ${o.min}`;
    const v = o.integer ? intFlag(String(raw), flag, o.minExclusive ? o.min + 1 : o.min) : numberFlag(String(raw), flag, (x) => (o.minExclusive ? x > o.min : x >= o.min) && (o.maxExclusive === undefined || x < o.maxExclusive), `a number ${min}${o.maxExclusive !== undefined ? ` and < ${o.maxExclusive}` : ''}`);
    if (v !== undefined) out[o.name] = v;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

function requires(flags: EstimateFlags, names: (keyof EstimateFlags)[], parent: string, present: boolean): void {
  if (present) return;
  for (const n of names) {
    if (flags[n] !== undefined) {
      const flag = `--${String(n).replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
      throw new OptionError(`${flag} requires ${parent}`, flag);
    }
  }
}

/**
 * Build the job spec. Surrogate orderings are attached later (they need the data's N).
 * @throws OptionError / LimitError naming the flag.
 */
export function buildSpec(measureArg: string, f: EstimateFlags): JobSpec {
  const measure = checkMeasure(measureArg);
  if (f.x === undefined && f.xName === undefined) throw new OptionError("required option '--x <cols>' (or --x-name <name>) not specified", '--x');
  const block = (list: string | undefined, names: string[] | undefined, flag: string) =>
    list === undefined && names === undefined ? undefined : [...(list !== undefined ? parseColumnList(list, flag) : []), ...(names ?? [])];
  const x = block(f.x, f.xName, '--x')!;
  const y = block(f.y, f.yName, '--y');
  const z = block(f.z, f.zName, '--z');
  if (x.length === 0) throw new OptionError('--x needs at least one column', '--x');
  if (y && y.length === 0) throw new OptionError('--y needs at least one column', '--y');
  if (z && z.length === 0) throw new OptionError('--z needs at least one column', '--z');
  checkBlocks(measure, y !== undefined, z !== undefined, '--', f.dataQ !== undefined);
  const minX = measureOf(measure).blocks.minX;
  if (minX !== undefined && x.length < minX) throw new OptionError(`measure '${measure}' needs at least ${minX} --x columns (${measureOf(measure).blocks.meaning.x})`, '--x');

  const cap = intFlag(f.maxReplicates, '--max-replicates', 1) ?? DEFAULTS.maxReplicates;
  const spec: JobSpec = {
    measure,
    estimator: f.estimator ?? defaultEstimator(measure),
    k: intFlag(f.k, '--k', 1) ?? DEFAULTS.k,
    x,
    ...(y ? { y } : {}),
    ...(z ? { z } : {}),
    ...(f.normalize !== undefined ? { normalize: f.normalize } : {}),
    units: enumFlag(f.units, '--units', UNITS) ?? DEFAULTS.units,
    seed: intFlag(f.seed, '--seed', 0) ?? DEFAULTS.seed,
  };
  const options = optionFlags(f);
  // the catalog's own check (applies to this pair, required ones present), named by flag; an
  // unknown estimator is left to validation, which lists the valid ones
  if (measureOf(measure).estimators.includes(spec.estimator)) {
    resolveOptions(measure, spec.estimator, options, (name) => `--${allOptions().find((o) => o.name === name)!.flag}`);
  }
  if (options) spec.options = options;
  const jitter = numberFlag(f.jitter, '--jitter', (v) => v >= 0, 'a number >= 0');
  if (jitter !== undefined) spec.jitter = jitter;
  if (f.millerMadow) spec.millerMadow = true;
  if (f.summaries) spec.summaries = true;
  const backend = enumFlag(f.backend, '--backend', BACKENDS);
  if (backend) spec.backend = backend;

  const B = intFlag(f.bootstrap, '--bootstrap', 1);
  requires(f, ['ci', 'level', 'scheme', 'subsampleM', 'jackknifeGroups', 'ciTarget'], '--bootstrap', B !== undefined);
  checkCap(B, '--bootstrap', cap);
  if (B !== undefined) {
    spec.bootstrap = { replicates: B, level: numberFlag(f.level, '--level', (v) => v > 0 && v < 1, 'in (0, 1)') ?? DEFAULTS.level };
    const method = enumFlag(f.ci, '--ci', CI_METHODS); // absent: the estimator's interval recipe decides
    if (method) spec.bootstrap.method = method;
    const scheme = enumFlag(f.scheme, '--scheme', SCHEMES);
    if (scheme) spec.bootstrap.scheme = scheme;
    const m = intFlag(f.subsampleM, '--subsample-m', 2);
    if (m !== undefined) {
      if (scheme === 'iid') throw new OptionError('--subsample-m applies to --scheme subsample, not iid', '--subsample-m');
      spec.bootstrap.m = m;
    }
    const g = intFlag(f.jackknifeGroups, '--jackknife-groups', 2);
    if (g !== undefined) spec.bootstrap.jackknifeGroups = g;
    const target = enumFlag(f.ciTarget, '--ci-target', CI_TARGETS);
    if (target) spec.bootstrap.target = target;
  }

  const P = intFlag(f.permutations, '--permutations', 1);
  const permuting = P !== undefined || f.surrogates !== undefined;
  requires(f, ['permutationKind', 'localK'], '--permutations or --surrogates', permuting);
  checkCap(P, '--permutations', cap);
  if (permuting) {
    const mp = measureOf(measure).permutation;
    if (!mp) throw new OptionError(`--permutations: ${measure} has no permutation test: ${measureOf(measure).noPermutation ?? 'it is not a dependence between blocks'}`, '--permutations');
    spec.permutation = { shuffles: P ?? 0 };
    const kind = enumFlag(f.permutationKind, '--permutation-kind', PERMUTATION_KINDS);
    if (kind && !mp.kinds.includes(kind)) throw new OptionError(`--permutation-kind ${kind} does not apply to ${measure} (kinds there: ${mp.kinds.join(', ')})`, '--permutation-kind');
    if (kind) spec.permutation.kind = kind;
    const lk = intFlag(f.localK, '--local-k', 1);
    if (lk !== undefined) spec.permutation.localK = lk;
  }

  const test = enumFlag(f.test, '--test', TESTS);
  if (test === 'analytic' && permuting) throw new OptionError('--test analytic replaces the permutation test: give either --permutations or --test analytic, not both', '--test');
  if (test === 'permutation' && !permuting) throw new OptionError('--test permutation needs --permutations (or --surrogates)', '--test');
  if (test) spec.test = test;
  if (f.trial !== undefined) {
    const t = parseColumnList(f.trial);
    if (t.length !== 1) throw new OptionError(`--trial takes one column; got ${JSON.stringify(f.trial)}`, '--trial');
    spec.trial = t[0]!;
  }

  const bag = intFlag(f.bagging, '--bagging', 1);
  requires(f, ['baggingFraction'], '--bagging', bag !== undefined);
  checkCap(bag, '--bagging', cap);
  const kValues = intListFlag(f.kValues, '--k-values', 1);
  const critics = intFlag(f.ensemble, '--ensemble', 1);
  checkCap(critics, '--ensemble', cap);
  if (bag !== undefined || kValues || critics !== undefined) {
    spec.ensemble = {};
    if (critics !== undefined) spec.ensemble.critics = critics;
    if (bag !== undefined) {
      const fraction = numberFlag(f.baggingFraction, '--bagging-fraction', Number.isFinite, 'a number');
      checkBaggingFraction(fraction, '--bagging-fraction');
      spec.ensemble.bagging = { replicates: bag, ...(fraction !== undefined ? { fraction } : {}) };
    }
    if (kValues) spec.ensemble.kValues = kValues;
  }
  return spec;
}
