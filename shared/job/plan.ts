/**
 * Workloads and shards. A workload is a family of replicates indexed 0..count−1; a shard is a
 * replicate range [r0, r1) of one workload (docs/design.md, contract 1). Shard ids are stable
 * (`${workload}:${r0}-${r1}`), so a duplicate completion is recognised by id.
 */
import { OptionError } from '../errors.js';
import type { ShardRequest, WorkloadKind } from './shard.js';
import type { PreparedJob } from './prepare.js';
import { NEURAL_WIDTH } from '../estimators/neural/index.js';
import { EXTRAPOLATION_WIDTH } from '../resampling/truth-interval.js';
import { MAX_SUMMARY_SHARDS, SUMMARY_BLOCK } from './summary.js';

export interface Workload {
  kind: WorkloadKind;
  replicates: number;
  /** Values per replicate (many-variable jobs: items; neural: a critic's summary); absent = 1. */
  width?: number;
  /** Most replicates in one shard, whatever shard size is asked for (neural: 1, a critic is seconds of work). */
  maxShard?: number;
  /** Shards return summaries (job/summary.ts) and are whole SUMMARY_BLOCKs. */
  summary?: true;
}

/**
 * Most values one shard may return (8 MiB of float64, half the default 16 MiB message limit):
 * a shard of a many-variable job holds at most floor(MAX_SHARD_VALUES / width) replicates, so
 * one replicate's values for up to DEFAULTS.maxItems = 1e5 items (800 KB) always fit.
 */
export const MAX_SHARD_VALUES = 1 << 20;

/** Most datasets in one shard of a simulation job (each is a point estimate and all its replicates). */
export const SIMULATION_MAX_SHARD = 4;

/** Workloads a prepared job needs, in a fixed order. */
export function planWorkloads(p: PreparedJob): Workload[] {
  // one replicate per (cell, dataset); a dataset is a whole job's work, so few per shard
  if (p.simulation) return [{ kind: 'simulate', replicates: p.simulation.offsets[p.simulation.offsets.length - 1]!, width: p.simulation.width, maxShard: SIMULATION_MAX_SHARD }];
  const w: Workload[] = [];
  const sum = (kind: WorkloadKind) => (p.summaries?.includes(kind) ? { summary: true as const } : {});
  if (p.bootstrap) {
    w.push({ kind: 'bootstrap', replicates: p.bootstrap.replicates, ...sum('bootstrap') });
    if (p.bootstrap.method === 'bca') w.push({ kind: 'jackknife', replicates: p.bootstrap.jackknifeGroups });
    if (p.bootstrap.probe) w.push({ kind: 'biasprobe', replicates: p.bootstrap.probe.replicates });
    if (p.bootstrap.truth) w.push({ kind: 'extrapolation', replicates: p.bootstrap.truth.replicates, width: EXTRAPOLATION_WIDTH });
  }
  if (p.permutation) w.push({ kind: 'permutation', replicates: p.permutation.shuffles, ...(p.many ? { width: p.many.items } : p.teStep ? { width: p.teStep.items.length } : {}), ...sum('permutation') });
  if (p.bagging) w.push({ kind: 'bagging', replicates: p.bagging.replicates, ...sum('bagging') });
  if (p.kValues) w.push({ kind: 'kensemble', replicates: p.kValues.length });
  // one critic per shard so R critics spread over all threads and workers
  if (p.neural) w.push({ kind: 'neural', replicates: p.neural.critics, width: NEURAL_WIDTH, maxShard: 1 });
  return w;
}

export function shardId(workload: WorkloadKind, r0: number, r1: number): string {
  return `${workload}:${r0}-${r1}`;
}

/** Cut every workload into consecutive ranges of at most `shardSize` replicates. */
export function planShards(jobId: string, workloads: readonly Workload[], shardSize: number): ShardRequest[] {
  if (!Number.isInteger(shardSize) || shardSize <= 0) throw new OptionError(`shardSize must be a positive integer, got ${shardSize}`, 'shardSize');
  const out: ShardRequest[] = [];
  for (const w of workloads) {
    const cap = Math.min(w.maxShard ?? Infinity, w.width ? Math.floor(MAX_SHARD_VALUES / w.width) : Infinity);
    const size = w.summary ? summaryShardSize(w.replicates, shardSize) : Math.max(1, Math.min(shardSize, cap));
    for (let r0 = 0; r0 < w.replicates; r0 += size) {
      const r1 = Math.min(w.replicates, r0 + size);
      out.push({ jobId, shardId: shardId(w.kind, r0, r1), workload: w.kind, r0, r1, ...(w.width ? { width: w.width } : {}) });
    }
  }
  return out;
}

/**
 * Shard size of a summarised workload: whole SUMMARY_BLOCKs (so the block fold is the same for
 * any shard size), at least `shardSize`, and large enough for at most MAX_SUMMARY_SHARDS shards.
 */
export function summaryShardSize(replicates: number, shardSize: number): number {
  const want = Math.max(shardSize, Math.ceil(replicates / MAX_SUMMARY_SHARDS));
  return Math.ceil(want / SUMMARY_BLOCK) * SUMMARY_BLOCK;
}

/**
 * Refuse shards that are not part of the job: a workload it does not have, or a replicate range
 * outside [0, replicates). A worker checks every RunShards call with it (a coordinator never
 * sends such a shard; anything else that does gets an error, not values of replicates that the
 * job never defined). Sub-ranges of the plan's shards are fine: values depend on r alone.
 */
export function checkShardRanges(workloads: readonly Workload[], shards: readonly Pick<ShardRequest, 'workload' | 'r0' | 'r1'>[]): void {
  shards.forEach((s, i) => {
    const w = workloads.find((x) => x.kind === s.workload);
    if (!w) {
      const have = workloads.map((x) => x.kind).join(', ') || 'none';
      throw new OptionError(`shards[${i}].workload: this job has no ${s.workload} workload (it has ${have})`, `shards[${i}].workload`);
    }
    if (!(Number.isSafeInteger(s.r0) && Number.isSafeInteger(s.r1) && s.r0 >= 0 && s.r0 < s.r1 && s.r1 <= w.replicates)) {
      throw new OptionError(`shards[${i}]: replicate range [${s.r0}, ${s.r1}) is outside the job's ${s.workload} replicates [0, ${w.replicates})`, `shards[${i}].r1`);
    }
  });
}

/** Total replicates over workloads. */
export function totalReplicates(workloads: readonly Workload[]): number {
  return workloads.reduce((s, w) => s + w.replicates, 0);
}

/**
 * Default shard size: about four shards per thread for the largest workload (load balance)
 * but at least 8 replicates per shard (amortise per-shard set-up such as the permutation
 * context) and at most 256. Results never depend on it.
 */
export function defaultShardSize(workloads: readonly Workload[], threads: number): number {
  const largest = workloads.reduce((m, w) => Math.max(m, w.replicates), 0);
  return Math.max(8, Math.min(256, Math.ceil(largest / (4 * Math.max(1, threads)))));
}
