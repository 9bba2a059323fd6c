/**
 * Exact per-point kNN results for a batch of replicates, with the gpu.js kernels as a
 * float32 filter and a float64 recheck of every decision single precision cannot make (see
 * precision.ts for the bound). Memory per kernel call is bounded by `maxBytesPerCall`: the
 * replicates of a batch are split into calls of R replicates and the query points of a call
 * into chunks of q, all calls of one batch sharing one compiled shape (the last call is padded).
 */
import { countSpace, exactPoint, ExactScratch, emptyCounts, jointDist, replicateTau, spaceDist, thresholds, type ReplicateCounts } from './exact.js';
import { KernelCache, type GpuKernel, type GpuLike, type Shape } from './kernels.js';
import { gatherJoint, type CountPlan, type ReplicateRows } from './plan.js';
import { exactThreshold, type Precision } from './precision.js';

/** Bytes of JS object overhead gpu.js spends per thread result (a Float32Array(4) view). */
const RESULT_OBJECT_BYTES = 112;

export interface CounterStats {
  kernelCalls: number;
  /** Points whose neighbour search float32 could not settle (redone in float64). */
  recheckedPoints: number;
  /** (point, space) counts with an undecidable comparison (recounted in float64). */
  recheckedCounts: number;
  points: number;
}

/** Chunk sizes for m points of dimension D, S spaces, nReps replicates, under a byte budget. */
export function chunking(m: number, D: number, S: number, nReps: number, maxBytes: number): { reps: number; q: number } {
  const perRep = m * D * (4 + 8); // float32 points for the kernel + float64 rows for the recheck
  const reps = Math.max(1, Math.min(nReps, Math.floor(maxBytes / 2 / perRep)));
  const perThread = 16 + RESULT_OBJECT_BYTES + 12 * S; // result + lo/hi/ex inputs
  const q = Math.max(1, Math.min(m, Math.floor(maxBytes / 2 / (reps * perThread))));
  return { reps, q };
}

type Out = Float32Array[][];

/** One kernel invocation the generator asks its driver to make. */
interface KernelCall {
  kernel: GpuKernel;
  args: unknown[];
}

export class GpuCounter {
  readonly stats: CounterStats = { kernelCalls: 0, recheckedPoints: 0, recheckedCounts: 0, points: 0 };
  private readonly kernels: KernelCache;

  constructor(gpu: GpuLike, private readonly maxBytes: number) {
    this.kernels = new KernelCache(gpu);
  }

  get compiledKernels(): number {
    return this.kernels.size;
  }

  destroy(): void {
    this.kernels.destroy();
  }

  /** Exact results for replicates that all have m rows (kernels that return their result). */
  run(plan: CountPlan, prec: Precision, reps: readonly ReplicateRows[], k: number): ReplicateCounts[] {
    const it = this.steps(plan, prec, reps, k);
    for (let s = it.next(); ; ) {
      if (s.done) return s.value;
      const out = s.value.kernel(...s.value.args);
      if (out instanceof Promise) throw new Error('gpu.js kernel returned a Promise: this mode needs runAsync');
      s = it.next(out as Out);
    }
  }

  /** The same for kernels whose result is a Promise (gpu.js 'webgpu': readback is mapAsync). */
  async runAsync(plan: CountPlan, prec: Precision, reps: readonly ReplicateRows[], k: number): Promise<ReplicateCounts[]> {
    const it = this.steps(plan, prec, reps, k);
    for (let s = it.next(); ; ) {
      if (s.done) return s.value;
      s = it.next((await s.value.kernel(...s.value.args)) as Out);
    }
  }

  /**
   * The whole computation as a generator that yields each kernel call and takes back its
   * result, so the synchronous and the asynchronous driver run the same code.
   */
  private *steps(plan: CountPlan, prec: Precision, reps: readonly ReplicateRows[], k: number): Generator<KernelCall, ReplicateCounts[], Out> {
    if (reps.length === 0) return [];
    const m = reps[0]!.m;
    const D = plan.dim;
    const S = plan.spaces.length;
    const { reps: R, q } = chunking(m, D, S, reps.length, this.maxBytes);
    const shape: Shape = { m, q, reps: R, k };
    const search = this.kernels.get('search', plan, shape);
    const count = S > 0 ? this.kernels.get('count', plan, shape) : null;
    const results = reps.map(() => emptyCounts(plan, m));
    const g64 = Array.from({ length: R }, () => new Float64Array(m * D));
    const pts = new Float32Array(R * m * D);
    const lo = new Float32Array(R * q * Math.max(S, 1));
    const hi = new Float32Array(lo.length);
    const ex = new Float32Array(lo.length);
    const decided = new Uint8Array(R * q);
    // exact thresholds per (thread, space), for recounts in float64
    const thTheta = new Float64Array(lo.length);
    const thStrict = new Uint8Array(lo.length);
    const sc = new ExactScratch(k, S);
    const th = Array.from({ length: S }, () => ({ theta: 0, strict: true }));
    const marg = new Array<number>(S).fill(0);
    const excl = new Int32Array(Math.max(S, 1));
    const contrib = new Int32Array(Math.max(S, 1));
    const tolA = plan.kind === 'ksg2' ? prec.tolSpace[0]! : 0;
    const tolB = plan.kind === 'ksg2' ? prec.tolSpace[1]! : 0;

    for (let r0 = 0; r0 < reps.length; r0 += R) {
      const nr = Math.min(R, reps.length - r0);
      const taus = new Float64Array(R);
      for (let r = 0; r < R; r++) {
        // padding slots repeat the last real replicate: same shape, results ignored
        const g = gatherJoint(plan, reps[r0 + Math.min(r, nr - 1)]!, g64[r]);
        taus[r] = replicateTau(plan, g, m);
        const o = r * m * D;
        for (let t = 0; t < m * D; t++) pts[o + t] = g[t]! - prec.offset[t % D]!;
      }
      for (let qOff = 0; qOff < m; qOff += q) {
        const A = yield { kernel: search, args: [pts, qOff, prec.tolJoint, tolA, tolB] };
        this.stats.kernelCalls++;
        for (let r = 0; r < nr; r++) {
          const res = results[r0 + r]!;
          const g = g64[r]!;
          for (let x = 0; x < q && qOff + x < m; x++) {
            const i = qOff + x;
            const a = A[r]![x]!;
            const tb = (r * q + x) * S;
            this.stats.points++;
            if (!prec.exact && a[3] !== 1) {
              exactPoint(plan, g, m, i, taus[r]!, sc, res);
              this.stats.recheckedPoints++;
              decided[r * q + x] = 0;
              for (let s = 0; s < S; s++) {
                lo[tb + s] = -1;
                hi[tb + s] = -1;
                ex[tb + s] = -1;
              }
              continue;
            }
            decided[r * q + x] = 1;
            let eps: number;
            if (plan.kind === 'ksg2') {
              const ix = a[1]!, iy = a[2]!;
              marg[0] = spaceDist(g, D, i, ix, plan.spaces[0]!);
              marg[1] = spaceDist(g, D, i, iy, plan.spaces[1]!);
              excl[0] = ix;
              excl[1] = iy;
              eps = NaN; // ksg2 reads only the marginal maxima
            } else {
              const js = a[1]!;
              eps = jointDist(g, D, i, js);
              for (let s = 0; s < S; s++) excl[s] = js;
            }
            res.eps[i] = eps;
            thresholds(plan, eps, marg, taus[r]!, th);
            for (let s = 0; s < S; s++) {
              const t = th[s]!;
              if (plan.kind === 'mixed_ksg' && s === 2 && eps !== 0) {
                lo[tb + s] = -1; // joint count unused when ρ > 0
                hi[tb + s] = -1;
                ex[tb + s] = -1;
                contrib[s] = 0;
                continue;
              }
              thTheta[tb + s] = t.theta;
              thStrict[tb + s] = t.strict ? 1 : 0;
              const de = spaceDist(g, D, i, excl[s]!, plan.spaces[s]!);
              contrib[s] = (t.strict ? de < t.theta : de <= t.theta) ? 1 : 0;
              if (prec.exact) {
                const thr = exactThreshold(t.theta, t.strict);
                lo[tb + s] = thr;
                hi[tb + s] = thr;
              } else {
                const w = 3 * prec.tolSpace[s]!;
                lo[tb + s] = t.theta - w;
                hi[tb + s] = t.theta + w;
              }
              ex[tb + s] = excl[s]!;
              // stash the excluded point's exact contribution where the resolve step finds it
              res.counts[s]![i] = contrib[s]!;
            }
          }
        }
        if (!count) continue;
        const B = yield { kernel: count, args: [pts, qOff, lo, hi, ex] };
        this.stats.kernelCalls++;
        for (let r = 0; r < nr; r++) {
          const res = results[r0 + r]!;
          const g = g64[r]!;
          for (let x = 0; x < q && qOff + x < m; x++) {
            if (decided[r * q + x] !== 1) continue;
            const i = qOff + x;
            const b = B[r]![x]!;
            const eps = res.eps[i]!;
            const tb = (r * q + x) * S;
            for (let s = 0; s < S; s++) {
              if (plan.kind === 'mixed_ksg' && s === 2 && eps !== 0) {
                res.counts[s]![i] = 0;
                continue;
              }
              const v = b[s]!;
              const low = Math.floor(v / 2);
              if (prec.exact || v % 2 === 0) {
                res.counts[s]![i] = low + res.counts[s]![i]!;
              } else {
                // a comparison within the error bound: this count is redone in float64
                this.stats.recheckedCounts++;
                res.counts[s]![i] = countSpace(g, D, m, i, plan.spaces[s]!, { theta: thTheta[tb + s]!, strict: thStrict[tb + s] === 1 });
              }
            }
          }
        }
      }
    }
    return results;
  }
}
