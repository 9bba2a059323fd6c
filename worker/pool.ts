/**
 * The shard pool: a thin wrapper over piscina. Options are checked once here; threads run
 * `worker/task.ts`. A job's data is placed on SharedArrayBuffers once per job and sent to a
 * thread only when that thread asks for it (reply 'need-job'); every other task carries only
 * {jobId, shard}. Cancelling (AbortSignal) drops queued shards and terminates threads running
 * one of them (piscina's behaviour for aborted in-flight tasks), so no CPU keeps burning.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import { CancelledError, InfoshardError, InternalError, OptionError, errorFromCode } from '../shared/errors.js';
import type { PreparedJob } from '../shared/job/prepare.js';
import type { ShardPartial, ShardRequest } from '../shared/job/shard.js';
import type { TaskMessage, TaskReply } from './messages.js';
import { sharePreparedJob } from './shared-job.js';

export interface PoolOptions {
  /** Worker threads. @default os.availableParallelism() */
  threads?: number;
}

export interface RunShardsOptions {
  /** Called after each completed shard (in completion order). */
  onShard?: (partial: ShardPartial) => void;
  signal?: AbortSignal;
}

/** The compiled task module beside this file (dist/worker/task.js), or task.ts under tsx. */
function taskFile(): { filename: string; execArgv: string[] } {
  const js = fileURLToPath(new URL('./task.js', import.meta.url));
  if (existsSync(js)) return { filename: js, execArgv: [] };
  const ts = fileURLToPath(new URL('./task.ts', import.meta.url));
  if (existsSync(ts)) return { filename: ts, execArgv: ['--import', 'tsx'] };
  throw new InternalError(`pool task module not found next to ${fileURLToPath(import.meta.url)} (build with tsc first)`);
}

function isAbort(err: unknown): boolean {
  return err instanceof Error && (err.name === 'AbortError' || (err as { code?: string }).code === 'ABORT_ERR');
}

export class ShardPool {
  readonly threads: number;
  private readonly piscina: Piscina;
  /** Shared copies of prepared jobs, by job id, while the job runs. */
  private readonly shared = new Map<string, PreparedJob>();

  constructor(opts: PoolOptions = {}) {
    const threads = opts.threads ?? availableParallelism();
    if (!Number.isInteger(threads) || threads < 1) throw new OptionError(`threads must be a positive integer; got ${threads}`, 'threads');
    this.threads = threads;
    const { filename, execArgv } = taskFile();
    this.piscina = new Piscina({ filename, minThreads: threads, maxThreads: threads, idleTimeout: 60_000, execArgv });
  }

  private async runOne(jobId: string, shard: ShardRequest, signal: AbortSignal | undefined): Promise<ShardPartial> {
    const opts = signal ? { signal } : {};
    let msg: TaskMessage = { jobId, shard };
    for (let attempt = 0; attempt < 8; attempt++) {
      const reply = (await this.piscina.run(msg, opts)) as TaskReply;
      if (reply.kind === 'ok') return reply.partial;
      if (reply.kind === 'error') throw errorFromCode(reply.code, reply.message);
      const job = this.shared.get(jobId);
      if (!job) throw new InternalError(`job ${jobId} is not registered with the pool`);
      msg = { jobId, shard, job };
    }
    throw new InternalError(`shard ${shard.shardId}: the job never reached a thread`);
  }

  /** Run `shards` of `prepared` on the pool; resolves with every partial (completion order). */
  async runShards(prepared: PreparedJob, shards: readonly ShardRequest[], opts: RunShardsOptions = {}): Promise<ShardPartial[]> {
    const jobId = shards[0]?.jobId;
    if (jobId === undefined) return [];
    if (opts.signal?.aborted) throw new CancelledError();
    this.shared.set(jobId, sharePreparedJob(prepared));
    const inner = new AbortController();
    const onAbort = () => inner.abort();
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      return await Promise.all(
        shards.map(async (s) => {
          const partial = await this.runOne(jobId, s, inner.signal);
          opts.onShard?.(partial);
          return partial;
        }),
      );
    } catch (err) {
      inner.abort(); // a failed shard stops the rest of the job
      if (opts.signal?.aborted || isAbort(err)) throw new CancelledError();
      if (err instanceof InfoshardError) throw err;
      throw new InternalError(`shard failed: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    } finally {
      opts.signal?.removeEventListener('abort', onAbort);
      this.shared.delete(jobId);
    }
  }

  async close(): Promise<void> {
    await this.piscina.destroy();
  }
}

export function createPool(opts: PoolOptions = {}): ShardPool {
  return new ShardPool(opts);
}
