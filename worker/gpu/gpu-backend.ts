/**
 * The gpu.js backend: batched brute-force kernels as a float32 filter, exact float64 counts
 * after the recheck, and the estimators’ own summation (the catalog’s fromCounts, shared/estimators/point-counts.ts), so every estimate has
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
import { installNavigatorGpu } from './webgpu.js';
import { DEFAULT_MAX_BYTES_PER_CALL, type Backend, type EstimatorInput, type EstimatorParams, type GpuBackendOptions } from './types.js';

interface GpuJsModule {
  GPU: new (settings: { mode?: string }) => GpuLike & { Kernel?: { mode?: string } | null; destroy?: () => unknown };
}

/** Modes whose float32 subtraction, abs and max round correctly (IEEE 754). */
const IEEE_MODES = new Set(['webasm', 'cpu', 'webgpu']);

interface OpenedGpu {
  gpu: GpuLike;
  mode: string;
  release: () => void;
  /** The device, where the mode can name it (webgpu: the adapter's description). */
  adapter?: string;
}

/** gpu.js modes whose kernels return a Promise (WebGPU reads results back with mapAsync). */
export const ASYNC_MODES = new Set(['webgpu']);

function loadGpuJs(): GpuJsModule {
  try {
    return createRequire(import.meta.url)('gpu.js') as GpuJsModule;
  } catch (err) {
    throw new UnavailableError(`backend 'gpu': cannot load gpu.js (${(err as Error).message})`, { cause: err });
  }
}

const PROBE = 'function(a) { return a[this.thread.x] + 1; }';

function probeChecked(r: ArrayLike<number>): void {
  if (r[3] !== 5) throw new Error(`probe kernel returned ${String(r[3])} instead of 5`);
}

/** Load gpu.js and prove it can build and run a kernel; a typed error names the cause. */
function openGpu(mode: string): OpenedGpu {
  const mod = loadGpuJs();
  try {
    if (ASYNC_MODES.has(mode)) throw new Error(`its kernels return Promises: open it with 'await GpuBackend.open({ mode: '${mode}' })'`);
    const gpu = new mod.GPU(mode === 'gpu' ? {} : { mode });
    const probe = gpu.createKernel(PROBE, { output: [4], precision: 'single' });
    probeChecked(probe(new Float32Array([1, 2, 3, 4])) as ArrayLike<number>);
    const actual = gpu.Kernel?.mode ?? gpu.mode ?? mode;
    return { gpu, mode: actual, release: () => void gpu.destroy?.() };
  } catch (err) {
    throw new UnavailableError(`backend 'gpu': gpu.js cannot create a kernel in mode '${mode}': ${(err as Error).message}`, { cause: err });
  }
}

/** The same for the asynchronous modes ('webgpu' through Dawn, see webgpu.ts). */
async function openGpuAsync(mode: string): Promise<OpenedGpu> {
  if (!ASYNC_MODES.has(mode)) return openGpu(mode);
  const mod = loadGpuJs();
  const why = installNavigatorGpu();
  if (why) throw new UnavailableError(`backend 'gpu': gpu.js cannot create a kernel in mode '${mode}': ${why}`);
  try {
    const gpu = new mod.GPU({ mode });
    const probe = gpu.createKernel(PROBE, { output: [4], precision: 'single' });
    probeChecked((await probe(new Float32Array([1, 2, 3, 4]))) as ArrayLike<number>);
    // gpu.js asks for the default adapter; the same request names it for provenance
    const nav = (globalThis as { navigator?: { gpu?: { requestAdapter(): Promise<{ info?: { vendor?: string; device?: string; description?: string } } | null> } } }).navigator;
    const info = (await nav?.gpu?.requestAdapter())?.info;
    const adapter = [info?.vendor, info?.device || info?.description].filter(Boolean).join(' ');
    return { gpu, mode, release: () => void gpu.destroy?.(), ...(adapter ? { adapter } : {}) };
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
  /** What ran, for provenance: 'gpu.js/<mode>', with the adapter where known. */
  private readonly label: string;

  /** Kernels return Promises: only the *Async methods work (see ASYNC_MODES). */
  readonly async: boolean;

  /**
   * @throws UnavailableError when gpu.js cannot run a kernel in this mode, or the mode is
   *   asynchronous ('webgpu': use `GpuBackend.open`).
   */
  constructor(opts: GpuBackendOptions = {}, opened?: OpenedGpu) {
    const g = opened ?? openGpu(opts.mode ?? 'gpu');
    this.mode = g.mode;
    this.async = ASYNC_MODES.has(g.mode);
    this.ieee = IEEE_MODES.has(g.mode);
    this.release = g.release;
    this.counter = new GpuCounter(g.gpu, opts.maxBytesPerCall ?? DEFAULT_MAX_BYTES_PER_CALL);
    this.label = `gpu.js/${this.mode}${g.adapter ? ` (${g.adapter})` : ''}`;
    this.last = this.label;
  }

  /** Any mode, the asynchronous ones included ('webgpu' through Dawn, see webgpu.ts). */
  static async open(opts: GpuBackendOptions = {}): Promise<GpuBackend> {
    return new GpuBackend(opts, await openGpuAsync(opts.mode ?? 'gpu'));
  }

  /** Kernel calls, rechecked points and counts so far (tests and the benchmark read these). */
  get stats() {
    return this.counter.stats;
  }

  get compiledKernels(): number {
    return this.counter.compiledKernels;
  }

  supports(measure: Measure, estimator: string, params?: EstimatorParams): boolean {
    return planSupported(measure, estimator, params?.options);
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

  /** Replicates grouped by size: one kernel shape per group. */
  private groups(estimator: string, params: EstimatorParams, reps: readonly ReplicateRows[]): number[][] {
    const bySize = new Map<number, number[]>();
    reps.forEach((r, i) => {
      checkSize(r.m, params.k, estimator);
      const l = bySize.get(r.m);
      if (l) l.push(i);
      else bySize.set(r.m, [i]);
    });
    return [...bySize.values()];
  }

  private syncOnly(): void {
    if (this.async) throw new UnavailableError(`backend 'gpu': gpu.js mode '${this.mode}' reads results back asynchronously; use the *Async methods`);
  }

  /** Exact per-point counts of each replicate (the estimate's inputs). */
  counts(measure: Measure, estimator: string, input: EstimatorInput, params: EstimatorParams, reps: readonly ReplicateRows[]): ReplicateCounts[] {
    this.syncOnly();
    const plan = makePlan(measure, estimator, input);
    const prec = this.precision(plan, input);
    const out = new Array<ReplicateCounts>(reps.length);
    for (const idx of this.groups(estimator, params, reps)) {
      const res = this.counter.run(plan, prec, idx.map((i) => reps[i]!), params.k);
      idx.forEach((i, t) => (out[i] = res[t]!));
    }
    return out;
  }

  async countsAsync(measure: Measure, estimator: string, input: EstimatorInput, params: EstimatorParams, reps: readonly ReplicateRows[]): Promise<ReplicateCounts[]> {
    const plan = makePlan(measure, estimator, input);
    const prec = this.precision(plan, input);
    const out = new Array<ReplicateCounts>(reps.length);
    for (const idx of this.groups(estimator, params, reps)) {
      const res = await this.counter.runAsync(plan, prec, idx.map((i) => reps[i]!), params.k);
      idx.forEach((i, t) => (out[i] = res[t]!));
    }
    return out;
  }

  private finish(measure: Measure, estimator: string, input: EstimatorInput, params: EstimatorParams, counts: ReplicateCounts[]): Float64Array {
    const plan = makePlan(measure, estimator, input);
    this.last = this.label;
    // the catalog's counts → estimate formula: the one the CPU estimator ends in
    const formula = estimatorOf(measure, estimator).fromCounts!;
    return Float64Array.from(counts, (c) => formula({ n: c.m, eps: c.eps, counts: c.counts, dim: plan.dim }, params.k));
  }

  private permutationReps(input: EstimatorInput, plan: CountPlan, perms: readonly Int32Array[]): ReplicateRows[] {
    return perms.map((p, r) => {
      checkRows(p, input.x.n, `perms[${r}]`);
      return permutationRows(plan, p);
    });
  }

  private indexReps(input: EstimatorInput, plan: CountPlan, indexSets: readonly Int32Array[]): ReplicateRows[] {
    return indexSets.map((idx, r) => {
      checkRows(idx, input.x.n, `indexSets[${r}]`);
      return indexRows(plan, idx);
    });
  }

  permutationBatch(measure: Measure, estimator: string, input: EstimatorInput, params: EstimatorParams, perms: readonly Int32Array[]): Float64Array {
    if (!this.supports(measure, estimator, params)) {
      this.last = 'cpu (no gpu kernel for ' + estimator + ')';
      return this.cpu.permutationBatch(measure, estimator, input, params, perms);
    }
    const reps = this.permutationReps(input, makePlan(measure, estimator, input), perms);
    return this.finish(measure, estimator, input, params, this.counts(measure, estimator, input, params, reps));
  }

  indexBatch(measure: Measure, estimator: string, input: EstimatorInput, params: EstimatorParams, indexSets: readonly Int32Array[]): Float64Array {
    if (!this.supports(measure, estimator, params)) {
      this.last = 'cpu (no gpu kernel for ' + estimator + ')';
      return this.cpu.indexBatch(measure, estimator, input, params, indexSets);
    }
    const reps = this.indexReps(input, makePlan(measure, estimator, input), indexSets);
    return this.finish(measure, estimator, input, params, this.counts(measure, estimator, input, params, reps));
  }

  /** permutationBatch for every mode, the asynchronous ones included. */
  async permutationBatchAsync(measure: Measure, estimator: string, input: EstimatorInput, params: EstimatorParams, perms: readonly Int32Array[]): Promise<Float64Array> {
    if (!this.supports(measure, estimator, params)) return this.permutationBatch(measure, estimator, input, params, perms);
    const reps = this.permutationReps(input, makePlan(measure, estimator, input), perms);
    return this.finish(measure, estimator, input, params, await this.countsAsync(measure, estimator, input, params, reps));
  }

  /** indexBatch for every mode, the asynchronous ones included. */
  async indexBatchAsync(measure: Measure, estimator: string, input: EstimatorInput, params: EstimatorParams, indexSets: readonly Int32Array[]): Promise<Float64Array> {
    if (!this.supports(measure, estimator, params)) return this.indexBatch(measure, estimator, input, params, indexSets);
    const reps = this.indexReps(input, makePlan(measure, estimator, input), indexSets);
    return this.finish(measure, estimator, input, params, await this.countsAsync(measure, estimator, input, params, reps));
  }

  destroy(): void {
    this.counter.destroy();
    this.release();
  }
}
