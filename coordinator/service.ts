/**
 * The Coordinator gRPC service (the counterpart of `worker/server.ts`'s WorkerService): a thin
 * layer over the scheduler, the job store and the event publisher. Every handler is guarded
 * (token, protocol_version) and answers errors as statuses; nothing a client sends can take the
 * server down. The process around it (backends, listening, HTTP) is `coordinator/server.ts`.
 */
import { randomUUID } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import type { Dataset } from '../shared/data/matrix.js';
import { CancelledError, DataError, InternalError, NotFoundError, OptionError } from '../shared/errors.js';
import type { FeedEvent } from './replicate-feed.js';
import { DatasetCache } from '../cluster/cache.js';
import { checkWorkerInfo, DISCOVERY_DEFAULTS, type GrpcDiscovery } from '../cluster/discovery.js';
import { datasetUpload, serverStream, unary, type CallGuard } from '../cluster/handlers.js';
import { parseSpec } from '../cluster/spec-json.js';
import {
  decodeDataset, loadProto, sha256Hex, trainingToMsg, WIRE_DEFAULTS,
  type GetResultRequest, type GetResultResponse, type HasDatasetRequest, type JobEventMsg, type JobInfoMsg, type JobRef, type ListJobsRequest,
  type ListJobsResponse, type ListWorkersResponse,
  type RegisterWorkerRequest, type RegisterWorkerResponse, type ReplicatePageMsg, type SubmitJobRequest, type SubmitJobResponse,
} from '../cluster/wire.js';
import type { EventPublisher, JobEvent } from './events.js';
import type { Scheduler } from './scheduler.js';
import { TERMINAL_STATES, type JobState, type JobStore, type StoredJob } from './store.js';
import type { JobSpec } from '../shared/job/spec.js';

/** Largest SubmitJobRequest.client_json kept with a job. */
export const MAX_CLIENT_JSON = 64 * 1024;
/** How often a WatchJob stream checks whether its job waits for workers. */
const WAITING_POLL_MS = 500;

/** "bootstrap 200, permutation 100": the replicate workloads a spec asks for ('' for a point estimate). */
export function workloadOf(spec: JobSpec): string {
  const parts: string[] = [];
  if (spec.screen) parts.push('screen');
  if (spec.pairwise) parts.push('pairwise');
  if (spec.bootstrap) parts.push(`bootstrap ${spec.bootstrap.replicates}`);
  if (spec.permutation) parts.push(`permutation ${spec.permutation.shuffles || spec.permutation.surrogates?.length || 0}`);
  if (spec.ensemble?.bagging) parts.push(`bagging ${spec.ensemble.bagging.replicates}`);
  if (spec.ensemble?.kValues) parts.push(`k ${spec.ensemble.kValues.join('/')}`);
  return parts.join(', ');
}

function waitingMsg(jobId: string): JobEventMsg {
  return { job_id: jobId, type: 'waiting', phase: 'waiting for workers', done: 0, total: 0, state: 'running', error_code: '', error_message: '' };
}

export interface CoordinatorServiceOptions extends CallGuard {
  scheduler: Scheduler;
  store: JobStore;
  events: EventPublisher;
  /** Workers register over gRPC (undefined: they announce on NATS and registration is refused). */
  registration?: GrpcDiscovery;
  /** @default WIRE_DEFAULTS.maxDatasetBytes */
  maxDatasetBytes?: number;
  /** Bytes of decoded datasets kept so repeated jobs on the same data decode once. @default 1 GiB */
  decodedCacheBytes?: number;
  /** Job calls (submit, watch, result, cancel) wait for this: the coordinator is resuming jobs until it resolves. */
  ready?: Promise<void>;
  /** grpc.health.v1 status: NOT_SERVING while resuming or with no live worker. @default always SERVING */
  health?: () => 'SERVING' | 'NOT_SERVING';
}

function eventMsg(ev: JobEvent): JobEventMsg {
  if (ev.type === 'training') {
    return { job_id: ev.jobId, type: 'training', phase: 'neural', done: 0, total: 0, state: '', error_code: '', error_message: '', training: trainingToMsg(ev.jobId, ev.training) };
  }
  return ev.type === 'progress'
    ? { job_id: ev.jobId, type: 'progress', phase: ev.phase, done: ev.done, total: ev.total, state: '', error_code: '', error_message: '' }
    : { job_id: ev.jobId, type: 'state', phase: '', done: 0, total: 0, state: ev.state, error_code: ev.error?.code ?? '', error_message: ev.error?.message ?? '' };
}

export class CoordinatorService {
  /** Decoded datasets by hash. */
  /** Read by /metrics (bytes, hits). */
  readonly decoded: DatasetCache;
  private readonly maxDatasetBytes: number;

  constructor(readonly o: CoordinatorServiceOptions) {
    this.decoded = new DatasetCache(o.decodedCacheBytes ?? 1024 * 1024 * 1024);
    this.maxDatasetBytes = o.maxDatasetBytes ?? WIRE_DEFAULTS.maxDatasetBytes;
  }

  /** Register the Coordinator service and the standard health service on `server`. */
  addTo(server: grpc.Server): void {
    const { Coordinator, Health } = loadProto();
    const g: CallGuard = { token: this.o.token };
    const { scheduler, store } = this.o;
    const ready = this.o.ready ?? Promise.resolve();
    server.addService(Coordinator.service, {
      PutDataset: datasetUpload(g, this.maxDatasetBytes, async (hash, bytes) => {
        this.decoded.put(hash, decodeDataset(bytes), bytes.length);
        await store.putDataset(hash, bytes);
      }),
      HasDataset: unary<HasDatasetRequest, { present: boolean }>(g, async (req) => ({ present: (await store.getDataset(req.hash)) !== undefined })),
      SubmitJob: unary<SubmitJobRequest, SubmitJobResponse>(g, async (req) => (await ready, this.submit(req))),
      WatchJob: serverStream<JobRef, JobEventMsg>(g, async (req, call) => (await ready, this.watch(req, call))),
      GetResult: unary<GetResultRequest, GetResultResponse>(g, async (req) => (await ready, this.result(req))),
      StreamReplicates: serverStream<JobRef, ReplicatePageMsg>(g, async (req, call) => (await ready, this.replicates(req, call))),
      ListJobs: unary<ListJobsRequest, ListJobsResponse>(g, async (req) => (await ready, this.listJobs(req))),
      GetJob: unary<JobRef, JobInfoMsg>(g, async (req) => {
        await ready;
        const j = await store.getJob(req.job_id);
        if (!j) throw new NotFoundError(`unknown job ${req.job_id}`);
        return this.info(j);
      }),
      CancelJob: unary<JobRef, { cancelled: number }>(g, async (req) => (await ready, { cancelled: (await scheduler.cancel(req.job_id)) ? 1 : 0 })),
      ListWorkers: unary<{ protocol_version: number }, ListWorkersResponse>(g, () => ({
        workers: scheduler.listWorkers().map((w) => ({
          id: w.id, address: w.address, threads: w.threads, version: w.version, last_seen_ms: w.lastSeen, outstanding: w.outstanding, shards_done: w.shardsDone,
        })),
      })),
      RegisterWorker: this.registration(g, (d, req) => d.seen(checkWorkerInfo(req), true)),
      Heartbeat: this.registration(g, (d, req) => d.seen(checkWorkerInfo(req), false)),
      UnregisterWorker: this.registration(g, (d, req) => {
        d.remove(checkWorkerInfo(req).id, 'unregistered');
        return true;
      }),
    });
    const health = this.o.health ?? (() => 'SERVING' as const);
    server.addService(Health.service, {
      Check: (_call: grpc.ServerUnaryCall<unknown, unknown>, cb: grpc.sendUnaryData<{ status: string }>) => cb(null, { status: health() }),
    });
  }

  private async dataset(hash: string): Promise<Dataset> {
    const hit = this.decoded.get(hash);
    if (hit) return hit;
    const bytes = await this.o.store.getDataset(hash);
    if (!bytes) throw new NotFoundError(`dataset ${hash} is not on the coordinator; upload it with PutDataset or send it inline`);
    const ds = decodeDataset(bytes);
    this.decoded.put(hash, ds, bytes.length);
    return ds;
  }

  private async submit(req: SubmitJobRequest): Promise<SubmitJobResponse> {
    const spec = parseSpec(req.spec_json);
    const client = req.client_json ?? '';
    if (client.length > MAX_CLIENT_JSON) throw new OptionError(`client_json: ${client.length} characters, over the limit of ${MAX_CLIENT_JSON}`, 'client_json');
    let hash = req.data_hash;
    if (req.dataset.length > 0) {
      if (req.dataset.length > this.maxDatasetBytes) throw new DataError(`dataset: ${req.dataset.length} bytes, over the limit of ${this.maxDatasetBytes}`);
      const actual = sha256Hex(req.dataset);
      if (hash && hash !== actual) throw new DataError(`data_hash ${hash} does not match the SHA-256 of the inline dataset (${actual})`);
      hash = actual;
      this.decoded.put(hash, decodeDataset(req.dataset), req.dataset.length);
      await this.o.store.putDataset(hash, Buffer.from(req.dataset));
    } else if (!hash) {
      throw new OptionError('SubmitJob: give data_hash (after PutDataset) or the dataset bytes inline', 'data_hash');
    }
    const job = await this.o.scheduler.submit(spec, await this.dataset(hash), hash, randomUUID(), req.priority || 1, client || undefined, req.stream_replicates === true);
    return { job_id: job.id, total_shards: job.totalShards };
  }

  /**
   * StreamReplicates: the job's replicate feed (replicate-feed.ts) to this call — "begin", a page
   * per accepted shard, "end" once the job ended; pages written here are gone from the coordinator.
   * A write the transport cannot take at once waits for 'drain' (the feed queues meanwhile).
   */
  private replicates(req: JobRef, call: grpc.ServerWritableStream<JobRef, ReplicatePageMsg>): Promise<void> {
    const feed = this.o.scheduler.replicateFeed(req.job_id);
    if (!feed) throw new NotFoundError(`job ${req.job_id} does not stream its replicates (submitted without them, finished a while ago, or the coordinator restarted)`);
    return new Promise<void>((resolve, reject) => {
      const empty = new Uint8Array(0);
      const reader = (e: FeedEvent) => {
        if (e.type === 'end') {
          feed.detach(reader);
          call.write({ type: 'end', series_json: e.state, series: '', r0: 0, values: empty });
          resolve();
          return;
        }
        const v = e.page.values;
        call.write({ type: 'page', series_json: '', series: e.page.series, r0: e.page.r0, values: new Uint8Array(v.buffer, v.byteOffset, v.byteLength) });
      };
      call.on('cancelled', () => {
        feed.detach(reader);
        reject(new CancelledError('StreamReplicates cancelled by the client'));
      });
      call.write({ type: 'begin', series_json: JSON.stringify(feed.series), series: '', r0: 0, values: empty });
      if (!feed.attach(reader)) reject(new OptionError(`job ${req.job_id}: its replicates are already being read by another client`, 'job_id'));
    });
  }

  private watch(req: JobRef, call: grpc.ServerWritableStream<JobRef, JobEventMsg>): Promise<void> {
    const { events, store, scheduler } = this.o;
    return new Promise<void>((resolve, reject) => {
      let unsub = () => {};
      let poll: NodeJS.Timeout | undefined;
      let waiting = false;
      const finish = () => {
        unsub();
        clearInterval(poll);
        resolve();
      };
      // "waiting for workers" on the stream once, each time the job starts waiting
      const checkWaiting = () => {
        const now = scheduler.jobView(req.job_id)?.waitingForWorkers === true;
        if (now && !waiting) call.write(waitingMsg(req.job_id));
        waiting = now;
      };
      unsub = events.subscribe(req.job_id, (ev) => {
        call.write(eventMsg(ev));
        if (ev.type === 'state' && TERMINAL_STATES.includes(ev.state)) finish();
      });
      call.on('cancelled', finish);
      store.getJob(req.job_id).then((j) => {
        if (!j) {
          unsub();
          reject(new NotFoundError(`unknown job ${req.job_id}`));
          return;
        }
        call.write(eventMsg({ type: 'state', jobId: j.id, state: j.state, ...(j.error ? { error: j.error } : {}) }));
        if (TERMINAL_STATES.includes(j.state)) return finish();
        checkWaiting();
        poll = setInterval(checkWaiting, WAITING_POLL_MS);
      }, (e: unknown) => {
        unsub();
        reject(e);
      });
    });
  }

  /** Newest first; live shard counts from the scheduler, the rest from the store. */
  private async listJobs(req: ListJobsRequest): Promise<ListJobsResponse> {
    const states = (req.states ?? []).filter((x) => x !== '') as JobState[];
    for (const st of states) if (!['running', ...TERMINAL_STATES].includes(st)) throw new OptionError(`unknown job state '${st}' (running, done, failed, cancelled)`, 'states');
    const all = await this.o.store.listJobs(states.length ? states : undefined);
    all.sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? -1 : 1));
    return { jobs: all.slice(0, req.limit || 100).map((j) => this.info(j)) };
  }

  private info(j: StoredJob): JobInfoMsg {
    const live = this.o.scheduler.jobView(j.id);
    const state = live?.state ?? j.state;
    return {
      job_id: j.id, state, shards_done: live ? live.shardsDone : j.state === 'done' ? j.totalShards : 0, total_shards: live?.totalShards ?? j.totalShards,
      progress_known: live !== undefined || j.state === 'done', created_ms: j.createdAt, updated_ms: live?.updatedAt ?? j.updatedAt,
      measure: j.spec.measure, estimator: j.spec.estimator ?? '', workload: workloadOf(j.spec), waiting_for_workers: live?.waitingForWorkers ?? false,
      error_code: (live?.error ?? j.error)?.code ?? '', error_message: (live?.error ?? j.error)?.message ?? '', client_json: j.client ?? '',
      priority: j.priority ?? 1,
    };
  }

  private async result(req: GetResultRequest): Promise<GetResultResponse> {
    const { scheduler, store } = this.o;
    if (req.wait_ms > 0) await scheduler.waitFor(req.job_id, Math.min(req.wait_ms, 600_000));
    const j = await store.getJob(req.job_id);
    if (!j) throw new NotFoundError(`unknown job ${req.job_id}`);
    const result = j.state === 'done' ? await store.getResult(j.id) : undefined;
    if (j.state === 'done' && !result) throw new InternalError(`job ${j.id} is done but its result is missing`);
    if (result && req.page_bytes) {
      // a page of the UTF-8 bytes: results over the message limit (vector path, B in the millions) stay fetchable
      const bytes = Buffer.from(result, 'utf8');
      const from = Math.min(req.offset ?? 0, bytes.length);
      return {
        state: j.state, result_json: '', result_page: bytes.subarray(from, from + req.page_bytes), total_bytes: bytes.length,
        error_code: '', error_message: '', error_json: '', client_json: j.client ?? '',
      };
    }
    return {
      state: j.state, result_json: result ?? '', error_code: j.error?.code ?? '', error_message: j.error?.message ?? '', error_json: j.error ? JSON.stringify(j.error) : '',
      client_json: j.client ?? '',
    };
  }

  private registration(g: CallGuard, fn: (d: GrpcDiscovery, req: RegisterWorkerRequest) => boolean) {
    return unary<RegisterWorkerRequest, RegisterWorkerResponse>(g, (req) => {
      const d = this.o.registration;
      if (!d) throw new OptionError('this coordinator discovers workers on NATS; start the worker with --nats', 'nats');
      return { known: fn(d, req), heartbeat_ms: DISCOVERY_DEFAULTS.heartbeatMs };
    });
  }
}
