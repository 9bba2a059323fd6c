/**
 * A minimal in-process Engine for single point estimates: select columns, normalize, jitter,
 * call `shared/estimators` directly. The CLI uses it only when the embedded engine
 * (`coordinator/embedded.ts`, `createEngine`) is not in the build; resampling workloads
 * (bootstrap, permutations, ensembles) need the embedded engine and are refused here.
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { CancelledError, OptionError } from '../../shared/errors.js';
import { columnsToMatrix, type Matrix } from '../../shared/data/matrix.js';
import { datasetHash } from '../../shared/data/hash.js';
import { selectColumns } from '../../shared/data/select.js';
import { checkEstimator, estimate } from '../../shared/estimators/index.js';
import { Domain, stream, type RandomStream } from '../../shared/rng/index.js';
import { DEFAULTS, type ColumnRef, type Engine, type Job, type JobHandle, type JobResult, type Progress, type RunOptions } from '../../shared/job/spec.js';
import { packageVersion } from './version.js';

/** Sample standard deviation (ddof = 1). */
function sampleSd(c: Float64Array): number {
  let mean = 0;
  for (let i = 0; i < c.length; i++) mean += c[i]!;
  mean /= c.length;
  let ss = 0;
  for (let i = 0; i < c.length; i++) ss += (c[i]! - mean) ** 2;
  return Math.sqrt(ss / (c.length - 1));
}

/**
 * One block (x, y or z) as a matrix: each column divided by its sample sd when `normalize`
 * (constant columns are left as they are, with a warning), then `jitter`·sd·U(−1, 1) noise.
 */
function block(job: Job, refs: readonly ColumnRef[], label: string, rng: RandomStream, warnings: string[]): Matrix {
  const sel = selectColumns(job.data, refs, label);
  const normalize = job.normalize ?? DEFAULTS.normalize;
  const jitter = job.jitter ?? DEFAULTS.jitter;
  const cols = sel.columns.map((src, j) => {
    const sd = sampleSd(src);
    const usable = Number.isFinite(sd) && sd > 0;
    if (!usable && (normalize || jitter > 0)) warnings.push(`column '${sel.names[j]}' is constant: not rescaled`);
    const scale = normalize && usable ? 1 / sd : 1;
    const amp = jitter * (usable ? sd * scale : 1);
    const c = new Float64Array(src.length);
    for (let i = 0; i < c.length; i++) c[i] = src[i]! * scale + (amp > 0 ? amp * (2 * rng.nextFloat64() - 1) : 0);
    return c;
  });
  return columnsToMatrix(cols);
}

function checkJob(job: Job): number {
  const k = job.k ?? DEFAULTS.k;
  if (!Number.isInteger(k) || k < 1) throw new OptionError(`k must be a positive integer, got ${k}`, 'k');
  const jitter = job.jitter ?? DEFAULTS.jitter;
  if (!(jitter >= 0) || !Number.isFinite(jitter)) throw new OptionError(`jitter must be a finite number >= 0, got ${jitter}`, 'jitter');
  for (const field of ['bootstrap', 'permutation', 'ensemble'] as const) {
    if (job[field] !== undefined) {
      throw new OptionError(`${field} needs the embedded engine (coordinator/embedded.ts), which is not in this build`, field);
    }
  }
  return k;
}

/** Runs one point estimate synchronously; the shape matches what the embedded engine returns. */
export function runLocal(job: Job, threads?: number): JobResult {
  const t0 = performance.now();
  const k = checkJob(job);
  const warnings: string[] = [];
  const seed = job.seed ?? DEFAULTS.seed;
  const rng = stream(seed, 0, Domain.jitter);
  const input = {
    x: block(job, job.x, '--x', rng, warnings),
    ...(job.y ? { y: block(job, job.y, '--y', rng, warnings) } : {}),
    ...(job.z ? { z: block(job, job.z, '--z', rng, warnings) } : {}),
  };
  const params = { k, millerMadow: job.millerMadow ?? false };
  warnings.push(...checkEstimator(job.measure, job.estimator, input, params));
  const t1 = performance.now();
  const nats = estimate(job.measure, job.estimator, input, params);
  const estimateMs = performance.now() - t1;
  const units = job.units ?? DEFAULTS.units;
  return {
    measure: job.measure,
    estimator: job.estimator,
    k: job.estimator === 'plugin' || job.estimator === 'gaussian' ? null : k,
    n: job.data.n,
    estimate: units === 'bits' ? nats / Math.LN2 : nats,
    units,
    normalize: job.normalize ?? DEFAULTS.normalize,
    seed,
    replicates: {},
    warnings,
    timings: { estimateMs, totalMs: performance.now() - t0 },
    provenance: { version: packageVersion(), dataHash: datasetHash(job.data), engine: 'embedded', threads: threads ?? 1, backend: 'cpu' },
  };
}

/** Engine over `runLocal`: one job at a time, no worker threads. */
export function createLocalEngine(opts: { threads?: number } = {}): Engine {
  const engine: Engine = {
    async submit(job: Job): Promise<JobHandle> {
      const id = randomUUID();
      const controller = new AbortController();
      const result = engine.run(job, { signal: controller.signal });
      result.catch(() => undefined); // observed through result()
      return {
        id,
        async *progress(): AsyncIterable<Progress> {
          await result.catch(() => undefined);
          yield { jobId: id, phase: 'estimate', done: 1, total: 1 };
        },
        result: () => result,
        async cancel() {
          controller.abort();
        },
      };
    },
    async run(job: Job, runOpts: RunOptions = {}): Promise<JobResult> {
      await Promise.resolve(); // let submit() return its handle (and a cancel) first
      if (runOpts.signal?.aborted) throw new CancelledError();
      const r = runLocal(job, opts.threads);
      runOpts.onProgress?.({ jobId: 'local', phase: 'estimate', done: 1, total: 1 });
      return r;
    },
    async close() {},
  };
  return engine;
}
