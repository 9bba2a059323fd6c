/**
 * The wire, shared by worker and coordinator: loads `proto/infoshard/v1/infoshard.proto` at run
 * time (one source of truth), hand-written message types, the canonical dataset byte form,
 * float64 packing, and the mapping between typed errors and gRPC status codes.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import type { Dataset } from '../shared/data/matrix.js';
import type { JobResult, TrainingProgress } from '../shared/job/spec.js';
import { DataError, deserializeError, errorFromCode, InfoshardError, InternalError, serializeError, type SerializedError } from '../shared/errors.js';

/** Bumped on any incompatible change of the .proto or of the JSON carried in it. */
export const PROTOCOL_VERSION = 1;

export const WIRE_DEFAULTS = {
  /** Largest gRPC message either side accepts or sends. @default 16 MiB */
  maxMessageBytes: 16 * 1024 * 1024,
  /** Largest dataset accepted (sum of chunks). @default 1 GiB */
  maxDatasetBytes: 1024 * 1024 * 1024,
  /** Dataset upload chunk size. @default 1 MiB */
  chunkBytes: 1024 * 1024,
} as const;

/** The package root (holds package.json and proto/), found from this file whether run from source or dist/. */
export function packageRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(path.join(dir, 'package.json')) && existsSync(path.join(dir, 'proto'))) return dir;
    const up = path.dirname(dir);
    if (up === dir) throw new InternalError('cannot find the infoshard package root (package.json + proto/)');
    dir = up;
  }
}

let cachedVersion: string | undefined;
export function packageVersion(): string {
  if (!cachedVersion) {
    cachedVersion = (JSON.parse(readFileSync(path.join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version;
  }
  return cachedVersion;
}

// ------------------------------------------------------------------ proto loading

type ServiceCtor = grpc.ServiceClientConstructor;
export interface LoadedProto {
  Coordinator: ServiceCtor;
  Worker: ServiceCtor;
  Health: ServiceCtor;
}

let loaded: LoadedProto | undefined;
export function loadProto(): LoadedProto {
  if (loaded) return loaded;
  const root = path.join(packageRoot(), 'proto');
  const def = protoLoader.loadSync(['infoshard/v1/infoshard.proto', 'grpc/health/v1/health.proto'], {
    includeDirs: [root],
    keepCase: true,
    longs: Number,
    enums: String,
    defaults: true,
    oneofs: true,
  });
  const pkg = grpc.loadPackageDefinition(def) as unknown as {
    infoshard: { v1: { Coordinator: ServiceCtor; Worker: ServiceCtor } };
    grpc: { health: { v1: { Health: ServiceCtor } } };
  };
  loaded = { Coordinator: pkg.infoshard.v1.Coordinator, Worker: pkg.infoshard.v1.Worker, Health: pkg.grpc.health.v1.Health };
  return loaded;
}

// ------------------------------------------------------------------ message types (keepCase)

export interface DatasetChunk { protocol_version: number; hash: string; total_size: number; chunk: Buffer }
export interface PutDatasetResponse { hash: string; size: number }
export interface HasDatasetRequest { protocol_version: number; hash: string }
export interface HasDatasetResponse { present: boolean }
export interface JobRef { protocol_version: number; job_id: string }
export interface CancelResponse { cancelled: number }
export interface SubmitJobRequest { protocol_version: number; spec_json: string; data_hash: string; dataset: Buffer; priority?: number; client_json?: string; stream_replicates?: boolean }
export interface ReplicatePageMsg { type: string; series_json: string; series: string; r0: number; values: Uint8Array }
export interface SubmitJobResponse { job_id: string; total_shards: number }
export interface JobEventMsg {
  job_id: string; type: string; phase: string; done: number; total: number;
  state: string; error_code: string; error_message: string;
  /** type 'training' only (proto3: absent/null otherwise). */
  training?: TrainingEventMsg | null;
}

export interface TrainingEventMsg {
  job_id: string; critic: number; part: string; step: number; steps: number;
  validation: number; best: number; best_step: number; stale: number; patience: number; state: string;
}

export function trainingToMsg(jobId: string, t: TrainingProgress): TrainingEventMsg {
  return {
    job_id: jobId, critic: t.critic, part: t.part, step: t.step, steps: t.steps, validation: t.validation, best: t.best,
    best_step: t.bestStep, stale: t.stale, patience: t.patience, state: t.state,
  };
}

export function trainingFromMsg(m: TrainingEventMsg): TrainingProgress {
  return {
    critic: m.critic, part: m.part as TrainingProgress['part'], step: m.step, steps: m.steps, validation: m.validation, best: m.best,
    bestStep: m.best_step, stale: m.stale, patience: m.patience, state: m.state as TrainingProgress['state'],
  };
}
export interface GetResultRequest { protocol_version: number; job_id: string; wait_ms: number; offset?: number; page_bytes?: number }
export interface GetResultResponse {
  state: string; result_json: string; error_code: string; error_message: string; error_json?: string; client_json?: string;
  result_page?: Uint8Array; total_bytes?: number;
}

/** Result page size a client asks for: half the default message limit, so a page always fits. */
export const RESULT_PAGE_BYTES = 8 * 1024 * 1024;
export interface JobInfoMsg {
  job_id: string; state: string; shards_done: number; total_shards: number; progress_known: boolean; created_ms: number; updated_ms: number;
  measure: string; estimator: string; workload: string; waiting_for_workers: boolean; error_code: string; error_message: string; client_json: string;
  priority: number;
}
export interface ListJobsRequest { protocol_version: number; states: string[]; limit: number }
export interface ListJobsResponse { jobs: JobInfoMsg[] }
export interface ListWorkersRequest { protocol_version: number }
export interface WorkerStatusMsg {
  id: string; address: string; threads: number; version: string; last_seen_ms: number; outstanding: number; shards_done: number;
}
export interface ListWorkersResponse { workers: WorkerStatusMsg[] }
export interface RegisterWorkerRequest { protocol_version: number; id: string; address: string; threads: number; version: string }
export interface RegisterWorkerResponse { known: boolean; heartbeat_ms: number }
export interface ShardRangeMsg { shard_id: string; workload: string; r0: number; r1: number }
export interface RunShardsRequest { protocol_version: number; job_id: string; spec_json: string; data_hash: string; shards: ShardRangeMsg[] }
export interface ShardValuesMsg { shard_id: string; values: Buffer }
export interface RunShardsResponse { results: ShardValuesMsg[]; backend?: string }
export interface HealthRequest { protocol_version: number }
export interface HealthResponse {
  status: string; worker_id: string; threads: number; active_tasks: number;
  cached_datasets: number; cached_bytes: number; version: string; shards_done: number;
}

// ------------------------------------------------------------------ errors <-> status

/** Metadata key carrying our typed error code next to the gRPC status. */
const ERROR_CODE_KEY = 'infoshard-error-code';
/** Binary metadata key carrying the whole serialized error (field, cause chain) as UTF-8 JSON. */
const ERROR_JSON_KEY = 'infoshard-error-bin';

/** A typed error as a gRPC ServiceError (status from the error class, our code and the full error in metadata). */
export function toServiceError(err: unknown): Partial<grpc.ServiceError> {
  const e = err instanceof InfoshardError ? err : new InternalError(serializeError(err).message);
  const md = new grpc.Metadata();
  md.set(ERROR_CODE_KEY, e.code);
  md.set(ERROR_JSON_KEY, Buffer.from(JSON.stringify(serializeError(e)), 'utf8'));
  return { code: e.grpcStatus, details: e.message, message: e.message, metadata: md };
}

/** The serialized error a status carries, when it is one of ours and well formed. */
function errorJson(md: grpc.Metadata | undefined): SerializedError | undefined {
  const raw = md?.get(ERROR_JSON_KEY)[0];
  if (!Buffer.isBuffer(raw)) return undefined;
  try {
    const v = JSON.parse(raw.toString('utf8')) as SerializedError;
    return typeof v?.code === 'string' && typeof v.message === 'string' ? v : undefined;
  } catch {
    return undefined;
  }
}

/** A gRPC error back into our typed error (the full error from metadata, else the code, else the status). */
export function fromServiceError(err: unknown): InfoshardError {
  if (err instanceof InfoshardError) return err;
  const se = err as Partial<grpc.ServiceError>;
  const full = errorJson(se.metadata);
  if (full) return deserializeError(full);
  const code = se.metadata?.get(ERROR_CODE_KEY)[0];
  const msg = se.details || se.message || String(err);
  if (typeof code === 'string') return errorFromCode(code, msg);
  switch (se.code) {
    case grpc.status.INVALID_ARGUMENT: return errorFromCode('E_OPTION', msg);
    case grpc.status.NOT_FOUND: return errorFromCode('E_NOT_FOUND', msg);
    case grpc.status.RESOURCE_EXHAUSTED: return errorFromCode('E_LIMIT', msg);
    case grpc.status.CANCELLED: return errorFromCode('E_CANCELLED', msg);
    case grpc.status.DEADLINE_EXCEEDED: return errorFromCode('E_TIMEOUT', msg);
    case grpc.status.UNAUTHENTICATED: return errorFromCode('E_AUTH', msg);
    case grpc.status.UNAVAILABLE: return errorFromCode('E_UNAVAILABLE', msg);
    case grpc.status.FAILED_PRECONDITION: return errorFromCode('E_ESTIMATOR', msg);
    default: return errorFromCode('E_INTERNAL', msg);
  }
}

/** Raised by servers for a request whose protocol_version they do not speak. */
export class ProtocolVersionError extends InfoshardError {
  constructor(got: unknown) {
    super(
      `unsupported protocol_version ${String(got)}: this server speaks infoshard.v1 protocol_version ${PROTOCOL_VERSION}`,
      'E_OPTION', 2, grpc.status.FAILED_PRECONDITION,
    );
  }
}

export function checkVersion(req: { protocol_version?: number } | undefined): void {
  if (!req || req.protocol_version !== PROTOCOL_VERSION) throw new ProtocolVersionError(req?.protocol_version);
}

// ------------------------------------------------------------------ canonical dataset bytes

/** Whether this machine stores float64 little-endian (the wire's order): then bytes copy as they are. */
const LITTLE_ENDIAN = new Uint8Array(Float64Array.of(1).buffer)[7] === 0x3f;

/**
 * The dataset as bytes whose SHA-256 equals `datasetHash(ds)`: the same JSON header the hash
 * covers, then each column as little-endian float64.
 */
export function encodeDataset(ds: Dataset): Buffer {
  const header = Buffer.from(JSON.stringify({ v: 1, n: ds.n, names: ds.names }), 'utf8');
  const out = Buffer.alloc(header.length + ds.n * 8 * ds.columns.length);
  header.copy(out, 0);
  let o = header.length;
  for (const col of ds.columns) {
    for (let i = 0; i < ds.n; i++, o += 8) out.writeDoubleLE(col[i]!, o);
  }
  return out;
}

/** End (exclusive) of the leading JSON object in `b`, tracking strings so braces inside names do not count. */
function headerEnd(b: Uint8Array): number {
  let depth = 0, inStr = false, esc = false;
  for (let i = 0; i < b.length; i++) {
    const c = b[i]!;
    if (inStr) {
      if (esc) esc = false;
      else if (c === 0x5c) esc = true;
      else if (c === 0x22) inStr = false;
      continue;
    }
    if (c === 0x22) inStr = true;
    else if (c === 0x7b) depth++;
    else if (c === 0x7d && --depth === 0) return i + 1;
  }
  throw new DataError('dataset bytes: no complete JSON header');
}

/**
 * Canonical bytes back into a Dataset. Columns live in one SharedArrayBuffer so pool threads
 * can read them without copying (docs/design.md, contract 2).
 */
export function decodeDataset(b: Uint8Array): Dataset {
  const end = headerEnd(b);
  let header: { v?: unknown; n?: unknown; names?: unknown };
  try {
    header = JSON.parse(Buffer.from(b.buffer, b.byteOffset, end).toString('utf8')) as typeof header;
  } catch (e) {
    throw new DataError(`dataset bytes: bad JSON header (${(e as Error).message})`);
  }
  const { v, n, names } = header;
  if (v !== 1 || typeof n !== 'number' || !Number.isInteger(n) || n < 0 || !Array.isArray(names) || !names.every((s) => typeof s === 'string')) {
    throw new DataError('dataset bytes: header must be {"v":1,"n":<int>,"names":[<string>...]}');
  }
  const d = names.length;
  if (b.length - end !== n * d * 8) {
    throw new DataError(`dataset bytes: expected ${n * d * 8} bytes of values for ${n} rows × ${d} columns, got ${b.length - end}`);
  }
  const sab = new SharedArrayBuffer(n * d * 8);
  const columns: Float64Array[] = [];
  for (let j = 0; j < d; j++) columns.push(new Float64Array(sab, j * n * 8, n));
  if (LITTLE_ENDIAN) {
    // the wire's layout is the memory's: one copy, not a DataView read per value (a 1e6-row
    // dataset decoded value by value held the coordinator's event loop for a quarter second)
    new Uint8Array(sab).set(b.subarray(end, end + n * d * 8));
  } else {
    const view = new DataView(b.buffer, b.byteOffset + end, n * d * 8);
    for (let j = 0; j < d; j++) for (let i = 0; i < n; i++) columns[j]![i] = view.getFloat64((j * n + i) * 8, true);
  }
  return { names: names as string[], columns, n };
}

export function sha256Hex(b: Uint8Array): string {
  return createHash('sha256').update(b).digest('hex');
}

// ------------------------------------------------------------------ float64 packing

export function packF64(a: Float64Array): Buffer {
  if (LITTLE_ENDIAN) return Buffer.from(new Uint8Array(a.buffer, a.byteOffset, a.byteLength)); // a copy
  const out = Buffer.alloc(a.length * 8);
  for (let i = 0; i < a.length; i++) out.writeDoubleLE(a[i]!, i * 8);
  return out;
}

export function unpackF64(b: Uint8Array): Float64Array {
  if (b.length % 8 !== 0) throw new DataError(`float64 payload of ${b.length} bytes is not a multiple of 8`);
  const out = new Float64Array(b.length / 8);
  if (LITTLE_ENDIAN) {
    new Uint8Array(out.buffer).set(b);
    return out;
  }
  const view = new DataView(b.buffer, b.byteOffset, b.length);
  for (let i = 0; i < out.length; i++) out[i] = view.getFloat64(i * 8, true);
  return out;
}

// ------------------------------------------------------------------ JobResult codec

const F64_FIELDS = ['bootstrapDistribution', 'nullDistribution', 'simulationRecords'] as const;

/** JobResult → JSON; Float64Array fields as `{ "$f64": base64 }` so every bit survives. */
export function encodeResult(r: JobResult): string {
  const o: Record<string, unknown> = { ...r };
  for (const f of F64_FIELDS) {
    const a = r[f];
    if (a) o[f] = { $f64: packF64(a).toString('base64') };
  }
  return JSON.stringify(o, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? { $num: String(v) } : v));
}

export function decodeResult(s: string): JobResult {
  const o = JSON.parse(s, (_k, v: unknown) => {
    if (v && typeof v === 'object' && '$num' in v) return Number((v as { $num: string }).$num);
    return v;
  }) as Record<string, unknown>;
  for (const f of F64_FIELDS) {
    const v = o[f] as { $f64?: string } | undefined;
    if (v && typeof v.$f64 === 'string') o[f] = unpackF64(Buffer.from(v.$f64, 'base64'));
  }
  return o as unknown as JobResult;
}
