/**
 * `infoshard network` (docs/screening.md, "Network inference"): multivariate TE network
 * inference (shared/job/network.ts) on the embedded engine or a cluster (--coordinator).
 * Prints the edges (or `--json`: { edges, targets, settings, warnings, timings }), optionally
 * writes them as CSV (--out). Progress on stderr counts targets done / total.
 */
import { writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import type { Command } from 'commander';
import { dirname, resolve } from 'node:path';
import { DataError, OptionError } from '../shared/errors.js';
import { parseColumnList, resolveColumn } from '../shared/data/select.js';
// the data readers and the pipeline load when the command runs (start-up of other commands)
import type { NetworkFdr, NetworkJob, NetworkResult } from '../shared/job/network.js';
import type { ColumnRef } from '../shared/job/spec.js';
import type { DataFormat } from '../shared/data/load.js';
import { checkCap, enumFlag, intFlag, numberFlag } from './options.js';
import { connectionChoice, openEngine, withCoordinatorAuth, type ConnectionFlags, type EngineChoice } from './engine.js';

const NETWORK_FDR: readonly NetworkFdr[] = ['fdr_bh', 'fdr_by', 'none'];
import { UNITS } from './spec-builder.js';

export interface NetworkFlags extends ConnectionFlags {
  data: string;
  vars: string;
  targets?: string;
  maxLag: string;
  minLag?: string;
  maxLagTarget?: string;
  estimator?: string;
  k?: string;
  permutations?: string;
  alpha?: string;
  surrogate?: string;
  fdr?: string;
  seed?: string;
  normalize?: boolean;
  units?: string;
  json?: boolean;
  out?: string;
  progress?: boolean;
  threads?: string;
  maxReplicates?: string;
}

/** Settings field → the flag that sets it (errors name the flag typed). */
const FLAG: Record<string, string> = {
  vars: '--vars', targets: '--targets', maxLag: '--max-lag', minLag: '--min-lag', maxLagTarget: '--max-lag-target',
  estimator: '--estimator', k: '--k', permutations: '--permutations', alpha: '--alpha', surrogate: '--surrogate',
  fdr: '--fdr', seed: '--seed', units: '--units',
};

/** The library options from the flags (without data); errors name the flag. */
export function buildNetworkOptions(f: NetworkFlags): Omit<NetworkJob, 'data'> {
  const cap = intFlag(f.maxReplicates, '--max-replicates', 1);
  const permutations = intFlag(f.permutations, '--permutations', 1);
  if (cap !== undefined) checkCap(permutations, '--permutations', cap);
  const vars = parseColumnList(f.vars);
  const targets = f.targets !== undefined ? parseColumnList(f.targets) : undefined;
  const o: Omit<NetworkJob, 'data'> = {
    vars,
    ...(targets ? { targets } : {}),
    maxLag: intFlag(f.maxLag, '--max-lag', 1)!,
  };
  const minLag = intFlag(f.minLag, '--min-lag', 1);
  if (minLag !== undefined) o.minLag = minLag;
  const maxLagTarget = intFlag(f.maxLagTarget, '--max-lag-target', 1);
  if (maxLagTarget !== undefined) o.maxLagTarget = maxLagTarget;
  const estimator = enumFlag(f.estimator, '--estimator', ['ksg', 'gaussian'] as const);
  if (estimator) o.estimator = estimator;
  const k = intFlag(f.k, '--k', 1);
  if (k !== undefined) o.k = k;
  if (permutations !== undefined) o.permutations = permutations;
  const alpha = numberFlag(f.alpha, '--alpha', (v) => v > 0 && v < 1, 'in (0, 1)');
  if (alpha !== undefined) o.alpha = alpha;
  const surrogate = enumFlag(f.surrogate, '--surrogate', ['shuffle', 'shift'] as const);
  if (surrogate) o.surrogate = surrogate;
  const fdr = enumFlag(f.fdr, '--fdr', NETWORK_FDR);
  if (fdr) o.fdr = fdr;
  const seed = intFlag(f.seed, '--seed', 0);
  if (seed !== undefined) o.seed = seed;
  if (f.normalize === false) o.normalize = false;
  const units = enumFlag(f.units, '--units', UNITS);
  if (units) o.units = units;
  return o;
}

function fmt(v: number): string {
  return Number.isInteger(v) ? String(v) : v.toPrecision(4);
}

export function networkHuman(r: NetworkResult, dataPath: string): string {
  const s = r.settings;
  const lines = [
    `network (multivariate TE, ${s.estimator}${s.estimator === 'ksg' ? ` k=${s.k}` : ''}) of ${s.vars.length} variables on ${dataPath}: N=${s.n} (${s.samples} samples), source lags ${s.minLag}..${s.maxLag}, target lags 1..${s.maxLagTarget}, ${s.permutations} ${s.surrogate} surrogates per test, alpha ${s.alpha}, ${s.fdr} across targets`,
    `  ${r.edges.length} edges${r.edges.length ? ':' : ''}`,
  ];
  for (const e of r.edges) lines.push(`  ${`${e.source} -> ${e.target}`.padEnd(24)} lags ${e.lags.join(',').padEnd(8)} te ${fmt(e.te).padStart(10)} ${s.units}  p ${fmt(e.pValue)}`);
  for (const t of r.targets) {
    const om = t.omnibus ? `omnibus p ${fmt(t.omnibus.pValue)} (adjusted ${fmt(t.omnibus.pAdjusted)})` : 'no source selected';
    lines.push(`  target ${t.target}: past lags [${t.past.join(',')}], ${t.sources.length} source lags, ${om}, ${t.steps} tests`);
  }
  for (const w of r.warnings) lines.push(`  warning: ${w}`);
  return lines.join('\n') + '\n';
}

function csvName(s: string): string {
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** `--out`: one row per (edge, lag), full precision. */
async function writeEdgesCsv(path: string, r: NetworkResult): Promise<void> {
  const rows = ['source,target,lag,te,p_value'];
  for (const t of r.targets) for (const s of t.sources) rows.push(`${csvName(s.source)},${csvName(t.target)},${s.lag},${s.te},${s.pValue}`);
  try {
    await writeFile(path, rows.join('\n') + '\n');
  } catch (err) {
    throw new DataError(`cannot write --out ${path}: ${(err as Error).message}`, { cause: err });
  }
}

/** Engine, output and progress flags (shared by the command and `run` with a network job file). */
export type NetworkRunFlags = Pick<NetworkFlags, 'json' | 'out' | 'progress' | 'threads' | 'maxReplicates' | 'coordinator' | 'tokenFile' | 'coordinatorCa' | 'coordinatorServerName' | 'tlsCert' | 'tlsKey'>;

interface NetworkInput {
  options: Omit<NetworkJob, 'data'>;
  dataPath: string;
  load?: { header?: boolean; delimiter?: string; format?: DataFormat };
  /** Settings field → how the user named it (a flag, or a job-file field). */
  fieldName: (field: string) => string;
}

async function executeNetwork(input: NetworkInput, f: NetworkRunFlags): Promise<NetworkResult> {
  const { options } = input;
  const t0 = performance.now();
  const { loadDataset } = await import('../shared/data/load.js');
  const { inferNetwork } = await import('../shared/job/network.js');
  const refs = [...options.vars, ...(options.targets ?? [])];
  const data = await loadDataset(input.dataPath, {
    ...input.load,
    // only the variables are parsed (an ID column or a blank elsewhere must not abort the run)
    select: (names) => [...new Set(refs.map((c, i) => resolveColumn({ names, columns: [], n: 0 }, c, input.fieldName(i < options.vars.length ? 'vars' : 'targets'))))],
  });
  const loadMs = performance.now() - t0;
  const threads = intFlag(f.threads, '--threads', 1) ?? availableParallelism();
  const maxReplicates = intFlag(f.maxReplicates, '--max-replicates', 1);
  const choice: EngineChoice = {
    threads,
    ...(maxReplicates !== undefined ? { maxReplicates } : {}),
    ...connectionChoice(f),
  };
  const engine = await openEngine(choice);
  const controller = new AbortController();
  const onSigint = () => controller.abort();
  process.once('SIGINT', onSigint);
  const showProgress = f.progress === true || (!f.json && process.stderr.isTTY === true);
  let result: NetworkResult;
  try {
    result = await inferNetwork(engine, { ...options, data }, {
      signal: controller.signal,
      fieldName: input.fieldName,
      ...(maxReplicates !== undefined ? { maxReplicates } : {}),
      ...(showProgress ? { onProgress: (p) => process.stderr.write(`network: targets ${p.targetsDone}/${p.targetsTotal}, tests ${p.steps}${process.stderr.isTTY ? '\r' : '\n'}`) } : {}),
    });
  } finally {
    process.removeListener('SIGINT', onSigint);
    await engine.close();
  }
  if (showProgress && process.stderr.isTTY) process.stderr.write('\n');
  if (f.out) await writeEdgesCsv(f.out, result);
  const timings = { loadMs, totalMs: performance.now() };
  process.stdout.write(f.json ? JSON.stringify({ ...result, timings, engine: f.coordinator ? 'cluster' : 'embedded' }) + '\n' : networkHuman(result, input.dataPath));
  return result;
}

export async function runNetwork(f: NetworkFlags): Promise<NetworkResult> {
  return executeNetwork({ options: buildNetworkOptions(f), dataPath: f.data, fieldName: (field) => FLAG[field] ?? field }, f);
}

/** The `network` section of a job file (fields as NetworkOptions). */
const NETWORK_FILE_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['data', 'network'],
  properties: {
    data: { type: 'string', minLength: 1 },
    header: { type: 'boolean' },
    delimiter: { type: 'string', minLength: 1 },
    format: { enum: ['csv', 'tsv', 'json', 'npy', 'arrow'] },
    network: {
      type: 'object',
      additionalProperties: false,
      required: ['vars', 'maxLag'],
      properties: {
        vars: { oneOf: [{ type: 'string', minLength: 1 }, { type: 'array', minItems: 1, items: { oneOf: [{ type: 'string', minLength: 1 }, { type: 'integer', minimum: 0 }] } }] },
        targets: { oneOf: [{ type: 'string', minLength: 1 }, { type: 'array', minItems: 1, items: { oneOf: [{ type: 'string', minLength: 1 }, { type: 'integer', minimum: 0 }] } }] },
        maxLag: { type: 'integer', minimum: 1 },
        minLag: { type: 'integer', minimum: 1 },
        maxLagTarget: { type: 'integer', minimum: 1 },
        estimator: { enum: ['ksg', 'gaussian'] },
        k: { type: 'integer', minimum: 1 },
        permutations: { type: 'integer', minimum: 1 },
        alpha: { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1 },
        surrogate: { enum: ['shuffle', 'shift'] },
        fdr: { enum: [...NETWORK_FDR] },
        seed: { type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER },
        normalize: { type: 'boolean' },
        units: { enum: [...UNITS] },
      },
    },
  },
} as const;

/**
 * `infoshard run job.yaml` where the file has a `network:` section (data, header, delimiter,
 * format at the top level, as other job files). Returns undefined for any other job file.
 */
export async function runNetworkJobFile(path: string, doc: unknown, f: NetworkRunFlags): Promise<NetworkResult | undefined> {
  if (!doc || typeof doc !== 'object' || !('network' in doc)) return undefined;
  const [{ Ajv }, { describeSchemaError }] = await Promise.all([import('ajv'), import('./job-file.js')]);
  const validate = new Ajv({ allErrors: false, strict: true }).compile(NETWORK_FILE_SCHEMA);
  if (!validate(doc)) {
    const errs = validate.errors!;
    const { field, message } = describeSchemaError(errs.find((e) => e.keyword === 'oneOf') ?? errs[0]!);
    throw new OptionError(`job file ${path}: ${message}`, field);
  }
  const d = doc as { data: string; header?: boolean; delimiter?: string; format?: DataFormat; network: Omit<NetworkJob, 'data' | 'vars' | 'targets'> & { vars: string | ColumnRef[]; targets?: string | ColumnRef[] } };
  const list = (v: string | ColumnRef[]) => (typeof v === 'string' ? parseColumnList(v) : v);
  const { vars, targets, ...rest } = d.network;
  const options: Omit<NetworkJob, 'data'> = { ...rest, vars: list(vars), ...(targets !== undefined ? { targets: list(targets) } : {}) };
  const load = { ...(d.header !== undefined ? { header: d.header } : {}), ...(d.delimiter !== undefined ? { delimiter: d.delimiter } : {}), ...(d.format ? { format: d.format } : {}) };
  return executeNetwork({ options, dataPath: d.data === '-' ? '-' : resolve(dirname(resolve(path)), d.data), load, fieldName: (field) => `network.${field}` }, f);
}

/** Add `network` to the program. */
export function registerNetworkCommand(program: Command): void {
  const cmd = withCoordinatorAuth(
    program
      .command('network')
      .description('multivariate transfer-entropy network inference (Novelli et al. 2019, IDTxl): greedy source/lag selection with max/min/omnibus/sequential surrogate tests, FDR across targets')
      .requiredOption('--data <file>', 'data file: one column per process, one row per time step')
      .requiredOption('--vars <cols>', 'the processes (at least 2); each target\'s sources are the others')
      .requiredOption('--max-lag <L>', 'largest source lag searched')
      .option('--min-lag <l>', 'smallest source lag (default 1)')
      .option('--max-lag-target <L>', "largest lag of the target's own past (default --max-lag)")
      .option('--targets <cols>', 'targets to analyse (default every --vars column)')
      .option('--estimator <name>', 'ksg (Frenzel–Pompe CMI, default) or gaussian')
      .option('--k <n>', 'neighbours for ksg (default 3)')
      .option('--permutations <P>', 'surrogates per test (default 200)')
      .option('--alpha <A>', 'level of every test and of the FDR across targets (default 0.05)')
      .option('--surrogate <kind>', 'shuffle (default) or shift the source past')
      .option('--fdr <c>', `${NETWORK_FDR.join('|')} over the targets' omnibus p-values (default fdr_bh)`)
      .option('--seed <S>', 'random seed (default 0)')
      .option('--no-normalize', 'do not divide series by their sample sd')
      .option('--units <units>', 'nats or bits')
      .option('--out <file.csv>', 'write one CSV row per selected (source, target, lag)')
      .option('--json', 'print one JSON object on stdout')
      .option('--threads <T>', 'worker threads (default: all cores)')
      .option('--max-replicates <N>', 'cap on --permutations (default 1000000)')
      .option('--progress', 'show progress (targets done / total) on stderr even with --json or without a terminal')
      .option('--coordinator <host:port>', 'submit every test to a cluster coordinator instead of the embedded engine'),
  );
  cmd.action(async (flags: NetworkFlags) => {
    await runNetwork(flags);
  });
}
