/**
 * The one job pipeline: prepare → point estimate → plan → run shards → merge. The embedded
 * engine and the cluster coordinator both drive a `JobRun`; what differs is only the
 * `ShardExecutor` that runs the shards (this thread, a piscina pool, the cluster's workers),
 * so limits, progress and results cannot drift apart between them.
 */
import { CancelledError, OptionError } from '../errors.js';
import type { ShardBackend } from './backend.js';
import { executeShard, pointEstimate } from './execute.js';
import { backendProvenance, finalizeResult, type FinalizeMeta } from './merge.js';
import { finalizeMany, pointEstimates } from './many.js';
import { finalizeTeStep, teStepEstimates } from './te-step.js';
import { finalizeSimulation } from './simulation.js';
import { planShards, planWorkloads, totalReplicates, type Workload } from './plan.js';
import { prepareJob, type PrepareOptions, type PreparedJob } from './prepare.js';
import type { ShardPartial, ShardRequest } from './shard.js';
import type { Job, JobResult, Progress, ReplicateSeries, ReplicateSink, TrainingProgress } from './spec.js';
import { throttleTraining } from './progress.js';
import { packSummary, summarize } from './summary.js';

export interface ShardRunOptions {
  signal: AbortSignal;
  onShard: (s: ShardPartial) => void;
  /** Neural shards: critics' training progress (thinned, see throttleTraining); absent: nobody listens. */
  onTraining?: (t: TrainingProgress) => void;
}

/**
 * Runs shards of a prepared job; `onShard` is called once per completed shard, with the very
 * object the executor returns in its list (a streamed shard's values are swapped for their
 * summary there, so the list never holds them; see `streamShard`).
 */
export interface ShardExecutor {
  run(p: PreparedJob, shards: ShardRequest[], opts: ShardRunOptions): Promise<ShardPartial[]>;
  /** Threads (embedded) or workers (cluster) the executor uses, for provenance. */
  readonly threads?: number;
}

/** A prepared job: everything between the spec and the result except running the shards. */
export interface JobRun {
  readonly prepared: PreparedJob;
  readonly workloads: readonly Workload[];
  /** Replicates over all workloads (progress total). */
  readonly total: number;
  /** θ̂ on the full data, computed once (timed for the result). */
  estimate(): number;
  /** θ̂ as `estimate()` computed it, to hand to another `JobRun` of the same job (another thread). */
  pointEstimate(): PointEstimate;
  /** Take θ̂ computed by another `JobRun` of the same job: `estimate()` then returns it without computing. */
  adoptEstimate(e: PointEstimate): void;
  /** Shards of at most `shardSize` replicates. @throws OptionError for a bad size */
  plan(jobId: string, shardSize: number): ShardRequest[];
  /** The result from θ̂ and the completed partials. */
  finish(partials: Iterable<ShardPartial>, meta: Omit<FinalizeMeta, 'estimateMs'>): JobResult;
}

/** θ̂ of a job (per item for many-variable jobs) and how long it took; plain data, so it crosses threads. */
export interface PointEstimate {
  theta: number;
  thetas?: Float64Array;
  estimateMs: number;
}

/** Validate and prepare `job` (a bad job is rejected here, before anything is queued). */
export function openJob(job: Job, opts: PrepareOptions = {}): JobRun {
  const prepared = prepareJob(job, opts);
  const workloads = planWorkloads(prepared);
  let theta: number | undefined;
  // many-variable jobs: θ̂ per item; `estimate()` is then their maximum (the max statistic)
  let thetas: Float64Array | undefined;
  let estimateMs = 0;
  const run: JobRun = {
    prepared,
    workloads,
    total: totalReplicates(workloads),
    estimate() {
      if (theta === undefined) {
        const t = performance.now();
        if (prepared.many || prepared.teStep) {
          thetas = prepared.many ? pointEstimates(prepared) : teStepEstimates(prepared);
          theta = thetas.reduce((m, v) => (v <= m ? m : Number.isNaN(v) ? Infinity : v), -Infinity);
        } else if (prepared.neural || prepared.simulation) {
          // simulation: every dataset's estimate is made inside the shards (simulation.ts)
          // neural: θ̂ is the critics' mean, known only when the `neural` shards are in (finish)
          theta = NaN;
        } else theta = pointEstimate(prepared);
        estimateMs = performance.now() - t;
      }
      return theta;
    },
    pointEstimate() {
      const t = run.estimate();
      return { theta: t, ...(thetas ? { thetas } : {}), estimateMs };
    },
    adoptEstimate(e) {
      if ((prepared.many || prepared.teStep) && !e.thetas) throw new OptionError('a many-variable job needs its per-item estimates', 'thetas');
      theta = e.theta;
      thetas = e.thetas;
      estimateMs = e.estimateMs;
    },
    plan(jobId, shardSize) {
      if (!(Number.isInteger(shardSize) && shardSize > 0)) throw new OptionError(`shardSize must be a positive integer; got ${shardSize}`, 'shardSize');
      return planShards(jobId, workloads, shardSize);
    },
    finish(partials, meta) {
      const theta = run.estimate();
      if (prepared.simulation) return finalizeSimulation(prepared, partials, { ...meta, estimateMs });
      if (prepared.teStep) return finalizeTeStep(prepared, thetas!, partials, { ...meta, estimateMs }, (q, t, ps, m) => finalizeResult(q, t, ps, m));
      if (prepared.many) return finalizeMany(prepared, thetas!, partials, { ...meta, estimateMs }, (q, t, ps, m) => finalizeResult(q, t, ps, m));
      return finalizeResult(prepared, theta, partials, { ...meta, estimateMs });
    },
  };
  return run;
}

/** Job-wide progress that never goes backwards: replicates done per workload and in total. */
export class ProgressTracker {
  private done = 0;
  private readonly by: Record<string, { done: number; total: number }> = {};

  constructor(private readonly jobId: string, private readonly run: JobRun, private readonly emit: (p: Progress) => void) {
    for (const w of run.workloads) this.by[w.kind] = { done: 0, total: w.replicates };
  }

  private send(phase: string): void {
    const byWorkload: Progress['byWorkload'] = {};
    for (const [k, v] of Object.entries(this.by)) byWorkload[k] = { ...v };
    this.emit({ jobId: this.jobId, phase, done: this.done, total: this.run.total, byWorkload });
  }

  start(): void {
    this.send('estimate');
  }

  /** A critic's training update, with the latest counts (phase 'neural'). */
  training(t: TrainingProgress): void {
    const byWorkload: Progress['byWorkload'] = {};
    for (const [k, v] of Object.entries(this.by)) byWorkload[k] = { ...v };
    this.emit({ jobId: this.jobId, phase: 'neural', done: this.done, total: this.run.total, byWorkload, training: t });
  }

  shard(s: { workload: string; r0: number; r1: number }): void {
    this.done += s.r1 - s.r0;
    this.by[s.workload]!.done += s.r1 - s.r0;
    this.send(s.workload);
  }

  finish(): void {
    this.done = this.run.total;
    for (const v of Object.values(this.by)) v.done = v.total;
    this.send('done');
  }
}

const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Shards on the calling thread, one at a time, yielding between shards so a cancel is seen. */
export function inlineExecutor(backend?: ShardBackend): ShardExecutor {
  return {
    threads: 1,
    async run(p, shards, { signal, onShard, onTraining }) {
      const out: ShardPartial[] = [];
      const listen = onTraining ? throttleTraining(onTraining) : undefined;
      for (const s of shards) {
        await yieldToLoop();
        if (signal.aborted) throw new CancelledError();
        const partial = executeShard(p, s, { ...(backend ? { backend } : {}), ...(listen ? { onTraining: listen } : {}) });
        out.push(partial);
        onShard(partial);
      }
      return out;
    },
  };
}

export interface RunJobOptions {
  jobId: string;
  signal: AbortSignal;
  onProgress?: (p: Progress) => void;
  shardSize: number;
  meta: Pick<FinalizeMeta, 'engine' | 'version'> & Partial<Pick<FinalizeMeta, 'threads' | 'workers'>>;
  /** Stream the bootstrap and permutation replicates (RunOptions.onReplicates). */
  onReplicates?: ReplicateSink;
}

const SERIES: Partial<Record<string, ReplicateSeries>> = { bootstrap: 'bootstrap', permutation: 'null' };

/**
 * The workloads whose replicates a run can stream: bootstrap and permutation of a single-statistic
 * job (a screen's or network step's null is a matrix, a neural job has no such series).
 */
export function streamableWorkloads(p: PreparedJob, workloads: readonly Workload[]): Workload[] {
  if (p.many || p.teStep || p.neural) return [];
  return workloads.filter((w) => SERIES[w.kind] !== undefined);
}

/**
 * A completed raw shard (ShardRequest.raw): its values go to the sink in the result's units (the
 * same conversion as merge.ts), and on a summarised workload the partial's values are replaced, in
 * place, by their packed summary against θ̂ — the executor's own list then holds the summary only,
 * so no replicate vector outlives its shard. The summary is the one the shard would have packed
 * itself (execute.ts: same θ̂, same function), so the result is the same bytes.
 */
function streamShard(p: PreparedJob, theta: number, s: ShardPartial, sink: ReplicateSink): void {
  const raw = s.values;
  sink.push(SERIES[s.workload]!, s.r0, p.units === 'bits' ? raw.map((v) => v / Math.LN2) : raw);
  if (p.summaries?.includes(s.workload)) s.values = packSummary(summarize(raw, s.r0, theta));
}

/** Training progress is informative only: a listener that throws must not fail the job (nor, on a pool's port, crash the process). */
function safely(f: () => void): void {
  try {
    f();
  } catch {
    // progress only
  }
}

/** Run an opened job to its result on `executor`. */
export async function runJob(run: JobRun, executor: ShardExecutor, o: RunJobOptions): Promise<JobResult> {
  const t0 = performance.now();
  const progress = new ProgressTracker(o.jobId, run, (p) => o.onProgress?.(p));
  progress.start();
  run.estimate();
  if (o.signal.aborted) throw new CancelledError();
  let shards = run.plan(o.jobId, o.shardSize);
  const streamed = new Set(o.onReplicates ? streamableWorkloads(run.prepared, run.workloads).map((w) => w.kind) : []);
  if (streamed.size > 0) {
    o.onReplicates!.begin(run.workloads.filter((w) => streamed.has(w.kind)).map((w) => ({ name: SERIES[w.kind]!, count: w.replicates })));
    shards = shards.map((s) => (streamed.has(s.workload) ? { ...s, raw: true as const } : s));
  }
  const theta = run.estimate();
  const onShard = (s: ShardPartial) => {
    if (streamed.has(s.workload)) streamShard(run.prepared, theta, s, o.onReplicates!);
    progress.shard(s);
  };
  const tr = performance.now();
  const neural = o.onProgress !== undefined && shards.some((s) => s.workload === 'neural');
  const partials = shards.length > 0
    ? await executor.run(run.prepared, shards, { signal: o.signal, onShard, ...(neural ? { onTraining: (t: TrainingProgress) => safely(() => progress.training(t)) } : {}) })
    : [];
  const resampleMs = performance.now() - tr;
  const result = run.finish(partials, {
    ...o.meta,
    ...(shards.length > 0 ? { resampleMs } : {}),
    totalMs: performance.now() - t0,
    backend: backendProvenance(partials.map((q) => q.backend)),
  });
  progress.finish();
  return result;
}
