/**
 * Worker discovery over core NATS. Workers publish on `<prefix>.workers.<id>`: an announce at
 * start, a heartbeat every `heartbeatMs` (default 250 ms), a leave on clean stop, and an
 * immediate announce when the coordinator pings `<prefix>.discovery.ping` (so a restarted
 * coordinator knows its workers in one round trip, not one heartbeat period). The coordinator
 * declares a worker down after `expireMs` (default 1 s) of silence.
 *
 * While the coordinator's own NATS link is down, silence proves nothing about the workers, so
 * the sweep pauses; when the link comes back every known worker gets a fresh grace period
 * as long as the outage itself (a `nats-server` restart must not look like every worker dying
 * at once).
 */
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import { DISCOVERY_DEFAULTS, WorkerRegistry, type WorkerAnnouncer, type WorkerInfo } from '../discovery.js';
import { OptionError } from '../../shared/errors.js';
import type { LinkWatch } from './retry.js';
import type { Names } from './subjects.js';

/** What a worker publishes. */
export interface WorkerMessage {
  kind: 'announce' | 'heartbeat' | 'leave';
  info: Omit<WorkerInfo, 'lastSeen'>;
}

export interface NatsDiscoveryOptions {
  /** @default DISCOVERY_DEFAULTS.expireMs */
  expireMs?: number;
}

const enc = new TextEncoder();
const dec = new TextDecoder();

function parseWorkerMessage(data: Uint8Array): WorkerMessage | undefined {
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

/** Coordinator side. */
export class NatsWorkerDiscovery extends WorkerRegistry {
  private readonly sub: Subscription;
  private readonly timer: NodeJS.Timeout;
  private readonly unwatch: () => void;

  constructor(
    private readonly nc: NatsConnection,
    private readonly link: LinkWatch,
    private readonly n: Names,
    opts: NatsDiscoveryOptions = {},
  ) {
    super(opts.expireMs ?? DISCOVERY_DEFAULTS.expireMs);
    if (!(this.expireMs > 0)) throw new OptionError(`expireMs must be > 0, got ${this.expireMs}`, 'expireMs');
    this.sub = nc.subscribe(n.workersWildcard, {
      callback: (err, msg) => {
        if (err) return;
        const m = parseWorkerMessage(msg.data);
        if (m) this.onMessage(m);
      },
    });
    this.timer = setInterval(() => this.sweep(), Math.max(25, Math.floor(this.expireMs / 8)));
    this.timer.unref();
    let downSince = 0;
    this.unwatch = link.onChange((up) => {
      const now = Date.now();
      if (!up) {
        downSince = now;
        return;
      }
      // Workers reconnect on their own backoff, which grows with the outage: give them as long
      // again as the outage lasted (at most 10 s) before their silence counts.
      const grace = Math.min(10_000, downSince ? now - downSince : 0);
      for (const w of this.workers.values()) w.lastSeen = now + grace;
      this.ping();
    });
    this.ping();
  }

  /** Ask every worker to announce itself now. */
  ping(): void {
    try {
      this.nc.publish(this.n.ping);
    } catch {
      /* closed: nothing to ask */
    }
  }

  override async close(): Promise<void> {
    clearInterval(this.timer);
    this.unwatch();
    await super.close();
    try {
      this.sub.unsubscribe();
    } catch {
      /* connection already closed */
    }
  }

  private onMessage(m: WorkerMessage): void {
    if (m.kind === 'leave') {
      this.markDown(m.info.id, 'worker left');
      return;
    }
    this.touch(m.info);
  }

  private sweep(): void {
    if (this.link.isUp()) this.expireSilent();
  }
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
