/**
 * The Worker gRPC service: a thin layer over a `ShardRunner` (the piscina pool) and the
 * dataset cache. Every handler is guarded (token, protocol_version) and answers errors as
 * statuses; nothing a client sends can take the server down.
 */
import * as grpc from '@grpc/grpc-js';
import type { Dataset } from '../shared/data/matrix.js';
import type { JobSpec, TrainingProgress } from '../shared/job/spec.js';
import type { ShardRequest, WorkloadKind } from '../shared/job/shard.js';
import { CancelledError, LimitError, NotFoundError, OptionError } from '../shared/errors.js';
import { DatasetCache } from '../cluster/cache.js';
import { parseSpec } from '../cluster/spec-json.js';
import { datasetUpload, serverStream, unary, type CallGuard } from '../cluster/handlers.js';
import {
  decodeDataset, loadProto, packF64, packageVersion, trainingToMsg, WIRE_DEFAULTS,
  type HasDatasetRequest, type TrainingEventMsg, type HealthResponse, type JobRef, type RunShardsRequest, type RunShardsResponse,
} from '../cluster/wire.js';

/** A runner's answer with provenance: values of each shard, in order, and what computed them. */
export interface ShardRunOutput {
  values: Float64Array[];
  /** provenance.backend of these shards: one value of BACKEND_PROVENANCE (shared/job/merge.ts). */
  backend?: string;
}

/** What the worker service needs from the compute side (implemented over the piscina pool). */
export interface ShardRunner {
  readonly threads: number;
  /** Values of each shard, in order. Rejects with CancelledError promptly once `signal` aborts. */
  run(
    job: { jobId: string; spec: JobSpec; dataHash: string; data: Dataset }, shards: ShardRequest[], signal: AbortSignal,
    onTraining?: (t: TrainingProgress) => void,
  ): Promise<Float64Array[] | ShardRunOutput>;
  /** Shards running or queued in the pool. */
  activeTasks(): number;
  /** Busy share of the pool's threads since start, in [0, 1] (for /metrics; optional for test runners). */
  utilization?(): number;
  close(): Promise<void>;
}

export interface WorkerServiceOptions extends CallGuard {
  id: string;
  runner: ShardRunner;
  cache: DatasetCache;
  /** @default WIRE_DEFAULTS.maxDatasetBytes */
  maxDatasetBytes?: number;
  /** Most shards in one RunShards call. @default 4096 */
  maxShardsPerCall?: number;
  /** TEST ONLY: hold every RunShards call this long before running it (simulates a hung worker). */
  faultDelayMs?: number;
}

/** Neural jobs whose critics' latest training events a worker keeps for late watchers. */
const MAX_TRAINING_JOBS = 4;

const WORKLOADS: readonly WorkloadKind[] = ['bootstrap', 'jackknife', 'permutation', 'bagging', 'kensemble', 'neural', 'biasprobe', 'simulate', 'extrapolation'];

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(new CancelledError('shards cancelled'));
    const t = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(new CancelledError('shards cancelled'));
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

export class WorkerService {
  /** Abort controllers of running RunShards calls, by job id. */
  private readonly running = new Map<string, Set<AbortController>>();
  shardsDone = 0;
  /** Replicates computed, by workload (throughput for /metrics), and the last backend used. */
  readonly replicatesDone = new Map<WorkloadKind, number>();
  lastBackend: string | undefined;
  /** WatchTraining streams, by job id (training progress of neural shards running here). */
  private readonly trainingWatchers = new Map<string, Set<(t: TrainingProgress) => void>>();
  /**
   * The latest event of each critic (and part) of the last few neural jobs, sent first to a
   * watcher that subscribes late: a critic that ended before the coordinator's stream arrived
   * still reports how it ended.
   */
  private readonly trainingLatest = new Map<string, Map<string, TrainingProgress>>();

  constructor(readonly o: WorkerServiceOptions) {}

  /** Register the Worker service and the standard health service on `server`. */
  addTo(server: grpc.Server): void {
    const { Worker, Health } = loadProto();
    const g: CallGuard = { token: this.o.token };
    server.addService(Worker.service, {
      PutDataset: datasetUpload(g, this.o.maxDatasetBytes ?? WIRE_DEFAULTS.maxDatasetBytes, (hash, bytes) => {
        if (this.o.cache.has(hash)) return;
        this.o.cache.put(hash, decodeDataset(bytes), bytes.length);
      }),
      HasDataset: unary<HasDatasetRequest, { present: boolean }>(g, (req) => ({ present: this.o.cache.has(req.hash) })),
      RunShards: unary<RunShardsRequest, RunShardsResponse>(g, (req, call) => this.runShards(req, call)),
      CancelJob: unary<JobRef, { cancelled: number }>(g, (req) => ({ cancelled: this.cancelJob(req.job_id) })),
      Health: unary<{ protocol_version: number }, HealthResponse>(g, () => this.health()),
      WatchTraining: serverStream<JobRef, TrainingEventMsg>(g, (req, call) => this.watchTraining(req, call)),
    });
    server.addService(Health.service, {
      Check: (_call: grpc.ServerUnaryCall<unknown, unknown>, cb: grpc.sendUnaryData<{ status: string }>) => cb(null, { status: 'SERVING' }),
    });
  }

  health(): HealthResponse {
    const c = this.o.cache.stats();
    return {
      status: 'SERVING',
      worker_id: this.o.id,
      threads: this.o.runner.threads,
      active_tasks: this.o.runner.activeTasks(),
      cached_datasets: c.count,
      cached_bytes: c.bytes,
      version: packageVersion(),
      shards_done: this.shardsDone,
    };
  }

  /** Abort every running call of `jobId`; returns how many were aborted. */
  cancelJob(jobId: string): number {
    const set = this.running.get(jobId);
    if (!set) return 0;
    for (const c of set) c.abort(new CancelledError(`job ${jobId} cancelled`));
    return set.size;
  }

  /** Stream the training events of `req.job_id`'s critics on this worker until the caller cancels. */
  private watchTraining(req: JobRef, call: grpc.ServerWritableStream<JobRef, TrainingEventMsg>): Promise<void> {
    if (!req.job_id) throw new OptionError('job_id: required', 'job_id');
    return new Promise<void>((resolve) => {
      const listener = (t: TrainingProgress) => void call.write(trainingToMsg(req.job_id, t));
      for (const t of this.trainingLatest.get(req.job_id)?.values() ?? []) listener(t);
      let set = this.trainingWatchers.get(req.job_id);
      if (!set) this.trainingWatchers.set(req.job_id, (set = new Set()));
      set.add(listener);
      const end = () => {
        set!.delete(listener);
        if (set!.size === 0 && this.trainingWatchers.get(req.job_id) === set) this.trainingWatchers.delete(req.job_id);
        resolve();
      };
      call.on('cancelled', end);
      call.on('close', end);
    });
  }

  /** Training events of a job's critics to its watchers (none: dropped; a broken watcher stops nothing). */
  private emitTraining(jobId: string, t: TrainingProgress): void {
    let latest = this.trainingLatest.get(jobId);
    if (!latest) {
      this.trainingLatest.set(jobId, (latest = new Map()));
      while (this.trainingLatest.size > MAX_TRAINING_JOBS) this.trainingLatest.delete(this.trainingLatest.keys().next().value!);
    }
    latest.set(`${t.critic}/${t.part}`, t);
    const set = this.trainingWatchers.get(jobId);
    if (!set) return;
    for (const l of [...set]) {
      try {
        l(t);
      } catch {
        // progress only
      }
    }
  }

  private async runShards(req: RunShardsRequest, call: grpc.ServerUnaryCall<RunShardsRequest, RunShardsResponse>): Promise<RunShardsResponse> {
    const spec: JobSpec = parseSpec(req.spec_json);
    if (!req.job_id) throw new OptionError('job_id: required', 'job_id');
    const max = this.o.maxShardsPerCall ?? 4096;
    if (req.shards.length === 0) throw new OptionError('shards: at least one shard is required', 'shards');
    if (req.shards.length > max) throw new LimitError(`shards: ${req.shards.length} shards in one call, limit ${max}`);
    const shards: ShardRequest[] = req.shards.map((s, i) => {
      if (!WORKLOADS.includes(s.workload as WorkloadKind)) {
        throw new OptionError(`shards[${i}].workload: unknown workload '${s.workload}' (one of ${WORKLOADS.join(', ')})`, `shards[${i}].workload`);
      }
      if (!(Number.isSafeInteger(s.r0) && Number.isSafeInteger(s.r1) && s.r0 >= 0)) {
        throw new OptionError(`shards[${i}]: replicate range [${s.r0}, ${s.r1}) must be non-negative integers`, `shards[${i}].r0`);
      }
      if (!(s.r1 > s.r0)) throw new OptionError(`shards[${i}]: empty replicate range [${s.r0}, ${s.r1})`, `shards[${i}].r1`);
      return { jobId: req.job_id, shardId: s.shard_id, workload: s.workload as WorkloadKind, r0: s.r0, r1: s.r1 };
    });
    const data = this.o.cache.get(req.data_hash);
    if (!data) throw new NotFoundError(`dataset ${req.data_hash} is not cached on worker ${this.o.id}; send it with PutDataset first`);

    const ac = new AbortController();
    const onCancel = () => ac.abort(new CancelledError('RunShards call cancelled by the caller'));
    call.on('cancelled', onCancel);
    let set = this.running.get(req.job_id);
    if (!set) this.running.set(req.job_id, (set = new Set()));
    set.add(ac);
    try {
      if (this.o.faultDelayMs) await sleep(this.o.faultDelayMs, ac.signal);
      const neural = shards.some((s) => s.workload === 'neural');
      const out = await this.o.runner.run(
        { jobId: req.job_id, spec, dataHash: req.data_hash, data }, shards, ac.signal,
        ...(neural ? [(t: TrainingProgress) => this.emitTraining(req.job_id, t)] : []),
      );
      const { values, backend } = Array.isArray(out) ? { values: out, backend: undefined } : out;
      this.shardsDone += shards.length;
      for (const s of shards) this.replicatesDone.set(s.workload, (this.replicatesDone.get(s.workload) ?? 0) + (s.r1 - s.r0));
      if (backend) this.lastBackend = backend;
      return { results: shards.map((s, i) => ({ shard_id: s.shardId, values: packF64(values[i]!) })), ...(backend ? { backend } : {}) };
    } finally {
      call.removeListener('cancelled', onCancel);
      set.delete(ac);
      if (set.size === 0) this.running.delete(req.job_id);
    }
  }
}
