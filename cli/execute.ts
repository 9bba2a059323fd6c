/**
 * The one path every command takes once it has a JobSpec and a data file:
 * load → check columns → attach surrogates → open the engine → run (progress, Ctrl-C) → print.
 */
import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import { loadDataset, type DataFormat } from '../shared/data/load.js';
import { resolveColumn, selectColumns } from '../shared/data/select.js';
import { datasetHash } from '../shared/data/hash.js';
import { OptionError } from '../shared/errors.js';
import { checkReportTargets, writeJobReport, writeManyReport } from '../report/index.js';
import type { ColumnRef, JobResult, JobSpec } from '../shared/job/spec.js';
import { openEngine, type EngineChoice } from './engine.js';
import { humanSummary, jsonView, writeReplicates } from './output.js';
import { createProgress, wantProgress } from './progress.js';
import { loadSurrogates } from './surrogates.js';
import { packageVersion } from './version.js';
import { withFlagNames } from './flag-names.js';
import { checkLocals, localValues } from '../shared/job/locals.js';
import { prepareJob } from '../shared/job/prepare.js';
import { writeFile } from 'node:fs/promises';
import { DataError } from '../shared/errors.js';

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
  /** `--locals FILE`: the local values as CSV (shared/job/locals.ts). */
  locals?: string;
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

export async function executeJob(input: ExecuteInput, out: OutputFlags): Promise<JobResult> {
  const { spec, dataPath, fieldPrefix: p } = input;
  if (out.replicatesOut && !/\.(csv|json)$/i.test(out.replicatesOut)) {
    throw new OptionError(`--replicates-out ${out.replicatesOut}: unknown extension (use .csv or .json)`, '--replicates-out');
  }
  if (out.replicatesOut && !spec.bootstrap && !spec.permutation) {
    throw new OptionError(`--replicates-out needs ${p}bootstrap or ${p}permutations`, '--replicates-out');
  }
  if (out.replicatesOut) {
    // --replicates-out needs the vectors: it keeps every workload off the summary path (job/summary.ts)
    if (spec.summaries === true) throw new OptionError(`--replicates-out writes every replicate; it cannot be combined with ${p}summaries`, '--replicates-out');
    spec.summaries = false;
  }
  checkReportTargets(out);
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

  const { json: _j, progress: _p, replicatesOut: _r, report: _h, plot: _g, out: _o, locals: _l, threads, ...connection } = out;
  const engine = await openEngine({ threads: threads ?? availableParallelism(), ...connection });
  const controller = new AbortController();
  const onSigint = () => controller.abort();
  process.once('SIGINT', onSigint);
  const progress = createProgress(wantProgress(out));
  let result: JobResult;
  try {
    result = await engine.run({ ...spec, data, ...(dataQ ? { dataQ } : {}) }, { signal: controller.signal, onProgress: (pr) => progress.update(pr) });
  } catch (err) {
    throw p === '--' ? withFlagNames(err) : err; // jobs from flags: errors name the flag typed
  } finally {
    progress.stop();
    process.removeListener('SIGINT', onSigint);
    await engine.close();
  }

  result = {
    ...result,
    warnings: [...notes, ...result.warnings],
    // totalMs is the whole command: performance.now() counts from process start, module loading included
    timings: { ...result.timings, loadMs, totalMs: performance.now() },
    provenance: { ...result.provenance, version: result.provenance?.version ?? packageVersion(), dataHash: result.provenance?.dataHash ?? datasetHash(data) },
  };
  if (out.replicatesOut) await writeReplicates(out.replicatesOut, result);
  // local values: the client prepares the job again (pure and deterministic: the same blocks
  // the engine or the cluster estimated on) and writes one value per estimator row
  if (out.locals) await writeLocals(out.locals, localValues(prepareJob({ ...spec, data, ...(dataQ ? { dataQ } : {}) }, out.maxReplicates !== undefined ? { maxReplicates: out.maxReplicates } : {})));
  if (result.screen || result.pairwise) {
    const { manyHuman, manyJson, writeManyCsv } = await import('./many.js');
    if (out.out) await writeManyCsv(out.out, result);
    await writeManyReport(out, result, { source: dataPath, version: result.provenance.version });
    process.stdout.write(out.json ? JSON.stringify(manyJson(result)) + '\n' : manyHuman(result, dataPath));
    return result;
  }
  await writeJobReport(out, result, { source: dataPath, version: result.provenance.version });
  process.stdout.write(out.json ? JSON.stringify(jsonView(result)) + '\n' : humanSummary(result, dataPath));
  return result;
}
