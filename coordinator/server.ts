/**
 * The coordinator process's services: the Coordinator gRPC API over the scheduler, the
 * standard gRPC health service, and an optional HTTP endpoint (/healthz, /readyz, /status).
 * Backends (store, discovery, events) are injected: in memory + gRPC registration by default,
 * NATS/JetStream with `--nats` (coordinator/nats/, part B).
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import * as grpc from '@grpc/grpc-js';
import type { Dataset } from '../shared/data/matrix.js';
import { DataError, InternalError, NotFoundError, OptionError } from '../shared/errors.js';
import { DatasetCache } from '../cluster/cache.js';
import { bindServer, datasetUpload, serverStream, shutdownServer, SERVER_OPTIONS, unary, type CallGuard } from '../cluster/handlers.js';
import { createJobCore } from './jobcore.js';
import { parseSpec } from '../cluster/spec-json.js';
import { GrpcWorkerLink } from './link.js';
import {
  decodeDataset, loadProto, sha256Hex, WIRE_DEFAULTS,
  type GetResultRequest, type GetResultResponse, type HasDatasetRequest, type JobEventMsg, type JobRef, type ListWorkersResponse,
  type RegisterWorkerRequest, type RegisterWorkerResponse, type SubmitJobRequest, type SubmitJobResponse,
} from '../cluster/wire.js';
import { DISCOVERY_DEFAULTS, GrpcDiscovery, type WorkerDiscovery } from '../cluster/discovery.js';
import { MemoryEventPublisher, type ClusterBackends, type JobEvent } from './events.js';
import { Scheduler, type JobCore, type LinkFactory, type SchedulerOptions } from './scheduler.js';
import { serverCredentials, readTokenFile, type ClientSecurityOptions, type ServerSecurityOptions } from '../cluster/security.js';
import { MemoryJobStore, TERMINAL_STATES } from './store.js';

export interface CoordinatorOptions extends SchedulerOptions, ServerSecurityOptions {
  /** gRPC listen address. @default '127.0.0.1:7070' */
  listen?: string;
  /** HTTP status listen address (off when unset). */
  http?: string;
  /** Backends; default in-memory store/events and gRPC worker registration. */
  backends?: ClusterBackends;
  /** How the coordinator dials workers (TLS CA/cert, token); defaults to the server token and no TLS. */
  workerClient?: ClientSecurityOptions;
  /** @default WIRE_DEFAULTS.maxMessageBytes */
  maxMessageBytes?: number;
  /** @default WIRE_DEFAULTS.maxDatasetBytes */
  maxDatasetBytes?: number;
  /** Heartbeat expiry for gRPC registration mode. @default DISCOVERY_DEFAULTS.expireMs */
  expireMs?: number;
  /** Replace the job engine (tests). */
  core?: JobCore;
  /** Replace how workers are dialled (tests). */
  connect?: LinkFactory;
}

export interface RunningCoordinator {
  /** Bound gRPC port. */
  port: number;
  /** Bound HTTP port, when `http` was given. */
  httpPort?: number;
  scheduler: Scheduler;
  close(): Promise<void>;
}

export const COORDINATOR_DEFAULTS = { listen: '127.0.0.1:7070' } as const;

function eventMsg(ev: JobEvent): JobEventMsg {
  return ev.type === 'progress'
    ? { job_id: ev.jobId, type: 'progress', phase: ev.phase, done: ev.done, total: ev.total, state: '', error_code: '', error_message: '' }
    : { job_id: ev.jobId, type: 'state', phase: '', done: 0, total: 0, state: ev.state, error_code: ev.error?.code ?? '', error_message: ev.error?.message ?? '' };
}

export async function startCoordinator(o: CoordinatorOptions = {}): Promise<RunningCoordinator> {
  const token = o.tokenFile ? readTokenFile(o.tokenFile) : undefined;
  const guard: CallGuard = { token };
  const maxMessageBytes = o.maxMessageBytes ?? WIRE_DEFAULTS.maxMessageBytes;
  const maxDatasetBytes = o.maxDatasetBytes ?? WIRE_DEFAULTS.maxDatasetBytes;
  const grpcDiscovery = o.backends ? undefined : new GrpcDiscovery({ expireMs: o.expireMs ?? DISCOVERY_DEFAULTS.expireMs });
  const backends: ClusterBackends = o.backends ?? {
    store: new MemoryJobStore(),
    discovery: grpcDiscovery as WorkerDiscovery,
    events: new MemoryEventPublisher(),
    close: async () => {},
  };
  const { store, events } = backends;
  const workerSec: ClientSecurityOptions = o.workerClient ?? (token ? { token } : {});
  const connect: LinkFactory = o.connect ?? ((w) => new GrpcWorkerLink(w, workerSec, maxMessageBytes));
  const scheduler = new Scheduler(o.core ?? createJobCore(), store, backends.discovery, events, connect, o);
  /** Decoded datasets by hash, so repeated jobs on the same data decode once. */
  const decoded = new DatasetCache(4 * 1024 * 1024 * 1024);
  const dataset = async (hash: string): Promise<Dataset> => {
    const hit = decoded.get(hash);
    if (hit) return hit;
    const bytes = await store.getDataset(hash);
    if (!bytes) throw new NotFoundError(`dataset ${hash} is not on the coordinator; upload it with PutDataset or send it inline`);
    const ds = decodeDataset(bytes);
    decoded.put(hash, ds, bytes.length);
    return ds;
  };

  const resumed = await scheduler.resume(decodeDataset);
  if (resumed.length) process.stderr.write(`coordinator: resumed ${resumed.length} unfinished job(s): ${resumed.join(', ')}\n`);

  const registration = (fn: (d: GrpcDiscovery, req: RegisterWorkerRequest) => boolean) =>
    unary<RegisterWorkerRequest, RegisterWorkerResponse>(guard, (req) => {
      if (!grpcDiscovery) throw new OptionError('this coordinator discovers workers on NATS; start the worker with --nats', 'nats');
      if (!req.id || !req.address) throw new OptionError('RegisterWorker: id and address are required', req.id ? 'address' : 'id');
      return { known: fn(grpcDiscovery, req), heartbeat_ms: DISCOVERY_DEFAULTS.heartbeatMs };
    });
  const info = (req: RegisterWorkerRequest) => ({ id: req.id, address: req.address, threads: Math.max(1, req.threads), version: req.version });

  const { Coordinator, Health } = loadProto();
  const server = new grpc.Server({
    ...SERVER_OPTIONS,
    'grpc.max_receive_message_length': maxMessageBytes,
    'grpc.max_send_message_length': maxMessageBytes,
  });
  server.addService(Coordinator.service, {
    PutDataset: datasetUpload(guard, maxDatasetBytes, async (hash, bytes) => {
      decoded.put(hash, decodeDataset(bytes), bytes.length);
      await store.putDataset(hash, bytes);
    }),
    HasDataset: unary<HasDatasetRequest, { present: boolean }>(guard, async (req) => ({ present: (await store.getDataset(req.hash)) !== undefined })),
    SubmitJob: unary<SubmitJobRequest, SubmitJobResponse>(guard, async (req) => {
      const spec = parseSpec(req.spec_json);
      let hash = req.data_hash;
      if (req.dataset.length > 0) {
        if (req.dataset.length > maxDatasetBytes) throw new DataError(`dataset: ${req.dataset.length} bytes, over the limit of ${maxDatasetBytes}`);
        const actual = sha256Hex(req.dataset);
        if (hash && hash !== actual) throw new DataError(`data_hash ${hash} does not match the SHA-256 of the inline dataset (${actual})`);
        hash = actual;
        decoded.put(hash, decodeDataset(req.dataset), req.dataset.length);
        await store.putDataset(hash, Buffer.from(req.dataset));
      } else if (!hash) {
        throw new OptionError('SubmitJob: give data_hash (after PutDataset) or the dataset bytes inline', 'data_hash');
      }
      const job = await scheduler.submit(spec, await dataset(hash), hash, randomUUID());
      return { job_id: job.id, total_shards: job.totalShards };
    }),
    WatchJob: serverStream<JobRef, JobEventMsg>(guard, (req, call) => new Promise<void>((resolve, reject) => {
      let unsub = () => {};
      const finish = () => {
        unsub();
        resolve();
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
        if (TERMINAL_STATES.includes(j.state)) finish();
      }, reject);
    })),
    GetResult: unary<GetResultRequest, GetResultResponse>(guard, async (req) => {
      if (req.wait_ms > 0) await scheduler.waitFor(req.job_id, Math.min(req.wait_ms, 600_000));
      const j = await store.getJob(req.job_id);
      if (!j) throw new NotFoundError(`unknown job ${req.job_id}`);
      const result = j.state === 'done' ? await store.getResult(j.id) : undefined;
      if (j.state === 'done' && !result) throw new InternalError(`job ${j.id} is done but its result is missing`);
      return { state: j.state, result_json: result ?? '', error_code: j.error?.code ?? '', error_message: j.error?.message ?? '' };
    }),
    CancelJob: unary<JobRef, { cancelled: number }>(guard, async (req) => ({ cancelled: (await scheduler.cancel(req.job_id)) ? 1 : 0 })),
    ListWorkers: unary<{ protocol_version: number }, ListWorkersResponse>(guard, () => ({
      workers: scheduler.listWorkers().map((w) => ({
        id: w.id, address: w.address, threads: w.threads, version: w.version, last_seen_ms: w.lastSeen, outstanding: w.outstanding, shards_done: w.shardsDone,
      })),
    })),
    RegisterWorker: registration((d, req) => d.seen(info(req), true)),
    Heartbeat: registration((d, req) => d.seen(info(req), false)),
    UnregisterWorker: registration((d, req) => {
      d.remove(req.id, 'unregistered');
      return true;
    }),
  });
  server.addService(Health.service, {
    Check: (_call: grpc.ServerUnaryCall<unknown, unknown>, cb: grpc.sendUnaryData<{ status: string }>) => cb(null, { status: 'SERVING' }),
  });
  const port = await bindServer(server, o.listen ?? COORDINATOR_DEFAULTS.listen, serverCredentials(o));

  let httpServer: http.Server | undefined;
  let httpPort: number | undefined;
  if (o.http) {
    httpServer = http.createServer((req, res) => {
      const send = (code: number, body: unknown) => {
        res.writeHead(code, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      const url = (req.url ?? '/').split('?')[0];
      if (url === '/healthz') return send(200, { status: 'ok' });
      if (url === '/readyz') return send(200, { status: 'ready', workers: scheduler.listWorkers().length });
      if (url === '/status') {
        return send(200, { workers: scheduler.listWorkers(), jobs: scheduler.listJobs(), counters: scheduler.counters, recoveries: scheduler.recoveryLog() });
      }
      send(404, { error: `no such endpoint ${url}; try /healthz, /readyz, /status` });
    });
    const [h, p] = splitHostPort(o.http);
    httpPort = await new Promise<number>((resolve, reject) => {
      httpServer!.once('error', reject);
      httpServer!.listen(p, h, () => resolve((httpServer!.address() as { port: number }).port));
    });
  }

  return {
    port,
    httpPort,
    scheduler,
    async close() {
      await scheduler.close();
      await shutdownServer(server);
      if (httpServer) await new Promise<void>((r) => httpServer!.close(() => r()));
      await backends.close();
      await grpcDiscovery?.close();
    },
  };
}

/** "host:port" → [host, port]; IPv6 in brackets. */
export function splitHostPort(a: string): [string, number] {
  const m = /^\[?([^\]]*?)\]?:(\d+)$/.exec(a);
  if (!m) throw new OptionError(`address '${a}' must be HOST:PORT`, 'address');
  return [m[1] || '127.0.0.1', Number(m[2])];
}
