/**
 * Sharing workers between running jobs (docs/cluster.md, "Fair sharing"). Pure policy over the
 * job runs' counters, so it is testable without transport or timers.
 *
 * - Which job next: the one with the fewest shards in flight per unit of weight (priority);
 *   ties go to the earlier submission. A job submitted behind a long one gets free slots as
 *   soon as they open, instead of after the long job has been dispatched entirely.
 * - How big a batch: the job's fair share of the slots gets about half of its pending shards
 *   per round (as before, for one job alone), capped so that one batch takes about
 *   `batchTargetMs` once the job's cost per shard is known, and a single shard until it is.
 *   Short batches return slots often, so a newcomer waits about one batch, not one job.
 * Results do not depend on any of this: shards are replicate ranges merged in plan order.
 */
import type { JobRun } from './job-run.js';
import { hasPending, pendingCount } from './job-run.js';

/** The job to dispatch next, or undefined when no running job has pending shards. */
export function nextJob(active: readonly JobRun[]): JobRun | undefined {
  let best: JobRun | undefined;
  let bestLoad = Infinity;
  for (const run of active) {
    if (!hasPending(run)) continue;
    const load = run.inflight / run.weight;
    if (load < bestLoad) {
      best = run;
      bestLoad = load;
    }
  }
  return best;
}

/** Shards in the next batch of `run` given `slots` free-or-busy worker slots in all. */
export function batchSize(run: JobRun, active: readonly JobRun[], slots: number, o: { maxBatch: number; batchTargetMs: number }): number {
  let weights = 0;
  for (const r of active) if (hasPending(r) || r === run) weights += r.weight;
  const share = Math.max(1, (Math.max(1, slots) * run.weight) / Math.max(run.weight, weights));
  let size = Math.ceil(pendingCount(run) / (2 * share));
  // an unknown cost: probe with one shard; a known one: about batchTargetMs per batch
  size = Math.min(size, run.msPerShard === undefined ? 1 : Math.floor(o.batchTargetMs / Math.max(run.msPerShard, 1e-3)));
  return Math.max(1, Math.min(o.maxBatch, size));
}
