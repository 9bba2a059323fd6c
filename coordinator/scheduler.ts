/**
 * The coordinator's scheduler: turns jobs into shards, hands shards to workers in batches,
 * and makes sure every shard is counted exactly once (docs/design.md, contracts 1, 4 and 5).
 *
 * - At most `threads` RunShards calls are outstanding per worker. Running jobs share the slots
 *   fairly (`scheduling/fair-share.ts`): a free slot goes to the job with the fewest shards in
 *   flight per unit of priority, and a batch holds about `batchTargetMs` of that job's work
 *   (many trivial shards → big batches, heavy ones → one shard per call), so slots free up often.
 * - Every batch has a soft deadline (shardDeadlineMs × batch length): when it fires the
 *   shards are queued again, preferring other workers, and the slow worker gets no new work
 *   until it answers. A late answer is ignored shard by shard (store.putShardResult dedups).
 * - A worker whose call fails with a connection error, or that discovery reports down, has
 *   all its in-flight shards queued again at once.
 * - Cancel aborts the job's calls and tells every worker that ran it to abort its shards.
 *
 * Transport and job maths are injected (`WorkerLink`, `JobCore`, see `scheduling/types.ts`) so this
 * file is only policy: the dispatch loop, deadlines, worker loss and failures. A job's shard
 * bookkeeping is `scheduling/job-run.ts`, the table of jobs and waiters `scheduling/job-table.ts`,
 * the recovery log `scheduling/recovery.ts`.
 */
import type { Dataset } from '../shared/data/matrix.js';
import type { JobSpec } from '../shared/job/spec.js';
import { CancelledError, InfoshardError, InternalError, LimitError, NotFoundError, OptionError, serializeError } from '../shared/errors.js';
import type { WorkerDiscovery, WorkerInfo } from '../cluster/discovery.js';
import { encodeResult } from '../cluster/wire.js';
import { MAX_PRIORITY, type JobStore, type JobState, type StoredJob } from './store.js';
import type { EventPublisher } from './events.js';
import {
  attemptEnded, closeRun, createRun, freeShards, hasPending, isLive, markDispatched, markDone, observeBatch, partialsOf, requeueShard, takeShards,
  type JobRun, type ShardState,
} from './scheduling/job-run.js';
import { batchSize, nextJob } from './scheduling/fair-share.js';
import { ReplicateFeed } from './replicate-feed.js';
import { packSummary, summarize } from '../shared/job/summary.js';
import { JobTable } from './scheduling/job-table.js';
import { RecoveryLog } from './scheduling/recovery.js';
import {
  SCHEDULER_DEFAULTS,
  type BatchListener, type JobCore, type JobView, type LinkFactory, type RecoveryRecord, type RunShardsCall, type SchedulerCounters,
  type SchedulerOptions, type ShardValuesMap, type WorkerLink, type WorkerView,
} from './scheduling/types.js';

export * from './scheduling/types.js';

/** How long the replicate feed of an ended job waits for a reader before it is dropped. */
const FEED_LINGER_MS = 60_000;

interface Batch {
  job: JobRun;
  worker: WorkerSlot;
  shardIds: string[];
  call?: RunShardsCall;
  timer?: NodeJS.Timeout;
  timedOut: boolean;
  settled: boolean;
  /** Epoch ms when it was sent (shard latency for /metrics). */
  startedAt: number;
}

interface WorkerSlot {
  info: WorkerInfo;
  link: WorkerLink;
  batches: Set<Batch>;
  slow: boolean;
  shardsDone: number;
  jobsSeen: Set<string>;
  /** Open WatchTraining streams on this worker, by job id (neural jobs it has run): their stop functions. */
  training: Map<string, () => void>;
}

export class Scheduler {
  private readonly o: Required<SchedulerOptions>;
  private readonly jobs = new JobTable();
  private readonly workers = new Map<string, WorkerSlot>();
  private readonly unsubscribe: () => void;
  private readonly recoveries = new RecoveryLog();
  private closed = false;
  private pumping = false;
  private readonly batchListeners = new Set<BatchListener>();
  /** Replicate feeds of jobs submitted with stream_replicates, by job id (replicate-feed.ts). */
  private readonly feeds = new Map<string, ReplicateFeed>();
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
  async submit(spec: JobSpec, data: Dataset, dataHash: string, id: string, priority = 1, client?: string, streamReplicates = false): Promise<StoredJob> {
    if (this.closed) throw new InternalError('scheduler is closed');
    if (!(Number.isInteger(priority) && priority >= 1 && priority <= MAX_PRIORITY)) {
      throw new OptionError(`priority must be an integer in [1, ${MAX_PRIORITY}]; got ${priority}`, 'priority');
    }
    if (this.jobs.active.length >= this.o.maxActiveJobs) {
      throw new LimitError(`coordinator has ${this.jobs.active.length} unfinished jobs (limit ${this.o.maxActiveJobs}); try again later`);
    }
    const prepared = await this.core.prepare(spec, data, dataHash);
    const now = Date.now();
    const stream = streamReplicates && prepared.stream !== undefined;
    const stored: StoredJob = {
      id, spec, dataHash, state: 'running', createdAt: now, updatedAt: now, totalShards: 0, ...(priority !== 1 ? { priority } : {}), ...(client ? { client } : {}),
      ...(stream ? { streamReplicates: true as const } : {}),
    };
    const run = createRun(stored, prepared, new Map(), this.o.shardSize);
    if (stream) this.feeds.set(id, new ReplicateFeed(prepared.stream!.series));
    await this.store.createJob(stored);
    this.start(run);
    return { ...stored };
  }

  /** Pick up unfinished jobs from a durable store (coordinator restart); finished shards are not redone. */
  async resume(decode: (bytes: Uint8Array) => Dataset): Promise<string[]> {
    const ids: string[] = [];
    for (const stored of await this.store.listJobs(['running'])) {
      if (this.jobs.has(stored.id)) continue;
      try {
        const bytes = await this.store.getDataset(stored.dataHash);
        if (!bytes) throw new NotFoundError(`dataset ${stored.dataHash} of job ${stored.id} is not in the store`);
        const prepared = await this.core.prepare(stored.spec, decode(bytes), stored.dataHash);
        const run = createRun(stored, prepared, await this.store.getShardResults(stored.id), this.o.shardSize);
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
    if (!isLive(run)) return false;
    await this.endJob(run, 'cancelled', new CancelledError(`job ${jobId} cancelled`));
    return true;
  }

  /** Resolves once the job is in a terminal state (or `timeoutMs` passed). */
  waitFor(jobId: string, timeoutMs: number): Promise<void> {
    return this.jobs.waitFor(jobId, timeoutMs);
  }

  // ---------------------------------------------------------------- views

  listWorkers(): WorkerView[] {
    // the discovery holds the latest heartbeat time; our copy of the info is from the 'up' event
    const seen = new Map(this.discovery.list().map((d) => [d.id, d.lastSeen]));
    return [...this.workers.values()].map((w) => ({
      ...w.info,
      lastSeen: Math.max(w.info.lastSeen, seen.get(w.info.id) ?? 0),
      outstanding: w.batches.size,
      inflightShards: [...w.batches].reduce((s, b) => s + (b.timedOut ? 0 : b.shardIds.length), 0),
      slow: w.slow,
      shardsDone: w.shardsDone,
    }));
  }

  listJobs(): JobView[] {
    return [...this.jobs.all()].map((r) => this.viewOf(r));
  }

  /** One job's live view (undefined once it left the in-memory table). */
  jobView(id: string): JobView | undefined {
    const r = this.jobs.get(id);
    return r && this.viewOf(r);
  }

  private viewOf(r: JobRun): JobView {
    return {
      id: r.stored.id, state: r.stored.state, shardsDone: r.doneCount, totalShards: r.stored.totalShards, error: r.stored.error,
      measure: r.stored.spec.measure, estimator: r.stored.spec.estimator, createdAt: r.stored.createdAt, updatedAt: r.stored.updatedAt, requeued: r.requeued, priority: r.weight,
      waitingForWorkers: this.waitingForWorkers() && isLive(r) && r.doneCount < r.stored.totalShards,
    };
  }

  /** No live worker: running jobs cannot progress ("waiting for workers" on /status, WatchJob; /readyz not ready). */
  waitingForWorkers(): boolean {
    return this.workers.size === 0;
  }

  /** Be told of every answered batch (the /metrics shard latency histogram); returns an unsubscribe. */
  onBatch(listener: BatchListener): () => void {
    this.batchListeners.add(listener);
    return () => this.batchListeners.delete(listener);
  }

  recoveryLog(): RecoveryRecord[] {
    return this.recoveries.list();
  }

  /**
   * Stop scheduling and let go of every job WITHOUT ending it: in-flight calls are dropped (the
   * workers abort those shards) but no job is marked cancelled, so a durable store still says
   * 'running' and the next coordinator resumes it (a SIGTERM or a rollout is not a cancel; only
   * `cancel()` cancels). Callers waiting on a job are released.
   */
  async close(): Promise<void> {
    this.closed = true;
    this.unsubscribe();
    for (const w of this.workers.values()) {
      for (const b of [...w.batches]) {
        this.settle(b);
        b.call?.cancel();
      }
      this.stopTraining(w);
      w.link.close();
    }
    this.workers.clear();
    this.jobs.releaseWaiters();
  }


  /** The replicate feed of a job submitted with stream_replicates, while it has one. */
  replicateFeed(jobId: string): ReplicateFeed | undefined {
    return this.feeds.get(jobId);
  }

  /** A job ended: its feed says so; one nobody reads is dropped after FEED_LINGER_MS. */
  private endFeed(jobId: string, state: string): void {
    const feed = this.feeds.get(jobId);
    if (!feed) return;
    feed.end(state);
    setTimeout(() => {
      if (this.feeds.get(jobId) === feed) this.feeds.delete(jobId);
    }, FEED_LINGER_MS).unref();
  }

  // ---------------------------------------------------------------- internals: jobs

  private start(run: JobRun): void {
    this.jobs.add(run);
    this.events.publish({ type: 'state', jobId: run.stored.id, state: 'running' });
    if (run.doneCount === run.shards.size) void this.finishJob(run);
    else this.pump();
  }

  private async endJob(run: JobRun, state: JobState, err?: InfoshardError, tellWorkers = true): Promise<void> {
    if (!isLive(run)) return;
    closeRun(run, state, err ? serializeError(err) : undefined);
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
    freeShards(run);
    for (const w of this.workers.values()) {
      w.jobsSeen.delete(run.stored.id);
      w.training.get(run.stored.id)?.();
      w.training.delete(run.stored.id);
    }
    try {
      await this.store.updateJob(run.stored.id, { state, error: run.stored.error });
    } catch {
      // the store may be gone at shutdown; the in-memory state is already final
    }
    this.events.publish({ type: 'state', jobId: run.stored.id, state, error: run.stored.error });
    this.endFeed(run.stored.id, state);
    // Waiters read the store: wake them only once it says the job ended.
    this.jobs.ended(run);
    this.pump();
  }

  private async finishJob(run: JobRun): Promise<void> {
    if (run.finishing) return;
    run.finishing = true;
    try {
      const partials = partialsOf(run, await this.store.getShardResults(run.stored.id));
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
    this.workers.set(info.id, { info, link: this.connect(info), batches: new Set(), slow: false, shardsDone: 0, jobsSeen: new Set(), training: new Map() });
    this.pump();
  }

  private dropWorker(workerId: string, reason: string): void {
    const w = this.workers.get(workerId);
    if (!w) return;
    this.workers.delete(workerId);
    this.counters.workersLost++;
    const requeued: [string, string][] = [];
    for (const b of [...w.batches]) {
      const pending = this.settle(b);
      b.call?.cancel();
      for (const id of pending) {
        this.requeue(b.job, id, workerId);
        requeued.push([b.job.stored.id, id]);
      }
    }
    this.recoveries.lost(workerId, reason, requeued);
    this.stopTraining(w);
    w.link.close();
    this.pump();
  }

  private stopTraining(w: WorkerSlot): void {
    for (const stop of w.training.values()) stop();
    w.training.clear();
  }

  /** Follow the training of `run`'s critics on `w` (once per worker and job), forwarded as 'training' events. */
  private watchTraining(run: JobRun, w: WorkerSlot): void {
    const jobId = run.stored.id;
    if (w.training.has(jobId) || !w.link.watchTraining) return;
    w.training.set(jobId, w.link.watchTraining(jobId, (training) => {
      if (isLive(run)) this.events.publish({ type: 'training', jobId, training });
    }));
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
      attemptEnded(b.job, s);
      if (!s.done) pending.push(id);
    }
    return pending;
  }

  private requeue(run: JobRun, shardId: string, avoid?: string): void {
    if (requeueShard(run, shardId, avoid)) {
      this.counters.requeued++;
      run.requeued++;
    }
  }

  // ---------------------------------------------------------------- internals: dispatch

  private pump(): void {
    if (this.pumping || this.closed) return;
    this.pumping = true;
    try {
      for (;;) {
        const free = [...this.workers.values()].filter((w) => !w.slow && w.batches.size < w.info.threads);
        if (free.length === 0) break;
        // Fair share: the job with the fewest shards in flight per unit of priority goes next.
        const run = nextJob(this.jobs.active);
        if (!run) break;
        // Least loaded first (outstanding / threads).
        free.sort((a, b) => a.batches.size / a.info.threads - b.batches.size / b.info.threads);
        const slots = [...this.workers.values()].reduce((s, w) => s + (w.slow ? 0 : w.info.threads), 0);
        const size = batchSize(run, this.jobs.active, slots, this.o);
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
    return takeShards(run, size, (s) => othersExist && s.avoid.has(w.info.id) && this.hasAlternative(s, w));
  }

  private hasAlternative(s: ShardState, w: WorkerSlot): boolean {
    for (const o of this.workers.values()) if (o !== w && !s.avoid.has(o.info.id)) return true;
    return false;
  }

  private dispatch(run: JobRun, w: WorkerSlot, ids: string[]): void {
    const b: Batch = { job: run, worker: w, shardIds: ids, timedOut: false, settled: false, startedAt: Date.now() };
    markDispatched(run, ids, w.info.id);
    w.batches.add(b);
    w.jobsSeen.add(run.stored.id);
    this.counters.shardsDispatched += ids.length;
    this.counters.batches++;
    this.recoveries.dispatched(run.stored.id, ids);
    const softMs = this.o.shardDeadlineMs * ids.length;
    b.timer = setTimeout(() => this.onDeadline(b), softMs);
    b.timer.unref();
    const reqs = ids.map((id) => run.shards.get(id)!.req);
    if (reqs.some((q) => q.workload === 'neural')) this.watchTraining(run, w);
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

  private onDeadline(b: Batch): void {
    if (b.settled || b.timedOut) return;
    b.timedOut = true;
    b.worker.slow = true;
    this.counters.deadlineMisses++;
    for (const id of b.shardIds) {
      attemptEnded(b.job, b.job.shards.get(id)!);
      this.requeue(b.job, id, b.worker.info.id);
    }
    this.pump();
  }

  private async onResult(b: Batch, values: ShardValuesMap): Promise<void> {
    const wasTimedOut = b.timedOut;
    const pending = this.settle(b);
    b.worker.slow = false;
    const run = b.job;
    const ms = Date.now() - b.startedAt;
    if (!wasTimedOut) observeBatch(run, b.shardIds.length, ms);
    if (this.batchListeners.size) {
      const ev = { workerId: b.worker.info.id, shards: b.shardIds.length, ms };
      for (const l of this.batchListeners) l(ev);
    }
    for (const id of b.shardIds) {
      const v = values.get(id);
      if (v) await this.accept(run, b.worker, id, v, values.backend);
    }
    // Shards the worker did not answer (should not happen) go round again.
    if (!wasTimedOut) for (const id of pending) if (!values.has(id)) this.requeue(run, id, b.worker.info.id);
    this.pump();
  }

  private async accept(run: JobRun, w: WorkerSlot, shardId: string, vIn: Float64Array, backend?: string): Promise<void> {
    // a streamed job's workers return raw replicates (specJson: summaries false): θ̂ first, for the summary
    const stream = run.stored.streamReplicates && isLive(run) ? run.prepared.stream : undefined;
    const theta = stream ? await stream.theta() : NaN;
    const s = run.shards.get(shardId);
    if (!s || s.done || !isLive(run)) {
      this.counters.duplicatesIgnored++;
      return;
    }
    const series = stream?.kinds[s.req.workload];
    let v = vIn;
    if (stream && series) {
      if (v.length !== s.req.r1 - s.req.r0) {
        await this.endJob(run, 'failed', new InternalError(`worker ${w.info.id}: shard ${shardId} returned ${v.length} values, expected ${s.req.r1 - s.req.r0}`));
        return;
      }
      // the summary the shard would have packed itself (shared/job/execute.ts): same θ̂, same function
      if (stream.summarised.includes(s.req.workload)) v = packSummary(summarize(v, s.req.r0, theta));
    }
    const expected = (s.req.r1 - s.req.r0) * (s.req.width ?? 1);
    const bad = run.prepared.checkShard ? run.prepared.checkShard(s.req, v) : v.length !== expected ? `shard ${shardId} returned ${v.length} values, expected ${expected}` : undefined;
    if (bad) {
      await this.endJob(run, 'failed', new InternalError(`worker ${w.info.id}: ${bad}`));
      return;
    }
    const first = await this.store.putShardResult(run.stored.id, shardId, v);
    if (!first || s.done || !isLive(run)) {
      this.counters.duplicatesIgnored++;
      return;
    }
    // the raw values go to the client (in the result's units, as merge.ts converts them) and are not kept
    if (series) this.feeds.get(run.stored.id)?.push({ series, r0: s.req.r0, values: stream!.units === 'bits' ? vIn.map((x) => x / Math.LN2) : vIn });
    const last = markDone(run, s, backend);
    w.shardsDone++;
    this.counters.shardsCompleted++;
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
