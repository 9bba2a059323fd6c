/**
 * The embedded engine: coordinator and a local piscina pool in one process, no servers.
 * `createEngine` returns the same `Engine` interface as the cluster client, and for the same
 * seed the same bytes (DESIGN.md, contract 1): the point estimate is computed once here, the
 * resampling workloads are cut into shards (shared/job/plan.ts), run on the pool (or inline on
 * this thread when threads = 1) and merged by replicate index (shared/job/merge.ts).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { availableParallelism } from 'node:os';
import { randomUUID } from 'node:crypto';
import { CancelledError, OptionError } from '../shared/errors.js';
import { executeShard, pointEstimate } from '../shared/job/execute.js';
import { backendProvenance, finalizeResult } from '../shared/job/merge.js';
import { defaultShardSize, planShards, planWorkloads, totalReplicates } from '../shared/job/plan.js';
import { prepareJob, type PreparedJob } from '../shared/job/prepare.js';
import { ProgressChannel } from '../shared/job/progress.js';
import type { ShardPartial } from '../shared/job/shard.js';
import { DEFAULTS, type Engine, type Job, type JobHandle, type JobResult, type Progress, type RunOptions } from '../shared/job/spec.js';
// the thread pool (piscina) and the batch backends load on first use: a single estimate needs neither
import type { ShardPool } from '../worker/pool.js';

export interface EngineOptions {
  /** Threads for resampling workloads; 1 runs shards inline on the calling thread. @default os.availableParallelism() */
  threads?: number;
  /** Replicates per shard. @default about four shards per thread, 8..256 (results never depend on it) */
  shardSize?: number;
  /** Cap on B, P and other replicate counts; larger requests are rejected up front. @default DEFAULTS.maxReplicates */
  maxReplicates?: number;
}

let cachedVersion: string | undefined;

/** The package version, read from the nearest package.json above this file (source or dist). */
export function packageVersion(): string {
  if (cachedVersion) return cachedVersion;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const f = join(dir, 'package.json');
    if (existsSync(f)) {
      const pkg = JSON.parse(readFileSync(f, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'infoshard' && pkg.version) return (cachedVersion = pkg.version);
    }
    dir = dirname(dir);
  }
  return (cachedVersion = '0.0.0');
}

function checkOptions(opts: EngineOptions): Required<Omit<EngineOptions, 'shardSize'>> & { shardSize?: number } {
  const threads = opts.threads ?? availableParallelism();
  if (!Number.isInteger(threads) || threads < 1) throw new OptionError(`threads must be a positive integer; got ${opts.threads}`, 'threads');
  if (opts.shardSize !== undefined && !(Number.isInteger(opts.shardSize) && opts.shardSize > 0)) {
    throw new OptionError(`shardSize must be a positive integer; got ${opts.shardSize}`, 'shardSize');
  }
  const maxReplicates = opts.maxReplicates ?? DEFAULTS.maxReplicates;
  if (!Number.isInteger(maxReplicates) || maxReplicates < 1) throw new OptionError(`maxReplicates must be a positive integer; got ${opts.maxReplicates}`, 'maxReplicates');
  return { threads, maxReplicates, ...(opts.shardSize !== undefined ? { shardSize: opts.shardSize } : {}) };
}

const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

class EmbeddedEngine implements Engine {
  private pool: ShardPool | undefined;
  private closed = false;
  private readonly active = new Set<AbortController>();

  constructor(private readonly opts: ReturnType<typeof checkOptions>) {}

  private async getPool(): Promise<ShardPool> {
    if (!this.pool) {
      const { ShardPool } = await import('../worker/pool.js');
      this.pool ??= new ShardPool({ threads: this.opts.threads });
    }
    return this.pool;
  }

  /** Shards on the calling thread, one at a time, yielding between shards so cancel is seen. */
  private async runInline(p: PreparedJob, shards: ReturnType<typeof planShards>, signal: AbortSignal, onShard: (s: ShardPartial) => void): Promise<ShardPartial[]> {
    const out: ShardPartial[] = [];
    const backend = (await import('../worker/backend.js')).shardBackend(p.backend);
    for (const s of shards) {
      await yieldToLoop();
      if (signal.aborted) throw new CancelledError();
      const partial = executeShard(p, s, backend ? { backend } : {});
      out.push(partial);
      onShard(partial);
    }
    return out;
  }

  private async execute(jobId: string, p: PreparedJob, t0: number, signal: AbortSignal, channel: ProgressChannel, onProgress?: (p: Progress) => void): Promise<JobResult> {
    const emit = (pr: Progress) => {
      channel.push(pr);
      onProgress?.(pr);
    };
    const workloads = planWorkloads(p);
    const total = totalReplicates(workloads);
    emit({ jobId, phase: 'estimate', done: 0, total });
    const te = performance.now();
    const theta = pointEstimate(p);
    const estimateMs = performance.now() - te;
    if (signal.aborted) throw new CancelledError();

    const shardSize = this.opts.shardSize ?? defaultShardSize(workloads, this.opts.threads);
    const shards = planShards(jobId, workloads, shardSize);
    let done = 0;
    const onShard = (s: ShardPartial) => {
      done += s.r1 - s.r0;
      emit({ jobId, phase: s.workload, done, total });
    };
    const tr = performance.now();
    let partials: ShardPartial[] = [];
    if (shards.length > 0) {
      partials = this.opts.threads === 1 ? await this.runInline(p, shards, signal, onShard) : await (await this.getPool()).runShards(p, shards, { onShard, signal });
    }
    const resampleMs = performance.now() - tr;
    const result = finalizeResult(p, theta, partials, {
      engine: 'embedded',
      version: packageVersion(),
      estimateMs,
      ...(shards.length > 0 ? { resampleMs } : {}),
      totalMs: performance.now() - t0,
      threads: this.opts.threads,
      backend: backendProvenance(partials.map((q) => q.backend)),
    });
    emit({ jobId, phase: 'done', done: total, total });
    return result;
  }

  private start(job: Job, opts: RunOptions = {}): { handle: JobHandle; done: Promise<JobResult> } {
    if (this.closed) throw new OptionError('the engine is closed', 'engine');
    const t0 = performance.now();
    // prepare synchronously: a bad job is rejected before anything is queued
    const prepared = prepareJob(job, { maxReplicates: this.opts.maxReplicates });
    const jobId = randomUUID();
    const ac = new AbortController();
    const onExternal = () => ac.abort();
    opts.signal?.addEventListener('abort', onExternal, { once: true });
    if (opts.signal?.aborted) ac.abort();
    this.active.add(ac);
    const channel = new ProgressChannel();
    const done = this.execute(jobId, prepared, t0, ac.signal, channel, opts.onProgress).finally(() => {
      channel.close();
      this.active.delete(ac);
      opts.signal?.removeEventListener('abort', onExternal);
    });
    done.catch(() => undefined); // observed through result(); avoid an unhandled rejection if nobody asks
    const handle: JobHandle = {
      id: jobId,
      progress: () => channel.iterate(),
      result: () => done,
      cancel: async () => {
        ac.abort();
        await done.then(
          () => undefined,
          () => undefined,
        );
      },
    };
    return { handle, done };
  }

  async submit(job: Job): Promise<JobHandle> {
    return this.start(job).handle;
  }

  async run(job: Job, opts: RunOptions = {}): Promise<JobResult> {
    return this.start(job, opts).done;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const ac of this.active) ac.abort();
    const pool = this.pool;
    this.pool = undefined;
    if (pool) await pool.close();
  }
}

/** An engine running jobs in this process on a local thread pool. Throws OptionError for bad options. */
export function createEngine(opts: EngineOptions = {}): Engine {
  return new EmbeddedEngine(checkOptions(opts));
}
