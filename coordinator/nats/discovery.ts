/**
 * Worker discovery over core NATS, the coordinator side (the worker side and the message format
 * are in `cluster/nats/announce.ts`). Workers publish on `<prefix>.workers.<id>`: an announce at
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
import { DISCOVERY_DEFAULTS, WorkerRegistry } from '../../cluster/discovery.js';
import { parseWorkerMessage, verifyWorkerMessage, type WorkerMessage } from '../../cluster/nats/announce.js';
import { OptionError } from '../../shared/errors.js';
import type { LinkWatch } from '../../cluster/nats/retry.js';
import type { Names } from '../../cluster/nats/subjects.js';

export interface NatsDiscoveryOptions {
  /** @default DISCOVERY_DEFAULTS.expireMs */
  expireMs?: number;
  /**
   * Shared token: only messages signed with it count (see `signWorkerMessage`). Without one,
   * anything that can publish on the subjects can announce a worker: use a token, or NATS
   * accounts that let only workers publish on `<prefix>.workers.>` (docs/cluster.md).
   */
  token?: string;
  /** A signed message older or newer than this (clock skew) is refused. @default 300000 */
  maxSkewMs?: number;
  /** Where refusals are reported (once per worker id). @default stderr */
  log?: (line: string) => void;
}

/** Refusals counted by reason, for the status page. */
export interface DiscoveryRejections {
  unsigned: number;
  badSignature: number;
  stale: number;
}

/** Coordinator side. */
export class NatsWorkerDiscovery extends WorkerRegistry {
  private readonly sub: Subscription;
  private readonly timer: NodeJS.Timeout;
  private readonly unwatch: () => void;
  private readonly token: string | undefined;
  private readonly maxSkewMs: number;
  private readonly log: (line: string) => void;
  /** Newest signed timestamp accepted per worker id: an older (replayed) message is refused. */
  private readonly lastTs = new Map<string, number>();
  /** Ids already reported as refused (one line each, not one per heartbeat). */
  private readonly reported = new Set<string>();
  readonly rejected: DiscoveryRejections = { unsigned: 0, badSignature: 0, stale: 0 };

  constructor(
    private readonly nc: NatsConnection,
    private readonly link: LinkWatch,
    private readonly n: Names,
    opts: NatsDiscoveryOptions = {},
  ) {
    super(opts.expireMs ?? DISCOVERY_DEFAULTS.expireMs);
    if (!(this.expireMs > 0)) throw new OptionError(`expireMs must be > 0, got ${this.expireMs}`, 'expireMs');
    this.token = opts.token;
    this.maxSkewMs = opts.maxSkewMs ?? 300_000;
    this.log = opts.log ?? ((line) => process.stderr.write(`coordinator: ${line}\n`));
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
    if (this.token !== undefined && !this.authentic(m)) return;
    if (m.kind === 'leave') {
      this.markDown(m.info.id, 'worker left');
      return;
    }
    this.touch(m.info);
  }

  /** A signed, fresh, not replayed message from a holder of the token. */
  private authentic(m: WorkerMessage): boolean {
    const refuse = (why: keyof DiscoveryRejections, text: string) => {
      this.rejected[why]++;
      const key = `${why}\n${m.info.id}`;
      if (!this.reported.has(key) && this.reported.size < 10_000) {
        this.reported.add(key);
        this.log(`ignoring ${m.kind} of worker '${m.info.id}' at ${m.info.address}: ${text}`);
      }
      return false;
    };
    if (m.sig === undefined) return refuse('unsigned', 'not signed (start the worker with the same --token-file)');
    if (!verifyWorkerMessage(this.token!, m)) return refuse('badSignature', 'bad signature (a different token, or forged)');
    const now = Date.now();
    if (Math.abs(now - m.ts!) > this.maxSkewMs) return refuse('stale', `timestamp ${now - m.ts!} ms off this clock (limit ${this.maxSkewMs})`);
    const last = this.lastTs.get(m.info.id);
    if (last !== undefined && m.ts! <= last) return refuse('stale', 'replayed (not newer than the last message of this worker)');
    this.lastTs.set(m.info.id, m.ts!);
    return true;
  }

  private sweep(): void {
    if (this.link.isUp()) this.expireSilent();
    // Forget timestamps past the skew window: a replay that old is refused as stale anyway.
    const old = Date.now() - this.maxSkewMs;
    for (const [id, ts] of this.lastTs) if (ts < old) this.lastTs.delete(id);
  }
}
