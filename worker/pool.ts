/**
 * The shard pool: a thin wrapper over piscina. Options are checked once here; threads run
 * `worker/task.ts`. A job's data is placed on SharedArrayBuffers once per job and sent to a
 * thread only when that thread asks for it (reply 'need-job'); every other task carries only
 * {jobId, shard}. Cancelling (AbortSignal) dispatches no further shard and stops the running
 * ones between two replicates (a shared flag each thread reads; see `runShards`).
 * Jobs are reference-counted: overlapping `runShards` calls for the same job id share one
 * SharedArrayBuffer copy, and the pool forgets the job only when the last of them ends.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import { CancelledError, InfoshardError, InternalError, OptionError, deserializeError } from '../shared/errors.js';
import type { PreparedJob } from '../shared/job/prepare.js';
import type { ShardPartial, ShardRequest } from '../shared/job/shard.js';
import { TRAINING_END, type PrepareMessage, type TaskMessage, type TaskReply } from './messages.js';
import type { Job, TrainingProgress } from '../shared/job/spec.js';
import { MessageChannel } from 'node:worker_threads';
import { sharePreparedJob } from './shared-job.js';

export interface PoolOptions {
  /** Worker threads. @default os.availableParallelism() */
  threads?: number;
}

export interface RunShardsOptions {
  /** Called after each completed shard (in completion order). */
  onShard?: (partial: ShardPartial) => void;
  signal?: AbortSignal;
  /** Neural shards: critics' training progress from the threads (at most ~4/s per critic). */
  onTraining?: (t: TrainingProgress) => void;
}

/** The compiled task module beside this file (dist/worker/task.js), or task.ts under tsx. */
function taskFile(): { filename: string; execArgv: string[] } {
  const js = fileURLToPath(new URL('./task.js', import.meta.url));
  if (existsSync(js)) return { filename: js, execArgv: [] };
  const ts = fileURLToPath(new URL('./task.ts', import.meta.url));
  if (existsSync(ts)) return { filename: ts, execArgv: ['--import', 'tsx'] };
  throw new InternalError(`pool task module not found next to ${fileURLToPath(import.meta.url)} (build with tsc first)`);
}

export class ShardPool {
  readonly threads: number;
  private readonly piscina: Piscina;
  /** Shared copies of prepared jobs, by job id, with the number of runShards calls using each. */
  private readonly shared = new Map<string, { job: PreparedJob; refs: number }>();

  constructor(opts: PoolOptions = {}) {
    const threads = opts.threads ?? availableParallelism();
    if (!Number.isInteger(threads) || threads < 1) throw new OptionError(`threads must be a positive integer; got ${threads}`, 'threads');
    this.threads = threads;
    const { filename, execArgv } = taskFile();
    this.piscina = new Piscina({ filename, minThreads: threads, maxThreads: threads, idleTimeout: 60_000, execArgv });
  }

  /** piscina's share of time its threads spent running tasks since start, in [0, 1] (/metrics). */
  get utilization(): number {
    return this.piscina.utilization;
  }

  /** Prepare `job` on a pool thread (never on the caller's event loop); its arrays come back shared. */
  async prepare(job: Job, maxReplicates?: number): Promise<PreparedJob> {
    const reply = (await this.piscina.run({ prepare: { job, ...(maxReplicates !== undefined ? { maxReplicates } : {}) } } satisfies PrepareMessage)) as TaskReply;
    if (reply.kind === 'prepared') return reply.job;
    if (reply.kind === 'error') throw deserializeError(reply);
    throw new InternalError(`prepare: unexpected reply ${reply.kind}`);
  }

  /**
   * Run one task; with `onTraining`, a fresh MessageChannel carries the thread's training
   * events (its port is transferred with the task; ours closes on TRAINING_END or when the
   * thread's end closes, so a late event still arrives after the reply).
   */
  private async runTask(msg: TaskMessage, onTraining?: (t: TrainingProgress) => void): Promise<TaskReply> {
    if (!onTraining) return (await this.piscina.run(msg)) as TaskReply;
    const { port1, port2 } = new MessageChannel();
    // resolves at TRAINING_END (the thread's last message) or when the thread's side closes
    const drained = new Promise<void>((resolve) => {
      port1.on('message', (m: TrainingProgress | typeof TRAINING_END) => {
        if (m !== TRAINING_END) return onTraining(m);
        port1.close();
        resolve();
      });
      port1.on('close', resolve);
    });
    try {
      const reply = (await this.piscina.run({ ...msg, progress: port2 }, { transferList: [port2] as never })) as TaskReply;
      // every training event of the shard reaches the listener before the shard counts as done
      await drained;
      return reply;
    } finally {
      port1.close();
    }
  }

  private async runOne(jobId: string, shard: ShardRequest, stop: Int32Array, onTraining?: (t: TrainingProgress) => void): Promise<ShardPartial> {
    let msg: TaskMessage = { jobId, shard, stop };
    const listen = shard.workload === 'neural' ? onTraining : undefined;
    for (let attempt = 0; attempt < 8; attempt++) {
      const reply = await this.runTask(msg, listen);
      if (reply.kind === 'ok') return reply.partial;
      if (reply.kind === 'error') throw deserializeError(reply);
      if (reply.kind !== 'need-job') throw new InternalError(`shard ${shard.shardId}: unexpected reply ${reply.kind}`);
      const job = this.shared.get(jobId)?.job;
      if (!job) throw new InternalError(`job ${jobId} is not registered with the pool`);
      msg = { jobId, shard, job, stop };
    }
    throw new InternalError(`shard ${shard.shardId}: the job never reached a thread`);
  }

  /**
   * Run `shards` of `prepared` on the pool; resolves with every partial (completion order).
   * At most 2 × threads shards are in flight; on abort no further shard is dispatched, the
   * running ones stop after their current replicate, and the call rejects with CancelledError.
   * Threads are not killed (piscina 5.3 can surface an "Unexpected message from Worker" error
   * when a running task is aborted): the call's stop flag, one Int32 on a SharedArrayBuffer
   * that every task of the call reads between replicates, makes cancellation cooperative at
   * replicate granularity.
   */
  async runShards(prepared: PreparedJob, shards: readonly ShardRequest[], opts: RunShardsOptions = {}): Promise<ShardPartial[]> {
    const jobId = shards[0]?.jobId;
    if (jobId === undefined) return [];
    if (opts.signal?.aborted) throw new CancelledError();
    this.acquire(jobId, prepared);
    const stopFlag = new Int32Array(new SharedArrayBuffer(4));
    const onAbort = () => Atomics.store(stopFlag, 0, 1);
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    const out: ShardPartial[] = [];
    let next = 0;
    let failure: unknown;
    const stop = () => failure !== undefined || opts.signal?.aborted === true;
    const lane = async () => {
      while (!stop() && next < shards.length) {
        const s = shards[next++]!;
        try {
          const partial = await this.runOne(jobId, s, stopFlag, opts.onTraining);
          out.push(partial);
          if (!stop()) opts.onShard?.(partial);
        } catch (err) {
          failure ??= err;
          Atomics.store(stopFlag, 0, 1); // the call fails anyway: free the other threads
        }
      }
    };
    try {
      await Promise.all(Array.from({ length: Math.min(shards.length, 2 * this.threads) }, lane));
    } finally {
      opts.signal?.removeEventListener('abort', onAbort);
      this.release(jobId);
    }
    if (opts.signal?.aborted) throw new CancelledError();
    if (failure !== undefined) {
      if (failure instanceof InfoshardError) throw failure;
      throw new InternalError(`shard failed: ${failure instanceof Error ? failure.message : String(failure)}`, { cause: failure });
    }
    return out;
  }

  /** Jobs the pool currently holds (ids with at least one running call); for tests and status. */
  heldJobs(): string[] {
    return [...this.shared.keys()];
  }

  /** One more call uses `jobId`: share its data on the first, reuse the shared copy after. */
  private acquire(jobId: string, prepared: PreparedJob): void {
    const e = this.shared.get(jobId);
    if (e) e.refs++;
    else this.shared.set(jobId, { job: sharePreparedJob(prepared), refs: 1 });
  }

  /** A call of `jobId` ended; the last one out drops the shared copy. */
  private release(jobId: string): void {
    const e = this.shared.get(jobId);
    if (e && --e.refs <= 0) this.shared.delete(jobId);
  }

  async close(): Promise<void> {
    await this.piscina.destroy();
  }
}

export function createPool(opts: PoolOptions = {}): ShardPool {
  return new ShardPool(opts);
}
