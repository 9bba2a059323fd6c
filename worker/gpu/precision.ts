/**
 * Single-precision error bounds for the kernels. Each column is shifted by an offset c (its
 * mean) in float64 before rounding to float32, so values near 1e6 with a small spread keep
 * their low bits. With M = max |v − c| over a column, a float32 coordinate difference is within
 *   (|a − c| + |b − c|)(2^-24 + 2^-53) + |a − b| 2^-24 ≤ 4M·2^-24 (1 + 2^-20)
 * of the float64 one, and a max-norm distance inherits the largest column bound. We use
 * tol = 8M·2^-24 (a factor 2 to spare) on IEEE backends (webasm, cpu, webgpu) and 16× that on
 * GL, whose float32 arithmetic is not guaranteed to round correctly.
 *
 * "Exact mode": when every shifted value is an integer multiple of a power of two q with
 * |v − c| < 2^23 q, every float32 difference is exact and equals the float64 one, so the
 * kernels' comparisons are the float64 comparisons and nothing needs rechecking.
 */
import type { CountPlan } from './plan.js';

export interface Precision {
  /** Per joint column offset subtracted before float32 conversion. */
  offset: Float64Array;
  /** Error bound for distances in each space (same order as plan.spaces). */
  tolSpace: number[];
  /** Error bound for joint distances. */
  tolJoint: number;
  /** True when float32 distances equal float64 distances exactly. */
  exact: boolean;
}

const TWO_M24 = 2 ** -24;

/** Smallest s ≥ 0 with v·2^s an integer, or -1 beyond 60 (v finite). */
function dyadicScale(v: number): number {
  let x = v;
  for (let s = 0; s <= 60; s++) {
    if (Number.isInteger(x)) return s;
    x *= 2;
  }
  return -1;
}

export function analysePrecision(plan: CountPlan, ieee: boolean): Precision {
  const D = plan.dim;
  const offset = new Float64Array(D);
  const maxAbs = new Float64Array(D);
  let exact = true;
  let c0 = 0;
  for (const blk of plan.blocks) {
    const { n, d, data } = blk;
    for (let c = 0; c < d; c++) {
      let mean = 0;
      let scale = 0;
      for (let i = 0; i < n; i++) {
        const v = data[i * d + c]!;
        mean += v;
        if (exact) {
          const s = dyadicScale(v);
          if (s < 0) exact = false;
          else if (s > scale) scale = s;
        }
      }
      mean /= n;
      // an offset on the column's own grid keeps exact data exact
      const q = 2 ** -scale;
      const off = exact ? Math.round(mean / q) * q : mean;
      let mx = 0;
      for (let i = 0; i < n; i++) mx = Math.max(mx, Math.abs(data[i * d + c]! - off));
      if (exact && !(mx < 2 ** 23 * q)) exact = false;
      offset[c0 + c] = off;
      maxAbs[c0 + c] = mx;
    }
    c0 += d;
  }
  const factor = (ieee ? 8 : 128) * TWO_M24;
  const tolOf = (cols: readonly number[]): number => {
    let m = 0;
    for (const c of cols) m = Math.max(m, maxAbs[c]!);
    // the smallest normal float32 keeps the bound meaningful for an all-zero column
    return Math.max(m * factor, 2 ** -126);
  };
  const all = Array.from({ length: D }, (_, i) => i);
  return { offset, tolSpace: plan.spaces.map(tolOf), tolJoint: tolOf(all), exact: exact && ieee };
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** The next float32 above a non-negative float32 value v. */
export function nextUp32(v: number): number {
  f32[0] = v;
  u32[0] = u32[0]! + 1;
  return f32[0]!;
}

/** The largest float32 ≤ v (v ≥ 0 finite). */
export function floor32(v: number): number {
  const f = Math.fround(v);
  if (f <= v) return f;
  f32[0] = f;
  u32[0] = u32[0]! - 1;
  return f32[0]!;
}

/**
 * For float32 distances d (exact mode): the float32 t with d < t ⟺ d < θ (strict) or
 * d ≤ θ (non-strict), θ any non-negative double (the estimators' τ-adjusted radius).
 */
export function exactThreshold(theta: number, strict: boolean): number {
  const fl = floor32(theta);
  if (strict) return fl === theta ? fl : nextUp32(fl);
  return nextUp32(fl);
}
