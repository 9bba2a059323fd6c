/**
 * Bounded memory for the coordinator's store (issue 13: +1 MB per job, a 200 MB upload kept for
 * good). `RetainingStore` wraps any `JobStore` and, after each job ends:
 *
 * - drops the job's shard values at once (its result holds everything they said);
 * - keeps at most `keepJobs` finished jobs, none older than `keepJobsMs` (record and result;
 *   `GetResult` then answers "unknown job");
 * - keeps at most `keepDatasetBytes` of datasets that no running job uses, least recently
 *   used dropped first; a dataset put or read in the last `datasetGraceMs` is never dropped
 *   (a client that saw HasDataset=true is about to submit on it).
 *
 * The same sweep runs every `sweepMs` (ages pass without jobs ending) and once at start over
 * what a durable store already holds. Deleting is the store's; deciding is here. Sweeps run one
 * at a time in the background and never hold up a job.
 */
import type { JobState, JobStore, StoredJob, StoredResult } from './store.js';
import { TERMINAL_STATES } from './store.js';
import { OptionError } from '../shared/errors.js';

export interface RetentionOptions {
  /** Finished jobs kept (newest by end time). @default 1000 */
  keepJobs?: number;
  /** Finished jobs older than this (since they ended) are dropped, ms. @default 7 days */
  keepJobsMs?: number;
  /** Bytes of datasets kept that no running job uses. @default 1 GiB */
  keepDatasetBytes?: number;
  /** A dataset used this recently is kept whatever the budget, ms. @default 60 s */
  datasetGraceMs?: number;
  /** Period of the background sweep, ms. @default 60 s */
  sweepMs?: number;
}

export const RETENTION_DEFAULTS: Required<RetentionOptions> = {
  keepJobs: 1000,
  keepJobsMs: 7 * 24 * 3600 * 1000,
  keepDatasetBytes: 1024 * 1024 * 1024,
  datasetGraceMs: 60_000,
  sweepMs: 60_000,
};

/** What the sweep did, for /metrics and tests. */
export interface RetentionCounters {
  shardsPruned: number;
  jobsDropped: number;
  datasetsDropped: number;
  sweepErrors: number;
}

interface DatasetEntry {
  bytes: number;
  lastUsed: number;
}

export class RetainingStore implements JobStore {
  private readonly o: Required<RetentionOptions>;
  /** Finished jobs by id: end time and dataset (insertion order ~ end order). */
  private readonly finished = new Map<string, { endedAt: number; dataHash: string }>();
  /** Running jobs' datasets (hash → running jobs using it). */
  private readonly inUse = new Map<string, number>();
  private readonly datasets = new Map<string, DatasetEntry>();
  private readonly running = new Map<string, string>();
  private queue: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  readonly counters: RetentionCounters = { shardsPruned: 0, jobsDropped: 0, datasetsDropped: 0, sweepErrors: 0 };
  /** Told of every dataset dropped (the coordinator's decoded-dataset cache forgets it too). */
  onDatasetDropped: (hash: string) => void = () => {};

  constructor(private readonly inner: JobStore, opts: RetentionOptions = {}) {
    this.o = { ...RETENTION_DEFAULTS, ...opts };
    for (const [k, v] of Object.entries(this.o)) {
      if (!(Number.isFinite(v) && v >= 0)) throw new OptionError(`retention ${k} must be a non-negative number; got ${v}`, k);
    }
  }

  /** Learn what the store already holds (a durable store after a restart), sweep once, then every `sweepMs`. */
  async start(): Promise<void> {
    for (const d of await this.inner.listDatasets()) this.datasets.set(d.hash, { bytes: d.bytes, lastUsed: 0 });
    for (const j of await this.inner.listJobs()) this.track(j);
    this.sweepSoon();
    this.timer = setInterval(() => this.sweepSoon(), Math.max(1000, this.o.sweepMs));
    this.timer.unref();
  }

  /** Resolves when every sweep asked for so far has run (tests). */
  settled(): Promise<void> {
    return this.queue;
  }

  private track(j: StoredJob): void {
    if (TERMINAL_STATES.includes(j.state)) {
      if (this.running.has(j.id)) this.release(j.id);
      this.finished.delete(j.id);
      this.finished.set(j.id, { endedAt: j.updatedAt, dataHash: j.dataHash });
    } else if (!this.running.has(j.id)) {
      this.running.set(j.id, j.dataHash);
      this.inUse.set(j.dataHash, (this.inUse.get(j.dataHash) ?? 0) + 1);
    }
  }

  private release(jobId: string): void {
    const hash = this.running.get(jobId)!;
    this.running.delete(jobId);
    const n = (this.inUse.get(hash) ?? 1) - 1;
    if (n > 0) this.inUse.set(hash, n);
    else this.inUse.delete(hash);
    const d = this.datasets.get(hash);
    if (d) d.lastUsed = Date.now();
  }

  private sweepSoon(prune?: string): void {
    this.queue = this.queue.then(async () => {
      try {
        if (prune) this.counters.shardsPruned += await this.inner.pruneShards(prune);
        await this.sweep();
      } catch {
        this.counters.sweepErrors++; // the next sweep tries again
      }
    });
  }

  private async sweep(): Promise<void> {
    const now = Date.now();
    // jobs: oldest first (Map order is end order; a restart's listing is by creation, close enough)
    const ids = [...this.finished.keys()];
    let excess = ids.length - this.o.keepJobs;
    for (const id of ids) {
      const f = this.finished.get(id)!;
      if (excess <= 0 && now - f.endedAt <= this.o.keepJobsMs) continue;
      await this.inner.deleteJob(id);
      this.finished.delete(id);
      this.counters.jobsDropped++;
      excess--;
    }
    // datasets: least recently used first, among those no running job uses
    let held = 0;
    const idle: [string, DatasetEntry][] = [];
    for (const [hash, d] of this.datasets) {
      if (this.inUse.has(hash)) continue;
      held += d.bytes;
      idle.push([hash, d]);
    }
    idle.sort((a, b) => a[1].lastUsed - b[1].lastUsed);
    for (const [hash, d] of idle) {
      if (held <= this.o.keepDatasetBytes) break;
      if (now - d.lastUsed < this.o.datasetGraceMs || this.inUse.has(hash)) continue;
      await this.inner.deleteDataset(hash);
      this.datasets.delete(hash);
      held -= d.bytes;
      this.counters.datasetsDropped++;
      this.onDatasetDropped(hash);
    }
  }

  /** Bytes of datasets and counts of jobs the store holds now, as far as retention knows. */
  stats(): { datasets: number; datasetBytes: number; finishedJobs: number; runningJobs: number } {
    let bytes = 0;
    for (const d of this.datasets.values()) bytes += d.bytes;
    return { datasets: this.datasets.size, datasetBytes: bytes, finishedJobs: this.finished.size, runningJobs: this.running.size };
  }

  close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    return this.inner.close();
  }

  // ------------------------------------------------------------ JobStore, passed through

  async putDataset(hash: string, bytes: Uint8Array): Promise<void> {
    await this.inner.putDataset(hash, bytes);
    this.datasets.set(hash, { bytes: bytes.length, lastUsed: Date.now() });
  }
  async getDataset(hash: string): Promise<Uint8Array | undefined> {
    const b = await this.inner.getDataset(hash);
    const d = this.datasets.get(hash);
    if (d) d.lastUsed = Date.now();
    else if (b) this.datasets.set(hash, { bytes: b.length, lastUsed: Date.now() });
    return b;
  }
  async createJob(job: StoredJob): Promise<void> {
    await this.inner.createJob(job);
    this.track(job);
  }
  getJob(id: string): Promise<StoredJob | undefined> {
    return this.inner.getJob(id);
  }
  async updateJob(id: string, patch: Partial<Omit<StoredJob, 'id'>>): Promise<StoredJob> {
    const j = await this.inner.updateJob(id, patch);
    const ended = TERMINAL_STATES.includes(j.state) && !this.finished.has(id);
    this.track(j);
    if (ended) this.sweepSoon(id);
    return j;
  }
  listJobs(states?: readonly JobState[]): Promise<StoredJob[]> {
    return this.inner.listJobs(states);
  }
  putShardResult(jobId: string, shardId: string, values: Float64Array): Promise<boolean> {
    return this.inner.putShardResult(jobId, shardId, values);
  }
  getShardResults(jobId: string): Promise<Map<string, Float64Array>> {
    return this.inner.getShardResults(jobId);
  }
  putResult(jobId: string, result: StoredResult): Promise<void> {
    return this.inner.putResult(jobId, result);
  }
  getResult(jobId: string): Promise<StoredResult | undefined> {
    return this.inner.getResult(jobId);
  }
  pruneShards(jobId: string): Promise<number> {
    return this.inner.pruneShards(jobId);
  }
  async deleteJob(jobId: string): Promise<void> {
    await this.inner.deleteJob(jobId);
    this.finished.delete(jobId);
    if (this.running.has(jobId)) this.release(jobId);
  }
  listDatasets(): Promise<{ hash: string; bytes: number }[]> {
    return this.inner.listDatasets();
  }
  async deleteDataset(hash: string): Promise<void> {
    await this.inner.deleteDataset(hash);
    this.datasets.delete(hash);
  }
}
