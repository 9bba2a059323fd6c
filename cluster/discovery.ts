/**
 * Which workers exist right now. Two implementations: workers registering over gRPC with the
 * coordinator (`GrpcDiscovery`, here) and workers announcing themselves on NATS with
 * heartbeats (part B, `coordinator/nats/`). The scheduler only sees this interface.
 */

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
