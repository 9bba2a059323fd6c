// AssemblyScript source of the WebAssembly kernel for whole-column scans in a job's
// preparation and checks (sample sd, the normalised copy, the largest |value|, non-finite
// values, a distinct first column). Compiled by scripts/build-wasm.mjs into
// shared/data/wasm/columns-bytes.ts; loaded by shared/data/wasm/columns.ts, whose comments say
// why (each of these loops ran once over N values, mostly before V8 had optimised it).
//
// Each function is the JavaScript loop it stands for, operation for operation and in the same
// order (IEEE doubles, no fused or reordered arithmetic), so the results are the same bits.
// Addresses are bytes in this memory; the loader copies the columns in and the results out.

// @ts-nocheck (AssemblyScript, not TypeScript: built by asc, not tsc)

@inline function at(p: usize, i: i32): f64 { return load<f64>(p + (<usize>i << 3)); }

/** The second result of `moments`. */
let squares: f64 = 0;

/**
 * moments.ts sampleSd's two passes over p[0, n): returns the mean (Σ v, divided by n); the sum
 * of squared deviations Σ (v − mean)² goes to squaresResult().
 */
export function moments(p: usize, n: i32): f64 {
  let mean: f64 = 0;
  for (let i = 0; i < n; i++) mean += at(p, i);
  mean /= <f64>n;
  let s: f64 = 0;
  for (let i = 0; i < n; i++) {
    const t = at(p, i) - mean;
    s += t * t; // JavaScript's t ** 2 is t * t exactly
  }
  squares = s;
  return mean;
}

export function squaresResult(): f64 { return squares; }

/** dst[i·d + j] = src[i] / s for i < n (matrix.ts columnsToMatrix, one column). */
export function divideInto(src: usize, n: i32, dst: usize, d: i32, j: i32, s: f64): void {
  for (let i = 0; i < n; i++) store<f64>(dst + (<usize>(i * d + j) << 3), at(src, i) / s);
}

/** The first index of p[0, n) whose |value| exceeds `above` and every |value| before it; −1 when none does. */
export function maxAbsAbove(p: usize, n: i32, above: f64): i32 {
  let best = -1;
  let max = above;
  for (let i = 0; i < n; i++) {
    const v = abs(at(p, i));
    if (v > max) { max = v; best = i; }
  }
  return best;
}

/** The first index of p[0, n) holding NaN or ±Infinity; −1 when none does. */
export function firstNonFinite(p: usize, n: i32): i32 {
  for (let i = 0; i < n; i++) {
    const v = at(p, i);
    if (!(v - v == 0)) return i;
  }
  return -1;
}

/**
 * Whether p[0], p[d], p[2d], ... (n values) are pairwise distinct under === (−0 equals 0, NaN
 * equals nothing): estimators/cells.ts firstColumnDistinct, with a table of 2^bits row
 * numbers at `slots` (zeroed here) keyed by the bits without the sign bits, as there.
 */
export function distinct(p: usize, n: i32, d: i32, slots: usize, bits: i32): bool {
  const size = 1 << bits;
  memory.fill(slots, 0, <usize>size << 2);
  const shift = 32 - bits, mask = size - 1;
  for (let i = 0; i < n; i++) {
    const v = at(p, i * d);
    const w = load<u64>(p + (<usize>(i * d) << 3));
    const lo = <u32>w & 0x7fffffff, hi = <u32>(w >>> 32) & 0x7fffffff;
    let h = <i32>((((lo * 0x85ebca6b) ^ hi) * 0x9e3779b1) >>> shift);
    for (let r = load<i32>(slots + (<usize>h << 2)); r != 0; r = load<i32>(slots + (<usize>h << 2))) {
      if (at(p, (r - 1) * d) == v) return false;
      h = (h + 1) & mask;
    }
    store<i32>(slots + (<usize>h << 2), i + 1);
  }
  return true;
}

/** The first byte past the kernel's own data: where the loader's arrays may start. */
export function heapBase(): usize { return __heap_base; }
