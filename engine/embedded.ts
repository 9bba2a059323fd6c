/**
 * The embedded engine: coordinator and a local piscina pool in one process, no servers.
 * `createEngine` returns the same `Engine` interface as the cluster client, and for the same
 * seed the same bytes (docs/design.md, contract 1): the one pipeline (shared/job/pipeline.ts) runs
 * with the piscina pool as its executor, or on this thread when threads = 1.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { availableParallelism } from 'node:os';
import { randomUUID } from 'node:crypto';
import { OptionError } from '../shared/errors.js';
import { defaultShardSize } from '../shared/job/plan.js';
import type { PreparedJob } from '../shared/job/prepare.js';
import { inlineExecutor, openJob, runJob, type ShardExecutor } from '../shared/job/pipeline.js';
import { ProgressChannel } from '../shared/job/progress.js';
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

class EmbeddedEngine implements Engine {
  private pool: ShardPool | undefined;
  private closed = false;
  private readonly active = new Set<AbortController>();

  constructor(private readonly opts: ReturnType<typeof checkOptions>) {}

  /**
   * This thread for threads = 1, else the piscina pool (created on first use). Both load their
   * modules when the first shard runs, so a job without resampling never loads them (start-up).
   */
  private executor(p: PreparedJob): ShardExecutor {
    if (this.opts.threads === 1) {
      return {
        threads: 1,
        run: async (q, shards, o) => {
          if (shards.length === 0) return [];
          const backend = (await import('../worker/backend.js')).shardBackend(p.backend);
          return inlineExecutor(backend ?? undefined).run(q, shards, o);
        },
      };
    }
    return {
      threads: this.opts.threads,
      run: async (q, shards, o) => {
        if (shards.length === 0) return [];
        let pool = this.pool;
        if (!pool) {
          const { ShardPool } = await import('../worker/pool.js');
          pool = this.pool ??= new ShardPool({ threads: this.opts.threads });
        }
        return pool.runShards(q, shards, o);
      },
    };
  }

  private start(job: Job, opts: RunOptions = {}): { handle: JobHandle; done: Promise<JobResult> } {
    if (this.closed) throw new OptionError('the engine is closed', 'engine');
    // prepare synchronously: a bad job is rejected before anything is queued
    const run = openJob(job, { maxReplicates: this.opts.maxReplicates });
    const jobId = randomUUID();
    const ac = new AbortController();
    const onExternal = () => ac.abort();
    opts.signal?.addEventListener('abort', onExternal, { once: true });
    if (opts.signal?.aborted) ac.abort();
    this.active.add(ac);
    const channel = new ProgressChannel();
    const shardSize = this.opts.shardSize ?? defaultShardSize(run.workloads, this.opts.threads);
    const onProgress = (pr: Progress) => {
      channel.push(pr);
      opts.onProgress?.(pr);
    };
    const done = runJob(run, this.executor(run.prepared), {
      jobId,
      signal: ac.signal,
      onProgress,
      shardSize,
      meta: { engine: 'embedded', version: packageVersion(), threads: this.opts.threads },
      ...(opts.onReplicates ? { onReplicates: opts.onReplicates } : {}),
    }).finally(() => {
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
