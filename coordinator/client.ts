/**
 * `connectCluster(address, opts)`: an `Engine` that runs jobs on a coordinator. The dataset is
 * uploaded once per coordinator (HasDataset → PutDataset, content-addressed), the job spec goes
 * as JSON, progress streams back (WatchJob), and the result is the same JobResult the embedded
 * engine returns, with `provenance.engine = 'cluster'`.
 */
import * as grpc from '@grpc/grpc-js';
import type { Engine, Job, JobHandle, JobResult, JobSpec, Progress, RunOptions } from '../shared/job/spec.js';
import { CancelledError, deserializeError, errorFromCode, OptionError, type SerializedError } from '../shared/errors.js';
import { datasetHash } from '../shared/data/hash.js';
import { canonicalJob } from '../shared/job/prepare.js';
import { ProgressChannel } from '../shared/job/progress.js';
import { putDataset } from './link.js';
import {
  decodeResult, encodeDataset, fromServiceError, loadProto, PROTOCOL_VERSION, WIRE_DEFAULTS,
  type CancelResponse, type DatasetChunk, type GetResultRequest, type GetResultResponse, type HasDatasetResponse,
  type JobEventMsg, type JobRef, type ListWorkersResponse, type PutDatasetResponse, type SubmitJobRequest, type SubmitJobResponse,
} from '../cluster/wire.js';
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
}

type Cb<T> = (err: grpc.ServiceError | null, res?: T) => void;
export interface CoordinatorStub extends grpc.Client {
  PutDataset(cb: Cb<PutDatasetResponse>): grpc.ClientWritableStream<DatasetChunk>;
  HasDataset(req: object, opts: grpc.CallOptions, cb: Cb<HasDatasetResponse>): grpc.ClientUnaryCall;
  SubmitJob(req: SubmitJobRequest, opts: grpc.CallOptions, cb: Cb<SubmitJobResponse>): grpc.ClientUnaryCall;
  WatchJob(req: JobRef, opts?: grpc.CallOptions): grpc.ClientReadableStream<JobEventMsg>;
  GetResult(req: GetResultRequest, opts: grpc.CallOptions, cb: Cb<GetResultResponse>): grpc.ClientUnaryCall;
  CancelJob(req: JobRef, opts: grpc.CallOptions, cb: Cb<CancelResponse>): grpc.ClientUnaryCall;
  ListWorkers(req: object, opts: grpc.CallOptions, cb: Cb<ListWorkersResponse>): grpc.ClientUnaryCall;
}

export function coordinatorStub(address: string, o: ClusterClientOptions = {}): CoordinatorStub {
  const sec: ClientSecurityOptions = o.insecure ? { ...o, ca: undefined, cert: undefined, key: undefined } : { ...o };
  const { Coordinator } = loadProto();
  return new Coordinator(address, channelCredentials(sec), clientOptions(sec, o.maxMessageBytes ?? WIRE_DEFAULTS.maxMessageBytes)) as unknown as CoordinatorStub;
}

function call<T>(fn: (cb: Cb<T>) => unknown): Promise<T> {
  return new Promise((resolve, reject) => fn((err, res) => (err ? reject(fromServiceError(err)) : resolve(res as T))));
}

const V = PROTOCOL_VERSION;

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

class ClusterEngine implements Engine {
  private readonly uploaded = new Map<string, Promise<void>>();
  private closed = false;

  constructor(readonly stub: CoordinatorStub, private readonly maxReplicates?: number, private readonly priority?: number) {}

  private upload(hash: string, bytes: () => Buffer): Promise<void> {
    let p = this.uploaded.get(hash);
    if (!p) {
      p = (async () => {
        const has = await call<HasDatasetResponse>((cb) => this.stub.HasDataset({ protocol_version: V, hash }, {}, cb));
        if (!has.present) await putDataset(this.stub, hash, bytes());
      })();
      p.catch(() => this.uploaded.delete(hash));
      this.uploaded.set(hash, p);
    }
    return p;
  }

  async submit(job: Job): Promise<JobHandle> {
    return this.start(job, {});
  }

  async run(job: Job, opts: RunOptions = {}): Promise<JobResult> {
    const h = await this.start(job, opts);
    return h.result();
  }

  private async start(job: Job, opts: RunOptions): Promise<JobHandle> {
    if (this.closed) throw new OptionError('the cluster engine is closed', 'engine');
    // two-sample jobs travel as one table (the same bytes the embedded engine hashes)
    const { data, dataQ: _q, ...spec } = canonicalJob(job);
    const hash = datasetHash(data);
    await this.upload(hash, () => encodeDataset(data));
    const res = await call<SubmitJobResponse>((cb) =>
      this.stub.SubmitJob({ protocol_version: V, spec_json: wireSpecJson(spec as JobSpec, this.maxReplicates), data_hash: hash, dataset: Buffer.alloc(0), priority: this.priority ?? 0 }, {}, cb),
    );
    const jobId = res.job_id;
    const channel = new ProgressChannel();
    const watch = this.stub.WatchJob({ protocol_version: V, job_id: jobId });
    watch.on('data', (ev: JobEventMsg) => {
      if (ev.type !== 'progress') return;
      const p: Progress = { jobId, phase: ev.phase, done: ev.done, total: ev.total };
      channel.push(p);
      opts.onProgress?.(p);
    });
    watch.on('error', () => channel.close());
    watch.on('end', () => channel.close());
    const cancel = async () => {
      await call<CancelResponse>((cb) => this.stub.CancelJob({ protocol_version: V, job_id: jobId }, {}, cb));
    };
    const onAbort = () => void cancel().catch(() => undefined);
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    if (opts.signal?.aborted) onAbort();
    const done = (async (): Promise<JobResult> => {
      try {
        for (;;) {
          const r = await call<GetResultResponse>((cb) => this.stub.GetResult({ protocol_version: V, job_id: jobId, wait_ms: 30_000 }, {}, cb));
          if (r.state === 'done') return decodeResult(r.result_json);
          if (r.state === 'cancelled') throw new CancelledError(r.error_message || `job ${jobId} cancelled`);
          if (r.state === 'failed') throw failure(r);
        }
      } finally {
        opts.signal?.removeEventListener('abort', onAbort);
        watch.cancel();
        channel.close();
      }
    })();
    done.catch(() => undefined);
    return {
      id: jobId,
      progress: () => channel.iterate(),
      result: () => done,
      cancel: async () => {
        await cancel();
        await done.then(() => undefined, () => undefined);
      },
    };
  }

  async listWorkers(): Promise<ListWorkersResponse['workers']> {
    return (await call<ListWorkersResponse>((cb) => this.stub.ListWorkers({ protocol_version: V }, {}, cb))).workers;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.stub.close();
  }
}

export type ClusterEngineHandle = Engine & { listWorkers(): Promise<ListWorkersResponse['workers']> };

/** Connect to a coordinator (checks it answers within `timeoutMs`); throws UnavailableError otherwise. */
export async function connectCluster(address: string, opts: ClusterClientOptions = {}): Promise<ClusterEngineHandle> {
  if (opts.maxReplicates !== undefined && !(Number.isInteger(opts.maxReplicates) && opts.maxReplicates >= 1)) {
    throw new OptionError(`maxReplicates must be a positive integer; got ${opts.maxReplicates}`, 'maxReplicates');
  }
  const stub = coordinatorStub(address, opts);
  await new Promise<void>((resolve, reject) =>
    stub.waitForReady(Date.now() + 10_000, (err) => {
      if (!err) return resolve();
      stub.close();
      reject(errorFromCode('E_UNAVAILABLE', `coordinator ${address} is not reachable: ${err.message}`));
    }),
  );
  return new ClusterEngine(stub, opts.maxReplicates, opts.priority);
}
