/**
 * The coordinator's scheduler: turns jobs into shards, hands shards to workers in batches,
 * and makes sure every shard is counted exactly once (DESIGN.md, contracts 1, 4 and 5).
 *
 * - At most `threads` RunShards calls are outstanding per worker; a call carries a batch of
 *   shards sized so that the pending work spreads over all free slots (many trivial shards →
 *   big batches, few heavy ones → one shard per call).
 * - Every batch has a soft deadline (shardDeadlineMs × batch length): when it fires the
 *   shards are queued again, preferring other workers, and the slow worker gets no new work
 *   until it answers. A late answer is ignored shard by shard (store.putShardResult dedups).
 * - A worker whose call fails with a connection error, or that discovery reports down, has
 *   all its in-flight shards queued again at once.
 * - Cancel aborts the job's calls and tells every worker that ran it to abort its shards.
 *
 * Transport and job maths are injected (`WorkerLink`, `JobCore`) so this file is only policy.
 */
import type { Dataset } from '../shared/data/matrix.js';
import type { JobResult, JobSpec } from '../shared/job/spec.js';
import type { ShardPartial, ShardRequest, WorkloadKind } from '../shared/job/shard.js';
import { CancelledError, InfoshardError, InternalError, LimitError, NotFoundError, serializeError } from '../shared/errors.js';
import type { JobStore, JobState, StoredJob } from './store.js';
import type { WorkerDiscovery, WorkerInfo } from '../cluster/discovery.js';
import type { EventPublisher } from './events.js';
import { encodeResult } from '../cluster/wire.js';

// ------------------------------------------------------------------ injected pieces

/** A job validated and prepared on the coordinator (opaque to the scheduler). */
export interface PreparedJob {
  /** Replicate shards of every workload, `shardSize` replicates each (ids are assigned here). */
  plan(shardSize: number): Omit<ShardRequest, 'jobId' | 'shardId'>[];
  /** Merge all shard values into the final result (same function as the embedded engine). */
  finish(partials: ShardPartial[], info?: { backends: string[] }): Promise<JobResult>;
}

export interface JobCore {
  /** Validate and prepare; throws typed errors naming the bad field. */
  prepare(spec: JobSpec, data: Dataset, dataHash: string): Promise<PreparedJob>;
}

/** Shard values by shard id, with what computed them when the worker said (provenance.backend). */
export type ShardValuesMap = Map<string, Float64Array> & { backend?: string };

export interface RunShardsCall {
  result: Promise<ShardValuesMap>;
  cancel(): void;
}

/** The scheduler's view of one worker's RPC surface. */
export interface WorkerLink {
  /** Make sure the worker holds the dataset (HasDataset, else PutDataset); cached per link. */
  ensureDataset(hash: string, bytes: () => Promise<Uint8Array>): Promise<void>;
  /** Forget that the worker holds `hash` (it answered NOT_FOUND: evicted). */
  forgetDataset(hash: string): void;
  runShards(
    req: { jobId: string; specJson: string; dataHash: string; shards: ShardRequest[] },
    deadlineMs: number,
  ): RunShardsCall;
  cancelJob(jobId: string): Promise<void>;
  close(): void;
}

export type LinkFactory = (w: WorkerInfo) => WorkerLink;

// ------------------------------------------------------------------ options

export interface SchedulerOptions {
  /** Replicates per shard. @default 50 */
  shardSize?: number;
  /** Soft deadline per shard in a batch, ms. @default 60000 */
  shardDeadlineMs?: number;
  /** Most shards in one RunShards call. @default 256 */
  maxBatch?: number;
  /** The call itself is cancelled at this multiple of its soft deadline. @default 4 */
  hardDeadlineFactor?: number;
  /** Most unfinished jobs accepted at once (bounded queue). @default 1000 */
  maxActiveJobs?: number;
  /** A shard that failed this many times fails its job. @default 5 */
  maxAttempts?: number;
}

export const SCHEDULER_DEFAULTS: Required<SchedulerOptions> = {
  shardSize: 50,
  shardDeadlineMs: 60_000,
  maxBatch: 256,
  hardDeadlineFactor: 4,
  maxActiveJobs: 1000,
  maxAttempts: 5,
};

// ------------------------------------------------------------------ state

interface ShardState {
  req: ShardRequest;
  done: boolean;
  /** Attempts in flight. */
  running: number;
  attempts: number;
  /** Workers that failed or timed out on it. */
  avoid: Set<string>;
  queued: boolean;
}

interface JobRun {
  stored: StoredJob;
  specJson: string;
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
}

interface Batch {
  job: JobRun;
  worker: WorkerSlot;
  shardIds: string[];
  call?: RunShardsCall;
  timer?: NodeJS.Timeout;
  timedOut: boolean;
  settled: boolean;
}

interface WorkerSlot {
  info: WorkerInfo;
  link: WorkerLink;
  batches: Set<Batch>;
  slow: boolean;
  shardsDone: number;
  jobsSeen: Set<string>;
}

export interface SchedulerCounters {
  shardsDispatched: number;
  shardsCompleted: number;
  duplicatesIgnored: number;
  requeued: number;
  deadlineMisses: number;
  workersLost: number;
  batches: number;
}

export interface WorkerView extends WorkerInfo {
  outstanding: number;
  inflightShards: number;
  slow: boolean;
  shardsDone: number;
}

export interface JobView {
  id: string;
  state: JobState;
  shardsDone: number;
  totalShards: number;
  error?: { code: string; message: string };
}

/** A worker loss and how long until its shards were running elsewhere. */
export interface RecoveryRecord {
  workerId: string;
  reason: string;
  requeued: number;
  lostAt: number;
  /** ms from loss to the last of its shards being dispatched again (undefined while waiting). */
  redispatchedAfterMs?: number;
}

/** Finished jobs kept in memory for listJobs (/status); the store keeps them all. */
const MAX_FINISHED_JOBS = 1000;

export class Scheduler {
  private readonly o: Required<SchedulerOptions>;
  private readonly jobs = new Map<string, JobRun>();
  /** Unfinished jobs in submission order. */
  private readonly active: JobRun[] = [];
  private readonly workers = new Map<string, WorkerSlot>();
  private readonly waiters = new Map<string, Set<() => void>>();
  private readonly unsubscribe: () => void;
  private readonly recoveries: RecoveryRecord[] = [];
  private readonly pendingRecovery = new Map<string, { rec: RecoveryRecord; left: Set<string> }>();
  private closed = false;
  private pumping = false;
  readonly counters: SchedulerCounters = {
    shardsDispatched: 0, shardsCompleted: 0, duplicatesIgnored: 0, requeued: 0, deadlineMisses: 0, workersLost: 0, batches: 0,
  };

  constructor(
    private readonly core: JobCore,
    private readonly store: JobStore,
    private readonly discovery: WorkerDiscovery,
    private readonly events: EventPublisher,
    private readonly connect: LinkFactory,
    opts: SchedulerOptions = {},
  ) {
    this.o = { ...SCHEDULER_DEFAULTS, ...opts };
    for (const w of discovery.list()) this.addWorker(w);
    this.unsubscribe = discovery.subscribe((ev) => {
      if (ev.type === 'up') this.addWorker(ev.worker);
      else this.dropWorker(ev.workerId, ev.reason);
    });
  }

  // ---------------------------------------------------------------- jobs

  /** Accept a job: validate/prepare (typed errors name the field), plan, store, start. */
  async submit(spec: JobSpec, data: Dataset, dataHash: string, id: string): Promise<StoredJob> {
    if (this.closed) throw new InternalError('scheduler is closed');
    if (this.active.length >= this.o.maxActiveJobs) {
      throw new LimitError(`coordinator has ${this.active.length} unfinished jobs (limit ${this.o.maxActiveJobs}); try again later`);
    }
    const prepared = await this.core.prepare(spec, data, dataHash);
    const now = Date.now();
    const stored: StoredJob = { id, spec, dataHash, state: 'running', createdAt: now, updatedAt: now, totalShards: 0 };
    const run = this.makeRun(stored, prepared, new Map());
    await this.store.createJob(stored);
    this.start(run);
    return { ...stored };
  }

  /** Pick up unfinished jobs from a durable store (coordinator restart); finished shards are not redone. */
  async resume(decode: (bytes: Uint8Array) => Dataset): Promise<string[]> {
    const ids: string[] = [];
    for (const stored of await this.store.listJobs(['queued', 'running'])) {
      if (this.jobs.has(stored.id)) continue;
      try {
        const bytes = await this.store.getDataset(stored.dataHash);
        if (!bytes) throw new NotFoundError(`dataset ${stored.dataHash} of job ${stored.id} is not in the store`);
        const prepared = await this.core.prepare(stored.spec, decode(bytes), stored.dataHash);
        const run = this.makeRun(stored, prepared, await this.store.getShardResults(stored.id));
        this.start(run);
        ids.push(stored.id);
      } catch (e) {
        await this.store.updateJob(stored.id, { state: 'failed', error: serializeError(e) });
      }
    }
    return ids;
  }

  async cancel(jobId: string): Promise<boolean> {
    const run = this.jobs.get(jobId);
    if (!run) {
      const j = await this.store.getJob(jobId);
      if (!j) throw new NotFoundError(`unknown job ${jobId}`);
      return false;
    }
    if (run.stored.state !== 'running' && run.stored.state !== 'queued') return false;
    await this.endJob(run, 'cancelled', new CancelledError(`job ${jobId} cancelled`));
    return true;
  }

  /** Resolves once the job is in a terminal state (or `timeoutMs` passed). */
  waitFor(jobId: string, timeoutMs: number): Promise<void> {
    const run = this.jobs.get(jobId);
    if (!run || !this.isLive(run)) return Promise.resolve();
    return new Promise((resolve) => {
      let set = this.waiters.get(jobId);
      if (!set) this.waiters.set(jobId, (set = new Set()));
      const done = () => {
        clearTimeout(t);
        set!.delete(done);
        resolve();
      };
      const t = setTimeout(done, timeoutMs);
      set.add(done);
    });
  }

  // ---------------------------------------------------------------- views

  listWorkers(): WorkerView[] {
    return [...this.workers.values()].map((w) => ({
      ...w.info,
      outstanding: w.batches.size,
      inflightShards: [...w.batches].reduce((s, b) => s + (b.timedOut ? 0 : b.shardIds.length), 0),
      slow: w.slow,
      shardsDone: w.shardsDone,
    }));
  }

  listJobs(): JobView[] {
    return [...this.jobs.values()].map((r) => ({
      id: r.stored.id, state: r.stored.state, shardsDone: r.doneCount, totalShards: r.stored.totalShards, error: r.stored.error,
    }));
  }

  recoveryLog(): RecoveryRecord[] {
    return this.recoveries.map((r) => ({ ...r }));
  }

  async close(): Promise<void> {
    this.closed = true;
    this.unsubscribe();
    for (const run of [...this.active]) await this.endJob(run, 'cancelled', new CancelledError('coordinator shutting down'), false);
    for (const w of this.workers.values()) w.link.close();
    this.workers.clear();
  }

  // ---------------------------------------------------------------- internals: jobs

  private makeRun(stored: StoredJob, prepared: PreparedJob, finished: Map<string, Float64Array>): JobRun {
    const run: JobRun = {
      stored, specJson: JSON.stringify(stored.spec), prepared, shards: new Map(), fresh: [], freshHead: 0, retry: [],
      doneCount: 0, doneReplicates: new Map(), totalReplicates: new Map(), workersUsed: new Set(), backends: new Set(), lastProgress: 0, finishing: false,
    };
    for (const s of prepared.plan(this.o.shardSize)) {
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

  private start(run: JobRun): void {
    this.jobs.set(run.stored.id, run);
    this.active.push(run);
    this.events.publish({ type: 'state', jobId: run.stored.id, state: 'running' });
    if (run.doneCount === run.shards.size) void this.finishJob(run);
    else this.pump();
  }

  private isLive(run: JobRun): boolean {
    return run.stored.state === 'running' || run.stored.state === 'queued';
  }

  private async endJob(run: JobRun, state: JobState, err?: InfoshardError, tellWorkers = true): Promise<void> {
    if (!this.isLive(run)) return;
    run.stored.state = state;
    if (err) run.stored.error = serializeError(err);
    const i = this.active.indexOf(run);
    if (i >= 0) this.active.splice(i, 1);
    // Stop everything of this job that is still running somewhere.
    const toTell = new Set<WorkerSlot>();
    for (const w of this.workers.values()) {
      for (const b of [...w.batches]) {
        if (b.job !== run) continue;
        this.settle(b);
        b.call?.cancel();
      }
      if (w.jobsSeen.has(run.stored.id)) toTell.add(w);
    }
    if (tellWorkers) for (const w of toTell) w.link.cancelJob(run.stored.id).catch(() => undefined);
    // Free the per-shard state; keep a bounded history of finished jobs for the status page.
    run.shards = new Map();
    run.fresh = [];
    run.retry = [];
    for (const w of this.workers.values()) w.jobsSeen.delete(run.stored.id);
    const ended = [...this.jobs.values()].filter((r) => !this.isLive(r));
    for (const old of ended.slice(0, Math.max(0, ended.length - MAX_FINISHED_JOBS))) this.jobs.delete(old.stored.id);
    try {
      await this.store.updateJob(run.stored.id, { state, error: run.stored.error });
    } catch {
      // the store may be gone at shutdown; the in-memory state is already final
    }
    this.events.publish({ type: 'state', jobId: run.stored.id, state, error: run.stored.error });
    for (const w of [...(this.waiters.get(run.stored.id) ?? [])]) w();
    this.waiters.delete(run.stored.id);
    this.pump();
  }

  private async finishJob(run: JobRun): Promise<void> {
    if (run.finishing) return;
    run.finishing = true;
    try {
      const values = await this.store.getShardResults(run.stored.id);
      const partials: ShardPartial[] = [];
      for (const s of run.shards.values()) {
        const v = values.get(s.req.shardId);
        if (!v) throw new InternalError(`shard ${s.req.shardId} of job ${run.stored.id} finished but its values are missing`);
        partials.push({ ...s.req, values: v });
      }
      const result = await run.prepared.finish(partials, { backends: [...run.backends] });
      result.provenance = { ...result.provenance, engine: 'cluster', workers: Math.max(1, run.workersUsed.size) };
      await this.store.putResult(run.stored.id, encodeResult(result));
      await this.endJob(run, 'done');
    } catch (e) {
      await this.endJob(run, 'failed', e instanceof InfoshardError ? e : new InternalError(String((e as Error).message ?? e)));
    }
  }

  private progress(run: JobRun, force: boolean): void {
    const now = Date.now();
    if (!force && now - run.lastProgress < 100) return;
    run.lastProgress = now;
    for (const [phase, total] of run.totalReplicates) {
      this.events.publish({ type: 'progress', jobId: run.stored.id, phase, done: run.doneReplicates.get(phase) ?? 0, total });
    }
  }

  // ---------------------------------------------------------------- internals: workers

  private addWorker(info: WorkerInfo): void {
    if (this.closed) return;
    const known = this.workers.get(info.id);
    if (known) {
      known.info = info;
      return;
    }
    this.workers.set(info.id, { info, link: this.connect(info), batches: new Set(), slow: false, shardsDone: 0, jobsSeen: new Set() });
    this.pump();
  }

  private dropWorker(workerId: string, reason: string): void {
    const w = this.workers.get(workerId);
    if (!w) return;
    this.workers.delete(workerId);
    this.counters.workersLost++;
    const rec: RecoveryRecord = { workerId, reason, requeued: 0, lostAt: Date.now() };
    const left = new Set<string>();
    for (const b of [...w.batches]) {
      const pending = this.settle(b);
      b.call?.cancel();
      for (const id of pending) {
        this.requeue(b.job, id, workerId);
        left.add(`${b.job.stored.id}\n${id}`);
      }
    }
    rec.requeued = left.size;
    this.recoveries.push(rec);
    if (left.size === 0) rec.redispatchedAfterMs = 0;
    else this.pendingRecovery.set(workerId, { rec, left });
    w.link.close();
    this.pump();
  }

  /** Remove a batch from its worker; returns the ids of its shards that still need doing. */
  private settle(b: Batch): string[] {
    if (b.settled) return [];
    b.settled = true;
    if (b.timer) clearTimeout(b.timer);
    b.worker.batches.delete(b);
    if (b.timedOut && ![...b.worker.batches].some((o) => o.timedOut)) b.worker.slow = false;
    const pending: string[] = [];
    if (b.timedOut) return pending; // already queued again when the deadline fired
    for (const id of b.shardIds) {
      const s = b.job.shards.get(id)!;
      s.running--;
      if (!s.done) pending.push(id);
    }
    return pending;
  }

  private requeue(run: JobRun, shardId: string, avoid?: string): void {
    const s = run.shards.get(shardId)!;
    if (avoid) s.avoid.add(avoid);
    if (s.done || s.queued || !this.isLive(run)) return;
    s.queued = true;
    run.retry.push(shardId);
    this.counters.requeued++;
  }

  // ---------------------------------------------------------------- internals: dispatch

  private pump(): void {
    if (this.pumping || this.closed) return;
    this.pumping = true;
    try {
      for (;;) {
        const free = [...this.workers.values()].filter((w) => !w.slow && w.batches.size < w.info.threads);
        if (free.length === 0) break;
        const run = this.active.find((r) => r.retry.length > 0 || r.freshHead < r.fresh.length);
        if (!run) break;
        // Least loaded first (outstanding / threads).
        free.sort((a, b) => a.batches.size / a.info.threads - b.batches.size / b.info.threads);
        const slots = [...this.workers.values()].reduce((s, w) => s + (w.slow ? 0 : w.info.threads), 0);
        const pendingCount = run.retry.length + run.fresh.length - run.freshHead;
        const size = Math.max(1, Math.min(this.o.maxBatch, Math.ceil(pendingCount / (2 * Math.max(1, slots)))));
        let dispatched = false;
        for (const w of free) {
          const ids = this.take(run, w, size, free.length > 1 || this.workers.size > 1);
          if (ids.length === 0) continue;
          this.dispatch(run, w, ids);
          dispatched = true;
          break;
        }
        if (!dispatched) break;
      }
    } finally {
      this.pumping = false;
    }
  }

  /** Up to `size` shards of `run` for worker `w`; retries that avoid `w` are left for others when there are others. */
  private take(run: JobRun, w: WorkerSlot, size: number, othersExist: boolean): string[] {
    const ids: string[] = [];
    const keep: string[] = [];
    while (run.retry.length > 0 && ids.length < size) {
      const id = run.retry.shift()!;
      const s = run.shards.get(id)!;
      if (s.done) {
        s.queued = false;
        continue;
      }
      if (othersExist && s.avoid.has(w.info.id) && this.hasAlternative(s, w)) keep.push(id);
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

  private hasAlternative(s: ShardState, w: WorkerSlot): boolean {
    for (const o of this.workers.values()) if (o !== w && !s.avoid.has(o.info.id)) return true;
    return false;
  }

  private dispatch(run: JobRun, w: WorkerSlot, ids: string[]): void {
    const b: Batch = { job: run, worker: w, shardIds: ids, timedOut: false, settled: false };
    for (const id of ids) {
      const s = run.shards.get(id)!;
      s.queued = false;
      s.running++;
      s.attempts++;
    }
    w.batches.add(b);
    w.jobsSeen.add(run.stored.id);
    run.workersUsed.add(w.info.id);
    this.counters.shardsDispatched += ids.length;
    this.counters.batches++;
    this.noteRedispatch(run, ids);
    const softMs = this.o.shardDeadlineMs * ids.length;
    b.timer = setTimeout(() => this.onDeadline(b), softMs);
    b.timer.unref();
    const reqs = ids.map((id) => run.shards.get(id)!.req);
    void (async () => {
      try {
        await w.link.ensureDataset(run.stored.dataHash, async () => {
          const bytes = await this.store.getDataset(run.stored.dataHash);
          if (!bytes) throw new NotFoundError(`dataset ${run.stored.dataHash} is not in the coordinator's store`);
          return bytes;
        });
        if (b.settled) return;
        b.call = w.link.runShards(
          { jobId: run.stored.id, specJson: run.specJson, dataHash: run.stored.dataHash, shards: reqs },
          softMs * this.o.hardDeadlineFactor,
        );
        const values = await b.call.result;
        await this.onResult(b, values);
      } catch (e) {
        this.onFailure(b, e);
      }
    })();
  }

  private noteRedispatch(run: JobRun, ids: string[]): void {
    if (this.pendingRecovery.size === 0) return;
    for (const [wid, p] of this.pendingRecovery) {
      for (const id of ids) p.left.delete(`${run.stored.id}\n${id}`);
      if (p.left.size === 0) {
        p.rec.redispatchedAfterMs = Date.now() - p.rec.lostAt;
        this.pendingRecovery.delete(wid);
      }
    }
  }

  private onDeadline(b: Batch): void {
    if (b.settled || b.timedOut) return;
    b.timedOut = true;
    b.worker.slow = true;
    this.counters.deadlineMisses++;
    for (const id of b.shardIds) {
      const s = b.job.shards.get(id)!;
      s.running--;
      this.requeue(b.job, id, b.worker.info.id);
    }
    this.pump();
  }

  private async onResult(b: Batch, values: ShardValuesMap): Promise<void> {
    const wasTimedOut = b.timedOut;
    const pending = this.settle(b);
    b.worker.slow = false;
    const run = b.job;
    for (const id of b.shardIds) {
      const v = values.get(id);
      if (v) await this.accept(run, b.worker, id, v, values.backend);
    }
    // Shards the worker did not answer (should not happen) go round again.
    if (!wasTimedOut) for (const id of pending) if (!values.has(id)) this.requeue(run, id, b.worker.info.id);
    this.pump();
  }

  private async accept(run: JobRun, w: WorkerSlot, shardId: string, v: Float64Array, backend?: string): Promise<void> {
    const s = run.shards.get(shardId);
    if (!s || s.done || !this.isLive(run)) {
      this.counters.duplicatesIgnored++;
      return;
    }
    const expected = s.req.r1 - s.req.r0;
    if (v.length !== expected) {
      await this.endJob(run, 'failed', new InternalError(`shard ${shardId}: worker ${w.info.id} returned ${v.length} values, expected ${expected}`));
      return;
    }
    const first = await this.store.putShardResult(run.stored.id, shardId, v);
    if (!first || s.done || !this.isLive(run)) {
      this.counters.duplicatesIgnored++;
      return;
    }
    s.done = true;
    if (backend) run.backends.add(backend);
    run.doneCount++;
    w.shardsDone++;
    this.counters.shardsCompleted++;
    run.doneReplicates.set(s.req.workload, (run.doneReplicates.get(s.req.workload) ?? 0) + expected);
    const last = run.doneCount === run.shards.size;
    this.progress(run, last);
    if (last) await this.finishJob(run);
  }

  private onFailure(b: Batch, e: unknown): void {
    if (b.settled && !b.timedOut) return; // cancelled by us (job ended or worker dropped)
    const err = e instanceof InfoshardError ? e : new InternalError(String((e as Error)?.message ?? e));
    if (err.code === 'E_UNAVAILABLE' && this.workers.get(b.worker.info.id) === b.worker) {
      // The worker is unreachable: drop it now rather than at its next missed heartbeat;
      // dropWorker queues all its in-flight shards again (this batch's included) and records it.
      const reason = `RunShards failed: ${err.message}`;
      this.dropWorker(b.worker.info.id, reason);
      this.discovery.markDown(b.worker.info.id, reason);
      return;
    }
    const pending = this.settle(b);
    const run = b.job;
    const w = b.worker;
    switch (err.code) {
      case 'E_UNAVAILABLE':
      case 'E_TIMEOUT':
      case 'E_INTERNAL':
      case 'E_CANCELLED': {
        // Transport trouble: the shards go elsewhere.
        const worn = pending.find((id) => run.shards.get(id)!.attempts >= this.o.maxAttempts);
        if (worn) {
          void this.endJob(run, 'failed', new InternalError(`shard ${worn} failed ${this.o.maxAttempts} times; last error: ${err.message}`));
          break;
        }
        for (const id of pending) this.requeue(run, id, w.info.id);
        break;
      }
      case 'E_NOT_FOUND':
        w.link.forgetDataset(run.stored.dataHash);
        for (const id of pending) this.requeue(run, id);
        break;
      default:
        // The job itself is bad (estimator/option/data error): the same on every worker.
        void this.endJob(run, 'failed', err);
    }
    this.pump();
  }
}
