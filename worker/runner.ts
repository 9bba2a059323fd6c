/**
 * `ShardRunner` over the piscina pool (worker/pool.ts). A job is prepared once per worker
 * (prepareJob is deterministic, so every worker gets the same bytes as the coordinator) and
 * placed on SharedArrayBuffers once; each RunShards call then costs only small messages.
 */
import type { Dataset } from '../shared/data/matrix.js';
import type { JobSpec, TrainingProgress } from '../shared/job/spec.js';
import type { ShardRequest } from '../shared/job/shard.js';
import type { PreparedJob } from '../shared/job/prepare.js';
import { checkShardRanges, planWorkloads } from '../shared/job/plan.js';
import { InternalError } from '../shared/errors.js';
import { splitCap } from '../cluster/spec-json.js';
import { createPool, type ShardPool } from './pool.js';
import { backendProvenance } from '../shared/job/merge.js';
import type { ShardRunOutput, ShardRunner } from './server.js';

/** Prepared jobs kept per worker (least recently used dropped). */
const MAX_PREPARED = 8;

export class PoolRunner implements ShardRunner {
  readonly threads: number;
  private readonly prepared = new Map<string, { dataHash: string; spec: string; p: Promise<PreparedJob> }>();
  private active = 0;

  constructor(private readonly pool: ShardPool) {
    this.threads = pool.threads;
  }

  static create(threads: number): PoolRunner {
    return new PoolRunner(createPool({ threads }));
  }

  activeTasks(): number {
    return this.active;
  }

  utilization(): number {
    return this.pool.utilization;
  }

  /** The prepared job, cached per job id; prepared on a pool thread, so a big job never stalls heartbeats. */
  private prepare(jobId: string, spec: JobSpec, dataHash: string, data: Dataset): Promise<PreparedJob> {
    const specKey = JSON.stringify(spec);
    const hit = this.prepared.get(jobId);
    if (hit && hit.dataHash === dataHash && hit.spec === specKey) {
      this.prepared.delete(jobId);
      this.prepared.set(jobId, hit);
      return hit.p;
    }
    const { spec: jobSpec, maxReplicates } = splitCap(spec);
    const p = this.pool.prepare({ ...jobSpec, data }, maxReplicates);
    const entry = { dataHash, spec: specKey, p };
    this.prepared.set(jobId, entry);
    // a failed preparation is not kept: the next call tries again (and fails the same way, typed)
    p.catch(() => {
      if (this.prepared.get(jobId) === entry) this.prepared.delete(jobId);
    });
    while (this.prepared.size > MAX_PREPARED) this.prepared.delete(this.prepared.keys().next().value!);
    return p;
  }

  async run(
    job: { jobId: string; spec: JobSpec; dataHash: string; data: Dataset }, shards: ShardRequest[], signal: AbortSignal,
    onTraining?: (t: TrainingProgress) => void,
  ): Promise<ShardRunOutput> {
    const p = await this.prepare(job.jobId, job.spec, job.dataHash, job.data);
    checkShardRanges(planWorkloads(p), shards);
    // Concurrent calls of one job share the pool's copy: the pool reference-counts jobs.
    let left = shards.length;
    this.active += left;
    try {
      const partials = await this.pool.runShards(p, shards, {
        signal,
        ...(onTraining ? { onTraining } : {}),
        onShard: () => {
          left--;
          this.active--;
        },
      });
      const byId = new Map(partials.map((q) => [q.shardId, q.values]));
      const values = shards.map((s) => {
        const v = byId.get(s.shardId);
        if (!v) throw new InternalError(`pool returned no values for shard ${s.shardId}`);
        return v;
      });
      return { values, backend: backendProvenance(partials.map((q) => q.backend)) };
    } finally {
      this.active -= left;
    }
  }

  async close(): Promise<void> {
    await this.pool.close();
  }
}
