/**
 * executeShard: the replicate values of one shard. Replicate r of workload w uses only
 * `stream(seed, r, Domain.<w>)` (or no randomness at all for the jackknife and the k-ensemble),
 * so the values are identical whatever the shard boundaries, threads or machines.
 */
import { createPermutationContext, estimate, estimateOnRows, type EstimatorInput, type PermutationContext } from '../estimators/index.js';
import { CancelledError, InternalError } from '../errors.js';
import { checkBounds } from '../estimators/bounds.js';
import { bootstrapIndices, jackknifeKeep, subsampleIndices } from '../resampling/bootstrap.js';
import { baggingIndices } from '../resampling/ensemble.js';
import { EXTRAPOLATION_WIDTH, extrapolationSets } from '../resampling/truth-interval.js';
import { localPermutation, zNeighbours, type ZNeighbours } from '../resampling/local-permutation.js';
import { shiftPermutation, shufflePermutation } from '../resampling/permutation.js';
import { Domain, permutation, stream } from '../rng/index.js';
import { permuteBlock } from '../estimators/context.js';
import { DEFAULT_BACKEND_BATCH, type ShardBackend } from './backend.js';
import type { PreparedJob } from './prepare.js';
import type { ShardPartial, ShardRequest, WorkloadKind } from './shard.js';
import type { TrainingProgress } from './spec.js';
import { executeManyShard } from './many.js';
import { executeTeStepShard } from './te-step.js';
import { executeSimulationShard } from './simulation.js';
import { NEURAL_WIDTH, neuralReplicate, packReplicate } from '../estimators/neural/index.js';
import { packSummary, summarize } from './summary.js';
import { groupedPermutation, groupedShift, groupedShuffle } from './trials.js';

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
  // with trials, surrogates permute or shift rows within each trial (trials.ts)
  if (perm.kind === 'shift') return p.groups ? groupedShift(p.seed, r, p.groups) : shiftPermutation(p.seed, r, p.n);
  return p.groups ? groupedShuffle(p.seed, r, p.groups) : shufflePermutation(p.seed, r, p.n);
}

export interface ExecuteOptions {
  /**
   * Permutation shards: reuse one PermutationContext for the whole shard (default true). False
   * rebuilds everything per replicate (estimate on the permuted data); kept to measure the saving.
   */
  reuseContext?: boolean;
  /**
   * Batch backend for bootstrap, jackknife, bagging and permutation replicates (e.g. the gpu.js
   * kernels of worker/gpu). Absent: the CPU path below, unchanged. The k-ensemble never uses it.
   */
  backend?: ShardBackend;
  /** Replicates per backend call. @default DEFAULT_BACKEND_BATCH */
  batchSize?: number;
  /**
   * Asked after every replicate (every backend batch): true stops the shard with CancelledError,
   * so a cancelled job frees its threads within one replicate, not one shard.
   */
  shouldStop?: () => boolean;
  /**
   * Neural shards: each critic's training progress (already thinned to TRAINING_EVENT_MS per
   * critic by the caller if it wants). Never changes a value.
   */
  onTraining?: (t: TrainingProgress) => void;
}

/** A check to call between replicates: throws CancelledError once `shouldStop` says so. */
export function stopper(shouldStop?: () => boolean): () => void {
  if (!shouldStop) return () => {};
  return () => {
    if (shouldStop()) throw new CancelledError('shard cancelled');
  };
}

/** isBijection's marks, reused across calls (a local: never escapes). */
let seenScratch = new Uint8Array(0);

function isBijection(perm: Int32Array): boolean {
  const seen = seenScratch.length === perm.length ? seenScratch.fill(0) : (seenScratch = new Uint8Array(perm.length));
  for (let i = 0; i < perm.length; i++) {
    const v = perm[i]!;
    if (seen[v]) return false;
    seen[v] = 1;
  }
  return true;
}

/**
 * Surrogate r of kind 'columns': every x column but the first reordered by its own uniform
 * permutation, drawn one after another from `stream(seed, r, Domain.permutation)` (the null of
 * mutual independence for tc, dtc, sinfo). Not a single row permutation, so it never goes
 * through a permutation context or a batch backend.
 */
function columnSurrogate(p: PreparedJob, r: number): EstimatorInput {
  const x = p.input.x, { n, d } = x;
  const rng = stream(p.seed, r, Domain.permutation);
  const data = new Float64Array(n * d);
  for (let i = 0; i < n; i++) data[i * d] = x.data[i * d]!;
  for (let j = 1; j < d; j++) {
    const perm = p.groups ? groupedPermutation(p.groups, rng) : permutation(n, rng);
    for (let i = 0; i < n; i++) data[i * d + j] = x.data[perm[i]! * d + j]!;
  }
  return { ...p.input, x: { n, d, data } };
}

/** The input with the catalog's permuted block reordered by `perm` (as PermutationContext). */
function permutedInput(p: PreparedJob, perm: Int32Array): EstimatorInput {
  return permuteBlock(p.input, p.permutation!.block, perm);
}

/** Rows of bias-probe replicate r: m' rows without replacement from its own stream (Domain.biasprobe). */
function probeIndices(p: PreparedJob, r: number): Int32Array {
  return subsampleIndices(p.seed, r, p.n, p.bootstrap!.probe!.m, Domain.biasprobe);
}

/** Row sets of an index workload's replicate r (bootstrap draw, jackknife keep-set, bag). */
function indexSetFor(p: PreparedJob, workload: WorkloadKind, r: number): Int32Array {
  if (workload === 'bootstrap') return bootstrapIndices(p.bootstrap!.scheme, p.seed, r, p.n, p.bootstrap!.m);
  if (workload === 'jackknife') return jackknifeKeep(r, p.bootstrap!.jackknifeGroups, p.n);
  if (workload === 'biasprobe') return probeIndices(p, r);
  return baggingIndices(p.seed, r, p.n, p.bagging!.size);
}

/**
 * The shard through `backend`, `batch` replicates per call. Replicate r still draws only from
 * its own stream, so batching changes no value; a local permutation that repeats rows is not a
 * bijection and goes to the CPU path, as it does without a backend. Returns the names of what ran.
 */
function executeBatched(p: PreparedJob, shard: ShardRequest, backend: ShardBackend, batch: number, values: Float64Array, stop: () => void): Set<string> {
  const { r0, r1, workload } = shard;
  const { measure, estimator, params, input } = p;
  const ran = new Set<string>();
  for (let b0 = r0; b0 < r1; b0 += batch, stop()) {
    const b1 = Math.min(r1, b0 + batch);
    if (workload === 'permutation') {
      const perms: Int32Array[] = [];
      const at: number[] = [];
      for (let r = b0; r < b1; r++) {
        const perm = permutationFor(p, r);
        if (isBijection(perm)) {
          perms.push(perm);
          at.push(r - r0);
        } else {
          values[r - r0] = estimate(measure, estimator, permutedInput(p, perm), params);
          ran.add('cpu');
        }
      }
      if (perms.length === 0) continue;
      const v = backend.permutationBatch(measure, estimator, input, params, perms);
      for (let i = 0; i < at.length; i++) values[at[i]!] = v[i]!;
    } else {
      const sets: Int32Array[] = [];
      for (let r = b0; r < b1; r++) sets.push(indexSetFor(p, workload, r));
      values.set(backend.indexBatch(measure, estimator, input, params, sets), b0 - r0);
    }
    ran.add(backend.describe());
  }
  return ran;
}

/** θ̂ per PreparedJob object (per thread): the summary path's threshold and sketch centre. */
const thetaCache = new WeakMap<PreparedJob, number>();

function thetaFor(p: PreparedJob): number {
  let t = thetaCache.get(p);
  if (t === undefined) thetaCache.set(p, (t = pointEstimate(p)));
  return t;
}

/**
 * The values of one shard, or — for a workload on the summary path (p.summaries) — their packed
 * summary against θ̂ (job/summary.ts).
 */
export function executeShard(p: PreparedJob, shard: ShardRequest, opts: ExecuteOptions = {}): ShardPartial {
  const partial = shardValues(p, shard, opts);
  // a many-variable job packs its own summary (many-summary.ts)
  if (!p.summaries?.includes(shard.workload) || shard.raw || p.many) return partial;
  return { ...partial, values: packSummary(summarize(partial.values, shard.r0, thetaFor(p))) };
}

function shardValues(p: PreparedJob, shard: ShardRequest, opts: ExecuteOptions): ShardPartial {
  // screen / pairwise: a vector per replicate (CPU path; a batch backend is not used)
  const stop = stopper(opts.shouldStop);
  if (p.many) return executeManyShard(p, shard, stop);
  if (p.teStep) return executeTeStepShard(p, shard, stop);
  if (p.simulation) return executeSimulationShard(p, shard, stop);
  const { r0, r1 } = shard;
  const columns = shard.workload === 'permutation' && p.permutation!.kind === 'columns';
  if (shard.workload === 'neural') return executeNeuralShard(p, shard, stop, opts.onTraining);
  const batchable = shard.workload !== 'kensemble' && shard.workload !== 'extrapolation' && !columns && !(shard.workload === 'permutation' && opts.reuseContext === false);
  if (opts.backend && batchable) {
    const batch = opts.batchSize ?? DEFAULT_BACKEND_BATCH;
    if (!(Number.isInteger(batch) && batch > 0)) throw new InternalError(`batchSize must be a positive integer; got ${batch}`);
    const values = new Float64Array(r1 - r0);
    const ran = executeBatched(p, shard, opts.backend, batch, values, stop);
    return { jobId: shard.jobId, shardId: shard.shardId, workload: shard.workload, r0, r1, values, backend: [...ran].sort().join(',') };
  }
  const values = new Float64Array(r1 - r0);
  const { measure, estimator, params, input, seed, n } = p;
  // index workloads: estimateOnRows reuses the parent's column orders (bit-identical to
  // estimating on the gathered rows)
  switch (shard.workload) {
    case 'bootstrap': {
      const b = p.bootstrap!;
      for (let r = r0; r < r1; r++, stop()) values[r - r0] = estimateOnRows(measure, estimator, input, params, bootstrapIndices(b.scheme, seed, r, n, b.m));
      break;
    }
    case 'biasprobe': {
      for (let r = r0; r < r1; r++, stop()) values[r - r0] = estimateOnRows(measure, estimator, input, params, probeIndices(p, r));
      break;
    }
    case 'extrapolation': {
      // a subsample S of ⌊N/2⌋ rows with two partitions into halves and quarters
      // (resampling/truth-interval.ts): [Î(S), halves₁, quarters₁, halves₂, quarters₂] per replicate
      const t = p.bootstrap!.truth!;
      const on = (rows: Int32Array) => estimateOnRows(measure, estimator, input, params, rows);
      const mean = (sets: Int32Array[]) => sets.reduce((s, rows) => s + on(rows), 0) / sets.length;
      const out = new Float64Array((r1 - r0) * EXTRAPOLATION_WIDTH);
      for (let r = r0; r < r1; r++, stop()) {
        const s = extrapolationSets(seed, r, n, t.m);
        const o = (r - r0) * EXTRAPOLATION_WIDTH;
        out[o] = on(s.all);
        s.partitions.forEach((q, j) => {
          out[o + 1 + 2 * j] = mean(q.halves);
          out[o + 2 + 2 * j] = mean(q.quarters);
        });
      }
      return { jobId: shard.jobId, shardId: shard.shardId, workload: shard.workload, r0, r1, values: out, width: EXTRAPOLATION_WIDTH };
    }
    case 'jackknife': {
      const g = p.bootstrap!.jackknifeGroups;
      for (let r = r0; r < r1; r++, stop()) values[r - r0] = estimateOnRows(measure, estimator, input, params, jackknifeKeep(r, g, n));
      break;
    }
    case 'permutation': {
      if (columns) {
        for (let r = r0; r < r1; r++, stop()) values[r - r0] = estimate(measure, estimator, columnSurrogate(p, r), params);
      } else if (opts.reuseContext === false) {
        for (let r = r0; r < r1; r++, stop()) values[r - r0] = estimate(measure, estimator, permutedInput(p, permutationFor(p, r)), params);
      } else {
        const ctx: PermutationContext = createPermutationContext(measure, estimator, input, params);
        // a plain shuffle is drawn into one buffer (a Fisher–Yates shuffle is a bijection; the
        // context keeps nothing of `perm` past its call)
        const perm0 = p.permutation!;
        const buf = !perm0.surrogates && perm0.kind === 'shuffle' && !p.groups ? new Int32Array(n) : null;
        for (let r = r0; r < r1; r++, stop()) {
          if (buf) {
            values[r - r0] = ctx.estimate(shufflePermutation(seed, r, n, buf));
            continue;
          }
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
      for (let r = r0; r < r1; r++, stop()) values[r - r0] = estimateOnRows(measure, estimator, input, params, baggingIndices(seed, r, n, bg.size));
      break;
    }
    case 'kensemble': {
      const ks = p.kValues!;
      for (let r = r0; r < r1; r++, stop()) values[r - r0] = estimate(measure, estimator, input, { ...params, k: ks[r]! });
      break;
    }
    default:
      throw new InternalError(`unknown workload ${String(shard.workload)}`);
  }
  return { jobId: shard.jobId, shardId: shard.shardId, workload: shard.workload, r0, r1, values, ...(opts.backend ? { backend: 'cpu' } : {}) };
}

/** Critics r0..r1−1 of a neural job, NEURAL_WIDTH values each (estimators/neural). */
function executeNeuralShard(p: PreparedJob, shard: ShardRequest, stop: () => void, onTraining?: (t: TrainingProgress) => void): ShardPartial {
  const { r0, r1 } = shard;
  const values = new Float64Array((r1 - r0) * NEURAL_WIDTH);
  for (let r = r0; r < r1; r++, stop()) packReplicate(neuralReplicate(p.estimator, p.measure, p.input, p.params.options, p.seed, r, onTraining, stop), values, (r - r0) * NEURAL_WIDTH);
  return { jobId: shard.jobId, shardId: shard.shardId, workload: 'neural', r0, r1, width: NEURAL_WIDTH, values };
}

/** The point estimate θ̂ on the full prepared data (nats). */
export function pointEstimate(p: PreparedJob): number {
  // a value that breaks a bound of the measure is refused, never reported (estimators/bounds.ts)
  return checkBounds(p.measure, p.estimator, p.input, p.params, estimate(p.measure, p.estimator, p.input, p.params));
}

