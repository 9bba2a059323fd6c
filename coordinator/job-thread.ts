/**
 * The coordinator's job thread (a piscina task module, see `jobcore.ts`): preparing a job, its
 * point estimate θ̂ and the final merge run here, off the coordinator's event loop, so a job on a
 * million rows never stalls heartbeats, RPCs or /healthz. The thread is stateless apart from a
 * small cache of prepared jobs (preparing is deterministic, so a miss only costs time).
 */
import type { Dataset } from '../shared/data/matrix.js';
import type { JobResult, JobSpec } from '../shared/job/spec.js';
import type { ShardPartial } from '../shared/job/shard.js';
import type { Workload } from '../shared/job/plan.js';
import type { FinalizeMeta } from '../shared/job/merge.js';
import { openJob, type JobRun, type PointEstimate } from '../shared/job/pipeline.js';
import { serializeError, type SerializedError } from '../shared/errors.js';

/** What a job thread is asked to do; `key` names the job's spec + data (the prepared-job cache key). */
export type JobTask = { key: string; spec: JobSpec; maxReplicates?: number; data: Dataset } & (
  | { op: 'open' }
  | { op: 'estimate' }
  | { op: 'finish'; estimate: PointEstimate; partials: ShardPartial[]; meta: Omit<FinalizeMeta, 'estimateMs'> }
);

export type JobTaskReply =
  | { ok: true; workloads: Workload[] }
  | { ok: true; estimate: PointEstimate }
  | { ok: true; result: JobResult }
  | { ok: false; error: SerializedError };

/** Prepared jobs kept per thread (least recently used dropped): plan, estimate and finish of one job often meet here. */
const MAX_CACHED = 2;
const cache = new Map<string, JobRun>();

function open(t: JobTask): JobRun {
  const hit = cache.get(t.key);
  if (hit) {
    cache.delete(t.key);
    cache.set(t.key, hit);
    return hit;
  }
  const run = openJob({ ...t.spec, data: t.data }, t.maxReplicates !== undefined ? { maxReplicates: t.maxReplicates } : {});
  cache.set(t.key, run);
  while (cache.size > MAX_CACHED) cache.delete(cache.keys().next().value!);
  return run;
}

export default function runJobTask(t: JobTask): JobTaskReply {
  try {
    const run = open(t);
    switch (t.op) {
      case 'open':
        return { ok: true, workloads: [...run.workloads] };
      case 'estimate':
        return { ok: true, estimate: run.pointEstimate() };
      case 'finish': {
        run.adoptEstimate(t.estimate);
        const result = run.finish(t.partials, t.meta);
        cache.delete(t.key); // the job is over
        return { ok: true, result };
      }
    }
  } catch (e) {
    return { ok: false, error: serializeError(e) };
  }
}
