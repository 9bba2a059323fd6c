/**
 * executeShard: the replicate values of one shard. Replicate r of workload w uses only
 * `stream(seed, r, Domain.<w>)` (or no randomness at all for the jackknife and the k-ensemble),
 * so the values are identical whatever the shard boundaries, threads or machines.
 */
import { gatherRows } from '../data/matrix.js';
import { createPermutationContext, estimate, type EstimatorInput, type PermutationContext } from '../estimators/index.js';
import { InternalError } from '../errors.js';
import { bootstrapIndices, jackknifeKeep } from '../resampling/bootstrap.js';
import { baggingIndices } from '../resampling/ensemble.js';
import { localPermutation, zNeighbours, type ZNeighbours } from '../resampling/local-permutation.js';
import { shufflePermutation } from '../resampling/permutation.js';
import type { PreparedJob } from './prepare.js';
import type { ShardPartial, ShardRequest } from './shard.js';

/** The estimator input restricted to rows `idx` (all blocks, same rows). */
export function gatherInput(input: EstimatorInput, idx: ArrayLike<number>): EstimatorInput {
  const out: EstimatorInput = { x: gatherRows(input.x, idx) };
  if (input.y) out.y = gatherRows(input.y, idx);
  if (input.z) out.z = gatherRows(input.z, idx);
  return out;
}

/** Z-neighbour lists for local permutation, built once per PreparedJob object (per thread). */
const neighbourCache = new WeakMap<PreparedJob, ZNeighbours>();

function neighboursFor(p: PreparedJob): ZNeighbours {
  let nb = neighbourCache.get(p);
  if (!nb) {
    if (!p.input.z) throw new InternalError('local permutation needs a z block');
    nb = zNeighbours(p.input.z, p.permutation!.localK);
    neighbourCache.set(p, nb);
  }
  return nb;
}

/** The row ordering of permutation replicate r (user surrogate, global shuffle or local permutation). */
export function permutationFor(p: PreparedJob, r: number): Int32Array {
  const perm = p.permutation!;
  if (perm.surrogates) return perm.surrogates[r]!;
  if (perm.kind === 'local') return localPermutation(neighboursFor(p), p.seed, r);
  return shufflePermutation(p.seed, r, p.n);
}

export interface ExecuteOptions {
  /**
   * Permutation shards: reuse one PermutationContext for the whole shard (default true). False
   * rebuilds everything per replicate (estimate on the permuted data); kept to measure the saving.
   */
  reuseContext?: boolean;
}

function isBijection(perm: Int32Array): boolean {
  const seen = new Uint8Array(perm.length);
  for (let i = 0; i < perm.length; i++) {
    const v = perm[i]!;
    if (seen[v]) return false;
    seen[v] = 1;
  }
  return true;
}

function permutedInput(p: PreparedJob, perm: Int32Array): EstimatorInput {
  // 'mi': y rows permuted against x; 'cmi': x rows permuted against (y, z) — as PermutationContext
  if (p.measure === 'cmi') return { ...p.input, x: gatherRows(p.input.x, perm) };
  return { ...p.input, y: gatherRows(p.input.y!, perm) };
}

export function executeShard(p: PreparedJob, shard: ShardRequest, opts: ExecuteOptions = {}): ShardPartial {
  const { r0, r1 } = shard;
  const values = new Float64Array(r1 - r0);
  const { measure, estimator, params, input, seed, n } = p;
  switch (shard.workload) {
    case 'bootstrap': {
      const b = p.bootstrap!;
      for (let r = r0; r < r1; r++) values[r - r0] = estimate(measure, estimator, gatherInput(input, bootstrapIndices(b.scheme, seed, r, n, b.m)), params);
      break;
    }
    case 'jackknife': {
      const g = p.bootstrap!.jackknifeGroups;
      for (let r = r0; r < r1; r++) values[r - r0] = estimate(measure, estimator, gatherInput(input, jackknifeKeep(r, g, n)), params);
      break;
    }
    case 'permutation': {
      if (opts.reuseContext === false) {
        for (let r = r0; r < r1; r++) values[r - r0] = estimate(measure, estimator, permutedInput(p, permutationFor(p, r)), params);
      } else {
        const ctx: PermutationContext = createPermutationContext(measure, estimator, input, params);
        for (let r = r0; r < r1; r++) {
          const perm = permutationFor(p, r);
          // Runge's local permutation may repeat rows (see local-permutation.ts); the context
          // takes bijections only, so such a replicate is estimated on the gathered rows.
          values[r - r0] = isBijection(perm) ? ctx.estimate(perm) : estimate(measure, estimator, permutedInput(p, perm), params);
        }
      }
      break;
    }
    case 'bagging': {
      const bg = p.bagging!;
      for (let r = r0; r < r1; r++) values[r - r0] = estimate(measure, estimator, gatherInput(input, baggingIndices(seed, r, n, bg.size)), params);
      break;
    }
    case 'kensemble': {
      const ks = p.kValues!;
      for (let r = r0; r < r1; r++) values[r - r0] = estimate(measure, estimator, input, { ...params, k: ks[r]! });
      break;
    }
    default:
      throw new InternalError(`unknown workload ${String(shard.workload)}`);
  }
  return { jobId: shard.jobId, shardId: shard.shardId, workload: shard.workload, r0, r1, values };
}

/** The point estimate θ̂ on the full prepared data (nats). */
export function pointEstimate(p: PreparedJob): number {
  return estimate(p.measure, p.estimator, p.input, p.params);
}
