/**
 * The benchmark's line protocol, shared by both sides of a case (our engine in a child Node
 * process, scikit-learn in a child Python process). One process per case and side, so each
 * reports its own peak RSS. stdin: one JSON command per line; stdout: one JSON reply per line.
 *   {"op":"warmup"} → { ms }    (untimed warm-up: JIT, pool threads, lazy imports)
 *   {"op":"run"}   → RunReply    (one timed repetition of the case's workload)
 *   {"op":"agree"} → AgreeReply  (values used to check agreement; not timed)
 *   {"op":"quit"}  → QuitReply, then exit
 */

/** What a case runs. Data: `dataPath` is an n × (dx + 1) float64 .npy, X columns then y. */
export interface CaseSpec {
  id: string;
  kind: 'single' | 'perfeature' | 'bootstrap' | 'permutation';
  dataPath: string;
  dx: number;
  k: number;
  seed: number;
  /** Bootstrap scheme / permutation; replicates B or P. */
  scheme?: 'iid' | 'subsample';
  replicates?: number;
  /** Subsample size m (scheme 'subsample'). */
  m?: number;
  /** R × len int32 .npy of replicate row orders, exactly as the engine draws them (Python side). */
  rowsPath?: string;
  /** Replicates whose values are compared (first `agreeReplicates`). */
  agreeReplicates?: number;
}

export interface RunReply {
  /** Wall time of the whole library call(s), ms. */
  ms: number;
  /** Point estimate(s), nats (for perfeature: per feature). */
  values: number[];
  /** Our side: estimator alone / resampling alone (engine timings), ms. */
  estimateMs?: number;
  resampleMs?: number;
  /** Our side, perfeature: wall of the joint 5-D estimate. */
  jointMs?: number;
  jointValue?: number;
}

export interface AgreeReply {
  /** Point estimate(s) as the public call returns them (sklearn: clipped at 0, 1e-10 noise). */
  values: number[];
  /** sklearn only: the same estimate without the noise and clipping (private _compute_mi_cc on std-scaled columns). */
  exact?: number[];
  /** Replicate values 0..agreeReplicates-1 (sklearn: public call on the same rows). */
  replicates?: number[];
  /** sklearn only: replicate values without noise or clipping, columns scaled once by the full data's std (as our engine does). */
  replicatesExact?: number[];
}

export interface QuitReply {
  /** Peak resident set size of the process, KiB. */
  maxRssKb: number;
  /** RSS after loading libraries and data, before any work, KiB. */
  baseRssKb: number;
}
