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
import { parseWorkerMessage, type WorkerMessage } from '../../cluster/nats/announce.js';
import { OptionError } from '../../shared/errors.js';
import type { LinkWatch } from '../../cluster/nats/retry.js';
import type { Names } from '../../cluster/nats/subjects.js';

export interface NatsDiscoveryOptions {
  /** @default DISCOVERY_DEFAULTS.expireMs */
  expireMs?: number;
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
