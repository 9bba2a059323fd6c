/**
 * Where the coordinator keeps jobs: their spec, state, finished shards and final result.
 * In-memory by default; part B's JetStream implementation (coordinator/nats/) makes the same
 * interface durable so a restarted coordinator resumes unfinished jobs without redoing
 * finished shards (docs/design.md, contract 4).
 */
import type { JobSpec } from '../shared/job/spec.js';
import { NotFoundError, type SerializedError } from '../shared/errors.js';

/** A job is 'running' from submission (it is planned and dispatched at once) until it ends. */
export type JobState = 'running' | 'done' | 'failed' | 'cancelled';

/** Terminal states: nothing more will happen to the job. */
export const TERMINAL_STATES: readonly JobState[] = ['done', 'failed', 'cancelled'];

/** A job as stored (JSON-serialisable: no typed arrays, no data). */
export interface StoredJob {
  id: string;
  /** The job spec without data (what crossed the wire as JSON). */
  spec: JobSpec;
  /** Content address of the dataset (see `shared/data/hash.ts`); its bytes are in `getDataset`. */
  dataHash: string;
  state: JobState;
  /** Epoch ms. */
  createdAt: number;
  updatedAt: number;
  /** Total replicate shards planned (0 until planned). */
  totalShards: number;
  /** Set when state is 'failed' (or 'cancelled'): a typed error's code and message. */
  error?: SerializedError;
  /** Share of the workers relative to other running jobs (1..MAX_PRIORITY; absent = 1). */
  priority?: number;
  /**
   * What the submitting client prints with the result (opaque JSON from SubmitJobRequest.client_json:
   * source file, loader notes, load time), so `infoshard result` reprints the run's bytes.
   */
  client?: string;
  /** Submitted with stream_replicates: workers return raw replicates, which the coordinator summarises and forwards. */
  streamReplicates?: true;
}

/** Largest job priority (share weight) a submission may ask for. */
export const MAX_PRIORITY = 100;

/**
 * A finished job's result in wire form: the JobResult as JSON with its Float64Array fields
 * (bootstrapDistribution, nullDistribution) encoded by `encodeResult` in `cluster/wire.ts`.
 * Stores keep it opaque.
 */
export type StoredResult = string;

export interface JobStore {
  /** Keep the canonical dataset bytes (SHA-256 = hash) so a resumed job can re-send them. */
  putDataset(hash: string, bytes: Uint8Array): Promise<void>;
  getDataset(hash: string): Promise<Uint8Array | undefined>;

  createJob(job: StoredJob): Promise<void>;
  getJob(id: string): Promise<StoredJob | undefined>;
  /** Merge `patch` into the job (updatedAt set by the store); returns the new record. Throws NotFoundError. */
  updateJob(id: string, patch: Partial<Omit<StoredJob, 'id'>>): Promise<StoredJob>;
  /** All jobs, optionally only those in `states`. */
  listJobs(states?: readonly JobState[]): Promise<StoredJob[]>;

  /**
   * Record a finished shard's replicate values. Returns false (and keeps the first) when the
   * (job, shard) pair was already recorded: duplicate completions are ignored (contract 4).
   */
  putShardResult(jobId: string, shardId: string, values: Float64Array): Promise<boolean>;
  /** All finished shards of a job, by shard id. */
  getShardResults(jobId: string): Promise<Map<string, Float64Array>>;

  putResult(jobId: string, result: StoredResult): Promise<void>;
  getResult(jobId: string): Promise<StoredResult | undefined>;

  // Retention (coordinator/retention.ts decides what goes; the store only deletes).
  /** Drop a job's finished-shard values (once it ended: its result holds what they said). Returns how many. */
  pruneShards(jobId: string): Promise<number>;
  /** Forget a job: its record, result and any shard values. */
  deleteJob(jobId: string): Promise<void>;
  /** Every dataset held, with its size in bytes. */
  listDatasets(): Promise<{ hash: string; bytes: number }[]>;
  deleteDataset(hash: string): Promise<void>;

  close(): Promise<void>;
}

/** The default store: everything in this process's memory, lost on restart. */
export class MemoryJobStore implements JobStore {
  private readonly datasets = new Map<string, Uint8Array>();
  private readonly jobs = new Map<string, StoredJob>();
  private readonly shards = new Map<string, Map<string, Float64Array>>();
  private readonly results = new Map<string, StoredResult>();

  async putDataset(hash: string, bytes: Uint8Array): Promise<void> {
    this.datasets.set(hash, bytes);
  }
  async getDataset(hash: string): Promise<Uint8Array | undefined> {
    return this.datasets.get(hash);
  }
  async createJob(job: StoredJob): Promise<void> {
    this.jobs.set(job.id, { ...job });
  }
  async getJob(id: string): Promise<StoredJob | undefined> {
    const j = this.jobs.get(id);
    return j && { ...j };
  }
  async updateJob(id: string, patch: Partial<Omit<StoredJob, 'id'>>): Promise<StoredJob> {
    const j = this.jobs.get(id);
    if (!j) throw new NotFoundError(`unknown job ${id}`);
    const next = { ...j, ...patch, id, updatedAt: Date.now() };
    this.jobs.set(id, next);
    return { ...next };
  }
  async listJobs(states?: readonly JobState[]): Promise<StoredJob[]> {
    return [...this.jobs.values()].filter((j) => !states || states.includes(j.state)).map((j) => ({ ...j }));
  }
  async putShardResult(jobId: string, shardId: string, values: Float64Array): Promise<boolean> {
    let m = this.shards.get(jobId);
    if (!m) this.shards.set(jobId, (m = new Map()));
    if (m.has(shardId)) return false;
    m.set(shardId, values);
    return true;
  }
  async getShardResults(jobId: string): Promise<Map<string, Float64Array>> {
    return new Map(this.shards.get(jobId) ?? []);
  }
  async putResult(jobId: string, result: StoredResult): Promise<void> {
    this.results.set(jobId, result);
  }
  async getResult(jobId: string): Promise<StoredResult | undefined> {
    return this.results.get(jobId);
  }
  async pruneShards(jobId: string): Promise<number> {
    const n = this.shards.get(jobId)?.size ?? 0;
    this.shards.delete(jobId);
    return n;
  }
  async deleteJob(jobId: string): Promise<void> {
    this.jobs.delete(jobId);
    this.results.delete(jobId);
    this.shards.delete(jobId);
  }
  async listDatasets(): Promise<{ hash: string; bytes: number }[]> {
    return [...this.datasets].map(([hash, b]) => ({ hash, bytes: b.length }));
  }
  async deleteDataset(hash: string): Promise<void> {
    this.datasets.delete(hash);
  }
  async close(): Promise<void> {}
}
