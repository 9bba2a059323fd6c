/**
 * `connectCluster(address, opts)`: an `Engine` that runs jobs on a coordinator. The dataset is
 * uploaded once per coordinator (HasDataset → PutDataset, content-addressed), the job spec goes
 * as JSON, progress streams back (WatchJob), and the result is the same JobResult the embedded
 * engine returns, with `provenance.engine = 'cluster'`.
 *
 * A job outlives its client's connection (issue 13): a client whose coordinator goes away (crash,
 * rollout) waits for it up to `waitMs`, then re-attaches to the job by id (the coordinator resumes
 * it from its durable store) and keeps waiting for the result. `attach(jobId)` does the same for a
 * job submitted earlier (`infoshard watch|result`), and `listJobs`/`getJob`/`cancelJob` serve the
 * `jobs`/`status`/`cancel` commands.
 */
import * as grpc from '@grpc/grpc-js';
import type { Engine, Job, JobHandle, JobResult, JobSpec, Progress, ReplicateSeries, ReplicateSink, RunOptions } from '../shared/job/spec.js';
import {
  AuthError, CancelledError, deserializeError, errorFromCode, InfoshardError, InternalError, OptionError, UnavailableError, type SerializedError,
} from '../shared/errors.js';
import { datasetHash } from '../shared/data/hash.js';
import { canonicalJob } from '../shared/job/prepare.js';
import { ProgressChannel } from '../shared/job/progress.js';
import { putDataset } from './link.js';
import {
  decodeResult, encodeDataset, fromServiceError, loadProto, PROTOCOL_VERSION, RESULT_PAGE_BYTES, trainingFromMsg, WIRE_DEFAULTS,
  type CancelResponse, type DatasetChunk, type ReplicatePageMsg, type GetResultRequest, type GetResultResponse, type HasDatasetResponse, type JobEventMsg,
  type JobInfoMsg, type JobRef, type ListJobsRequest, type ListJobsResponse, type ListWorkersResponse, type PutDatasetResponse,
  type SubmitJobRequest, type SubmitJobResponse,
} from '../cluster/wire.js';
import { probeConnection } from '../cluster/probe.js';
import { channelCredentials, clientOptions, type ClientSecurityOptions } from '../cluster/security.js';
import { wireSpecJson } from '../cluster/spec-json.js';

export interface ClusterClientOptions {
  token?: string;
  tokenFile?: string;
  /** PEM CA file to verify the coordinator's certificate (TLS on when set). */
  ca?: string;
  /** Client certificate/key files (mTLS). */
  cert?: string;
  key?: string;
  /** Expected server name in the certificate when it differs from the dialled host. */
  serverName?: string;
  /** Plaintext even if TLS options are present (tests). */
  insecure?: boolean;
  /** @default WIRE_DEFAULTS.maxMessageBytes */
  maxMessageBytes?: number;
  /** Cap on replicate counts, enforced by the coordinator and workers as by the embedded engine. @default DEFAULTS.maxReplicates */
  maxReplicates?: number;
  /** Share of the workers for this client's jobs relative to other running jobs, 1..100. @default 1 */
  priority?: number;
  /**
   * How long to wait for an unreachable coordinator, at connect and after a lost connection,
   * before failing with UnavailableError. A TLS mismatch fails at once. @default CLIENT_DEFAULTS.waitMs
   */
  waitMs?: number;
  /** One line for people on each connection or job event (coordinator unreachable/back, waiting for workers). */
  onNotice?: (line: string) => void;
}

export const CLIENT_DEFAULTS = {
  /** 60 s: a coordinator restart or rollout (resume from the store included) fits with room. */
  waitMs: 60_000,
  /** A cancel on interrupt that gets no answer within this is reported as failed. */
  cancelMs: 5_000,
  /** progress() waits at most this long after the result for the WatchJob stream's last events. */
  watchTailMs: 2_000,
} as const;

/** Per-job options of a cluster submission. */
export interface ClusterRunOptions extends RunOptions {
  /** Opaque JSON kept with the job and returned with its result (SubmitJobRequest.client_json). */
  clientJson?: string;
}

/** A job this client follows: submitted here, or attached to by id. */
export interface AttachedJob {
  readonly id: string;
  /** The result and the client_json it was submitted with; rejects with the job's typed error. */
  readonly done: Promise<{ result: JobResult; clientJson: string }>;
  progress(): AsyncIterable<Progress>;
  cancel(): Promise<void>;
}

type Cb<T> = (err: grpc.ServiceError | null, res?: T) => void;
export interface CoordinatorStub extends grpc.Client {
  PutDataset(cb: Cb<PutDatasetResponse>): grpc.ClientWritableStream<DatasetChunk>;
  HasDataset(req: object, opts: grpc.CallOptions, cb: Cb<HasDatasetResponse>): grpc.ClientUnaryCall;
  SubmitJob(req: SubmitJobRequest, opts: grpc.CallOptions, cb: Cb<SubmitJobResponse>): grpc.ClientUnaryCall;
  WatchJob(req: JobRef, opts?: grpc.CallOptions): grpc.ClientReadableStream<JobEventMsg>;
  StreamReplicates(req: JobRef, opts?: grpc.CallOptions): grpc.ClientReadableStream<ReplicatePageMsg>;
  GetResult(req: GetResultRequest, opts: grpc.CallOptions, cb: Cb<GetResultResponse>): grpc.ClientUnaryCall;
  CancelJob(req: JobRef, opts: grpc.CallOptions, cb: Cb<CancelResponse>): grpc.ClientUnaryCall;
  ListWorkers(req: object, opts: grpc.CallOptions, cb: Cb<ListWorkersResponse>): grpc.ClientUnaryCall;
  ListJobs(req: ListJobsRequest, opts: grpc.CallOptions, cb: Cb<ListJobsResponse>): grpc.ClientUnaryCall;
  GetJob(req: JobRef, opts: grpc.CallOptions, cb: Cb<JobInfoMsg>): grpc.ClientUnaryCall;
}

function securityOf(o: ClusterClientOptions): ClientSecurityOptions {
  return o.insecure ? { ...o, ca: undefined, cert: undefined, key: undefined } : { ...o };
}

export function coordinatorStub(address: string, o: ClusterClientOptions = {}): CoordinatorStub {
  const sec = securityOf(o);
  const { Coordinator } = loadProto();
  return new Coordinator(address, channelCredentials(sec), clientOptions(sec, o.maxMessageBytes ?? WIRE_DEFAULTS.maxMessageBytes)) as unknown as CoordinatorStub;
}

function call<T>(fn: (cb: Cb<T>) => unknown): Promise<T> {
  return new Promise((resolve, reject) => fn((err, res) => (err ? reject(fromServiceError(err)) : resolve(res as T))));
}

const V = PROTOCOL_VERSION;

function ready(stub: grpc.Client, deadline: number): Promise<boolean> {
  return new Promise((resolve) => stub.waitForReady(deadline, (err) => resolve(!err)));
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A failed job's typed error: the full error (field, cause) when the coordinator sent it, else code and message. */
function failure(r: GetResultResponse): Error {
  if (r.error_json) {
    try {
      return deserializeError(JSON.parse(r.error_json) as SerializedError);
    } catch {
      /* an older or damaged field: fall back to code and message */
    }
  }
  return errorFromCode(r.error_code, r.error_message);
}

function isUnavailable(e: unknown): boolean {
  return e instanceof InfoshardError && e.code === 'E_UNAVAILABLE';
}

export class ClusterEngine implements Engine {
  private readonly uploaded = new Map<string, Promise<void>>();
  private closed = false;
  /** Jobs followed now: stopped by close() so that nothing keeps the process alive. */
  private readonly following = new Set<() => void>();
  private readonly waitMs: number;

  constructor(readonly stub: CoordinatorStub, readonly address: string, private readonly o: ClusterClientOptions = {}) {
    this.waitMs = o.waitMs ?? CLIENT_DEFAULTS.waitMs;
  }

  private notice(line: string): void {
    this.o.onNotice?.(line);
  }

  /**
   * Wait until the coordinator answers again, at most until `since + waitMs`. A TLS mismatch
   * throws AuthError at once; running out of time throws UnavailableError naming the cause.
   */
  async awaitCoordinator(since = Date.now(), signal?: AbortSignal): Promise<void> {
    const end = since + this.waitMs;
    // one real attempt even with waitMs 0
    if (await ready(this.stub, Date.now() + 1000)) return;
    const p = await probeConnection(this.address, securityOf(this.o));
    if (p.kind === 'tls') throw new AuthError(p.detail);
    const left = Math.max(0, Math.round((end - Date.now()) / 1000));
    if (left > 0) this.notice(`coordinator ${this.address} is not reachable (${p.detail}); waiting up to ${left} s for it (--wait)`);
    while (Date.now() < end && !signal?.aborted) {
      if (await ready(this.stub, Math.min(end, Date.now() + 1000))) {
        if (left > 0) this.notice(`coordinator ${this.address} is back`);
        return;
      }
    }
    if (signal?.aborted) throw new CancelledError('interrupted while waiting for the coordinator');
    const last = await probeConnection(this.address, securityOf(this.o));
    if (last.kind === 'tls') throw new AuthError(last.detail);
    throw new UnavailableError(`coordinator ${this.address} is not reachable (${last.detail}) after waiting ${Math.round(this.waitMs / 1000)} s (--wait)`);
  }

  /** A unary call that rides out an outage of the coordinator (within waitMs). */
  private async rpc<T>(fn: (cb: Cb<T>) => unknown): Promise<T> {
    let since: number | undefined;
    for (;;) {
      try {
        return await call(fn);
      } catch (e) {
        if (!isUnavailable(e)) throw e;
        since ??= Date.now();
        await this.awaitCoordinator(since);
      }
    }
  }

  /**
   * The result JSON of a done job from its first page: the remaining pages fetched in order and
   * joined as bytes (a page may end inside a UTF-8 character). A coordinator that predates
   * paging answers with the whole result_json instead.
   */
  private async pages(jobId: string, first: GetResultResponse): Promise<string> {
    if (!first.total_bytes) return first.result_json;
    const parts: Uint8Array[] = [first.result_page ?? new Uint8Array(0)];
    let got = parts[0]!.length;
    while (got < first.total_bytes) {
      const r = await call<GetResultResponse>((cb) => this.stub.GetResult({ protocol_version: V, job_id: jobId, wait_ms: 0, offset: got, page_bytes: RESULT_PAGE_BYTES }, {}, cb));
      const page = r.result_page ?? new Uint8Array(0);
      if (page.length === 0) throw new InternalError(`job ${jobId}: result page at byte ${got} of ${first.total_bytes} is empty`);
      parts.push(page);
      got += page.length;
    }
    return Buffer.concat(parts).toString('utf8');
  }

  private upload(hash: string, bytes: () => Buffer): Promise<void> {
    let p = this.uploaded.get(hash);
    if (!p) {
      p = (async () => {
        const has = await this.rpc<HasDatasetResponse>((cb) => this.stub.HasDataset({ protocol_version: V, hash }, {}, cb));
        if (!has.present) await putDataset(this.stub, hash, bytes());
      })();
      p.catch(() => this.uploaded.delete(hash));
      this.uploaded.set(hash, p);
    }
    return p;
  }

  async submit(job: Job, opts: ClusterRunOptions = {}): Promise<JobHandle> {
    return this.handle(await this.submitJob(job, opts));
  }

  async run(job: Job, opts: ClusterRunOptions = {}): Promise<JobResult> {
    return (await this.submitJob(job, opts)).done.then((d) => d.result);
  }

  /** Upload the data (once), submit, and follow the job; the signal cancels it. */
  async submitJob(job: Job, opts: ClusterRunOptions = {}): Promise<AttachedJob> {
    return this.attach(await this.submitOnly(job, opts.clientJson), { ...opts, cancelOnAbort: true });
  }

  /** Upload the data (once) and submit; the job id (`--detach`: nothing follows the job). */
  async submitOnly(job: Job, clientJson = '', o: { streamReplicates?: boolean } = {}): Promise<string> {
    if (this.closed) throw new OptionError('the cluster engine is closed', 'engine');
    // two-sample jobs travel as one table (the same bytes the embedded engine hashes)
    const { data, dataQ: _q, ...spec } = canonicalJob(job);
    const hash = datasetHash(data);
    await this.upload(hash, () => encodeDataset(data));
    // not retried: a SubmitJob lost with the connection may have created the job, and a second one would run twice
    const res = await call<SubmitJobResponse>((cb) =>
      this.stub.SubmitJob({
        protocol_version: V, spec_json: wireSpecJson(spec as JobSpec, this.o.maxReplicates), data_hash: hash, dataset: Buffer.alloc(0),
        priority: this.o.priority ?? 0, client_json: clientJson, ...(o.streamReplicates ? { stream_replicates: true } : {}),
      }, {}, cb),
    );
    return res.job_id;
  }

  /**
   * The replicates of a job submitted with `streamReplicates`, into `sink` page by page as the
   * coordinator forwards them (coordinator/replicate-feed.ts); resolves once the job is done and
   * every page came, rejects when the stream fails or the job ended otherwise. No reconnection:
   * pages already sent are gone from the coordinator, so a dropped stream fails the file.
   */
  replicates(jobId: string, sink: ReplicateSink, signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const s = this.stub.StreamReplicates({ protocol_version: V, job_id: jobId });
      let ended = false;
      const onAbort = () => s.cancel();
      signal?.addEventListener('abort', onAbort, { once: true });
      const fail = (e: unknown) => {
        signal?.removeEventListener('abort', onAbort);
        reject(e);
      };
      s.on('data', (m: ReplicatePageMsg) => {
        try {
          if (m.type === 'begin') sink.begin(JSON.parse(m.series_json) as { name: ReplicateSeries; count: number }[]);
          else if (m.type === 'page') {
            // copy: the bytes' offset need not be 8-aligned
            const b = new Uint8Array(m.values);
            sink.push(m.series as ReplicateSeries, Number(m.r0), new Float64Array(b.buffer, 0, b.length / 8));
          } else if (m.type === 'end') {
            ended = true;
            if (m.series_json !== 'done') fail(new InternalError(`job ${jobId} ended ${m.series_json}: its replicates are incomplete`));
          }
        } catch (e) {
          s.cancel();
          fail(e);
        }
      });
      s.on('error', (e: grpc.ServiceError) => fail(fromServiceError(e)));
      s.on('end', () => {
        signal?.removeEventListener('abort', onAbort);
        if (ended) resolve();
        else reject(new InternalError(`job ${jobId}: the replicate stream ended before the job did`));
      });
    });
  }

  /**
   * Follow job `jobId` until it ends: progress from WatchJob, the result from GetResult, both
   * re-established after the coordinator comes back. With `cancelOnAbort` the signal cancels
   * the job (a submitting client's Ctrl-C or SIGTERM); without, it only stops following.
   */
  attach(jobId: string, opts: RunOptions & { cancelOnAbort?: boolean } = {}): AttachedJob {
    const channel = new ProgressChannel();
    let watch: grpc.ClientReadableStream<JobEventMsg> | undefined;
    let waitingSaid = false;
    let last = { done: 0, total: 0 };
    let watchEnded: Promise<void> = Promise.resolve();
    const openWatch = () => {
      watch?.cancel();
      const w = this.stub.WatchJob({ protocol_version: V, job_id: jobId });
      w.on('data', (ev: JobEventMsg) => {
        if (ev.type === 'waiting') {
          if (!waitingSaid) this.notice(`job ${jobId}: waiting for workers (the coordinator has no live worker)`);
          waitingSaid = true;
          const p: Progress = { jobId, phase: 'waiting for workers', done: 0, total: 0 };
          opts.onProgress?.(p);
          return;
        }
        if (ev.type === 'training' && ev.training) {
          // a critic's training update, with the latest counts (as the embedded engine sends it)
          const p: Progress = { jobId, phase: 'neural', done: last.done, total: last.total, training: trainingFromMsg(ev.training) };
          channel.push(p);
          opts.onProgress?.(p);
          return;
        }
        if (ev.type !== 'progress') return;
        waitingSaid = false;
        const p: Progress = { jobId, phase: ev.phase, done: ev.done, total: ev.total };
        last = { done: ev.done, total: ev.total };
        channel.push(p);
        opts.onProgress?.(p);
      });
      // a dropped stream is opened again once GetResult gets through; its own errors end nothing
      w.on('error', () => undefined);
      watchEnded = new Promise<void>((resolve) => {
        w.on('end', resolve);
        w.on('error', () => resolve());
      });
      watch = w;
    };
    openWatch();

    const cancel = () => call<CancelResponse>((cb) => this.stub.CancelJob({ protocol_version: V, job_id: jobId }, { deadline: Date.now() + CLIENT_DEFAULTS.cancelMs }, cb));
    let interrupted: (e: Error) => void = () => undefined;
    const interruption = new Promise<never>((_, reject) => (interrupted = reject));
    interruption.catch(() => undefined);
    let pending: grpc.ClientUnaryCall | undefined;
    const stop = () => {
      pending?.cancel();
      interrupted(new CancelledError(`stopped following job ${jobId}: the client closed`));
    };
    this.following.add(stop);
    const onAbort = () => {
      if (!opts.cancelOnAbort) return interrupted(new CancelledError(`stopped following job ${jobId}; it keeps running (infoshard status ${jobId})`));
      // the result loop sees 'cancelled'; these two only cover a coordinator that does not answer
      const t = setTimeout(() => interrupted(new CancelledError(`interrupted; job ${jobId} did not confirm the cancel within ${CLIENT_DEFAULTS.cancelMs / 1000} s and may still run (infoshard cancel ${jobId})`)), CLIENT_DEFAULTS.cancelMs);
      t.unref();
      cancel().catch((e: Error) => interrupted(new CancelledError(`interrupted; cancelling job ${jobId} failed (${e.message}); it may still run (infoshard cancel ${jobId})`)));
    };
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    if (opts.signal?.aborted) onAbort();

    const loop = async (): Promise<{ result: JobResult; clientJson: string }> => {
      let outage: number | undefined;
      let reconnected = false;
      for (;;) {
        let r: GetResultResponse;
        try {
          r = await call<GetResultResponse>((cb) => (pending = this.stub.GetResult({ protocol_version: V, job_id: jobId, wait_ms: 30_000, page_bytes: RESULT_PAGE_BYTES }, {}, cb)));
        } catch (e) {
          // the job was known before the outage: a coordinator that forgets it kept it in memory only
          if ((reconnected || outage !== undefined) && e instanceof InfoshardError && e.code === 'E_NOT_FOUND') {
            throw new UnavailableError(`job ${jobId} is gone: coordinator ${this.address} restarted without a durable store (run it with --nats to keep jobs across restarts)`);
          }
          if (!isUnavailable(e)) throw e;
          outage ??= Date.now();
          await this.awaitCoordinator(outage, opts.signal);
          await sleep(100);
          continue;
        }
        if (outage !== undefined) {
          outage = undefined;
          reconnected = true;
          openWatch();
        }
        if (r.state === 'done') return { result: decodeResult(await this.pages(jobId, r)), clientJson: r.client_json ?? '' };
        if (r.state === 'cancelled') throw new CancelledError(r.error_message || `job ${jobId} cancelled`);
        if (r.state === 'failed') throw failure(r);
      }
    };
    const done = Promise.race([loop(), interruption]).finally(() => {
      this.following.delete(stop);
      pending?.cancel();
      opts.signal?.removeEventListener('abort', onAbort);
    });
    // progress() ends after the job's last event: the WatchJob stream ends after the terminal
    // state, which can trail GetResult's answer (events on NATS); at most watchTailMs later
    void done.then(
      async () => {
        const tail = new Promise<void>((resolve) => setTimeout(resolve, CLIENT_DEFAULTS.watchTailMs).unref());
        await Promise.race([watchEnded, tail]);
      },
      () => undefined,
    ).finally(() => {
      watch?.cancel();
      channel.close();
    });
    done.catch(() => undefined);
    return {
      id: jobId,
      done,
      progress: () => channel.iterate(),
      cancel: async () => {
        await cancel();
        await done.then(() => undefined, () => undefined);
      },
    };
  }

  private handle(a: AttachedJob): JobHandle {
    return { id: a.id, progress: () => a.progress(), result: () => a.done.then((d) => d.result), cancel: () => a.cancel() };
  }

  async listWorkers(): Promise<ListWorkersResponse['workers']> {
    return (await this.rpc<ListWorkersResponse>((cb) => this.stub.ListWorkers({ protocol_version: V }, {}, cb))).workers;
  }

  /** Jobs the coordinator knows, newest first (`states` filters; `limit` 0 = the server's 100). */
  async listJobs(states: string[] = [], limit = 0): Promise<JobInfoMsg[]> {
    return (await this.rpc<ListJobsResponse>((cb) => this.stub.ListJobs({ protocol_version: V, states, limit }, {}, cb))).jobs;
  }

  getJob(jobId: string): Promise<JobInfoMsg> {
    return this.rpc<JobInfoMsg>((cb) => this.stub.GetJob({ protocol_version: V, job_id: jobId }, {}, cb));
  }

  /** Cancel a job by id; true when it was running. */
  async cancelJob(jobId: string): Promise<boolean> {
    return (await this.rpc<CancelResponse>((cb) => this.stub.CancelJob({ protocol_version: V, job_id: jobId }, {}, cb))).cancelled > 0;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const stop of [...this.following]) stop();
    this.stub.close();
  }
}

export type ClusterEngineHandle = ClusterEngine;

/**
 * Connect to a coordinator, waiting up to `waitMs` for one that is down or restarting (with a
 * notice); a TLS mismatch throws AuthError at once, no answer in time UnavailableError.
 */
export async function connectCluster(address: string, opts: ClusterClientOptions = {}): Promise<ClusterEngine> {
  if (opts.maxReplicates !== undefined && !(Number.isInteger(opts.maxReplicates) && opts.maxReplicates >= 1)) {
    throw new OptionError(`maxReplicates must be a positive integer; got ${opts.maxReplicates}`, 'maxReplicates');
  }
  const stub = coordinatorStub(address, opts);
  const engine = new ClusterEngine(stub, address, opts);
  try {
    await engine.awaitCoordinator();
  } catch (e) {
    stub.close();
    throw e;
  }
  return engine;
}
