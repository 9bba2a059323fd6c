/**
 * Which workers exist right now. Two implementations: workers registering over gRPC with the
 * coordinator (`GrpcDiscovery`, here) and workers announcing themselves on NATS with
 * heartbeats (part B, `coordinator/nats/`). The scheduler only sees this interface.
 */
import { OptionError } from '../shared/errors.js';

/** How a worker describes itself (JSON-serialisable; also the NATS announcement payload). */
export interface WorkerInfo {
  /** Stable for the worker process's lifetime (e.g. `${hostname}-${pid}-${random}`). */
  id: string;
  /** host:port of its gRPC Worker service. */
  address: string;
  /** Piscina pool size = the most shards it may run at once. */
  threads: number;
  /** Package version, for the status page. */
  version: string;
  /** Epoch ms of the last announcement/heartbeat seen. */
  lastSeen: number;
}

export type DiscoveryEvent =
  | { type: 'up'; worker: WorkerInfo }
  | { type: 'down'; workerId: string; reason: string };

/** Coordinator side: the live set of workers and changes to it. */
export interface WorkerDiscovery {
  /** Workers currently considered alive. */
  list(): WorkerInfo[];
  /** Called for every up/down change (an 'up' for an already-known id is a re-announce after a down). Returns an unsubscribe function. */
  subscribe(listener: (ev: DiscoveryEvent) => void): () => void;
  /** Mark a worker down now (the scheduler saw its connection fail); it comes back on its next heartbeat. */
  markDown(workerId: string, reason: string): void;
  close(): Promise<void>;
}

/** Worker side: keeps telling the coordinator (gRPC) or the bus (NATS) that this worker is alive. */
export interface WorkerAnnouncer {
  start(info: Omit<WorkerInfo, 'lastSeen'>): Promise<void>;
  /** Stop heartbeats (and say goodbye where the transport allows). */
  stop(): Promise<void>;
}

export const DISCOVERY_DEFAULTS = {
  /** @default 250 ms between heartbeats */
  heartbeatMs: 250,
  /** A worker silent this long is down. @default 1000 ms */
  expireMs: 1000,
} as const;

/** Bounds on what a worker may claim about itself (RegisterWorker and NATS announcements alike). */
export const WORKER_INFO_LIMITS = {
  idMaxLength: 128,
  addressMaxLength: 261, // a 255-character host name, ':' and a 5-digit port
  versionMaxLength: 64,
  maxThreads: 4096,
} as const;

/**
 * A worker's self-description, checked: an id of [A-Za-z0-9._:-] (at most 128 characters),
 * an address HOST:PORT (a host name, IPv4 or [IPv6], port 1-65535), 1-4096 threads and a
 * short version. Throws OptionError naming the field; the coordinator dials that address, so
 * nothing else may pass.
 */
export function checkWorkerInfo(i: { id: unknown; address: unknown; threads: unknown; version?: unknown }): Omit<WorkerInfo, 'lastSeen'> {
  const L = WORKER_INFO_LIMITS;
  if (typeof i.id !== 'string' || i.id.length === 0 || i.id.length > L.idMaxLength || !/^[A-Za-z0-9._:-]+$/.test(i.id)) {
    const shown = typeof i.id === 'string' ? `${i.id.length} characters` : typeof i.id;
    throw new OptionError(`worker id must be 1-${L.idMaxLength} characters of [A-Za-z0-9._:-] (got ${shown})`, 'id');
  }
  const a = i.address;
  const m = typeof a === 'string' && a.length <= L.addressMaxLength ? /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?):(\d{1,5})$/.exec(a) : null;
  if (!m || Number(m[3]) < 1 || Number(m[3]) > 65535) {
    throw new OptionError(`worker address must be HOST:PORT with a port in 1-65535 (got ${typeof a === 'string' ? `'${a.slice(0, 80)}'` : typeof a})`, 'address');
  }
  const t = i.threads;
  if (typeof t !== 'number' || !Number.isInteger(t) || t < 1 || t > L.maxThreads) {
    throw new OptionError(`worker threads must be an integer in 1-${L.maxThreads} (got ${String(t).slice(0, 20)})`, 'threads');
  }
  const v = i.version ?? '';
  if (typeof v !== 'string' || v.length > L.versionMaxLength) throw new OptionError(`worker version must be at most ${L.versionMaxLength} characters`, 'version');
  return { id: i.id, address: a as string, threads: t, version: v };
}

export interface GrpcDiscoveryOptions {
  /** @default DISCOVERY_DEFAULTS.expireMs */
  expireMs?: number;
}

/**
 * The bookkeeping both discoveries share: the live set, listeners, going up when first seen,
 * going down when told or when silent past `expireMs`. Subclasses bring the transport.
 */
export abstract class WorkerRegistry implements WorkerDiscovery {
  protected readonly workers = new Map<string, WorkerInfo>();
  private readonly listeners = new Set<(ev: DiscoveryEvent) => void>();

  constructor(protected readonly expireMs: number) {}

  list(): WorkerInfo[] {
    return [...this.workers.values()].map((w) => ({ ...w }));
  }

  subscribe(listener: (ev: DiscoveryEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  markDown(workerId: string, reason: string): void {
    if (!this.workers.delete(workerId)) return;
    this.emit({ type: 'down', workerId, reason });
  }

  async close(): Promise<void> {
    this.listeners.clear();
  }

  /** Record an announcement/heartbeat now; a worker not known before goes 'up'. */
  protected touch(info: Omit<WorkerInfo, 'lastSeen'>): void {
    const known = this.workers.has(info.id);
    const w: WorkerInfo = { ...info, lastSeen: Date.now() };
    this.workers.set(w.id, w);
    if (!known) this.emit({ type: 'up', worker: { ...w } });
  }

  /** Mark down every worker silent for longer than `expireMs`. */
  protected expireSilent(): void {
    const now = Date.now();
    for (const w of [...this.workers.values()]) {
      if (now - w.lastSeen > this.expireMs) this.markDown(w.id, `no heartbeat for ${now - w.lastSeen} ms`);
    }
  }

  private emit(ev: DiscoveryEvent): void {
    for (const l of [...this.listeners]) {
      try {
        l(ev);
      } catch {
        /* a broken listener must not stop discovery */
      }
    }
  }
}

/** Workers call the coordinator's RegisterWorker/Heartbeat RPCs; this registry expires the silent. */
export class GrpcDiscovery extends WorkerRegistry {
  private readonly timer: NodeJS.Timeout;

  constructor(opts: GrpcDiscoveryOptions = {}) {
    super(opts.expireMs ?? DISCOVERY_DEFAULTS.expireMs);
    this.timer = setInterval(() => this.expireSilent(), Math.max(50, Math.floor(this.expireMs / 4)));
    this.timer.unref();
  }

  /** RegisterWorker and Heartbeat both land here. Returns false for a heartbeat from an unknown id (the worker should re-register). */
  seen(info: Omit<WorkerInfo, 'lastSeen'>, isRegister: boolean): boolean {
    if (!this.workers.has(info.id) && !isRegister) return false;
    this.touch(info);
    return true;
  }

  /** A worker said goodbye. */
  remove(workerId: string, reason: string): void {
    this.markDown(workerId, reason);
  }

  override async close(): Promise<void> {
    clearInterval(this.timer);
    await super.close();
  }
}
