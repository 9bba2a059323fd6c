/**
 * The coordinator's `JobCore` over the shared job engine: the same `JobRun` (shared/job/pipeline.ts:
 * prepare, point estimate, plan, merge) the embedded engine drives, so a cluster result equals the
 * embedded one byte for byte (docs/design.md, contract 1).
 *
 * Everything that costs time in the size of the data (preparing, θ̂, the merge) runs on a small
 * pool of job threads (`job-thread.ts`), never on the event loop: a job on 1e6 rows used to
 * freeze the coordinator for seconds (every worker declared dead, /healthz silent; issue 13).
 * θ̂ is computed while the workers run the replicates.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import type { Dataset } from '../shared/data/matrix.js';
import type { JobResult, JobSpec } from '../shared/job/spec.js';
import { planShards, type Workload } from '../shared/job/plan.js';
import type { ShardPartial } from '../shared/job/shard.js';
import type { PointEstimate } from '../shared/job/pipeline.js';
import { backendProvenance, checkPartial } from '../shared/job/merge.js';
import { deserializeError, InternalError } from '../shared/errors.js';
import type { JobCore, PreparedJob } from './scheduler.js';
import { packageVersion } from '../cluster/wire.js';
import { splitCap } from '../cluster/spec-json.js';
import type { JobTask, JobTaskReply } from './job-thread.js';

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

export interface JobCoreOptions {
  /** Job threads (prepare, θ̂, merge run there). @default 2 */
  threads?: number;
}

/** The compiled task module beside this file (dist/coordinator/job-thread.js), or job-thread.ts under tsx. */
function taskFile(): { filename: string; execArgv: string[] } {
  const js = fileURLToPath(new URL('./job-thread.js', import.meta.url));
  if (existsSync(js)) return { filename: js, execArgv: [] };
  const ts = fileURLToPath(new URL('./job-thread.ts', import.meta.url));
  if (existsSync(ts)) return { filename: ts, execArgv: ['--import', 'tsx'] };
  throw new InternalError(`job thread module not found next to ${fileURLToPath(import.meta.url)} (build with tsc first)`);
}

export function createJobCore(o: JobCoreOptions = {}): JobCore & { close(): Promise<void> } {
  const { filename, execArgv } = taskFile();
  const threads = o.threads ?? 2;
  const pool = new Piscina({ filename, minThreads: 0, maxThreads: threads, idleTimeout: 30_000, execArgv });
  const call = async (t: JobTask): Promise<JobTaskReply & { ok: true }> => {
    const reply = (await pool.run(t)) as JobTaskReply;
    if (!reply.ok) throw deserializeError(reply.error);
    return reply;
  };
  return {
    async prepare(spec: JobSpec, data: Dataset, dataHash: string): Promise<PreparedJob> {
      const t0 = performance.now();
      const { spec: jobSpec, maxReplicates } = splitCap(spec);
      const base = { key: `${dataHash}\n${JSON.stringify(spec)}`, spec: jobSpec, data, ...(maxReplicates !== undefined ? { maxReplicates } : {}) };
      // Validates the job (typed errors name the field) and lists its workloads; then θ̂ starts at once.
      const { workloads } = (await call({ ...base, op: 'open' })) as { workloads: Workload[] };
      const theta: Promise<PointEstimate> = call({ ...base, op: 'estimate' }).then((r) => (r as { estimate: PointEstimate }).estimate);
      theta.catch(() => undefined);
      let resampleStart = 0;
      // single-statistic jobs can stream their bootstrap and permutation replicates (replicate-feed.ts)
      const series = { bootstrap: 'bootstrap', permutation: 'null' } as const;
      const streamed = workloads.filter((w) => w.kind === 'bootstrap' || w.kind === 'permutation');
      const streamable = !spec.screen && !spec.pairwise && !workloads.some((w) => w.width !== undefined || w.kind === 'neural') && streamed.length > 0;
      const stream = streamable
        ? {
            series: streamed.map((w) => ({ name: series[w.kind as 'bootstrap' | 'permutation'], count: w.replicates })),
            kinds: Object.fromEntries(streamed.map((w) => [w.kind, series[w.kind as 'bootstrap' | 'permutation']])),
            summarised: streamed.filter((w) => w.summary).map((w) => w.kind),
            units: spec.units ?? 'nats',
            theta: async () => (await theta).theta,
          }
        : undefined;
      return {
        ...(stream ? { stream } : {}),
        plan(shardSize: number) {
          resampleStart = performance.now();
          return planShards('', workloads, shardSize).map(({ workload, r0, r1, width }) => ({ workload, r0, r1, ...(width ? { width } : {}) }));
        },
        checkShard(req, values) {
          // summary-path shards carry a packed summary, not r1 − r0 values (shared/job/summary.ts)
          try {
            checkPartial({ ...req, values }, workloads.some((w) => w.kind === req.workload && w.summary));
            return undefined;
          } catch (e) {
            return (e as Error).message;
          }
        },
        async finish(partials: ShardPartial[], info?: { backends: string[] }) {
          const estimate = await theta;
          const now = performance.now();
          const meta = {
            engine: 'cluster' as const,
            version: packageVersion(),
            resampleMs: now - resampleStart,
            totalMs: now - t0,
            backend: clusterBackend(partials.length, info?.backends ?? []),
          };
          return ((await call({ ...base, op: 'finish', estimate, partials, meta })) as { result: JobResult }).result;
        },
      };
    },
    async close() {
      await pool.destroy();
    },
  };
}
