/**
 * `infoshard run job.yaml`: a job file (YAML or JSON) validated against a JSON schema with ajv.
 * Unknown fields are rejected and every error names the field (`bootstrap.level`, ...).
 * Paths in the file (`data`, a `permutation.surrogates` file) are relative to the job file.
 *
 * Example:
 *   data: samples/gauss.csv
 *   measure: mi
 *   estimator: ksg1
 *   k: 4
 *   x: [x]
 *   y: [y]
 *   bootstrap: { replicates: 1000, method: bca, level: 0.95 }
 *   permutation: { shuffles: 1000 }
 *   seed: 7
 */
import { readFile } from 'node:fs/promises';
import { dirname, extname, resolve } from 'node:path';
import { Ajv, type ErrorObject } from 'ajv';
import { parse as parseYaml } from 'yaml';
import { DataError, NotFoundError, OptionError } from '../shared/errors.js';
import { DEFAULTS, type ColumnRef, type JobSpec } from '../shared/job/spec.js';
import { parseColumnList } from '../shared/data/select.js';
import { BACKENDS, CI_METHODS, checkBlocks, defaultEstimator, MEASURES, PERMUTATION_KINDS, SCHEMES, UNITS } from './spec-builder.js';
import { allOptions, measureOf } from '../shared/catalog/index.js';
import { checkBaggingFraction } from '../shared/job/validate.js';
import { checkCap } from './options.js';
import type { DataFormat } from '../shared/data/load.js';
import type { DataReadFlags } from './execute.js';
import { CORRECTIONS, type Correction } from '../shared/resampling/multiple-testing.js';

const columns = {
  oneOf: [
    { type: 'string', minLength: 1 },
    { type: 'array', minItems: 1, items: { oneOf: [{ type: 'string', minLength: 1 }, { type: 'integer', minimum: 0 }] } },
  ],
} as const;
const posInt = { type: 'integer', minimum: 1 } as const;

/** JSON schema of a job file (draft 2020-12 subset understood by ajv's default build). */
export const JOB_FILE_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['data', 'measure', 'x'],
  properties: {
    data: { type: 'string', minLength: 1 },
    header: { type: 'boolean' },
    delimiter: { type: 'string', minLength: 1 },
    format: { enum: ['csv', 'tsv', 'json', 'npy', 'arrow', 'parquet'] },
    dataQ: { type: 'string', minLength: 1 },
    measure: { enum: [...MEASURES] },
    estimator: { type: 'string', minLength: 1 },
    k: posInt,
    x: columns,
    y: columns,
    z: columns,
    normalize: { type: 'boolean' },
    units: { enum: [...UNITS] },
    jitter: { type: 'number', minimum: 0 },
    millerMadow: { type: 'boolean' },
    summaries: { type: 'boolean' },
    seed: { type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER },
    backend: { enum: [...BACKENDS] },
    maxReplicates: posInt,
    test: { enum: ['permutation', 'analytic'] },
    trial: { oneOf: [{ type: 'string', minLength: 1 }, { type: 'integer', minimum: 0 }] },
    locals: { type: 'string', minLength: 1 },
    // measure and estimator options from the catalog (ranges checked when resolved)
    options: {
      type: 'object',
      additionalProperties: false,
      properties: Object.fromEntries(allOptions().map((o) => [o.name, o.choices ? { enum: [...o.choices] } : { type: o.integer ? 'integer' : 'number' }])),
    },
    bootstrap: {
      type: 'object',
      additionalProperties: false,
      required: ['replicates'],
      properties: {
        replicates: posInt,
        method: { enum: [...CI_METHODS] },
        level: { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1 },
        scheme: { enum: [...SCHEMES] },
        m: { type: 'integer', minimum: 2 },
        jackknifeGroups: { type: 'integer', minimum: 2 },
        target: { enum: ['mean', 'truth'] },
      },
    },
    permutation: {
      type: 'object',
      additionalProperties: false,
      properties: {
        shuffles: { type: 'integer', minimum: 1 },
        kind: { enum: [...PERMUTATION_KINDS] },
        localK: posInt,
        surrogates: { type: 'string', minLength: 1 },
      },
    },
    // many-variable jobs (docs/screening.md): x is the target (screen) or the variables (pairwise)
    screen: {
      type: 'object',
      additionalProperties: false,
      required: ['features'],
      properties: { features: { oneOf: [{ const: 'all' }, columns] }, correction: { enum: [...CORRECTIONS] }, alpha: { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1 } },
    },
    pairwise: {
      type: 'object',
      additionalProperties: false,
      properties: { correction: { enum: [...CORRECTIONS] }, alpha: { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1 } },
    },
    ensemble: {
      type: 'object',
      additionalProperties: false,
      properties: {
        bagging: {
          type: 'object',
          additionalProperties: false,
          required: ['replicates'],
          properties: { replicates: posInt, fraction: { type: 'number' } },
        },
        kValues: { type: 'array', minItems: 1, items: posInt },
        critics: posInt,
      },
    },
  },
} as const;

/** The file as validated (before defaults and path resolution). */
interface JobFileDoc {
  data: string;
  header?: boolean;
  delimiter?: string;
  format?: DataFormat;
  dataQ?: string;
  options?: Record<string, number | string>;
  measure: JobSpec['measure'];
  estimator?: string;
  k?: number;
  x: string | ColumnRef[];
  y?: string | ColumnRef[];
  z?: string | ColumnRef[];
  normalize?: boolean;
  units?: JobSpec['units'];
  jitter?: number;
  millerMadow?: boolean;
  summaries?: boolean;
  seed?: number;
  backend?: JobSpec['backend'];
  test?: JobSpec['test'];
  trial?: ColumnRef;
  locals?: string;
  maxReplicates?: number;
  bootstrap?: NonNullable<JobSpec['bootstrap']>;
  permutation?: { shuffles?: number; kind?: (typeof PERMUTATION_KINDS)[number]; localK?: number; surrogates?: string };
  ensemble?: JobSpec['ensemble'];
  screen?: { features: string | ColumnRef[]; correction?: Correction; alpha?: number };
  pairwise?: { correction?: Correction; alpha?: number };
}

const ajv = new Ajv({ allErrors: false, strict: true });
const validate = ajv.compile<JobFileDoc>(JOB_FILE_SCHEMA);

function fieldName(e: ErrorObject): string {
  const path = e.instancePath.split('/').filter(Boolean).join('.');
  if (e.keyword === 'additionalProperties') {
    const extra = (e.params as { additionalProperty: string }).additionalProperty;
    return path ? `${path}.${extra}` : extra;
  }
  if (e.keyword === 'required') {
    const missing = (e.params as { missingProperty: string }).missingProperty;
    return path ? `${path}.${missing}` : missing;
  }
  return path || '(top level)';
}

/** One line for the first schema violation, naming the field. */
export function describeSchemaError(e: ErrorObject): { field: string; message: string } {
  const field = fieldName(e);
  switch (e.keyword) {
    case 'additionalProperties': return { field, message: `unknown field '${field}'` };
    case 'required': return { field, message: `missing required field '${field}'` };
    case 'enum': return { field, message: `field '${field}' must be one of ${(e.params as { allowedValues: unknown[] }).allowedValues.join(', ')}` };
    case 'oneOf': return { field, message: `field '${field}' must be a column list (a comma-separated string or an array of names / 0-based indices)` };
    default: return { field, message: `field '${field}' ${e.message ?? 'is invalid'}` };
  }
}

function refs(v: string | ColumnRef[] | undefined): ColumnRef[] | undefined {
  if (v === undefined) return undefined;
  return typeof v === 'string' ? parseColumnList(v) : v;
}

export interface JobFile {
  spec: JobSpec;
  /** Absolute path of the data file. */
  dataPath: string;
  /** How to read it (header, delimiter, format), when the file says. */
  load?: DataReadFlags;
  /** Absolute path of the Q sample's file (two-sample measures). */
  dataQPath?: string;
  /** Absolute path of a surrogates file, if any. */
  surrogatesPath?: string;
  /** Replicate cap from the file's `maxReplicates` (or the override), for the engine. */
  maxReplicates?: number;
  /** Absolute path for the local values (`locals`), if any. */
  locals?: string;
}

/**
 * Validate a parsed job document. `baseDir` resolves relative paths.
 * @throws OptionError naming the field; LimitError for replicate counts over the cap.
 */
export function jobFromDocument(doc: unknown, baseDir: string, source = 'job file', capOverride?: number): JobFile {
  if (!validate(doc)) {
    // a failed oneOf reports each branch first; the oneOf error itself says what was expected
    const errs = validate.errors!;
    const { field, message } = describeSchemaError(errs.find((e) => e.keyword === 'oneOf') ?? errs[0]!);
    throw new OptionError(`${source}: ${message}`, field);
  }
  const d = doc;
  const y = refs(d.y);
  const z = refs(d.z);
  // screen / pairwise have their own block rules (shared/job/many.ts, checked when the job opens)
  if (!d.screen && !d.pairwise) checkBlocks(d.measure, y !== undefined, z !== undefined, '', d.dataQ !== undefined);
  checkBaggingFraction(d.ensemble?.bagging?.fraction, 'ensemble.bagging.fraction');
  const cap = capOverride ?? d.maxReplicates ?? DEFAULTS.maxReplicates;
  checkCap(d.bootstrap?.replicates, 'bootstrap.replicates', cap);
  checkCap(d.permutation?.shuffles, 'permutation.shuffles', cap);
  checkCap(d.ensemble?.bagging?.replicates, 'ensemble.bagging.replicates', cap);
  checkCap(d.ensemble?.critics, 'ensemble.critics', cap);
  if (d.permutation && d.permutation.shuffles === undefined && d.permutation.surrogates === undefined) {
    throw new OptionError(`${source}: field 'permutation' needs 'shuffles' or 'surrogates'`, 'permutation.shuffles');
  }
  if (d.permutation && !measureOf(d.measure).permutation) {
    throw new OptionError(`${source}: field 'permutation' tests dependence between blocks: not defined for ${d.measure}`, 'permutation');
  }
  if (d.bootstrap?.m !== undefined && d.bootstrap.scheme === 'iid') {
    throw new OptionError(`${source}: field 'bootstrap.m' applies to scheme subsample, not iid`, 'bootstrap.m');
  }
  const spec: JobSpec = {
    measure: d.measure,
    estimator: d.estimator ?? defaultEstimator(d.measure),
    k: d.k ?? DEFAULTS.k,
    x: refs(d.x)!,
    ...(y ? { y } : {}),
    ...(z ? { z } : {}),
    ...(d.normalize !== undefined ? { normalize: d.normalize } : {}),
    ...(d.options ? { options: d.options } : {}),
    units: d.units ?? DEFAULTS.units,
    seed: d.seed ?? DEFAULTS.seed,
    ...(d.jitter !== undefined ? { jitter: d.jitter } : {}),
    ...(d.millerMadow !== undefined ? { millerMadow: d.millerMadow } : {}),
    ...(d.summaries !== undefined ? { summaries: d.summaries } : {}),
    ...(d.backend ? { backend: d.backend } : {}),
    ...(d.test ? { test: d.test } : {}),
    ...(d.trial !== undefined ? { trial: d.trial } : {}),
    ...(d.bootstrap ? { bootstrap: { level: DEFAULTS.level, ...d.bootstrap } } : {}), // method: the estimator's recipe
    ...(d.ensemble ? { ensemble: d.ensemble } : {}),
    ...(d.screen ? { screen: { ...d.screen, features: d.screen.features === 'all' ? 'all' : refs(d.screen.features)! } } : {}),
    ...(d.pairwise ? { pairwise: d.pairwise } : {}),
  };
  let surrogatesPath: string | undefined;
  if (d.permutation) {
    const { surrogates, shuffles, ...rest } = d.permutation;
    spec.permutation = { shuffles: shuffles ?? 0, ...rest };
    if (surrogates) surrogatesPath = resolve(baseDir, surrogates);
  }
  const explicitCap = capOverride ?? d.maxReplicates;
  return {
    spec,
    dataPath: d.data === '-' ? '-' : resolve(baseDir, d.data),
    ...(d.header !== undefined || d.delimiter !== undefined || d.format !== undefined
      ? { load: { ...(d.header !== undefined ? { header: d.header } : {}), ...(d.delimiter !== undefined ? { delimiter: d.delimiter } : {}), ...(d.format ? { format: d.format } : {}) } }
      : {}),
    ...(d.dataQ ? { dataQPath: resolve(baseDir, d.dataQ) } : {}),
    ...(surrogatesPath ? { surrogatesPath } : {}),
    ...(d.locals ? { locals: resolve(baseDir, d.locals) } : {}),
    ...(explicitCap !== undefined ? { maxReplicates: explicitCap } : {}),
  };
}

/** Read and validate a job file (.yaml, .yml or .json). */
export async function loadJobFile(path: string, capOverride?: number): Promise<JobFile> {
  return jobFromDocument(await readJobDocument(path), dirname(resolve(path)), `job file ${path}`, capOverride);
}

/** A job file's parsed document (YAML or JSON), not yet validated. */
export async function readJobDocument(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new NotFoundError(`job file not found: ${path}`, { cause: err });
    throw new DataError(`cannot read job file ${path}: ${(err as Error).message}`, { cause: err });
  }
  let doc: unknown;
  try {
    doc = extname(path).toLowerCase() === '.json' ? JSON.parse(text) : parseYaml(text);
  } catch (err) {
    const first = ((err as Error).message ?? String(err)).split('\n')[0];
    throw new DataError(`job file ${path}: not valid ${extname(path).toLowerCase() === '.json' ? 'JSON' : 'YAML'}: ${first}`, { cause: err });
  }
  return doc;
}
