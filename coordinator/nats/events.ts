/**
 * Job events on core NATS: `<prefix>.jobs.<jobId>.progress` and `<prefix>.jobs.<jobId>.state`,
 * JSON-encoded {@link JobEvent}s. Anyone on the bus (a dashboard, `nats sub`, another
 * coordinator's WatchJob stream) can follow a job. Delivery is at-most-once, as core NATS is:
 * progress is advisory, and the durable truth is the job record in the store.
 */
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import type { EventPublisher, JobEvent } from '../events.js';
import type { Names } from '../../cluster/nats/subjects.js';

const enc = new TextEncoder();
const dec = new TextDecoder();

export class NatsEventPublisher implements EventPublisher {
  private readonly subs = new Set<Subscription>();

  constructor(
    private readonly nc: NatsConnection,
    private readonly n: Names,
  ) {}

  publish(ev: JobEvent): void {
    try {
      this.nc.publish(this.n.jobSubject(ev.jobId, ev.type), enc.encode(JSON.stringify(ev)));
    } catch {
      // Contract: fire and forget, never throw (a closed connection just drops the event).
    }
  }

  subscribe(jobId: string, listener: (ev: JobEvent) => void): () => void {
    let sub: Subscription;
    try {
      sub = this.nc.subscribe(this.n.jobWildcard(jobId), {
        callback: (err, msg) => {
          if (err) return;
          let ev: JobEvent;
          try {
            ev = JSON.parse(dec.decode(msg.data)) as JobEvent;
          } catch {
            return; // not an infoshard event
          }
          if (ev.jobId !== jobId) return;
          try {
            listener(ev);
          } catch {
            /* a broken listener must not break the subscription */
          }
        },
      });
    } catch {
      return () => undefined;
    }
    this.subs.add(sub);
    return () => {
      this.subs.delete(sub);
      try {
        sub.unsubscribe();
      } catch {
        /* closed */
      }
    };
  }

  /**
   * Resolves once the server has seen every subscription made so far, so a publish that
   * follows cannot overtake a fresh subscribe (handy for tests and WatchJob start-up).
   */
  async ready(): Promise<void> {
    await this.nc.flush();
  }

  async close(): Promise<void> {
    for (const s of this.subs) {
      try {
        s.unsubscribe();
      } catch {
        /* closed */
      }
    }
    this.subs.clear();
  }
}
