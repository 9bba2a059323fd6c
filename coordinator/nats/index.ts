/**
 * Cluster backends on NATS (issue 4): durable job store in JetStream, worker discovery by
 * announce/heartbeat, job events per subject. Implements `NatsModule` from `../events.ts`;
 * the coordinator and worker import this module only when `--nats URL` is given.
 *
 *     const b = await createNatsBackends('nats://user:pass@nats:4222', { credsFile });
 *     // b.store, b.discovery, b.events ... await b.close()
 *
 *     const a = await createNatsAnnouncer(url); await a.start(info); ... await a.stop();
 */
import type { WorkerAnnouncer, WorkerInfo } from '../discovery.js';
import type { ClusterBackends, NatsBackendOptions, NatsModule } from '../events.js';
import type { JobStore } from '../store.js';
import { connectNats, type NatsConnectOptions } from './connection.js';
import { NatsAnnouncer, NatsWorkerDiscovery } from './discovery.js';
import { NatsEventPublisher } from './events.js';
import { LinkWatch } from './retry.js';
import { NatsJobStore } from './store.js';
import { names } from './subjects.js';

export { connectNats, parseNatsUrl, type NatsConnectOptions } from './connection.js';
export { NatsJobStore } from './store.js';
export { NatsWorkerDiscovery, NatsAnnouncer } from './discovery.js';
export { NatsEventPublisher } from './events.js';
export { names as natsNames, DEFAULT_PREFIX } from './subjects.js';

export interface NatsOptions extends NatsBackendOptions, Omit<NatsConnectOptions, 'credsFile'> {
  /** Timeout of one JetStream request before it is retried. @default 2000 */
  requestTimeoutMs?: number;
}

export interface NatsBackends extends ClusterBackends {
  store: JobStore & NatsJobStore;
  discovery: NatsWorkerDiscovery;
  events: NatsEventPublisher;
}

/** Coordinator side: one connection shared by the store, discovery and events. */
export async function createNatsBackends(url: string, opts: NatsOptions = {}): Promise<NatsBackends> {
  const n = names(opts.prefix);
  const nc = await connectNats(url, { ...opts, name: opts.name ?? 'infoshard-coordinator' });
  try {
    const link = new LinkWatch(nc);
    const store = await NatsJobStore.open(nc, link, { prefix: n.prefix, requestTimeoutMs: opts.requestTimeoutMs });
    const discovery = new NatsWorkerDiscovery(nc, link, n, { expireMs: opts.expireMs });
    const events = new NatsEventPublisher(nc, n);
    await nc.flush();
    let closed: Promise<void> | undefined;
    return {
      store,
      discovery,
      events,
      close: () =>
        (closed ??= (async () => {
          await discovery.close();
          await events.close();
          await store.close();
          if (!nc.isClosed()) await nc.drain().catch(() => nc.close());
        })()),
    };
  } catch (e) {
    await nc.close().catch(() => undefined);
    throw e;
  }
}

/** Worker side: an announcer with its own connection (closed by `stop()`). */
export async function createNatsAnnouncer(url: string, opts: NatsOptions = {}): Promise<WorkerAnnouncer> {
  const n = names(opts.prefix);
  const nc = await connectNats(url, { ...opts, name: opts.name ?? 'infoshard-worker' });
  return new NatsAnnouncer(nc, n, { heartbeatMs: opts.heartbeatMs, ownsConnection: true });
}

/** Announce now and heartbeat until `close()` (the brief's one-call form of the above). */
export async function announceWorker(url: string, info: Omit<WorkerInfo, 'lastSeen'>, opts: NatsOptions = {}): Promise<{ close(): Promise<void> }> {
  const a = await createNatsAnnouncer(url, opts);
  await a.start(info);
  return { close: () => a.stop() };
}

/** Type check: this module has the shape the coordinator imports dynamically. */
const _shape: NatsModule = { createNatsBackends, createNatsAnnouncer };
void _shape;
