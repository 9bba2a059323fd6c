/**
 * The one path every command takes once it has a JobSpec and a data file:
 * load → check columns → attach surrogates → open the engine → run (progress, Ctrl-C) → print.
 */
import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import { loadDataset } from '../../shared/data/load.js';
import { selectColumns } from '../../shared/data/select.js';
import { datasetHash } from '../../shared/data/hash.js';
import { OptionError } from '../../shared/errors.js';
import type { JobResult, JobSpec } from '../../shared/job/spec.js';
import { openEngine, type EngineChoice } from './engine.js';
import { humanSummary, jsonView, writeReplicates } from './output.js';
import { createProgress, wantProgress } from './progress.js';
import { loadSurrogates } from './surrogates.js';
import { packageVersion } from './version.js';

/** The engine choice (engine.ts) plus what to print and where. */
export interface OutputFlags extends EngineChoice {
  json?: boolean;
  progress?: boolean;
  replicatesOut?: string;
  /** screen / pairwise: CSV of the items. */
  out?: string;
}

export interface ExecuteInput {
  spec: JobSpec;
  dataPath: string;
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
  if (out.replicatesOut && !spec.bootstrap && !spec.permutation) {
    throw new OptionError(`--replicates-out needs ${p}bootstrap or ${p}permutations`, '--replicates-out');
  }
  const t0 = performance.now();
  const data = await loadDataset(dataPath);
  const dataQ = input.dataQPath ? await loadDataset(input.dataQPath) : undefined;
  const loadMs = performance.now() - t0;
  selectColumns(data, spec.x, input.xLabel ?? `${p}x`);
  if (dataQ) selectColumns(dataQ, spec.x, `${p}x (in ${input.dataQPath})`);
  if (spec.y) selectColumns(data, spec.y, `${p}y`);
  if (spec.z) selectColumns(data, spec.z, `${p}z`);
  if (input.surrogatesPath && spec.permutation) {
    const surrogates = await loadSurrogates(input.surrogatesPath, data.n);
    if (spec.permutation.shuffles > 0 && spec.permutation.shuffles !== surrogates.length) {
      throw new OptionError(`${p}permutations ${spec.permutation.shuffles} does not match the ${surrogates.length} orderings in ${input.surrogatesPath}`, `${p}permutations`);
    }
    spec.permutation = { ...spec.permutation, shuffles: surrogates.length, surrogates };
  }

  const { json: _j, progress: _p, replicatesOut: _r, out: _o, threads, ...connection } = out;
  const engine = await openEngine({ threads: threads ?? availableParallelism(), ...connection });
  const controller = new AbortController();
  const onSigint = () => controller.abort();
  process.once('SIGINT', onSigint);
  const progress = createProgress(wantProgress(out));
  let result: JobResult;
  try {
    result = await engine.run({ ...spec, data, ...(dataQ ? { dataQ } : {}) }, { signal: controller.signal, onProgress: (pr) => progress.update(pr) });
  } finally {
    progress.stop();
    process.removeListener('SIGINT', onSigint);
    await engine.close();
  }

  result = {
    ...result,
    timings: { ...result.timings, loadMs },
    provenance: { ...result.provenance, version: result.provenance?.version ?? packageVersion(), dataHash: result.provenance?.dataHash ?? datasetHash(data) },
  };
  if (out.replicatesOut) await writeReplicates(out.replicatesOut, result);
  if (result.screen || result.pairwise) {
    const { manyHuman, manyJson, writeManyCsv } = await import('./many.js');
    if (out.out) await writeManyCsv(out.out, result);
    process.stdout.write(out.json ? JSON.stringify(manyJson(result)) + '\n' : manyHuman(result, dataPath));
    return result;
  }
  process.stdout.write(out.json ? JSON.stringify(jsonView(result)) + '\n' : humanSummary(result, dataPath));
  return result;
}
