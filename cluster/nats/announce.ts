/**
 * Worker side of NATS discovery, and the message format both sides share: a worker publishes
 * on `<prefix>.workers.<id>` an announce at start, a heartbeat every `heartbeatMs`, a leave on
 * clean stop, and an announce whenever the coordinator pings `<prefix>.discovery.ping`.
 * The coordinator side is `coordinator/nats/discovery.ts`.
 */
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { checkWorkerInfo, DISCOVERY_DEFAULTS, type WorkerAnnouncer, type WorkerInfo } from '../discovery.js';
import { OptionError } from '../../shared/errors.js';
import { connectNats, type NatsConnectOptions } from './connection.js';
import { names, type Names } from './subjects.js';

/** What a worker publishes. */
export interface WorkerMessage {
  kind: 'announce' | 'heartbeat' | 'leave';
  info: Omit<WorkerInfo, 'lastSeen'>;
  /** Epoch ms when sent (signed, so a replay is recognisable). */
  ts?: number;
  /** HMAC-SHA256 (hex) of the message under the shared token, when the worker has one. */
  sig?: string;
}

const enc = new TextEncoder();
const dec = new TextDecoder();

/** The exact bytes a signature covers: every field the coordinator acts on. */
function signedText(kind: string, info: Omit<WorkerInfo, 'lastSeen'>, ts: number): string {
  return JSON.stringify(['infoshard-worker-v1', kind, info.id, info.address, info.threads, info.version, ts]);
}

/**
 * Sign a worker message with the shared token. Anyone can publish on the NATS subjects; only a
 * holder of the token can produce this, so the coordinator acts only on signed messages when it
 * has a token (an unsigned announce could point it at a rogue address; an unsigned leave could
 * evict a live worker). The token itself never goes on the bus.
 */
export function signWorkerMessage(token: string, kind: WorkerMessage['kind'], info: Omit<WorkerInfo, 'lastSeen'>, ts: number): WorkerMessage {
  return { kind, info, ts, sig: createHmac('sha256', token).update(signedText(kind, info, ts)).digest('hex') };
}

/** Whether `m` carries a valid signature under `token` (constant-time comparison). */
export function verifyWorkerMessage(token: string, m: WorkerMessage): boolean {
  if (typeof m.sig !== 'string' || typeof m.ts !== 'number' || !/^[0-9a-f]{64}$/.test(m.sig)) return false;
  const want = createHmac('sha256', token).update(signedText(m.kind, m.info, m.ts)).digest();
  return timingSafeEqual(want, Buffer.from(m.sig, 'hex'));
}

/** A message from the bus, its worker description checked (`checkWorkerInfo`); undefined when malformed. */
export function parseWorkerMessage(data: Uint8Array): WorkerMessage | undefined {
  try {
    const m = JSON.parse(dec.decode(data)) as Partial<WorkerMessage>;
    if ((m.kind === 'announce' || m.kind === 'heartbeat' || m.kind === 'leave') && m.info && typeof m.info === 'object') {
      const info = checkWorkerInfo(m.info);
      return { kind: m.kind, info, ...(typeof m.ts === 'number' ? { ts: m.ts } : {}), ...(typeof m.sig === 'string' ? { sig: m.sig } : {}) };
    }
  } catch {
    /* not ours, or a worker description out of bounds: ignore */
  }
  return undefined;
}

export interface NatsAnnouncerOptions {
  /** @default DISCOVERY_DEFAULTS.heartbeatMs */
  heartbeatMs?: number;
  /** Close the connection on stop (the announcer opened it). @default false */
  ownsConnection?: boolean;
  /** Shared token: every message is signed with it (a coordinator with a token ignores unsigned ones). */
  token?: string;
}

/** Worker side: announce, heartbeat, answer pings, say goodbye. */
export class NatsAnnouncer implements WorkerAnnouncer {
  private timer: NodeJS.Timeout | undefined;
  private pingSub: Subscription | undefined;
  private info: Omit<WorkerInfo, 'lastSeen'> | undefined;
  private readonly heartbeatMs: number;
  private lastTs = 0;

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
    this.info = checkWorkerInfo(info);
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
      // Strictly increasing timestamps: the coordinator refuses one not newer than the last (a replay).
      this.lastTs = Math.max(Date.now(), this.lastTs + 1);
      const m: WorkerMessage = this.opts.token ? signWorkerMessage(this.opts.token, kind, this.info, this.lastTs) : { kind, info: this.info };
      this.nc.publish(this.n.workerSubject(this.info.id), enc.encode(JSON.stringify(m)));
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
  /** Shared token to sign announcements with (see `signWorkerMessage`). */
  token?: string;
}

/** Worker side: an announcer with its own connection (closed by `stop()`). */
export async function createNatsAnnouncer(url: string, opts: NatsAnnounceOptions = {}): Promise<WorkerAnnouncer> {
  const n = names(opts.prefix);
  const nc = await connectNats(url, { ...opts, name: opts.name ?? 'infoshard-worker' });
  return new NatsAnnouncer(nc, n, { heartbeatMs: opts.heartbeatMs, ownsConnection: true, ...(opts.token ? { token: opts.token } : {}) });
}

/** Announce now and heartbeat until `close()` (the one-call form of the above). */
export async function announceWorker(url: string, info: Omit<WorkerInfo, 'lastSeen'>, opts: NatsAnnounceOptions = {}): Promise<{ close(): Promise<void> }> {
  const a = await createNatsAnnouncer(url, opts);
  await a.start(info);
  return { close: () => a.stop() };
}
