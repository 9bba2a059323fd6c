/** Every message that crosses between the pool and its task threads, typed in one place. */
import type { PreparedJob } from '../shared/job/prepare.js';
import type { ShardPartial, ShardRequest } from '../shared/job/shard.js';
import type { SerializedError } from '../shared/errors.js';
import type { Job } from '../shared/job/spec.js';
import type { MessagePort } from 'node:worker_threads';

/**
 * One shard to run. `job` is attached only when the thread has said it lacks the job: the
 * prepared job (its matrices on SharedArrayBuffers) crosses once per thread, after that only
 * {jobId, shard} does.
 */
export interface TaskMessage {
  jobId: string;
  shard: ShardRequest;
  job?: PreparedJob;
  /** Cancel flag of the RunShards call (one Int32 on a SharedArrayBuffer): non-zero stops the shard between replicates. */
  stop?: Int32Array;
  /**
   * Neural shards with a listener: the thread posts each critic's training progress here
   * (thinned to TRAINING_EVENT_MS per critic), then TRAINING_END, then closes the port.
   */
  progress?: MessagePort;
}

/** The last message on a task's progress port. */
export const TRAINING_END = 'end';

/**
 * Prepare a job on a pool thread (normalising, ranks, neighbour structures cost seconds on a
 * million rows; on the worker's event loop they would stall its heartbeats). The thread places
 * the result on SharedArrayBuffers, so it comes back without a copy.
 */
export interface PrepareMessage {
  prepare: { job: Job; maxReplicates?: number };
}

export type TaskReply =
  | { kind: 'ok'; partial: ShardPartial }
  | { kind: 'prepared'; job: PreparedJob }
  | { kind: 'need-job'; jobId: string }
  | ({ kind: 'error' } & SerializedError);
