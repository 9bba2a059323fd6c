/**
 * The gpu.js backend: batched brute-force kernels as a float32 filter, exact float64 counts
 * after the recheck, and the estimators' own summation (finalize.ts), so every estimate has
 * the CPU path's bits. Estimators without a kernel (plugin, gaussian) go to the CPU backend.
 */
import { createRequire } from 'node:module';
import { UnavailableError } from '../../shared/errors.js';
import type { Matrix } from '../../shared/data/matrix.js';
import type { Measure } from '../../shared/job/spec.js';
import { CpuBackend } from './cpu-backend.js';
import type { ReplicateCounts } from './exact.js';
import { estimatorOf } from '../../shared/catalog/index.js';
import { GpuCounter } from './gpu-counts.js';
import type { GpuLike } from './kernels.js';
import { checkRows, checkSize, indexRows, makePlan, permutationRows, planSupported, type CountPlan, type ReplicateRows } from './plan.js';
import { analysePrecision, type Precision } from './precision.js';
import { DEFAULT_MAX_BYTES_PER_CALL, type Backend, type EstimatorInput, type EstimatorParams, type GpuBackendOptions } from './types.js';

interface GpuJsModule {
  GPU: new (settings: { mode?: string }) => GpuLike & { Kernel?: { mode?: string } | null; destroy?: () => unknown };
}

/** Modes whose float32 subtraction, abs and max round correctly (IEEE 754). */
const IEEE_MODES = new Set(['webasm', 'cpu', 'webgpu']);

/** Load gpu.js and prove it can build and run a kernel; a typed error names the cause. */
function openGpu(mode: string): { gpu: GpuLike; mode: string; release: () => void } {
  let mod: GpuJsModule;
  try {
    mod = createRequire(import.meta.url)('gpu.js') as GpuJsModule;
  } catch (err) {
    throw new UnavailableError(`backend 'gpu': cannot load gpu.js (${(err as Error).message})`, { cause: err });
  }
  try {
    const gpu = new mod.GPU(mode === 'gpu' ? {} : { mode });
    const probe = gpu.createKernel('function(a) { return a[this.thread.x] + 1; }', { output: [4], precision: 'single' });
    const r = probe(new Float32Array([1, 2, 3, 4])) as ArrayLike<number>;
    if (r[3] !== 5) throw new Error(`probe kernel returned ${String(r[3])} instead of 5`);
    const actual = gpu.Kernel?.mode ?? gpu.mode ?? mode;
    return { gpu, mode: actual, release: () => void gpu.destroy?.() };
  } catch (err) {
    throw new UnavailableError(`backend 'gpu': gpu.js cannot create a kernel in mode '${mode}': ${(err as Error).message}`, { cause: err });
  }
}

export class GpuBackend implements Backend {
  readonly kind = 'gpu' as const;
  readonly mode: string;
  readonly ieee: boolean;
  private readonly counter: GpuCounter;
  private readonly cpu = new CpuBackend();
  private readonly release: () => void;
  private readonly precisions = new WeakMap<Matrix, Map<string, Precision>>();
  private last = '';

  constructor(opts: GpuBackendOptions = {}) {
    const g = openGpu(opts.mode ?? 'gpu');
    this.mode = g.mode;
    this.ieee = IEEE_MODES.has(g.mode);
    this.release = g.release;
    this.counter = new GpuCounter(g.gpu, opts.maxBytesPerCall ?? DEFAULT_MAX_BYTES_PER_CALL);
    this.last = `gpu.js/${this.mode}`;
  }

  /** Kernel calls, rechecked points and counts so far (tests and the benchmark read these). */
  get stats() {
    return this.counter.stats;
  }

  get compiledKernels(): number {
    return this.counter.compiledKernels;
  }

  supports(measure: Measure, estimator: string): boolean {
    return planSupported(measure, estimator);
  }

  describe(): string {
    return this.last;
  }

  private precision(plan: CountPlan, input: EstimatorInput): Precision {
    let byPlan = this.precisions.get(input.x);
    if (!byPlan) this.precisions.set(input.x, (byPlan = new Map()));
    const key = `${plan.kind}|${input.y ? 'y' : ''}|${input.z ? 'z' : ''}`;
    let p = byPlan.get(key);
    if (!p) byPlan.set(key, (p = analysePrecision(plan, this.ieee)));
    return p;
  }

  /** Exact per-point counts of each replicate (the estimate's inputs). */
  counts(measure: Measure, estimator: string, input: EstimatorInput, params: EstimatorParams, reps: readonly ReplicateRows[]): ReplicateCounts[] {
    const plan = makePlan(measure, estimator, input);
    const prec = this.precision(plan, input);
    // one kernel shape per replicate size
    const out = new Array<ReplicateCounts>(reps.length);
    const bySize = new Map<number, number[]>();
    reps.forEach((r, i) => {
      checkSize(r.m, params.k, estimator);
      const l = bySize.get(r.m);
      if (l) l.push(i);
      else bySize.set(r.m, [i]);
    });
    for (const idx of bySize.values()) {
      const res = this.counter.run(plan, prec, idx.map((i) => reps[i]!), params.k);
      idx.forEach((i, t) => (out[i] = res[t]!));
    }
    return out;
  }

  private estimates(measure: Measure, estimator: string, input: EstimatorInput, params: EstimatorParams, reps: readonly ReplicateRows[]): Float64Array {
    const plan = makePlan(measure, estimator, input);
    const counts = this.counts(measure, estimator, input, params, reps);
    this.last = `gpu.js/${this.mode}`;
    // the catalog's counts → estimate formula: the one the CPU estimator ends in
    const formula = estimatorOf(measure, estimator).fromCounts!;
    return Float64Array.from(counts, (c) => formula({ n: c.m, eps: c.eps, counts: c.counts, dim: plan.dim }, params.k));
  }

  permutationBatch(measure: Measure, estimator: string, input: EstimatorInput, params: EstimatorParams, perms: readonly Int32Array[]): Float64Array {
    if (!this.supports(measure, estimator)) {
      this.last = 'cpu (no gpu kernel for ' + estimator + ')';
      return this.cpu.permutationBatch(measure, estimator, input, params, perms);
    }
    const plan = makePlan(measure, estimator, input);
    const reps = perms.map((p, r) => {
      checkRows(p, input.x.n, `perms[${r}]`);
      return permutationRows(plan, p);
    });
    return this.estimates(measure, estimator, input, params, reps);
  }

  indexBatch(measure: Measure, estimator: string, input: EstimatorInput, params: EstimatorParams, indexSets: readonly Int32Array[]): Float64Array {
    if (!this.supports(measure, estimator)) {
      this.last = 'cpu (no gpu kernel for ' + estimator + ')';
      return this.cpu.indexBatch(measure, estimator, input, params, indexSets);
    }
    const plan = makePlan(measure, estimator, input);
    const reps = indexSets.map((idx, r) => {
      checkRows(idx, input.x.n, `indexSets[${r}]`);
      return indexRows(plan, idx);
    });
    return this.estimates(measure, estimator, input, params, reps);
  }

  destroy(): void {
    this.counter.destroy();
    this.release();
  }
}
