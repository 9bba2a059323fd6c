/**
 * The coordinator's client for one worker's Worker service (the scheduler's `WorkerLink`):
 * dataset upload once per worker (HasDataset → PutDataset as a chunked client stream),
 * RunShards with a deadline and cancellation, CancelJob.
 */
import * as grpc from '@grpc/grpc-js';
import type { ShardRequest } from '../shared/job/shard.js';
import type { TrainingProgress } from '../shared/job/spec.js';
import type { RunShardsCall, ShardValuesMap, WorkerLink } from './scheduler.js';
import type { WorkerInfo } from '../cluster/discovery.js';
import { clientOptions, channelCredentials, type ClientSecurityOptions } from '../cluster/security.js';
import {
  fromServiceError, loadProto, PROTOCOL_VERSION, trainingFromMsg, unpackF64, WIRE_DEFAULTS,
  type DatasetChunk, type TrainingEventMsg, type HasDatasetResponse, type HealthResponse, type PutDatasetResponse, type RunShardsResponse, type CancelResponse,
} from '../cluster/wire.js';

type Cb<T> = (err: grpc.ServiceError | null, res?: T) => void;

/** The dynamically generated Worker client, typed for the calls we make. */
interface WorkerStub extends grpc.Client {
  PutDataset(cb: Cb<PutDatasetResponse>): grpc.ClientWritableStream<DatasetChunk>;
  HasDataset(req: object, opts: grpc.CallOptions, cb: Cb<HasDatasetResponse>): grpc.ClientUnaryCall;
  RunShards(req: object, opts: grpc.CallOptions, cb: Cb<RunShardsResponse>): grpc.ClientUnaryCall;
  CancelJob(req: object, opts: grpc.CallOptions, cb: Cb<CancelResponse>): grpc.ClientUnaryCall;
  Health(req: object, opts: grpc.CallOptions, cb: Cb<HealthResponse>): grpc.ClientUnaryCall;
  WatchTraining(req: object, opts?: grpc.CallOptions): grpc.ClientReadableStream<TrainingEventMsg>;
}

export function workerStub(address: string, sec: ClientSecurityOptions, maxMessageBytes: number = WIRE_DEFAULTS.maxMessageBytes): WorkerStub {
  const { Worker } = loadProto();
  return new Worker(address, channelCredentials(sec), clientOptions(sec, maxMessageBytes)) as unknown as WorkerStub;
}

function unaryP<T>(fn: (cb: Cb<T>) => unknown): Promise<T> {
  return new Promise((resolve, reject) => fn((err, res) => (err ? reject(fromServiceError(err)) : resolve(res as T))));
}

/** Stream `bytes` as PutDataset chunks. */
export function putDataset(stub: WorkerStub | { PutDataset: WorkerStub['PutDataset'] }, hash: string, bytes: Uint8Array, chunkBytes: number = WIRE_DEFAULTS.chunkBytes): Promise<PutDatasetResponse> {
  return new Promise((resolve, reject) => {
    const call = stub.PutDataset((err, res) => (err ? reject(fromServiceError(err)) : resolve(res!)));
    const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (let o = 0; o === 0 || o < buf.length; o += chunkBytes) {
      call.write({
        protocol_version: PROTOCOL_VERSION,
        hash: o === 0 ? hash : '',
        total_size: o === 0 ? buf.length : 0,
        chunk: buf.subarray(o, Math.min(buf.length, o + chunkBytes)),
      });
      if (buf.length === 0) break;
    }
    call.end();
  });
}

export class GrpcWorkerLink implements WorkerLink {
  readonly stub: WorkerStub;
  private readonly datasets = new Map<string, Promise<void>>();

  constructor(readonly info: WorkerInfo, sec: ClientSecurityOptions, maxMessageBytes?: number) {
    this.stub = workerStub(info.address, sec, maxMessageBytes);
  }

  ensureDataset(hash: string, bytes: () => Promise<Uint8Array>): Promise<void> {
    let p = this.datasets.get(hash);
    if (!p) {
      p = (async () => {
        const has = await unaryP<HasDatasetResponse>((cb) => this.stub.HasDataset({ protocol_version: PROTOCOL_VERSION, hash }, {}, cb));
        if (!has.present) await putDataset(this.stub, hash, await bytes());
      })();
      p.catch(() => this.datasets.delete(hash));
      this.datasets.set(hash, p);
    }
    return p;
  }

  forgetDataset(hash: string): void {
    this.datasets.delete(hash);
  }

  runShards(req: { jobId: string; specJson: string; dataHash: string; shards: ShardRequest[] }, deadlineMs: number): RunShardsCall {
    let call: grpc.ClientUnaryCall | undefined;
    const result = new Promise<ShardValuesMap>((resolve, reject) => {
      call = this.stub.RunShards(
        {
          protocol_version: PROTOCOL_VERSION,
          job_id: req.jobId,
          spec_json: req.specJson,
          data_hash: req.dataHash,
          shards: req.shards.map((s) => ({ shard_id: s.shardId, workload: s.workload, r0: s.r0, r1: s.r1 })),
        },
        { deadline: Date.now() + deadlineMs },
        (err, res) => {
          if (err) return reject(fromServiceError(err));
          try {
            const m: ShardValuesMap = new Map(res!.results.map((r) => [r.shard_id, unpackF64(r.values)]));
            if (res!.backend) m.backend = res!.backend;
            resolve(m);
          } catch (e) {
            reject(e);
          }
        },
      );
    });
    return { result, cancel: () => call?.cancel() };
  }

  async cancelJob(jobId: string): Promise<void> {
    await unaryP<CancelResponse>((cb) => this.stub.CancelJob({ protocol_version: PROTOCOL_VERSION, job_id: jobId }, { deadline: Date.now() + 5000 }, cb));
  }

  /**
   * WatchTraining stream of `jobId` (progress only: a worker that predates it answers
   * UNIMPLEMENTED, and any error just ends the stream; no retry).
   */
  watchTraining(jobId: string, listener: (t: TrainingProgress) => void): () => void {
    const call = this.stub.WatchTraining({ protocol_version: PROTOCOL_VERSION, job_id: jobId });
    call.on('data', (m: TrainingEventMsg) => {
      try {
        listener(trainingFromMsg(m));
      } catch {
        // progress only
      }
    });
    call.on('error', () => undefined);
    return () => call.cancel();
  }

  health(timeoutMs = 5000): Promise<HealthResponse> {
    return unaryP<HealthResponse>((cb) => this.stub.Health({ protocol_version: PROTOCOL_VERSION }, { deadline: Date.now() + timeoutMs }, cb));
  }

  close(): void {
    this.stub.close();
  }
}
