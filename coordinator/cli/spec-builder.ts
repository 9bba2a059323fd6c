/** `infoshard estimate` flags → a validated JobSpec (flags named in every error). */
import { OptionError } from '../../shared/errors.js';
import { DEFAULTS, type BootstrapScheme, type Backend, type CiMethod, type JobSpec, type Measure, type Units } from '../../shared/job/spec.js';
import { parseColumnList } from '../../shared/data/select.js';
import { checkCap, enumFlag, intFlag, intListFlag, numberFlag } from './options.js';

export const MEASURES: readonly Measure[] = ['mi', 'entropy', 'cmi'];
/** Estimator used when --estimator is not given. */
export const DEFAULT_ESTIMATOR: Record<Measure, string> = { mi: 'ksg1', entropy: 'kl', cmi: 'ksg_cmi' };
export const UNITS: readonly Units[] = ['nats', 'bits'];
export const CI_METHODS: readonly CiMethod[] = ['percentile', 'basic', 'bca'];
export const SCHEMES: readonly BootstrapScheme[] = ['iid', 'subsample'];
export const BACKENDS: readonly Backend[] = ['auto', 'cpu', 'gpu'];
export const PERMUTATION_KINDS = ['shuffle', 'local'] as const;

/** Commander's view of the estimate flags (all values as typed on the command line). */
export interface EstimateFlags {
  data: string;
  /** Reading the file (not part of the spec): --header/--no-header, --delimiter, --format. */
  header?: boolean;
  delimiter?: string;
  format?: string;
  x: string;
  y?: string;
  z?: string;
  estimator?: string;
  k?: string;
  /** undefined unless --normalize or --no-normalize was given (the default depends on the measure). */
  normalize?: boolean;
  units?: string;
  jitter?: string;
  millerMadow?: boolean;
  seed?: string;
  backend?: string;
  bootstrap?: string;
  ci?: string;
  level?: string;
  scheme?: string;
  subsampleM?: string;
  jackknifeGroups?: string;
  permutations?: string;
  permutationKind?: string;
  localK?: string;
  surrogates?: string;
  bagging?: string;
  baggingFraction?: string;
  kValues?: string;
  maxReplicates?: string;
}

export function checkMeasure(measure: string): Measure {
  if (!(MEASURES as readonly string[]).includes(measure)) {
    throw new OptionError(`unknown measure '${measure}' (expected one of ${MEASURES.join(', ')})`, 'measure');
  }
  return measure as Measure;
}

/** Which of --y/--z a measure needs; the message names the flag. */
export function checkBlocks(measure: Measure, hasY: boolean, hasZ: boolean, prefix = '--'): void {
  const [yf, zf] = [`${prefix}y`, `${prefix}z`];
  const needY = measure !== 'entropy';
  const needZ = measure === 'cmi';
  if (needY && !hasY) throw new OptionError(`measure '${measure}' needs ${yf}`, yf);
  if (!needY && hasY) throw new OptionError(`measure '${measure}' takes no ${yf}`, yf);
  if (needZ && !hasZ) throw new OptionError(`measure '${measure}' needs ${zf}`, zf);
  if (!needZ && hasZ) throw new OptionError(`measure '${measure}' takes no ${zf} (use cmi for a conditional measure)`, zf);
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
  const x = parseColumnList(f.x);
  const y = f.y !== undefined ? parseColumnList(f.y) : undefined;
  const z = f.z !== undefined ? parseColumnList(f.z) : undefined;
  if (x.length === 0) throw new OptionError('--x needs at least one column', '--x');
  if (y && y.length === 0) throw new OptionError('--y needs at least one column', '--y');
  if (z && z.length === 0) throw new OptionError('--z needs at least one column', '--z');
  checkBlocks(measure, y !== undefined, z !== undefined);

  const cap = intFlag(f.maxReplicates, '--max-replicates', 1) ?? DEFAULTS.maxReplicates;
  const spec: JobSpec = {
    measure,
    estimator: f.estimator ?? DEFAULT_ESTIMATOR[measure],
    k: intFlag(f.k, '--k', 1) ?? DEFAULTS.k,
    x,
    ...(y ? { y } : {}),
    ...(z ? { z } : {}),
    ...(f.normalize !== undefined ? { normalize: f.normalize } : {}),
    units: enumFlag(f.units, '--units', UNITS) ?? DEFAULTS.units,
    seed: intFlag(f.seed, '--seed', 0) ?? DEFAULTS.seed,
  };
  const jitter = numberFlag(f.jitter, '--jitter', (v) => v >= 0, 'a number >= 0');
  if (jitter !== undefined) spec.jitter = jitter;
  if (f.millerMadow) spec.millerMadow = true;
  const backend = enumFlag(f.backend, '--backend', BACKENDS);
  if (backend) spec.backend = backend;

  const B = intFlag(f.bootstrap, '--bootstrap', 1);
  requires(f, ['ci', 'level', 'scheme', 'subsampleM', 'jackknifeGroups'], '--bootstrap', B !== undefined);
  checkCap(B, '--bootstrap', cap);
  if (B !== undefined) {
    spec.bootstrap = { replicates: B, method: enumFlag(f.ci, '--ci', CI_METHODS) ?? DEFAULTS.method, level: numberFlag(f.level, '--level', (v) => v > 0 && v < 1, 'in (0, 1)') ?? DEFAULTS.level };
    const scheme = enumFlag(f.scheme, '--scheme', SCHEMES);
    if (scheme) spec.bootstrap.scheme = scheme;
    const m = intFlag(f.subsampleM, '--subsample-m', 2);
    if (m !== undefined) {
      if (scheme === 'iid') throw new OptionError('--subsample-m applies to --scheme subsample, not iid', '--subsample-m');
      spec.bootstrap.m = m;
    }
    const g = intFlag(f.jackknifeGroups, '--jackknife-groups', 2);
    if (g !== undefined) spec.bootstrap.jackknifeGroups = g;
  }

  const P = intFlag(f.permutations, '--permutations', 1);
  const permuting = P !== undefined || f.surrogates !== undefined;
  requires(f, ['permutationKind', 'localK'], '--permutations or --surrogates', permuting);
  checkCap(P, '--permutations', cap);
  if (permuting) {
    if (measure === 'entropy') throw new OptionError('--permutations tests independence: not defined for entropy', '--permutations');
    spec.permutation = { shuffles: P ?? 0 };
    const kind = enumFlag(f.permutationKind, '--permutation-kind', PERMUTATION_KINDS);
    if (kind) spec.permutation.kind = kind;
    const lk = intFlag(f.localK, '--local-k', 1);
    if (lk !== undefined) spec.permutation.localK = lk;
  }

  const bag = intFlag(f.bagging, '--bagging', 1);
  requires(f, ['baggingFraction'], '--bagging', bag !== undefined);
  checkCap(bag, '--bagging', cap);
  const kValues = intListFlag(f.kValues, '--k-values', 1);
  if (bag !== undefined || kValues) {
    spec.ensemble = {};
    if (bag !== undefined) {
      const fraction = numberFlag(f.baggingFraction, '--bagging-fraction', (v) => v > 0 && v <= 1, 'in (0, 1]');
      spec.ensemble.bagging = { replicates: bag, ...(fraction !== undefined ? { fraction } : {}) };
    }
    if (kValues) spec.ensemble.kValues = kValues;
  }
  return spec;
}
