/**
 * The scheduler's contracts: what is injected (job maths `JobCore`, transport `WorkerLink`),
 * its options, and the read-only views it gives the status page and ListWorkers.
 */
import type { Dataset } from '../../shared/data/matrix.js';
import type { JobResult, JobSpec, ReplicateSeries, TrainingProgress, Units } from '../../shared/job/spec.js';
import type { WorkloadKind } from '../../shared/job/shard.js';
import type { ShardPartial, ShardRequest } from '../../shared/job/shard.js';
import type { WorkerInfo } from '../../cluster/discovery.js';
import type { JobState } from '../store.js';

// ------------------------------------------------------------------ injected pieces

/** A job validated and prepared on the coordinator (opaque to the scheduler). */
export interface PreparedJob {
  /** Replicate shards of every workload, `shardSize` replicates each (ids are assigned here). */
  plan(shardSize: number): Omit<ShardRequest, 'jobId' | 'shardId'>[];
  /**
   * Why a worker's values for `req` are unacceptable (wrong length, or not a well-formed summary
   * on the summary path), or undefined when they are fine. Absent: the length must be (r1 − r0) × width.
   */
  checkShard?(req: ShardRequest, values: Float64Array): string | undefined;
  /** Merge all shard values into the final result (same function as the embedded engine). */
  finish(partials: ShardPartial[], info?: { backends: string[] }): Promise<JobResult>;
  /** Present when the job can stream its replicates (stream_replicates): see coordinator/replicate-feed.ts. */
  stream?: StreamPlan;
}

/** How a job's replicates stream: the series in file order, which workloads feed them, θ̂ for summarising. */
export interface StreamPlan {
  series: { name: ReplicateSeries; count: number }[];
  /** Workload → series (bootstrap → 'bootstrap', permutation → 'null'). */
  kinds: Partial<Record<WorkloadKind, ReplicateSeries>>;
  /** Streamed workloads on the summary path: the coordinator packs their summaries itself. */
  summarised: WorkloadKind[];
  units: Units;
  /** θ̂ in nats (the summary's threshold and centre). */
  theta(): Promise<number>;
}

export interface JobCore {
  /** Validate and prepare; throws typed errors naming the bad field. */
  prepare(spec: JobSpec, data: Dataset, dataHash: string): Promise<PreparedJob>;
}

/** Shard values by shard id, with what computed them when the worker said (provenance.backend). */
export type ShardValuesMap = Map<string, Float64Array> & { backend?: string };

export interface RunShardsCall {
  result: Promise<ShardValuesMap>;
  cancel(): void;
}

/** The scheduler's view of one worker's RPC surface. */
export interface WorkerLink {
  /** Make sure the worker holds the dataset (HasDataset, else PutDataset); cached per link. */
  ensureDataset(hash: string, bytes: () => Promise<Uint8Array>): Promise<void>;
  /** Forget that the worker holds `hash` (it answered NOT_FOUND: evicted). */
  forgetDataset(hash: string): void;
  runShards(
    req: { jobId: string; specJson: string; dataHash: string; shards: ShardRequest[] },
    deadlineMs: number,
  ): RunShardsCall;
  cancelJob(jobId: string): Promise<void>;
  /**
   * Follow the training progress of `jobId`'s neural critics on this worker (progress only);
   * returns the function that stops following. Optional: links without it show none.
   */
  watchTraining?(jobId: string, listener: (t: TrainingProgress) => void): () => void;
  close(): void;
}

export type LinkFactory = (w: WorkerInfo) => WorkerLink;

// ------------------------------------------------------------------ options

export interface SchedulerOptions {
  /** Replicates per shard. @default 50 */
  shardSize?: number;
  /** Soft deadline per shard in a batch, ms. @default 60000 */
  shardDeadlineMs?: number;
  /** Most shards in one RunShards call. @default 256 */
  maxBatch?: number;
  /** The call itself is cancelled at this multiple of its soft deadline. @default 4 */
  hardDeadlineFactor?: number;
  /** Most unfinished jobs accepted at once (bounded queue). @default 1000 */
  maxActiveJobs?: number;
  /** A shard that failed this many times fails its job. @default 5 */
  maxAttempts?: number;
  /**
   * Wall time one RunShards call should take once a job's cost per shard is known, ms: short
   * enough that slots free up often (a job submitted behind a long one waits about this long
   * for its first slot), long enough that the per-call overhead stays small. @default 1000
   */
  batchTargetMs?: number;
}

export const SCHEDULER_DEFAULTS: Required<SchedulerOptions> = {
  shardSize: 50,
  shardDeadlineMs: 60_000,
  maxBatch: 256,
  hardDeadlineFactor: 4,
  maxActiveJobs: 1000,
  maxAttempts: 5,
  batchTargetMs: 1000,
};

// ------------------------------------------------------------------ views

export interface SchedulerCounters {
  shardsDispatched: number;
  shardsCompleted: number;
  duplicatesIgnored: number;
  requeued: number;
  deadlineMisses: number;
  workersLost: number;
  batches: number;
}

export interface WorkerView extends WorkerInfo {
  outstanding: number;
  inflightShards: number;
  slow: boolean;
  shardsDone: number;
}

export interface JobView {
  id: string;
  state: JobState;
  shardsDone: number;
  totalShards: number;
  error?: { code: string; message: string };
  measure: string;
  estimator?: string;
  /** Epoch ms: submitted, and last state change (the end, once finished). */
  createdAt: number;
  updatedAt: number;
  /** Shards of this job queued again after a loss, deadline miss or transport error. */
  requeued: number;
  /** Share weight among running jobs (docs/cluster.md, "Fair sharing"). */
  priority: number;
  /** Running, shards left, and no live worker to run them. */
  waitingForWorkers: boolean;
}

/** A batch answered by a worker: how long it took and how many shards it carried. */
export type BatchListener = (b: { workerId: string; shards: number; ms: number }) => void;

/** A worker loss and how long until its shards were running elsewhere. */
export interface RecoveryRecord {
  workerId: string;
  reason: string;
  requeued: number;
  lostAt: number;
  /** ms from loss to the last of its shards being dispatched again (undefined while waiting). */
  redispatchedAfterMs?: number;
}
