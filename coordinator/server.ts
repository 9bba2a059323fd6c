/**
 * The coordinator process: the Coordinator gRPC service (`service.ts`) over the scheduler, the
 * standard gRPC health service, and an optional HTTP endpoint (http.ts: /healthz, /readyz, /status,
 * /metrics, the dashboard and job report pages).
 * Backends (store, discovery, events) are injected: in memory + gRPC registration by default,
 * NATS/JetStream with `--nats` (coordinator/nats/, part B).
 */
import http from 'node:http';
import * as grpc from '@grpc/grpc-js';
import { decodeDataset, packageVersion, WIRE_DEFAULTS } from '../cluster/wire.js';
import { OptionError } from '../shared/errors.js';
import { bindServer, shutdownServer, SERVER_OPTIONS } from '../cluster/handlers.js';
import { DISCOVERY_DEFAULTS, GrpcDiscovery, type WorkerDiscovery } from '../cluster/discovery.js';
import { serverCredentials, readTokenFile, type ClientSecurityOptions, type ServerSecurityOptions } from '../cluster/security.js';
import { createJobCore } from './jobcore.js';
import { GrpcWorkerLink } from './link.js';
import { MemoryEventPublisher, type ClusterBackends } from './events.js';
import { Scheduler, type JobCore, type LinkFactory, type SchedulerOptions } from './scheduler.js';
import { CoordinatorService } from './service.js';
import { MemoryJobStore } from './store.js';
import { createHttpHandler } from './http.js';
import { RetainingStore, type RetentionOptions } from './retention.js';
import { createCoordinatorMetrics, type CoordinatorMetrics } from './metrics.js';

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
  /** What the store keeps of finished jobs and idle datasets (retention.ts). */
  retention?: RetentionOptions;
}

export interface RunningCoordinator {
  /** Bound gRPC port. */
  port: number;
  /** Bound HTTP port, when `http` was given. */
  httpPort?: number;
  scheduler: Scheduler;
  /** The store as the coordinator uses it, with what retention dropped so far. */
  retention: RetainingStore;
  close(): Promise<void>;
}

export const COORDINATOR_DEFAULTS = { listen: '127.0.0.1:7070' } as const;

export async function startCoordinator(o: CoordinatorOptions = {}): Promise<RunningCoordinator> {
  const token = o.tokenFile ? readTokenFile(o.tokenFile) : undefined;
  if (o.http && !isLoopback(splitHostPort(o.http)[0]) && token === undefined) {
    throw new OptionError(`--http ${o.http}: serving /status beyond loopback needs --token-file (callers then send 'Authorization: Bearer <token>')`, '--http');
  }
  const maxMessageBytes = o.maxMessageBytes ?? WIRE_DEFAULTS.maxMessageBytes;
  const maxDatasetBytes = o.maxDatasetBytes ?? WIRE_DEFAULTS.maxDatasetBytes;
  const grpcDiscovery = o.backends ? undefined : new GrpcDiscovery({ expireMs: o.expireMs ?? DISCOVERY_DEFAULTS.expireMs });
  const backends: ClusterBackends = o.backends ?? {
    store: new MemoryJobStore(),
    discovery: grpcDiscovery as WorkerDiscovery,
    events: new MemoryEventPublisher(),
    close: async () => {},
  };
  const store = new RetainingStore(backends.store, o.retention);
  const { events } = backends;
  const workerSec: ClientSecurityOptions = o.workerClient ?? (token ? { token } : {});
  const connect: LinkFactory = o.connect ?? ((w) => new GrpcWorkerLink(w, workerSec, maxMessageBytes));
  const ownCore = o.core ? undefined : createJobCore();
  const scheduler = new Scheduler(o.core ?? ownCore!, store, backends.discovery, events, connect, o);

  // Listen first, then resume: while resuming, job calls wait and health says NOT_SERVING.
  let resumed = false;
  let markReady = () => {};
  const ready = new Promise<void>((r) => (markReady = r));
  const server = new grpc.Server({
    ...SERVER_OPTIONS,
    'grpc.max_receive_message_length': maxMessageBytes,
    'grpc.max_send_message_length': maxMessageBytes,
  });
  const service = new CoordinatorService({
    scheduler, store, events, token, maxDatasetBytes, ready,
    health: () => (resumed && scheduler.listWorkers().length > 0 ? 'SERVING' : 'NOT_SERVING'),
    ...(grpcDiscovery ? { registration: grpcDiscovery } : {}),
  });
  store.onDatasetDropped = (hash) => service.decoded.delete(hash);
  service.addTo(server);

  let httpServer: http.Server | undefined;
  let metrics: CoordinatorMetrics | undefined;
  const close = async () => {
    await scheduler.close();
    await shutdownServer(server);
    if (httpServer?.listening) {
      httpServer.closeAllConnections(); // dashboards keep connections alive between polls
      await new Promise<void>((r) => httpServer!.close(() => r()));
    }
    metrics?.close();
    await store.close();
    await backends.close();
    await grpcDiscovery?.close();
    await ownCore?.close();
  };
  try {
    const listen = o.listen ?? COORDINATOR_DEFAULTS.listen;
    const port = await bindServer(server, listen, serverCredentials(o)).catch((e: Error) => {
      throw new OptionError(`--listen ${listen}: cannot listen (${e.message})`, '--listen');
    });
    let httpPort: number | undefined;
    if (o.http) {
      const [h, p] = splitHostPort(o.http);
      // the dashboard, /status, /metrics and job pages list workers and results: open on loopback,
      // behind the token elsewhere; the probes (/healthz, /readyz) stay open
      metrics = createCoordinatorMetrics(scheduler, service.decoded, store);
      httpServer = http.createServer(createHttpHandler({ scheduler, store, metrics, version: packageVersion(), resuming: () => !resumed, ...(isLoopback(h) || token === undefined ? {} : { token }) }));
      httpPort = await new Promise<number>((resolve, reject) => {
        httpServer!.once('error', (e: NodeJS.ErrnoException) =>
          reject(new OptionError(`--http ${o.http}: cannot listen (${e.code === 'EADDRINUSE' ? 'address already in use' : e.message})`, '--http')),
        );
        httpServer!.listen(p, h, () => resolve((httpServer!.address() as { port: number }).port));
      });
    }
    await store.start();
    const ids = await scheduler.resume(decodeDataset);
    if (ids.length) process.stderr.write(`coordinator: resumed ${ids.length} unfinished job(s): ${ids.join(', ')}\n`);
    resumed = true;
    markReady();
    return { port, httpPort, scheduler, retention: store, close };
  } catch (e) {
    // fail loudly: nothing of a half-started coordinator may keep the process alive
    await close().catch(() => undefined);
    throw e;
  }
}

/** Whether a listen host is this machine only. */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** "host:port" → [host, port]; IPv6 in brackets. */
export function splitHostPort(a: string): [string, number] {
  const m = /^\[?([^\]]*?)\]?:(\d+)$/.exec(a);
  if (!m) throw new OptionError(`address '${a}' must be HOST:PORT`, 'address');
  return [m[1] || '127.0.0.1', Number(m[2])];
}
