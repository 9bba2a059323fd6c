/**
 * `--backend auto`: time one small batch on each backend the first time a (measure,
 * estimator, N bucket, dims) shape is seen in this process, keep the faster, and report the
 * choice in provenance. Both backends return identical bits, so the choice only moves time.
 */
import type { Measure } from '../../shared/job/spec.js';
import { CpuBackend } from './cpu-backend.js';
import type { GpuBackend } from './gpu-backend.js';
import type { Backend, EstimatorInput, EstimatorParams } from './types.js';

export interface Calibration {
  choice: 'cpu' | 'gpu';
  /** Milliseconds per replicate measured on each backend (gpu: after its kernels compiled). */
  cpuMsPerReplicate: number;
  gpuMsPerReplicate: number | null;
  /** Why gpu was not timed (unavailable, unsupported estimator). */
  note?: string;
}

/** How many replicates of the batch are timed on each backend. */
export const CALIBRATION_REPLICATES = 2;

/** gpu.js modes that run on the CPU (WebAssembly SIMD or plain JS), not on a GPU device. */
const HOST_MODES = new Set(['webasm', 'cpu']);

/**
 * Largest N at which auto still times gpu.js when it runs on the host CPU. Brute force is
 * O(N²) per replicate against the kd-tree's O(N log N): measured on a 2-core machine, webasm
 * was at par at N = 1e3, 14× slower at 2e3 and 80× slower at 1e4, so timing it beyond this size
 * would only burn seconds per thread (three full brute-force replicates) to confirm 'cpu'.
 */
export const HOST_CALIBRATION_MAX_N = 1500;

/** Process-wide cache: one calibration per shape per worker. */
const calibrations = new Map<string, Calibration>();

export function calibrationKey(measure: Measure, estimator: string, input: EstimatorInput, m: number, k: number): string {
  const dims = [input.x.d, input.y?.d ?? 0, input.z?.d ?? 0].join('x');
  return `${measure}|${estimator}|N~2^${Math.ceil(Math.log2(Math.max(m, 2)))}|${dims}|k${k}`;
}

/** Forget cached choices (tests). */
export function clearCalibrations(): void {
  calibrations.clear();
}

export function cachedCalibrations(): ReadonlyMap<string, Calibration> {
  return calibrations;
}

type Run = (b: Backend, reps: readonly Int32Array[]) => Float64Array;

export class AutoBackend implements Backend {
  readonly kind = 'auto' as const;
  private readonly cpu = new CpuBackend();
  private gpu: GpuBackend | null | undefined;
  private last = 'auto';

  /** `makeGpu` returns null (or throws) where gpu.js cannot run; auto then stays on the CPU. */
  constructor(private readonly makeGpu: () => GpuBackend | null, private readonly now: () => number = () => performance.now()) {}

  supports(): boolean {
    return true;
  }

  describe(): string {
    return this.last;
  }

  private gpuBackend(): { backend: GpuBackend | null; note?: string } {
    if (this.gpu === undefined) {
      try {
        this.gpu = this.makeGpu();
      } catch (err) {
        this.gpu = null;
        return { backend: null, note: (err as Error).message };
      }
    }
    return { backend: this.gpu, ...(this.gpu ? {} : { note: 'gpu.js unavailable' }) };
  }

  private timed(b: Backend, run: Run, reps: readonly Int32Array[]): { values: Float64Array; ms: number } {
    const t0 = this.now();
    const values = run(b, reps);
    return { values, ms: (this.now() - t0) / Math.max(1, reps.length) };
  }

  private dispatch(measure: Measure, estimator: string, input: EstimatorInput, params: EstimatorParams, reps: readonly Int32Array[], m: number, run: Run): Float64Array {
    const key = calibrationKey(measure, estimator, input, m, params.k);
    let cal = calibrations.get(key);
    const out = new Float64Array(reps.length);
    let start = 0;
    if (!cal) {
      const { backend: gpu, note } = this.gpuBackend();
      const head = reps.slice(0, Math.min(CALIBRATION_REPLICATES, reps.length));
      const c = this.timed(this.cpu, run, head);
      out.set(c.values, 0);
      start = head.length;
      if (!gpu || !gpu.supports(measure, estimator, params)) {
        cal = { choice: 'cpu', cpuMsPerReplicate: c.ms, gpuMsPerReplicate: null, note: note ?? `no gpu kernel for ${estimator}` };
      } else if (HOST_MODES.has(gpu.mode) && m > HOST_CALIBRATION_MAX_N) {
        cal = { choice: 'cpu', cpuMsPerReplicate: c.ms, gpuMsPerReplicate: null, note: `gpu.js runs on the host (${gpu.mode}) and N = ${m} > ${HOST_CALIBRATION_MAX_N}: brute force cannot win` };
      } else {
        run(gpu, head.slice(0, 1)); // compile the kernels outside the timing
        const g = this.timed(gpu, run, head);
        cal = { choice: g.ms < c.ms ? 'gpu' : 'cpu', cpuMsPerReplicate: c.ms, gpuMsPerReplicate: g.ms };
      }
      calibrations.set(key, cal);
    }
    const chosen: Backend = cal.choice === 'gpu' ? this.gpu! : this.cpu;
    if (start < reps.length) out.set(run(chosen, reps.slice(start)), start);
    this.last = cal.choice === 'gpu' ? `auto→${this.gpu!.describe()}` : 'auto→cpu';
    return out;
  }

  permutationBatch(measure: Measure, estimator: string, input: EstimatorInput, params: EstimatorParams, perms: readonly Int32Array[]): Float64Array {
    return this.dispatch(measure, estimator, input, params, perms, input.x.n, (b, r) => b.permutationBatch(measure, estimator, input, params, r));
  }

  indexBatch(measure: Measure, estimator: string, input: EstimatorInput, params: EstimatorParams, indexSets: readonly Int32Array[]): Float64Array {
    const m = indexSets[0]?.length ?? input.x.n;
    return this.dispatch(measure, estimator, input, params, indexSets, m, (b, r) => b.indexBatch(measure, estimator, input, params, r));
  }
}
