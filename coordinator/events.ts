/**
 * Job progress and state changes, published by the scheduler and consumed by WatchJob
 * streams. In-memory here; part B publishes the same events on NATS subjects per job.
 */
import type { JobState, JobStore } from './store.js';
import type { TrainingProgress } from '../shared/job/spec.js';
import type { WorkerDiscovery, WorkerAnnouncer } from '../cluster/discovery.js';

export type JobEvent =
  | { type: 'progress'; jobId: string; phase: string; done: number; total: number }
  | { type: 'state'; jobId: string; state: JobState; error?: { code: string; message: string } }
  /** A neural critic's training update, forwarded from the worker running it (progress only). */
  | { type: 'training'; jobId: string; training: TrainingProgress };

export interface EventPublisher {
  /** Fire and forget; must not throw. */
  publish(ev: JobEvent): void;
  /** Events of one job from now on. Returns an unsubscribe function. */
  subscribe(jobId: string, listener: (ev: JobEvent) => void): () => void;
  close(): Promise<void>;
}

export class MemoryEventPublisher implements EventPublisher {
  private readonly byJob = new Map<string, Set<(ev: JobEvent) => void>>();

  publish(ev: JobEvent): void {
    const set = this.byJob.get(ev.jobId);
    if (!set) return;
    for (const l of [...set]) {
      try {
        l(ev);
      } catch {
        // a broken listener must not stop the scheduler
      }
    }
  }
  subscribe(jobId: string, listener: (ev: JobEvent) => void): () => void {
    let set = this.byJob.get(jobId);
    if (!set) this.byJob.set(jobId, (set = new Set()));
    set.add(listener);
    return () => {
      set!.delete(listener);
      if (set!.size === 0) this.byJob.delete(jobId);
    };
  }
  async close(): Promise<void> {
    this.byJob.clear();
  }
}

/** The three pluggable backends the coordinator runs on. */
export interface ClusterBackends {
  store: JobStore;
  discovery: WorkerDiscovery;
  events: EventPublisher;
  close(): Promise<void>;
}

/** Options passed to part B's NATS factories. */
export interface NatsBackendOptions {
  /** NATS creds file (credentials may also be in the URL). */
  credsFile?: string;
  /** Heartbeat period / expiry used by the NATS discovery. @default DISCOVERY_DEFAULTS */
  heartbeatMs?: number;
  expireMs?: number;
  /** Prefix for subjects, stream and KV bucket names (tests isolate themselves with it). @default 'infoshard' */
  prefix?: string;
  /** Shared token: worker announcements must be signed with it (coordinator), or are signed with it (worker). */
  token?: string;
}

/**
 * The module shape `coordinator/nats/index.ts` (part B) exports; the coordinator and worker
 * import it dynamically only when `--nats URL` is given.
 */
export interface NatsModule {
  createNatsBackends(url: string, opts?: NatsBackendOptions): Promise<ClusterBackends>;
  /** Worker side: announce + heartbeat on NATS. */
  createNatsAnnouncer(url: string, opts?: NatsBackendOptions): Promise<WorkerAnnouncer>;
}
