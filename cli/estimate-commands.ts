/**
 * The commands that run one job: `estimate`, `run`, `simulate`, `calibrate`, `screen` and
 * `pairwise` (cli/program.ts adds the one a command line names; execution modules load in the
 * actions).
 */
import { dirname, resolve } from 'node:path';
import { Command, Option } from 'commander';
import { registerManyCommands } from './many.js';
import { buildSpec, type EstimateFlags } from './spec-builder.js';
import type { OutputFlags } from './execute.js';
import type { DataFormat } from '../shared/data/load.js';
import type { CalibrateFlags, SimulateFlags } from './simulate.js';
import { intFlag } from './options.js';
import { connectionChoice, withCoordinatorAuth, type ConnectionFlags } from './engine.js';
import { OptionError } from '../shared/errors.js';
import { CLIENT_WAIT_S } from './jobs.js';
import { allOptions, ESTIMATOR_LIST, MEASURE_LIST } from '../shared/catalog/index.js';
import { localsPairs } from '../shared/job/locals.js';

/** The pairs with an analytic test, from the catalog. */
function analyticHelp(): string {
  return ESTIMATOR_LIST.flatMap((e) => Object.keys(e.chi2 ?? {}).map((m) => `${m}/${e.name}`)).join(', ');
}

/** `mi (ksg1, ksg2, …); entropy (kl, plugin); …` from the catalog. */
function estimatorHelp(): string {
  return MEASURE_LIST.map((m) => `${m.name}: ${m.estimators.join(', ')}`).join('; ') + ' (first = default)';
}

interface CommonFlags extends ConnectionFlags {
  json?: boolean;
  progress?: boolean;
  replicatesOut?: string;
  threads?: string;
  maxReplicates?: string;
  report?: string;
  plot?: string;
  wait?: string;
  detach?: boolean;
  locals?: string;
  priority?: string;
}

function outputFlags(f: CommonFlags): OutputFlags {
  const threads = intFlag(f.threads, '--threads', 1);
  const maxReplicates = intFlag(f.maxReplicates, '--max-replicates', 1);
  const wait = intFlag(f.wait, '--wait', 0);
  if (f.detach && !f.coordinator) throw new OptionError('--detach needs --coordinator (an embedded run ends with this process)', '--detach');
  if (wait !== undefined && !f.coordinator) throw new OptionError('--wait needs --coordinator', '--wait');
  if (f.detach && f.locals) throw new OptionError('--locals is written by a run that waits for its result; drop --detach', '--locals');
  const priority = intFlag(f.priority, '--priority', 1);
  if (priority !== undefined && priority > 100) throw new OptionError(`--priority must be an integer in [1, 100], got '${f.priority}'`, '--priority');
  if (priority !== undefined && !f.coordinator) throw new OptionError('--priority applies to cluster jobs: give --coordinator HOST:PORT', '--priority');
  return {
    ...(priority !== undefined ? { priority } : {}),
    ...(wait !== undefined ? { wait } : {}),
    ...(f.detach ? { detach: true } : {}),
    ...(maxReplicates !== undefined ? { maxReplicates } : {}),
    ...(f.json ? { json: true } : {}),
    ...(f.progress ? { progress: true } : {}),
    ...(f.replicatesOut ? { replicatesOut: f.replicatesOut } : {}),
    ...(f.report ? { report: f.report } : {}),
    ...(f.plot ? { plot: f.plot } : {}),
    ...(f.locals ? { locals: f.locals } : {}),
    ...(threads !== undefined ? { threads } : {}),
    ...connectionChoice(f),
  };
}

function addCommonOptions(cmd: Command): Command {
  return withCoordinatorAuth(
    cmd
      .option('--json', 'print one JSON object on stdout')
      .option('--threads <T>', 'worker threads (default: all cores)')
      .option('--replicates-out <file>', 'write raw replicate values (.csv or .json)')
      .option('--report <file>', 'write a self-contained HTML report with plots')
      .option('--plot <file>', 'write the main figure alone (.svg or .png)')
      .option('--max-replicates <N>', 'cap on bootstrap/permutation/bagging counts (default 1000000000)')
      .option('--progress', 'show a progress bar on stderr even with --json or without a terminal')
      .option('--coordinator <host:port>', 'submit to a cluster coordinator instead of the embedded engine'),
  )
    .option('--wait <seconds>', `with --coordinator: how long to wait for an unreachable coordinator, at start and after a lost connection (default ${CLIENT_WAIT_S})`)
    .option('--detach', 'with --coordinator: submit, print the job id on stdout and exit (follow it with infoshard watch|result JOB_ID)')
    .option('--priority <P>', 'with --coordinator: share of the workers relative to other running jobs, 1..100 (default 1)');
}

/** Commander's accumulator for a repeatable flag (--x-name a --x-name b → ['a', 'b']). */
function collectNames(value: string, previous?: string[]): string[] {
  return [...(previous ?? []), value];
}

/** `infoshard estimate MEASURE`: flags → a JobSpec, run by executeJob. */
export function registerEstimate(program: Command): void {
  const estimate = program
    .command('estimate')
    .description('estimate a measure from a data file (CSV, JSON, .npy, Arrow IPC)')
    .argument('<measure>', MEASURE_LIST.map((m) => `${m.name} = ${m.summary}`).join('; '))
    .requiredOption('--data <file>', 'data file (.csv, .tsv, .txt, .dat, .json, .npy, .arrow, .parquet; .gz too; - for stdin with --format)')
    .option('--data-q <file>', 'Q sample of a two-sample measure (divergence), same --x columns as --data (P)')
    .option('--header', 'the first line holds column names (default: auto, an all-numeric first line is data)')
    .option('--no-header', 'the first line is data; columns are named 0, 1, ...')
    .option('--delimiter <d>', "field delimiter: ',', ';', tab, whitespace (default: detected)")
    .addOption(new Option('--format <f>', 'data format (default: from the extension; needed for stdin)').choices(['csv', 'tsv', 'json', 'npy', 'arrow', 'parquet']))
    .option('--x <cols>', 'comma-separated column names or 0-based indices; quote a name that holds a comma: \'"dose, mg",age\'')
    .option('--y <cols>', 'second block (mi, cmi: Y; te: source series; divergence: sample label)')
    .option('--z <cols>', 'conditioning block (cmi: Z; te: conditioning series)')
    .option('--x-name <name>', 'one column of the x block by its exact name (repeat it; for names with commas); adds to --x', collectNames)
    .option('--y-name <name>', 'one column of the y block by its exact name (repeat it)', collectNames)
    .option('--z-name <name>', 'one column of the z block by its exact name (repeat it)', collectNames)
    .option('--estimator <name>', estimatorHelp())
    .option('--k <n>', 'neighbours (default 3)')
    .option('--normalize', 'divide columns by their sample sd (default for scale-invariant measures)')
    .option('--no-normalize', 'do not divide columns by their sample sd')
    .addOption(new Option('--units <units>', 'nats or bits').choices(['nats', 'bits']))
    .option('--jitter <A>', 'seeded uniform noise of amplitude A·sd (breaks ties)')
    .option('--miller-madow', 'Miller–Madow correction (plugin)')
    .option('--seed <S>', 'random seed (default 0)')
    .addOption(new Option('--backend <b>', 'kNN backend').choices(['auto', 'cpu', 'gpu']))
    .option('--bootstrap <B>', 'bootstrap replicates for a confidence interval')
    .addOption(new Option('--ci <method>', 'CI method').choices(['percentile', 'basic', 'bca', 'normal']))
    .option('--level <L>', 'CI level (default 0.95)')
    .addOption(new Option('--scheme <s>', 'resampling scheme').choices(['iid', 'subsample']))
    .option('--subsample-m <M>', 'subsample size for --scheme subsample')
    .option('--jackknife-groups <G>', 'groups of the delete-d jackknife for BCa')
    .addOption(new Option('--ci-target <t>', 'what the interval covers: mean = E[estimate at N] (default), truth = the true value, bias extrapolated (kNN only, opt-in; docs/intervals.md)').choices(['mean', 'truth']))
    .option('--permutations <P>', 'permutation test with P shuffles')
    .addOption(new Option('--permutation-kind <kind>', MEASURE_LIST.filter((m) => m.permutation).map((m) => `${m.name}: ${m.permutation!.kinds.join('|')}`).join('; ')).choices(['shuffle', 'local', 'shift', 'columns']))
    .option('--local-k <n>', 'Z-neighbourhood size for local permutation')
    .option('--surrogates <file>', 'user-supplied orderings (one permutation of 0..N-1 per line, or a JSON array of arrays)')
    .option('--bagging <B>', 'bagging ensemble over B subsamples')
    .option('--summaries', 'merge partial statistics instead of replicate vectors (exact p-value counts, moments, a quantile sketch for CI endpoints; automatic above 100000 replicates)')
    .option('--bagging-fraction <f>', 'subsample fraction for bagging (default 0.5)')
    .option('--k-values <list>', 'ensemble over several k, e.g. 3,5,7')
    .option('--ensemble <R>', 'neural estimators (mine, nwj, infonce, smile): train R critics with their own seeds and splits (default 1)')
    .addOption(new Option('--test <kind>', `significance test: permutation (with --permutations) or analytic (2N·Î ~ χ²(df); ${analyticHelp()})`).choices(['permutation', 'analytic']))
    .option('--trial <col>', 'column labelling the trial of each row: embeddings never cross trials, surrogates stay within trials')
    .option('--locals <file>', `write the local (pointwise) values, one per row the estimator sees, as CSV (row,local); their mean is the estimate (${localsPairs().length} measure/estimator pairs: ${localsPairs().join(', ')})`);
  for (const o of allOptions()) estimate.option(`--${o.flag} <v>`, `${o.help}${o.default !== undefined ? ` (default ${o.default})` : ''}`);
  addCommonOptions(estimate).action(async (measure: string, flags: EstimateFlags & CommonFlags) => {
    const spec = buildSpec(measure, flags);
    const out = outputFlags(flags);
    // heavy modules (engine, readers, ajv, yaml) load only for the command that runs
    const { executeJob } = await import('./execute.js');
    const load = {
      ...(flags.header !== undefined ? { header: flags.header } : {}),
      ...(flags.delimiter !== undefined ? { delimiter: flags.delimiter } : {}),
      ...(flags.format !== undefined ? { format: flags.format as DataFormat } : {}),
    };
    await executeJob({ spec, dataPath: flags.data, load, ...(flags.dataQ ? { dataQPath: flags.dataQ } : {}), ...(flags.surrogates ? { surrogatesPath: flags.surrogates } : {}), fieldPrefix: '--' }, out);
  });
}

/** `infoshard run JOBFILE`: a YAML/JSON job file (or a `network:` one). */
export function registerRun(program: Command): void {
  const run = program
    .command('run')
    .description('run a job file (YAML or JSON; see cli/job-file.ts for the schema)')
    .argument('<jobfile>', 'job.yaml or job.json');
  addCommonOptions(run).action(async (jobfile: string, flags: CommonFlags) => {
    const [{ executeJob }, { jobFromDocument, readJobDocument }] = await Promise.all([import('./execute.js'), import('./job-file.js')]);
    const doc = await readJobDocument(jobfile);
    // a `network:` job file runs network inference (cli/network.ts)
    if (doc && typeof doc === 'object' && 'network' in doc) {
      for (const [flag, v] of [['--replicates-out', flags.replicatesOut], ['--report', flags.report], ['--plot', flags.plot]] as const) {
        if (v !== undefined) throw new OptionError(`${flag} does not apply to a network job file`, flag);
      }
      await (await import('./network.js')).runNetworkJobFile(jobfile, doc, { ...(flags as Record<string, unknown>) });
      return;
    }
    const job = jobFromDocument(doc, dirname(resolve(jobfile)), `job file ${jobfile}`, intFlag(flags.maxReplicates, '--max-replicates', 1));
    const out = { ...outputFlags(flags), ...(job.maxReplicates !== undefined ? { maxReplicates: job.maxReplicates } : {}), ...(job.locals ? { locals: job.locals } : {}) };
    await executeJob({ spec: job.spec, dataPath: job.dataPath, ...(job.load ? { load: job.load } : {}), ...(job.dataQPath ? { dataQPath: job.dataQPath } : {}), ...(job.surrogatesPath ? { surrogatesPath: job.surrogatesPath } : {}), fieldPrefix: '' }, out);
  });
}

/** `infoshard simulate` (cli/simulate.ts). */
export function registerSimulate(program: Command): void {
  withDatasetFarm(
    program
      .command('simulate')
      .description('Monte Carlo calibration: estimate on datasets drawn from generators with known truth (one farm job: thread pool or --coordinator)')
      .addOption(new Option('--generator <g>', 'data generator (gaussian-cmi for --measure cmi)').choices(['gaussian', 'student', 'mixture', 'discrete', 'gaussian-cmi']))
      .addOption(new Option('--measure <m>', 'measure estimated on each dataset (default mi; entropy: gaussian or discrete)').choices(['mi', 'cmi', 'entropy']))
      .option('--a <a>', 'discrete: alphabet size (default 4)')
      .option('--q <q>', 'discrete: probability that Y copies X, else uniform (default 0.5)')
      .option('--n <N>', 'rows per dataset (default 1000)')
      .option('--datasets <D>', 'number of datasets (default 100)')
      .option('--rho <R>', 'correlation of gaussian/student/gaussian-cmi (default 0.5)')
      .option('--nu <nu>', 'degrees of freedom of student (default 4)')
      .option('--m <m>', 'number of discrete values of mixture (default 4)')
      .option('--estimator <name>', 'estimator (default ksg1; cmi: ksg_cmi; entropy: kl; discrete: plugin)')
      .option('--k <n>', 'neighbours (default 3)')
      .option('--no-normalize', 'do not divide columns by their sample sd')
      .addOption(new Option('--units <units>', 'nats or bits').choices(['nats', 'bits']))
      .option('--bootstrap <B>', 'bootstrap replicates per dataset')
      .addOption(new Option('--ci <method>', 'CI method').choices(['percentile', 'basic', 'bca', 'normal']))
      .option('--level <L>', 'CI level (default 0.95)')
      .addOption(new Option('--scheme <s>', 'resampling scheme').choices(['iid', 'subsample']))
      .option('--methods <list>', 'CI methods evaluated on the same replicates, e.g. percentile,normal,bca')
      .addOption(new Option('--ci-target <t>', 'truth: also measure the truth-target interval (kNN; docs/intervals.md)').choices(['mean', 'truth']))
      .option('--dx <d>', 'gaussian: columns of X (pairs X_j, Y_j correlate for j < min(dx, dy))')
      .option('--dy <d>', 'gaussian: columns of Y')
      .option('--permutations <P>', 'permutations per dataset')
      .option('--seed <S>', 'random seed (default 0)')
      .option('--replicates-out <file>', 'write per-dataset estimates and p-values (.csv or .json)')
      .option('--report <file>', 'write a self-contained HTML report with plots')
      .option('--plot <file>', 'write the estimates histogram alone (.svg or .png)')
      .option('--json', 'print one JSON object on stdout')
      .option('--consistency <check>', 'self-consistency check of an MI estimator (Song & Ermon 2020): data-processing or additivity')
      .option('--ensemble <R>', 'with --consistency and a neural estimator: critics per side (default 3)'),
  )
    .action(async (flags: SimulateFlags) => (await import('./simulate.js')).runSimulate(flags));
}

/** The options of a command that runs its datasets as one farm job: where (pool or coordinator), how big, progress. */
function withDatasetFarm(cmd: Command): Command {
  return withCoordinatorAuth(
    cmd
      .option('--threads <T>', 'threads of the embedded pool running the datasets (default: all cores)')
      .option('--max-replicates <N>', 'cap on replicate counts')
      .option('--progress', 'show progress (datasets done / total) on stderr even with --json or without a terminal')
      .option('--coordinator <host:port>', 'run the datasets on a cluster coordinator instead of the embedded thread pool'),
  );
}

/** `infoshard calibrate` (cli/simulate.ts). */
export function registerCalibrate(program: Command): void {
  withDatasetFarm(
    program
      .command('calibrate')
      .description('CI calibration study: coverage of every CI method over a grid of models × N as one farm job (docs/intervals.md)')
      .option('--quick', 'three small cells instead of the full grid')
      .option('--estimators', 'one cell per estimator family (gaussian, ksg2, plugin, kl, ksg_cmi, mixed_ksg) instead')
      .option('--datasets <D>', 'datasets per cell (default 200)')
      .option('--bootstrap <B>', 'replicates per dataset (default 200)')
      .option('--estimator <name>', 'mi estimator (default ksg1)')
      .option('--k <n>', 'neighbours (default 3)')
      .option('--methods <list>', 'CI methods (default percentile,basic,bca,normal)')
      .option('--cells <i,j,...>', 'only these cells of the grid (0-based, in the order of the full table)')
      .option('--seed <S>', 'random seed (default 0)')
      .option('--out <dir>', 'write table.md, results.jsonl, coverage.svg and coverage.png (coverage per cell and method, with the Monte Carlo band) into this directory')
      .option('--json', 'one JSON object per cell on stdout instead of the table'),
  )
    .action(async (flags: CalibrateFlags) => (await import('./simulate.js')).runCalibrate(flags));
}

/** `infoshard screen` and `infoshard pairwise` (cli/many.ts). */
export function registerScreenPairwise(program: Command): void {
  registerManyCommands(program, addCommonOptions, async (spec, flags) => {
    const { executeJob } = await import('./execute.js');
    const out = { ...outputFlags(flags as CommonFlags), ...(typeof flags.out === 'string' ? { out: flags.out } : {}) };
    await executeJob({ spec, dataPath: flags.data, fieldPrefix: '--', xLabel: spec.screen ? '--target' : '--vars' }, out);
  });
}
