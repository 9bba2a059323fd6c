/**
 * One job's shards while it runs: which are done, which are waiting (fresh, or queued again
 * after a failure, a deadline or a lost worker), and how many replicates of each workload are
 * finished. Pure bookkeeping: no transport, no timers, no store.
 */
import type { ShardPartial, ShardRequest, WorkloadKind } from '../../shared/job/shard.js';
import { InternalError, type SerializedError } from '../../shared/errors.js';
import type { JobState, StoredJob } from '../store.js';
import type { PreparedJob } from './types.js';

export interface ShardState {
  req: ShardRequest;
  done: boolean;
  /** Attempts in flight. */
  running: number;
  attempts: number;
  /** Workers that failed or timed out on it. */
  avoid: Set<string>;
  /** In the retry queue (not to be queued twice). */
  queued: boolean;
}

export interface JobRun {
  stored: StoredJob;
  specJson: string;
  /** Replaced by `ENDED_JOB` when the job ends, so a finished job holds no data (bounded memory). */
  prepared: PreparedJob;
  /** Emptied when the job ends (late answers then find nothing and count as duplicates). */
  shards: Map<string, ShardState>;
  /** Fresh shards (never tried), a queue with a moving head. */
  fresh: string[];
  freshHead: number;
  /** Shards to try again (failed/timed out elsewhere), served first. */
  retry: string[];
  doneCount: number;
  doneReplicates: Map<WorkloadKind, number>;
  totalReplicates: Map<WorkloadKind, number>;
  workersUsed: Set<string>;
  /** Backend names the workers reported for accepted shards (provenance.backend). */
  backends: Set<string>;
  lastProgress: number;
  finishing: boolean;
  /** Shards of this job queued again (worker lost, deadline, transport error), for /status. */
  requeued: number;
  /** Shards of this job in flight on workers now (attempts not yet answered, failed or timed out). */
  inflight: number;
  /** Share weight among running jobs (the submission's priority, default 1). */
  weight: number;
  /** Moving average of a batch's wall time per shard, ms (undefined until a batch answered). */
  msPerShard?: number;
}

/** A run of `stored` with its shards planned; shards in `finished` (a resumed job) count as done. */
export function createRun(stored: StoredJob, prepared: PreparedJob, finished: Map<string, Float64Array>, shardSize: number): JobRun {
  const run: JobRun = {
    // a streamed job's workers take the vector path (raw replicates; the coordinator summarises them)
    stored, specJson: JSON.stringify(stored.streamReplicates ? { ...stored.spec, summaries: false } : stored.spec), prepared, shards: new Map(), fresh: [], freshHead: 0, retry: [],
    doneCount: 0, doneReplicates: new Map(), totalReplicates: new Map(), workersUsed: new Set(), backends: new Set(), lastProgress: 0, finishing: false,
    requeued: 0, inflight: 0, weight: stored.priority ?? 1,
  };
  for (const s of prepared.plan(shardSize)) {
    const shardId = `${s.workload}:${s.r0}-${s.r1}`;
    const done = finished.has(shardId);
    run.shards.set(shardId, { req: { ...s, jobId: stored.id, shardId }, done, running: 0, attempts: 0, avoid: new Set(), queued: !done });
    run.totalReplicates.set(s.workload, (run.totalReplicates.get(s.workload) ?? 0) + (s.r1 - s.r0));
    if (done) {
      run.doneCount++;
      run.doneReplicates.set(s.workload, (run.doneReplicates.get(s.workload) ?? 0) + (s.r1 - s.r0));
    } else run.fresh.push(shardId);
  }
  stored.totalShards = run.shards.size;
  return run;
}

export function isLive(run: JobRun): boolean {
  return run.stored.state === 'running';
}

export function hasPending(run: JobRun): boolean {
  return run.retry.length > 0 || run.freshHead < run.fresh.length;
}

export function pendingCount(run: JobRun): number {
  return run.retry.length + run.fresh.length - run.freshHead;
}

/** Queue a shard again (avoiding `avoid` next time). Returns false when there was nothing to queue. */
export function requeueShard(run: JobRun, shardId: string, avoid?: string): boolean {
  const s = run.shards.get(shardId)!;
  if (avoid) s.avoid.add(avoid);
  if (s.done || s.queued || !isLive(run)) return false;
  s.queued = true;
  run.retry.push(shardId);
  return true;
}

/**
 * Up to `size` shards to send next: retries first, then fresh ones. A retry for which
 * `leaveForOthers(shard)` says another worker should take it stays queued.
 */
export function takeShards(run: JobRun, size: number, leaveForOthers: (s: ShardState) => boolean): string[] {
  const ids: string[] = [];
  const keep: string[] = [];
  while (run.retry.length > 0 && ids.length < size) {
    const id = run.retry.shift()!;
    const s = run.shards.get(id)!;
    if (s.done) {
      s.queued = false;
      continue;
    }
    if (leaveForOthers(s)) keep.push(id);
    else ids.push(id);
  }
  run.retry.unshift(...keep);
  while (run.freshHead < run.fresh.length && ids.length < size) {
    const id = run.fresh[run.freshHead++]!;
    if (!run.shards.get(id)!.done) ids.push(id);
  }
  if (run.freshHead > 4096 && run.freshHead * 2 > run.fresh.length) {
    run.fresh.splice(0, run.freshHead);
    run.freshHead = 0;
  }
  return ids;
}

/** Mark shards as sent in one more attempt. */
export function markDispatched(run: JobRun, ids: string[], workerId: string): void {
  for (const id of ids) {
    const s = run.shards.get(id)!;
    s.queued = false;
    s.running++;
    s.attempts++;
  }
  run.inflight += ids.length;
  run.workersUsed.add(workerId);
}

/** One attempt of shard `s` stopped (answered, failed, timed out or dropped). */
export function attemptEnded(run: JobRun, s: ShardState): void {
  s.running--;
  run.inflight--;
}

/** A batch of `shards` shards took `ms`: update the job's cost estimate (batch sizes follow it). */
export function observeBatch(run: JobRun, shards: number, ms: number): void {
  const per = ms / Math.max(1, shards);
  run.msPerShard = run.msPerShard === undefined ? per : 0.7 * run.msPerShard + 0.3 * per;
}

/**
 * Record a shard's values as accepted (the store already kept them). Returns whether this was
 * the job's last shard.
 */
export function markDone(run: JobRun, s: ShardState, backend?: string): boolean {
  s.done = true;
  if (backend) run.backends.add(backend);
  run.doneCount++;
  run.doneReplicates.set(s.req.workload, (run.doneReplicates.get(s.req.workload) ?? 0) + (s.req.r1 - s.req.r0));
  return run.doneCount === run.shards.size;
}

/** Every shard's values, in plan order, from the store's map (all must be there). */
export function partialsOf(run: JobRun, values: Map<string, Float64Array>): ShardPartial[] {
  const partials: ShardPartial[] = [];
  for (const s of run.shards.values()) {
    const v = values.get(s.req.shardId);
    if (!v) throw new InternalError(`shard ${s.req.shardId} of job ${run.stored.id} finished but its values are missing`);
    partials.push({ ...s.req, values: v });
  }
  return partials;
}

/** The job ends (nothing more will be dispatched for it). */
export function closeRun(run: JobRun, state: JobState, error?: SerializedError): void {
  run.stored.state = state;
  run.stored.updatedAt = Date.now();
  if (error) run.stored.error = error;
}

/** What an ended job holds instead of its prepared job (the closures held the dataset). */
const ENDED_JOB: PreparedJob = {
  plan() {
    throw new InternalError('the job has ended');
  },
  finish() {
    return Promise.reject(new InternalError('the job has ended'));
  },
};

/** Free an ended job's per-shard state and data, once its batches are settled (late answers then count as duplicates). */
export function freeShards(run: JobRun): void {
  run.prepared = ENDED_JOB;
  run.shards = new Map();
  run.fresh = [];
  run.retry = [];
}
