/**
 * Cluster backends on NATS (issue 4): durable job store in JetStream, worker discovery by
 * announce/heartbeat, job events per subject. The worker's side (announcer) lives in
 * `cluster/nats/announce.ts` and is re-exported here. Implements `NatsModule` from `../events.ts`;
 * the coordinator and worker import this module only when `--nats URL` is given.
 *
 *     const b = await createNatsBackends('nats://user:pass@nats:4222', { credsFile });
 *     // b.store, b.discovery, b.events ... await b.close()
 *
 *     const a = await createNatsAnnouncer(url); await a.start(info); ... await a.stop();
 */
import type { ClusterBackends, NatsBackendOptions, NatsModule } from '../events.js';
import type { JobStore } from '../store.js';
import { connectNats, type NatsConnectOptions } from '../../cluster/nats/connection.js';
import { NatsWorkerDiscovery } from './discovery.js';
import { createNatsAnnouncer } from '../../cluster/nats/announce.js';
import { NatsEventPublisher } from './events.js';
import { LinkWatch } from '../../cluster/nats/retry.js';
import { NatsJobStore } from './store.js';
import { names } from '../../cluster/nats/subjects.js';

export { connectNats, parseNatsUrl, type NatsConnectOptions } from '../../cluster/nats/connection.js';
export { NatsJobStore } from './store.js';
export { NatsWorkerDiscovery } from './discovery.js';
export { NatsAnnouncer, createNatsAnnouncer, announceWorker } from '../../cluster/nats/announce.js';
export { NatsEventPublisher } from './events.js';
export { names as natsNames, DEFAULT_PREFIX } from '../../cluster/nats/subjects.js';

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
    const discovery = new NatsWorkerDiscovery(nc, link, n, { expireMs: opts.expireMs, ...(opts.token ? { token: opts.token } : {}) });
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

/** Type check: this module has the shape the coordinator imports dynamically. */
const _shape: NatsModule = { createNatsBackends, createNatsAnnouncer };
void _shape;
