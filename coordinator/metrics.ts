/**
 * `/metrics` in Prometheus text format (prom-client). One Registry per coordinator, not the
 * library's global one, so two coordinators in one process (tests) never share or clash.
 *
 * Most values are read from the scheduler when Prometheus scrapes (collect callbacks), so the
 * scheduler does no metrics work on its hot path; the only push is the per-batch latency.
 * Counters mirror the scheduler's own monotone counters by adding the increase since the last
 * scrape (prom-client counters can only be incremented).
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Scheduler, SchedulerCounters } from './scheduler.js';

export interface CacheStats {
  stats(): { count: number; bytes: number; hits: number; misses: number };
}

/** What retention.ts reports (RetainingStore). */
export interface RetentionStats {
  readonly counters: { shardsPruned: number; jobsDropped: number; datasetsDropped: number; sweepErrors: number };
  stats(): { datasets: number; datasetBytes: number; finishedJobs: number; runningJobs: number };
}

export interface CoordinatorMetrics {
  readonly registry: Registry;
  /** The exposition content type (text/plain; version=0.0.4). */
  readonly contentType: string;
  text(): Promise<string>;
  close(): void;
}

const JOB_STATES = ['queued', 'running', 'done', 'failed', 'cancelled'] as const;

/** Scheduler counter → metric name and help. */
const COUNTERS: [keyof SchedulerCounters, string, string][] = [
  ['shardsDispatched', 'infoshard_shards_dispatched_total', 'Shards sent to workers (a shard sent again counts again).'],
  ['shardsCompleted', 'infoshard_shards_completed_total', 'Shards whose values were accepted.'],
  ['requeued', 'infoshard_shards_requeued_total', 'Shards queued again after a worker loss, deadline miss or transport error.'],
  ['deadlineMisses', 'infoshard_shard_deadline_misses_total', 'Batches that passed their soft deadline.'],
  ['duplicatesIgnored', 'infoshard_shard_duplicates_ignored_total', 'Late or repeated shard answers that were dropped.'],
  ['workersLost', 'infoshard_workers_lost_total', 'Workers dropped (missed heartbeats, unreachable, unregistered).'],
  ['batches', 'infoshard_batches_total', 'RunShards calls made.'],
];

export function createCoordinatorMetrics(scheduler: Scheduler, cache: CacheStats, retention?: RetentionStats): CoordinatorMetrics {
  const registry = new Registry();
  // process CPU/memory, GC, and nodejs_eventloop_lag_seconds (the event-loop lag the issue asks for)
  collectDefaultMetrics({ register: registry });

  for (const [key, name, help] of COUNTERS) {
    let seen = 0;
    new Counter({
      name, help, registers: [registry],
      collect() {
        const now = scheduler.counters[key];
        if (now > seen) this.inc(now - seen);
        seen = now;
      },
    });
  }

  new Gauge({
    name: 'infoshard_jobs', help: 'Jobs the coordinator holds in memory, by state (finished ones: the most recent 1000).', labelNames: ['state'], registers: [registry],
    collect() {
      const by = new Map<string, number>(JOB_STATES.map((s) => [s, 0]));
      for (const j of scheduler.listJobs()) by.set(j.state, (by.get(j.state) ?? 0) + 1);
      for (const [state, n] of by) this.set({ state }, n);
    },
  });
  new Gauge({
    name: 'infoshard_workers', help: 'Workers known to the scheduler now.', registers: [registry],
    collect() {
      this.set(scheduler.listWorkers().length);
    },
  });
  new Gauge({
    name: 'infoshard_worker_threads', help: 'Pool threads each worker announced.', labelNames: ['worker'], registers: [registry],
    collect() {
      this.reset(); // a worker that left disappears from the series
      for (const w of scheduler.listWorkers()) this.set({ worker: w.id }, w.threads);
    },
  });
  new Gauge({
    name: 'infoshard_worker_inflight_shards', help: 'Shards running on each worker now.', labelNames: ['worker'], registers: [registry],
    collect() {
      this.reset();
      for (const w of scheduler.listWorkers()) this.set({ worker: w.id }, w.inflightShards);
    },
  });
  new Gauge({
    name: 'infoshard_worker_shards_done', help: 'Shards each current worker has completed since it joined.', labelNames: ['worker'], registers: [registry],
    collect() {
      this.reset();
      for (const w of scheduler.listWorkers()) this.set({ worker: w.id }, w.shardsDone);
    },
  });

  const latency = new Histogram({
    name: 'infoshard_shard_latency_seconds',
    help: 'Wall time from dispatch to answer of a batch, divided by its shards (one observation per shard).',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [registry],
  });
  const unsubscribe = scheduler.onBatch((b) => {
    const perShard = b.ms / 1000 / Math.max(1, b.shards);
    for (let i = 0; i < b.shards; i++) latency.observe(perShard);
  });

  new Gauge({
    name: 'infoshard_dataset_cache_bytes', help: 'Bytes of decoded datasets the coordinator holds.', registers: [registry],
    collect() {
      this.set(cache.stats().bytes);
    },
  });
  new Gauge({
    name: 'infoshard_dataset_cache_entries', help: 'Decoded datasets the coordinator holds.', registers: [registry],
    collect() {
      this.set(cache.stats().count);
    },
  });
  let hitsSeen = 0;
  let missesSeen = 0;
  new Counter({
    name: 'infoshard_dataset_cache_lookups_total', help: 'Dataset cache lookups by outcome (hit: decoded copy reused).', labelNames: ['outcome'], registers: [registry],
    collect() {
      const s = cache.stats();
      if (s.hits > hitsSeen) this.inc({ outcome: 'hit' }, s.hits - hitsSeen);
      if (s.misses > missesSeen) this.inc({ outcome: 'miss' }, s.misses - missesSeen);
      hitsSeen = s.hits;
      missesSeen = s.misses;
    },
  });

  if (retention) {
    new Gauge({
      name: 'infoshard_store_dataset_bytes', help: 'Bytes of datasets the job store holds (retention: --keep-datasets-mb for idle ones).', registers: [registry],
      collect() {
        this.set(retention.stats().datasetBytes);
      },
    });
    new Gauge({
      name: 'infoshard_store_finished_jobs', help: 'Finished jobs the job store holds (retention: --keep-jobs, --keep-jobs-hours).', registers: [registry],
      collect() {
        this.set(retention.stats().finishedJobs);
      },
    });
    const seen = { shards: 0, jobs: 0, datasets: 0, errors: 0 };
    new Counter({
      name: 'infoshard_store_dropped_total', help: 'What retention deleted from the job store, by kind (shards: values of ended jobs).', labelNames: ['kind'], registers: [registry],
      collect() {
        const c = retention.counters;
        const now = { shards: c.shardsPruned, jobs: c.jobsDropped, datasets: c.datasetsDropped, errors: c.sweepErrors };
        for (const k of ['shards', 'jobs', 'datasets'] as const) {
          if (now[k] > seen[k]) this.inc({ kind: k }, now[k] - seen[k]);
          seen[k] = now[k];
        }
      },
    });
    new Counter({
      name: 'infoshard_store_sweep_errors_total', help: 'Retention sweeps that failed (the next one tries again).', registers: [registry],
      collect() {
        const n = retention.counters.sweepErrors;
        if (n > seen.errors) this.inc(n - seen.errors);
        seen.errors = n;
      },
    });
  }

  return {
    registry,
    contentType: registry.contentType,
    text: () => registry.metrics(),
    close() {
      unsubscribe();
      registry.clear();
    },
  };
}
