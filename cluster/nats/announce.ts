/**
 * Worker side of NATS discovery, and the message format both sides share: a worker publishes
 * on `<prefix>.workers.<id>` an announce at start, a heartbeat every `heartbeatMs`, a leave on
 * clean stop, and an announce whenever the coordinator pings `<prefix>.discovery.ping`.
 * The coordinator side is `coordinator/nats/discovery.ts`.
 */
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import { DISCOVERY_DEFAULTS, type WorkerAnnouncer, type WorkerInfo } from '../discovery.js';
import { OptionError } from '../../shared/errors.js';
import { connectNats, type NatsConnectOptions } from './connection.js';
import { names, type Names } from './subjects.js';

/** What a worker publishes. */
export interface WorkerMessage {
  kind: 'announce' | 'heartbeat' | 'leave';
  info: Omit<WorkerInfo, 'lastSeen'>;
}

const enc = new TextEncoder();
const dec = new TextDecoder();

export function parseWorkerMessage(data: Uint8Array): WorkerMessage | undefined {
  try {
    const m = JSON.parse(dec.decode(data)) as Partial<WorkerMessage>;
    const i = m.info;
    if ((m.kind === 'announce' || m.kind === 'heartbeat' || m.kind === 'leave') && i && typeof i.id === 'string' && typeof i.address === 'string') {
      return { kind: m.kind, info: { id: i.id, address: i.address, threads: Number(i.threads) || 1, version: String(i.version ?? '') } };
    }
  } catch {
    /* not ours: ignore */
  }
  return undefined;
}

export interface NatsAnnouncerOptions {
  /** @default DISCOVERY_DEFAULTS.heartbeatMs */
  heartbeatMs?: number;
  /** Close the connection on stop (the announcer opened it). @default false */
  ownsConnection?: boolean;
}

/** Worker side: announce, heartbeat, answer pings, say goodbye. */
export class NatsAnnouncer implements WorkerAnnouncer {
  private timer: NodeJS.Timeout | undefined;
  private pingSub: Subscription | undefined;
  private info: Omit<WorkerInfo, 'lastSeen'> | undefined;
  private readonly heartbeatMs: number;

  constructor(
    private readonly nc: NatsConnection,
    private readonly n: Names,
    private readonly opts: NatsAnnouncerOptions = {},
  ) {
    this.heartbeatMs = opts.heartbeatMs ?? DISCOVERY_DEFAULTS.heartbeatMs;
    if (!(this.heartbeatMs > 0)) throw new OptionError(`heartbeatMs must be > 0, got ${this.heartbeatMs}`, 'heartbeatMs');
  }

  async start(info: Omit<WorkerInfo, 'lastSeen'>): Promise<void> {
    if (this.info) throw new OptionError('announcer already started', 'start');
    this.info = { id: info.id, address: info.address, threads: info.threads, version: info.version };
    this.pingSub = this.nc.subscribe(this.n.ping, {
      callback: (err) => {
        if (!err) this.send('announce');
      },
    });
    this.send('announce');
    this.timer = setInterval(() => this.send('heartbeat'), this.heartbeatMs);
    this.timer.unref();
    await this.nc.flush().catch(() => undefined);
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    if (this.info) this.send('leave');
    try {
      this.pingSub?.unsubscribe();
    } catch {
      /* closed */
    }
    this.info = undefined;
    if (this.opts.ownsConnection) {
      if (!this.nc.isClosed()) await this.nc.drain().catch(() => this.nc.close());
    } else await this.nc.flush().catch(() => undefined);
  }

  private send(kind: WorkerMessage['kind']): void {
    if (!this.info) return;
    try {
      // While disconnected the client buffers this; stale heartbeats flushed on reconnect are harmless.
      this.nc.publish(this.n.workerSubject(this.info.id), enc.encode(JSON.stringify({ kind, info: this.info } satisfies WorkerMessage)));
    } catch {
      /* connection closed: the coordinator will expire us */
    }
  }
}

export interface NatsAnnounceOptions extends NatsConnectOptions {
  /** @default DISCOVERY_DEFAULTS.heartbeatMs */
  heartbeatMs?: number;
  /** Prefix of subjects (must match the coordinator's). @default 'infoshard' */
  prefix?: string;
}

/** Worker side: an announcer with its own connection (closed by `stop()`). */
export async function createNatsAnnouncer(url: string, opts: NatsAnnounceOptions = {}): Promise<WorkerAnnouncer> {
  const n = names(opts.prefix);
  const nc = await connectNats(url, { ...opts, name: opts.name ?? 'infoshard-worker' });
  return new NatsAnnouncer(nc, n, { heartbeatMs: opts.heartbeatMs, ownsConnection: true });
}

/** Announce now and heartbeat until `close()` (the one-call form of the above). */
export async function announceWorker(url: string, info: Omit<WorkerInfo, 'lastSeen'>, opts: NatsAnnounceOptions = {}): Promise<{ close(): Promise<void> }> {
  const a = await createNatsAnnouncer(url, opts);
  await a.start(info);
  return { close: () => a.stop() };
}
