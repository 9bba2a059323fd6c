/** Shards: the unit of work that crosses threads and the wire (docs/design.md, contracts 1 and 3). */

export type WorkloadKind = 'bootstrap' | 'jackknife' | 'permutation' | 'bagging' | 'kensemble' | 'neural' | 'biasprobe' | 'simulate' | 'extrapolation';

/** Replicate range [r0, r1) of one workload of one job. */
export interface ShardRequest {
  jobId: string;
  shardId: string;
  workload: WorkloadKind;
  r0: number;
  r1: number;
  /** Values per replicate (many-variable jobs: one per feature or pair); absent = 1. */
  width?: number;
  /**
   * Return the replicate values even when the workload is on the summary path: the caller
   * streams them (RunOptions.onReplicates) and summarises them itself (pipeline.ts).
   */
  raw?: true;
}

/** What a shard returns: one value per replicate, in replicate order. */
export interface ShardPartial {
  jobId: string;
  shardId: string;
  workload: WorkloadKind;
  r0: number;
  r1: number;
  /** (r1 − r0) × width values: replicate-major (replicate r's values for all items together). */
  values: Float64Array;
  width?: number;
  /**
   * What computed the values when a batch backend was given: the backends' `describe()` names
   * (e.g. 'gpu.js/webasm', 'auto→cpu'), comma-separated; `provenance.backend` is their class
   * (merge.ts `backendProvenance`). Absent: the plain CPU path.
   */
  backend?: string;
}
