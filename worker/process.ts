/**
 * `infoshard worker`: the Worker gRPC service over a piscina pool, a bounded dataset cache, and
 * an announcer that keeps the coordinator (gRPC registration) or NATS (part B) told that this
 * worker is alive.
 */
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import { OptionError } from '../shared/errors.js';
import type { WorkerAnnouncer } from '../cluster/discovery.js';
import { readTokenFile, serverCredentials, type ClientSecurityOptions, type ServerSecurityOptions } from '../cluster/security.js';
import { GrpcAnnouncer } from './announce.js';
import { DatasetCache, CACHE_DEFAULTS } from '../cluster/cache.js';
import { bindServer, shutdownServer, SERVER_OPTIONS } from '../cluster/handlers.js';
import { serveWorkerMetrics, type WorkerMetricsServer } from './metrics.js';
import { PoolRunner } from './runner.js';
import { WorkerService, type ShardRunner } from './server.js';
import { packageVersion, WIRE_DEFAULTS } from '../cluster/wire.js';

export interface WorkerOptions extends ServerSecurityOptions {
  /** Coordinator host:port for gRPC registration (unless `nats`). */
  coordinator?: string;
  /** @default '127.0.0.1:0' (an ephemeral port) */
  listen?: string;
  /** host:port the coordinator should dial; defaults to the listen host and the bound port. */
  advertise?: string;
  /** Pool threads. @default os.availableParallelism() */
  threads?: number;
  /** NATS URL: announce on NATS instead of registering over gRPC. */
  nats?: string;
  natsCreds?: string;
  /** NATS subject prefix. @default 'infoshard' */
  natsPrefix?: string;
  /** Dataset cache bound. @default CACHE_DEFAULTS.maxBytes */
  cacheBytes?: number;
  /** How to reach the coordinator when it uses TLS (CA, client cert/key for mTLS). */
  coordinatorClient?: ClientSecurityOptions;
  /** @default DISCOVERY_DEFAULTS.heartbeatMs */
  heartbeatMs?: number;
  /** @default WIRE_DEFAULTS.maxMessageBytes */
  maxMessageBytes?: number;
  /** TEST ONLY: hold each RunShards call this long (a hung worker). */
  faultDelayMs?: number;
  /** host:port for GET /metrics (Prometheus text; off when unset; port 0 = any free port). */
  metrics?: string;
  /** Replace the compute side: bench/cluster.ts measures the cluster machinery alone with a no-op runner. */
  runner?: ShardRunner;
  log?: (s: string) => void;
}

export interface RunningWorker {
  id: string;
  port: number;
  address: string;
  service: WorkerService;
  /** Bound /metrics port, when `metrics` was given. */
  metricsPort?: number;
  close(): Promise<void>;
}

export async function startWorker(o: WorkerOptions): Promise<RunningWorker> {
  if (!o.coordinator && !o.nats) throw new OptionError('worker needs --coordinator HOST:PORT or --nats URL', 'coordinator');
  const log = o.log ?? ((s: string) => process.stderr.write(`worker: ${s}\n`));
  const token = o.tokenFile ? readTokenFile(o.tokenFile) : undefined;
  const id = `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
  const maxMessageBytes = o.maxMessageBytes ?? WIRE_DEFAULTS.maxMessageBytes;
  const server = new grpc.Server({ ...SERVER_OPTIONS, 'grpc.max_receive_message_length': maxMessageBytes, 'grpc.max_send_message_length': maxMessageBytes });
  let announcer: WorkerAnnouncer | undefined;
  let runner: ShardRunner | undefined;
  let metrics: WorkerMetricsServer | undefined;
  const close = async () => {
    await announcer?.stop();
    await metrics?.close();
    await shutdownServer(server, 1000);
    await runner?.close();
  };
  try {
    // What can fail at start (the address, NATS) comes before the pool's threads exist: a failed
    // start then exits with one line, and no thread is torn down half-loaded.
    const listen = o.listen ?? '127.0.0.1:0';
    const port = await bindServer(server, listen, serverCredentials(o)).catch((e: Error) => {
      throw new OptionError(`--listen ${listen}: cannot listen (${e.message})`, '--listen');
    });
    const host = listen.replace(/:\d+$/, '').replace(/^\[|\]$/g, '');
    const address = o.advertise ?? `${host === '0.0.0.0' || host === '::' || host === '' ? hostname() : host}:${port}`;
    if (o.nats) {
      // Loaded only with --nats, so a gRPC-mode worker never loads the NATS client. A NATS server
      // that is not there fails the start (UnavailableError) rather than leaving a worker that
      // looks healthy and never gets work.
      const nats = await import('../cluster/nats/announce.js');
      announcer = await nats.createNatsAnnouncer(o.nats, { ...(o.natsCreds ? { credsFile: o.natsCreds } : {}), ...(o.natsPrefix ? { prefix: o.natsPrefix } : {}), ...(o.heartbeatMs ? { heartbeatMs: o.heartbeatMs } : {}), ...(token ? { token } : {}) });
    }
    runner = o.runner ?? PoolRunner.create(o.threads ?? (await import('node:os')).availableParallelism());
    const service = new WorkerService({
      id, runner, cache: new DatasetCache(o.cacheBytes ?? CACHE_DEFAULTS.maxBytes), token,
      ...(o.faultDelayMs ? { faultDelayMs: o.faultDelayMs } : {}),
    });
    service.addTo(server); // nobody calls before the announce below

    const clientSec: ClientSecurityOptions = { ...(o.coordinatorClient ?? {}), ...(token && !o.coordinatorClient?.token ? { token } : {}) };
    announcer ??= new GrpcAnnouncer(o.coordinator!, clientSec, o.heartbeatMs, log);
    if (o.metrics) {
      const m = /^\[?([^\]]*?)\]?:(\d+)$/.exec(o.metrics);
      if (!m) throw new OptionError(`metrics address '${o.metrics}' must be HOST:PORT`, 'metrics');
      metrics = await serveWorkerMetrics(service, m[1] || '127.0.0.1', Number(m[2]));
    }
    // announce last: the coordinator may dispatch the moment it hears of us
    await announcer.start({ id, address, threads: runner.threads, version: packageVersion() });
    return {
      id,
      port,
      address,
      service,
      ...(metrics ? { metricsPort: metrics.port } : {}),
      close,
    };
  } catch (e) {
    // fail loudly: a half-started worker (pool threads, a bound port) must not keep the process alive
    await close().catch(() => undefined);
    throw e;
  }
}
