/**
 * The one path every command takes once it has a JobSpec and a data file:
 * load → check columns → attach surrogates → open the engine → run (progress, Ctrl-C/SIGTERM) → print.
 *
 * On a coordinator the run is a job with an id (printed on stderr, `jobId` in --json): the
 * client sends what it prints besides the result (source file, loader notes, load time) with
 * the job, so `infoshard result JOB_ID` (cli/jobs.ts) prints the same bytes later, and
 * `--detach` only submits. Ctrl-C/SIGTERM cancel the job (the embedded run: its threads).
 */
import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import { loadDataset, type DataFormat } from '../shared/data/load.js';
import { resolveColumn, selectColumns } from '../shared/data/select.js';
import { datasetHash } from '../shared/data/hash.js';
import { OptionError } from '../shared/errors.js';
import type { ReportTargets } from '../report/index.js';
import type { ColumnRef, Job, JobResult, JobSpec } from '../shared/job/spec.js';
import { openCluster, openEngine, type EngineChoice } from './engine.js';
import { CLIENT_WAIT_S } from './jobs.js';
import { humanSummary, jsonView, ReplicatesStream, writeReplicates } from './output.js';
import { createProgress, wantProgress } from './progress.js';
import { loadSurrogates } from './surrogates.js';
import { packageVersion } from './version.js';
import { withFlagNames } from './flag-names.js';
import { checkLocals, localValues } from '../shared/job/locals.js';
import { prepareJob } from '../shared/job/prepare.js';
import { writeFile } from 'node:fs/promises';
import { DataError } from '../shared/errors.js';

/**
 * The report module (figures, HTML, SVG/PNG rendering) loads only for --report / --plot: a plain
 * estimate does not pay for it at start-up (issue 12).
 */
const wantsReport = (t: ReportTargets) => t.report !== undefined || t.plot !== undefined;
const reportModule = () => import('../report/index.js');

/** `row,local` CSV, full precision. */
async function writeLocals(path: string, v: Float64Array): Promise<void> {
  const lines = ['row,local'];
  v.forEach((x, i) => lines.push(`${i},${x}`));
  try {
    await writeFile(path, lines.join('\n') + '\n');
  } catch (err) {
    throw new DataError(`cannot write --locals ${path}: ${(err as Error).message}`, { cause: err });
  }
}

/** The engine choice (engine.ts) plus what to print and where. */
export interface OutputFlags extends EngineChoice {
  json?: boolean;
  progress?: boolean;
  replicatesOut?: string;
  /** `--report out.html` and `--plot out.svg|png` (report/). */
  report?: string;
  plot?: string;
  /** screen / pairwise: CSV of the items. */
  out?: string;
  /** Cluster only: submit, print the job id, exit (the job runs on). */
  detach?: boolean;
  /** `--locals FILE`: the local values as CSV (shared/job/locals.ts). */
  locals?: string;
}

/**
 * What a run prints besides the result itself; travels with a cluster job (client_json) so that
 * `infoshard result` can print the run's bytes again.
 */
export interface ClientMeta {
  /** The data file as given (the summary's "on FILE"). */
  source: string;
  /** Loader notes (text columns encoded, ...), printed as warnings before the result's own. */
  notes: string[];
  /** Time to read the data, ms. */
  loadMs: number;
}

export function parseClientMeta(json: string, jobId: string): ClientMeta {
  try {
    const m = JSON.parse(json) as Partial<ClientMeta>;
    if (typeof m.source === 'string' && Array.isArray(m.notes) && typeof m.loadMs === 'number') return m as ClientMeta;
  } catch {
    /* below */
  }
  // submitted by a library caller, not the CLI: nothing to add
  return { source: `job ${jobId}`, notes: [], loadMs: 0 };
}

/**
 * The result as printed: loader notes first among the warnings, the load time, and the total
 * (the whole command for an embedded run; load + the coordinator's job time on a cluster, which
 * `infoshard result` can reproduce).
 */
export function finalResult(result: JobResult, meta: ClientMeta, totalMs: number): JobResult {
  return {
    ...result,
    warnings: [...meta.notes, ...result.warnings],
    timings: { ...result.timings, loadMs: meta.loadMs, totalMs },
    provenance: { ...result.provenance, version: result.provenance?.version ?? packageVersion() },
  };
}

/**
 * `--locals FILE`: the client prepares the job again (pure and deterministic: the same blocks the
 * engine or the cluster estimated on) and writes one value per estimator row.
 */
async function writeJobLocals(out: OutputFlags, job: Job): Promise<void> {
  if (out.locals) await writeLocals(out.locals, localValues(prepareJob(job, out.maxReplicates !== undefined ? { maxReplicates: out.maxReplicates } : {})));
}

/** Write the requested files (--replicates-out, --out, --report, --plot) and print the result; `jobId` leads the JSON. */
export async function emitResult(result: JobResult, source: string, out: OutputFlags, jobId?: string): Promise<void> {
  const id = jobId !== undefined ? { jobId } : {};
  if (out.replicatesOut && !result.bootstrapDistribution && !result.nullDistribution && result.summaries) {
    // `infoshard result JOB --replicates-out` of a summary-path job: its replicates were never kept
    throw new DataError(`--replicates-out ${out.replicatesOut}: the job's ${result.summaries.workloads.join(' and ')} replicates took the summary path and were not kept; run it again with --replicates-out (streamed to the file) or with summaries: false`);
  }
  if (out.replicatesOut) await writeReplicates(out.replicatesOut, result);
  if (result.screen || result.pairwise) {
    const { manyHuman, manyJson, writeManyCsv } = await import('./many.js');
    if (out.out) await writeManyCsv(out.out, result);
    if (wantsReport(out)) await (await reportModule()).writeManyReport(out, result, { source, version: result.provenance.version });
    process.stdout.write(out.json ? JSON.stringify({ ...id, ...manyJson(result) }) + '\n' : manyHuman(result, source));
    return;
  }
  if (wantsReport(out)) await (await reportModule()).writeJobReport(out, result, { source, version: result.provenance.version });
  process.stdout.write(out.json ? JSON.stringify({ ...id, ...jsonView(result) }) + '\n' : humanSummary(result, source));
}

/** How to read the data file (`--header/--no-header`, `--delimiter`, `--format`; job-file fields). */
export interface DataReadFlags {
  header?: boolean;
  delimiter?: string;
  format?: DataFormat;
}

export interface ExecuteInput {
  spec: JobSpec;
  dataPath: string;
  load?: DataReadFlags;
  /** Q sample of a two-sample measure (same x columns). */
  dataQPath?: string;
  /** File of surrogate orderings (checked against the data's N once it is loaded). */
  surrogatesPath?: string;
  /** How fields are named in errors: '--' for flags, '' for job-file fields. */
  fieldPrefix: string;
  /** How the x block is named in errors when it is not '--x' (screen: '--target', pairwise: '--vars'). */
  xLabel?: string;
}

/** Resolves to the printed result (undefined after --detach). */
export async function executeJob(input: ExecuteInput, out: OutputFlags): Promise<JobResult | undefined> {
  const { spec, dataPath, fieldPrefix: p } = input;
  if (out.replicatesOut && !/\.(csv|json)$/i.test(out.replicatesOut)) {
    throw new OptionError(`--replicates-out ${out.replicatesOut}: unknown extension (use .csv or .json)`, '--replicates-out');
  }
  if (out.replicatesOut && !spec.bootstrap && !spec.permutation) {
    throw new OptionError(`--replicates-out needs ${p}bootstrap or ${p}permutations`, '--replicates-out');
  }
  if (out.replicatesOut && (spec.screen || spec.pairwise)) {
    // a screen's or pairwise null (the max statistic) is written from the result's vector:
    // --replicates-out keeps it off the summary path. A single-statistic job streams its
    // replicates instead (ReplicatesStream; on a cluster through the coordinator) and keeps its path.
    if (spec.summaries === true) throw new OptionError(`--replicates-out with ${spec.screen ? 'screen' : 'pairwise'} writes the max-statistic null from the result; it cannot be combined with ${p}summaries`, '--replicates-out');
    spec.summaries = false;
  }
  if (wantsReport(out)) (await reportModule()).checkReportTargets(out);
  if (out.locals) checkLocals(spec, `${p === '--' ? '--' : ''}locals`);
  const t0 = performance.now();
  // Only the selected columns are parsed and validated (an ID or label column, or a blank in an
  // unused column, must not abort the run); references resolve against the file's own names,
  // then become names, since the loaded table holds just those columns. A two-sample job (Q
  // file) reads both files whole, so the x references mean the same in each.
  const blocks = (['x', 'y', 'z'] as const).filter((f) => spec[f] !== undefined);
  let fileNames: readonly string[] = [];
  const notes: string[] = [];
  // a two-sample job, and a screen over 'all' features, read the whole file
  const two = input.dataQPath !== undefined || spec.screen?.features === 'all';
  const data = await loadDataset(dataPath, {
    ...input.load,
    notes,
    // discrete estimators take labels: text columns become category codes (and a note says so)
    encodeText: spec.estimator === 'plugin' || spec.estimator === 'mixed_ksg',
    ...(two
      ? {}
      : {
          select: (names: readonly string[]) => {
            fileNames = names;
            const ds = { names, columns: [], n: 0 };
            const label = (f: string) => (f === 'x' ? input.xLabel ?? `${p}x` : `${p}${f}`);
            const features = spec.screen && Array.isArray(spec.screen.features) ? spec.screen.features.map((r) => resolveColumn(ds, r, `${p}features`)) : [];
            const trial = spec.trial !== undefined ? [resolveColumn(ds, spec.trial, `${p}trial`)] : [];
            return [...new Set([...blocks.flatMap((f) => spec[f]!.map((r) => resolveColumn(ds, r, label(f)))), ...features, ...trial])];
          },
        }),
  });
  const dataQ = input.dataQPath ? await loadDataset(input.dataQPath, { ...input.load, notes }) : undefined;
  const loadMs = performance.now() - t0;
  if (two) {
    selectColumns(data, spec.x, input.xLabel ?? `${p}x`);
    if (dataQ) selectColumns(dataQ, spec.x, `${p}x (in ${input.dataQPath})`);
    if (spec.y) selectColumns(data, spec.y, `${p}y`);
    if (spec.z) selectColumns(data, spec.z, `${p}z`);
  } else {
    const byName = (refs: ColumnRef[]) => refs.map((r) => fileNames[resolveColumn({ names: fileNames, columns: [], n: 0 }, r)]!);
    for (const f of blocks) spec[f] = byName(spec[f]!);
    if (spec.trial !== undefined) spec.trial = byName([spec.trial])[0]!;
    if (spec.screen && Array.isArray(spec.screen.features)) spec.screen = { ...spec.screen, features: byName(spec.screen.features) };
  }
  if (input.surrogatesPath && spec.permutation) {
    const surrogates = await loadSurrogates(input.surrogatesPath, data.n);
    if (spec.permutation.shuffles > 0 && spec.permutation.shuffles !== surrogates.length) {
      throw new OptionError(`${p}permutations ${spec.permutation.shuffles} does not match the ${surrogates.length} orderings in ${input.surrogatesPath}`, `${p}permutations`);
    }
    spec.permutation = { ...spec.permutation, shuffles: surrogates.length, surrogates };
  }

  const { json: _j, progress: _p, replicatesOut: _r, report: _h, plot: _g, out: _o, locals: _l, detach: _d, threads, ...connection } = out;
  const meta: ClientMeta = { source: dataPath, notes, loadMs };
  const job = { ...spec, data, ...(dataQ ? { dataQ } : {}) };
  if (connection.coordinator) return runOnCluster(job, meta, { ...out, coordinator: connection.coordinator }, p);

  const engine = await openEngine({ threads: threads ?? availableParallelism(), ...connection });
  const controller = new AbortController();
  const onSignal = () => controller.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const progress = createProgress(wantProgress(out));
  // --replicates-out: written while the shards complete, never held (cli/output.ts)
  const stream = out.replicatesOut ? new ReplicatesStream(out.replicatesOut) : undefined;
  let result: JobResult;
  try {
    result = await engine.run(job, { signal: controller.signal, onProgress: (pr) => progress.update(pr), ...(stream ? { onReplicates: stream } : {}) });
    await stream?.finish();
  } catch (err) {
    await stream?.discard();
    throw p === '--' ? withFlagNames(err) : err; // jobs from flags: errors name the flag typed
  } finally {
    progress.stop();
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
    await engine.close();
  }
  warnGpuFallback(spec, result);
  // totalMs is the whole command: performance.now() counts from process start, module loading included
  result = finalResult(result, meta, performance.now());
  result.provenance = { ...result.provenance, dataHash: result.provenance?.dataHash ?? datasetHash(data) };
  await writeJobLocals(out, job);
  const { replicatesOut: _written, ...rest } = out;
  await emitResult(result, dataPath, stream?.started ? rest : out);
  return result;
}

/** Submit to the coordinator, print the job id, and (unless --detach) follow it to its result. */
async function runOnCluster(job: Job, meta: ClientMeta, out: OutputFlags & { coordinator: string }, p: string): Promise<JobResult | undefined> {
  const { json: _j, progress: _p, replicatesOut: _r, report: _h, plot: _g, out: _o, locals: _l, detach, threads: _t, ...connection } = out;
  const engine = await openCluster({ ...connection, wait: connection.wait ?? CLIENT_WAIT_S });
  const controller = new AbortController();
  const onSignal = () => controller.abort();
  // installed before the submission: a signal during the upload still cancels the job it creates
  if (!detach) {
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
  }
  const progress = createProgress(!detach && wantProgress(out));
  try {
    // --replicates-out: the coordinator forwards the replicates as shards complete (StreamReplicates)
    // and this client writes them (ReplicatesStream); neither holds the vectors
    const streamed = out.replicatesOut && !detach && !job.screen && !job.pairwise ? new ReplicatesStream(out.replicatesOut) : undefined;
    const jobId = await engine.submitOnly(job, JSON.stringify(meta), { streamReplicates: streamed !== undefined });
    process.stderr.write(`infoshard: job ${jobId} submitted to ${connection.coordinator}\n`);
    if (detach) {
      process.stdout.write(out.json ? JSON.stringify({ jobId }) + '\n' : `${jobId}\n`);
      return undefined;
    }
    const pages = streamed ? engine.replicates(jobId, streamed, controller.signal) : undefined;
    pages?.catch(() => undefined);
    // the "waiting for workers" event (total 0) is a notice line, not a bar
    const followed = engine.attach(jobId, { signal: controller.signal, onProgress: (pr) => pr.total > 0 && progress.update(pr), cancelOnAbort: true });
    let result: JobResult;
    try {
      ({ result } = await followed.done);
      await pages;
      await streamed?.finish();
    } catch (err) {
      await streamed?.discard();
      throw err;
    }
    progress.stop();
    warnGpuFallback(job, result);
    const final = finalResult(result, meta, meta.loadMs + result.timings.totalMs);
    await writeJobLocals(out, job);
    const { replicatesOut: _written, ...rest } = out;
    await emitResult(final, meta.source, streamed?.started ? rest : out, jobId);
    return final;
  } catch (err) {
    throw p === '--' ? withFlagNames(err) : err;
  } finally {
    progress.stop();
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
    await engine.close();
  }
}

/**
 * `--backend gpu` that did not run on a GPU device (provenance.backend, shared/job/merge.ts):
 * gpu.js ran its kernels on the host CPU, or the replicates ran on the CPU path. Undefined when
 * the job did not ask for gpu, had no replicates, or a GPU ran them.
 */
export function gpuFallbackWarning(spec: JobSpec, result: JobResult): string | undefined {
  if (spec.backend !== 'gpu' || !Object.values(result.replicates).some((r) => (r ?? 0) > 0)) return undefined;
  switch (result.provenance.backend) {
    case 'gpu-host':
      return '--backend gpu: no GPU device here; gpu.js ran its kernels on the CPU (WebAssembly), with the same results and usually slower than --backend cpu';
    case 'cpu':
      return `--backend gpu: ran on the CPU (no gpu kernels for ${spec.estimator ?? 'this estimator'} ${spec.measure}, or no GPU device)`;
    case 'mixed':
      return '--backend gpu: some replicates ran on the CPU (no GPU device for every worker, or replicates without gpu kernels)';
    default:
      return undefined;
  }
}

/** stderr only: the result (and so the bytes compared across engines and backends) stays as computed. */
function warnGpuFallback(spec: JobSpec, result: JobResult): void {
  const note = gpuFallbackWarning(spec, result);
  if (note) process.stderr.write(`infoshard: warning: ${note}\n`);
}
