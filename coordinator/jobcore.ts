/**
 * The coordinator's `JobCore` over the shared job engine: the same `JobRun` (shared/job/pipeline.ts:
 * prepare, point estimate, plan, merge) the embedded engine drives, so a cluster result equals the
 * embedded one byte for byte (docs/design.md, contract 1). The point estimate θ̂ is computed on the
 * coordinator, off the submit path, while the workers run the replicates.
 */
import type { Dataset } from '../shared/data/matrix.js';
import type { JobSpec } from '../shared/job/spec.js';
import type { ShardPartial } from '../shared/job/shard.js';
import { openJob } from '../shared/job/pipeline.js';
import { backendProvenance, checkPartial } from '../shared/job/merge.js';
import type { JobCore, PreparedJob } from './scheduler.js';
import { packageVersion } from '../cluster/wire.js';
import { splitCap } from '../cluster/spec-json.js';

/**
 * provenance.backend of a cluster job: the names the workers reported, as the embedded engine
 * reports its threads' (so the two agree for one backend). A job resumed after a coordinator
 * restart knows only the names of shards run since; with shards but no name at all (workers
 * that predate the field, or every shard finished before the restart) it says 'unreported'.
 */
function clusterBackend(shards: number, names: string[]): string {
  if (shards > 0 && names.length === 0) return 'unreported';
  return backendProvenance(names);
}

export function createJobCore(): JobCore {
  return {
    async prepare(spec: JobSpec, data: Dataset): Promise<PreparedJob> {
      const t0 = performance.now();
      const { spec: jobSpec, maxReplicates } = splitCap(spec);
      const run = openJob({ ...jobSpec, data }, maxReplicates !== undefined ? { maxReplicates } : {});
      // θ̂ on the coordinator, after this tick so the shards are dispatched first.
      const theta = new Promise<number>((resolve, reject) => {
        setImmediate(() => {
          try {
            resolve(run.estimate());
          } catch (e) {
            reject(e);
          }
        });
      });
      theta.catch(() => undefined);
      let resampleStart = 0;
      return {
        plan(shardSize: number) {
          resampleStart = performance.now();
          return run.plan('', shardSize).map(({ workload, r0, r1, width }) => ({ workload, r0, r1, ...(width ? { width } : {}) }));
        },
        checkShard(req, values) {
          // summary-path shards carry a packed summary, not r1 − r0 values (shared/job/summary.ts)
          try {
            checkPartial({ ...req, values }, run.workloads.some((w) => w.kind === req.workload && w.summary));
            return undefined;
          } catch (e) {
            return (e as Error).message;
          }
        },
        async finish(partials: ShardPartial[], info?: { backends: string[] }) {
          await theta;
          const now = performance.now();
          return run.finish(partials, {
            engine: 'cluster',
            version: packageVersion(),
            resampleMs: now - resampleStart,
            totalMs: now - t0,
            backend: clusterBackend(partials.length, info?.backends ?? []),
          });
        },
      };
    },
  };
}
