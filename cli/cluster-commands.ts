/**
 * `infoshard worker ...` and `infoshard coordinator ...`: long-running processes. Each prints
 * one ready line on stdout with its bound port(s) (port 0 → the actual port) and runs until
 * SIGINT/SIGTERM, then shuts down gracefully.
 */
import type { Command } from 'commander';
import { OptionError } from '../shared/errors.js';
import type { ClusterBackends, NatsModule } from '../coordinator/events.js';
import { intFlag } from './options.js';

interface TlsFlags {
  tokenFile?: string;
  tlsCert?: string;
  tlsKey?: string;
  tlsCa?: string;
  maxMessageMb?: string;
}

interface WorkerFlags extends TlsFlags {
  coordinator?: string;
  listen: string;
  advertise?: string;
  threads?: string;
  nats?: string;
  natsCreds?: string;
  natsPrefix?: string;
  cacheMb?: string;
  coordinatorCa?: string;
  coordinatorServerName?: string;
  heartbeatMs?: string;
  faultDelayMs?: string;
  metrics?: string;
  shutdownGraceMs?: string;
}

interface CoordinatorFlags extends TlsFlags {
  listen: string;
  nats?: string;
  natsCreds?: string;
  natsPrefix?: string;
  http?: string;
  shardSize?: string;
  shardDeadlineMs?: string;
  maxBatch?: string;
  expireMs?: string;
  workerCa?: string;
  workerServerName?: string;
  batchTargetMs?: string;
  keepJobs?: string;
  keepJobsHours?: string;
  keepDatasetsMb?: string;
  shutdownGraceMs?: string;
}

/**
 * Stop within `graceMs` whatever happens: a close that hangs (a NATS server that is gone, a
 * store write retrying) must not keep a SIGTERM'd process alive; a second signal exits at once.
 */
async function closeWithin(what: string, close: () => Promise<void>, graceMs: number): Promise<void> {
  const again = () => {
    process.stderr.write(`${what}: second signal, exiting now\n`);
    process.exit(1);
  };
  process.once('SIGINT', again);
  process.once('SIGTERM', again);
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((r) => {
    timer = setTimeout(() => r('late'), graceMs);
  });
  const how = await Promise.race([close().then(() => 'closed' as const, () => 'closed' as const), late]);
  clearTimeout(timer);
  if (how === 'late') {
    process.stderr.write(`${what}: shutdown took over ${graceMs} ms; exiting anyway\n`);
    process.exit(1);
  }
  // whatever is left (a NATS client's reconnect timer, idle threads) must not keep us alive
  process.exit(process.exitCode ?? 0);
}

/** Resolves when the process is asked to stop. */
function untilSignal(): Promise<string> {
  return new Promise((resolve) => {
    const on = (sig: string) => {
      process.off('SIGINT', on);
      process.off('SIGTERM', on);
      resolve(sig);
    };
    process.once('SIGINT', on);
    process.once('SIGTERM', on);
  });
}

function withTls(cmd: Command): Command {
  return cmd
    .option('--token-file <file>', 'shared bearer token: required from every caller, sent on every call')
    .option('--max-message-mb <MB>', 'largest gRPC message accepted or sent, MiB (default 16)')
    .option('--tls-cert <file>', 'PEM certificate chain of this server (TLS on)')
    .option('--tls-key <file>', 'PEM private key of this server')
    .option('--tls-ca <file>', 'PEM CA: clients must present a certificate it signed (mTLS)');
}

export function registerClusterCommands(program: Command): void {
  withTls(
    program
      .command('worker')
      .description('run a cluster worker: a gRPC server over a thread pool that runs shards for a coordinator')
      .option('--coordinator <host:port>', 'coordinator to register with (gRPC registration mode)')
      .option('--listen <host:port>', 'gRPC listen address (port 0 = any free port)', '127.0.0.1:0')
      .option('--advertise <host:port>', 'address the coordinator should dial (default: listen host + bound port)')
      .option('--threads <T>', 'pool threads (default: all cores)')
      .option('--nats <url>', 'announce on NATS instead of registering over gRPC')
      .option('--nats-creds <file>', 'NATS credentials file')
      .option('--nats-prefix <p>', 'prefix of NATS subjects (must match the coordinator; default infoshard)')
      .option('--cache-mb <MB>', 'dataset cache bound in MiB (default 2048)')
      .option('--coordinator-ca <file>', 'PEM CA to verify a TLS coordinator (with --tls-cert/--tls-key also presented as client certificate)')
      .option('--coordinator-server-name <name>', 'expected name in the coordinator certificate')
      .option('--heartbeat-ms <ms>', 'heartbeat period (default 250)')
      .option('--shutdown-grace-ms <ms>', 'on SIGTERM/SIGINT, exit after this long even if shutdown is not done (default 10000)')
      .option('--metrics <host:port>', 'serve GET /metrics (Prometheus text: pool, throughput, backend, cache) on this address'),
  )
    .option('--fault-delay-ms <ms>', 'TEST ONLY: hold every RunShards call this long (simulates a hung worker)')
    .action(async (f: WorkerFlags) => {
      const threads = intFlag(f.threads, '--threads', 1);
      const cacheMb = intFlag(f.cacheMb, '--cache-mb', 1);
      const heartbeatMs = intFlag(f.heartbeatMs, '--heartbeat-ms', 10);
      const faultDelayMs = intFlag(f.faultDelayMs, '--fault-delay-ms', 0);
      const workerGraceMs = intFlag(f.shutdownGraceMs, '--shutdown-grace-ms', 0) ?? 10_000;
      const maxMessageMb = intFlag(f.maxMessageMb, '--max-message-mb', 1);
      if (!f.coordinator && !f.nats) throw new OptionError('worker needs --coordinator HOST:PORT or --nats URL', '--coordinator');
      // gRPC (and the worker pool) load only when a worker or coordinator is started
      const { startWorker } = await import('../worker/process.js');
      const w = await startWorker({
        listen: f.listen,
        ...(f.coordinator ? { coordinator: f.coordinator } : {}),
        ...(f.advertise ? { advertise: f.advertise } : {}),
        ...(threads !== undefined ? { threads } : {}),
        ...(f.nats ? { nats: f.nats } : {}),
        ...(f.natsCreds ? { natsCreds: f.natsCreds } : {}),
        ...(f.natsPrefix ? { natsPrefix: f.natsPrefix } : {}),
        ...(cacheMb !== undefined ? { cacheBytes: cacheMb * 1024 * 1024 } : {}),
        ...(heartbeatMs !== undefined ? { heartbeatMs } : {}),
        ...(faultDelayMs ? { faultDelayMs } : {}),
        ...(f.metrics ? { metrics: f.metrics } : {}),
        ...(maxMessageMb !== undefined ? { maxMessageBytes: maxMessageMb * 1024 * 1024 } : {}),
        ...(f.tokenFile ? { tokenFile: f.tokenFile } : {}),
        ...(f.tlsCert ? { tlsCert: f.tlsCert } : {}),
        ...(f.tlsKey ? { tlsKey: f.tlsKey } : {}),
        ...(f.tlsCa ? { tlsCa: f.tlsCa } : {}),
        ...(f.coordinatorCa
          ? {
              coordinatorClient: {
                ca: f.coordinatorCa,
                ...(f.tlsCert && f.tlsKey ? { cert: f.tlsCert, key: f.tlsKey } : {}),
                ...(f.coordinatorServerName ? { serverName: f.coordinatorServerName } : {}),
              },
            }
          : {}),
      });
      process.stdout.write(`infoshard worker ready id=${w.id} listen=${w.address} port=${w.port}${w.metricsPort !== undefined ? ` metrics=${w.metricsPort}` : ''}\n`);
      await untilSignal();
      await closeWithin('worker', () => w.close(), workerGraceMs);
    });

  withTls(
    program
      .command('coordinator')
      .description('run a cluster coordinator: accepts jobs, shards them across workers, merges results')
      .option('--listen <host:port>', 'gRPC listen address (port 0 = any free port)', '127.0.0.1:7070')
      .option('--nats <url>', 'NATS URL: JetStream job store, NATS worker discovery and progress events')
      .option('--nats-creds <file>', 'NATS credentials file')
      .option('--nats-prefix <p>', 'prefix of NATS subjects, streams and buckets (default infoshard)')
      .option('--http <host:port>', 'serve the dashboard (/), /status, /metrics (Prometheus), /healthz and /readyz over HTTP (read-only, no auth: keep it private)')
      .option('--shard-size <N>', 'replicates per shard (default 50)')
      .option('--shard-deadline-ms <ms>', 'soft deadline per shard before it is dispatched elsewhere (default 60000)')
      .option('--max-batch <N>', 'most shards in one RunShards call (default 256)')
      .option('--expire-ms <ms>', 'a worker silent this long is dead (gRPC registration mode, default 1000)')
      .option('--worker-ca <file>', 'PEM CA to verify TLS workers (with --tls-cert/--tls-key also presented as client certificate)')
      .option('--worker-server-name <name>', 'expected name in worker certificates')
      .option('--batch-target-ms <ms>', 'aim for RunShards calls this long once a job\'s cost per shard is known: short calls share workers fairly between jobs (default 1000)')
      .option('--keep-jobs <N>', 'finished jobs kept (record and result), oldest dropped first (default 1000)')
      .option('--keep-jobs-hours <H>', 'finished jobs are dropped this long after they ended (default 168 = 7 days)')
      .option('--keep-datasets-mb <MB>', 'MiB of datasets kept that no running job uses, least recently used dropped first (default 1024)')
      .option('--shutdown-grace-ms <ms>', 'on SIGTERM/SIGINT, exit after this long even if shutdown is not done (default 10000)'),
  ).action(async (f: CoordinatorFlags) => {
    const shardSize = intFlag(f.shardSize, '--shard-size', 1);
    const shardDeadlineMs = intFlag(f.shardDeadlineMs, '--shard-deadline-ms', 1);
    const maxBatch = intFlag(f.maxBatch, '--max-batch', 1);
    const expireMs = intFlag(f.expireMs, '--expire-ms', 50);
    const maxMessageMb = intFlag(f.maxMessageMb, '--max-message-mb', 1);
    const batchTargetMs = intFlag(f.batchTargetMs, '--batch-target-ms', 1);
    const keepJobs = intFlag(f.keepJobs, '--keep-jobs', 1);
    const keepJobsHours = intFlag(f.keepJobsHours, '--keep-jobs-hours', 1);
    const keepDatasetsMb = intFlag(f.keepDatasetsMb, '--keep-datasets-mb', 0);
    const graceMs = intFlag(f.shutdownGraceMs, '--shutdown-grace-ms', 0) ?? 10_000;
    const { readTokenFile } = await import('../cluster/security.js');
    const token = f.tokenFile ? readTokenFile(f.tokenFile) : undefined;
    let backends: ClusterBackends | undefined;
    if (f.nats) {
      if (!token && !f.workerCa) {
        process.stderr.write('coordinator: warning: --nats without --token-file or --worker-ca: anything that can publish on NATS can announce a worker and receive jobs and data\n');
      }
      // Loaded only with --nats, so a gRPC-mode coordinator never loads the NATS client.
      const nats: NatsModule = await import('../coordinator/nats/index.js');
      backends = await nats.createNatsBackends(f.nats, {
        ...(f.natsCreds ? { credsFile: f.natsCreds } : {}),
        ...(f.natsPrefix ? { prefix: f.natsPrefix } : {}),
        ...(expireMs !== undefined ? { expireMs } : {}),
        ...(token ? { token } : {}),
      });
    }
    const { startCoordinator } = await import('../coordinator/server.js');
    const c = await startCoordinator({
      listen: f.listen,
      ...(f.http ? { http: f.http } : {}),
      ...(backends ? { backends } : {}),
      ...(shardSize !== undefined ? { shardSize } : {}),
      ...(shardDeadlineMs !== undefined ? { shardDeadlineMs } : {}),
      ...(maxBatch !== undefined ? { maxBatch } : {}),
      ...(batchTargetMs !== undefined ? { batchTargetMs } : {}),
      retention: {
        ...(keepJobs !== undefined ? { keepJobs } : {}),
        ...(keepJobsHours !== undefined ? { keepJobsMs: keepJobsHours * 3600 * 1000 } : {}),
        ...(keepDatasetsMb !== undefined ? { keepDatasetBytes: keepDatasetsMb * 1024 * 1024 } : {}),
      },
      ...(expireMs !== undefined ? { expireMs } : {}),
      ...(maxMessageMb !== undefined ? { maxMessageBytes: maxMessageMb * 1024 * 1024 } : {}),
      ...(f.tokenFile ? { tokenFile: f.tokenFile } : {}),
      ...(f.tlsCert ? { tlsCert: f.tlsCert } : {}),
      ...(f.tlsKey ? { tlsKey: f.tlsKey } : {}),
      ...(f.tlsCa ? { tlsCa: f.tlsCa } : {}),
      workerClient: {
        ...(token ? { token } : {}),
        ...(f.workerCa ? { ca: f.workerCa, ...(f.tlsCert && f.tlsKey ? { cert: f.tlsCert, key: f.tlsKey } : {}) } : {}),
        ...(f.workerServerName ? { serverName: f.workerServerName } : {}),
      },
    }).catch(async (e: unknown) => {
      // a coordinator that did not start has not taken the backends over: close them, or the NATS client keeps us alive
      await backends?.close().catch(() => undefined);
      throw e;
    });
    process.stdout.write(`infoshard coordinator ready listen=${f.listen.replace(/:\d+$/, '')}:${c.port} port=${c.port} http=${c.httpPort ?? '-'}\n`);
    await untilSignal();
    await closeWithin('coordinator', () => c.close(), graceMs);
  });
}
