/**
 * Whole-column scans of a job's preparation and checks from a WebAssembly kernel (source:
 * wasm/columns.ts, built by scripts/build-wasm.mjs): the sample sd's sums, the normalised copy,
 * the largest |value|, the first non-finite value, a distinct first column. Each gives the
 * same bits as the JavaScript loop its caller keeps for short columns and for where there is
 * no WebAssembly (each function here answers undefined then).
 *
 * Why: a one-off CLI estimate ran each of these loops once over N values, mostly before V8 had
 * optimised it (several ms each on a loaded 2-core machine); a WebAssembly module is compiled
 * before its first call (issue 12).
 */
import { instantiate, KEEP_MEMORY_BYTES, reserveMemory, type WasmMemory } from '../../wasm.js';
import { COLUMNS_WASM } from './columns-bytes.js';

interface Kernel {
  readonly memory: WasmMemory;
  heapBase(): number;
  moments(p: number, n: number): number;
  squaresResult(): number;
  divideInto(src: number, n: number, dst: number, d: number, j: number, s: number): void;
  maxAbsAbove(p: number, n: number, above: number): number;
  firstNonFinite(p: number, n: number): number;
  distinct(p: number, n: number, d: number, slots: number, bits: number): number;
}

/** Values from which a scan goes to the kernel (below, the JavaScript loop is as quick). */
export const KERNEL_MIN_VALUES = 4096;

let kernel: Kernel | null | undefined;

/** The kernel with `bytes` of room from its base (returned), or undefined. */
function room(bytes: number): { w: Kernel; base: number } | undefined {
  if (kernel === undefined) kernel = instantiate<Kernel>(COLUMNS_WASM);
  if (!kernel) return undefined;
  const w = bytes > KEEP_MEMORY_BYTES ? instantiate<Kernel>(COLUMNS_WASM) : kernel;
  if (!w) return undefined;
  const base = (w.heapBase() + 7) & ~7;
  if (base + bytes >= 2 ** 31 || !reserveMemory(w.memory, base + bytes)) return undefined;
  return { w, base };
}

/** `values` copied to the kernel's base; undefined when too short or no kernel. */
function copyIn(values: Float64Array, extra = 0): { w: Kernel; base: number } | undefined {
  if (values.length < KERNEL_MIN_VALUES) return undefined;
  const k = room(8 * values.length + extra);
  if (k) new Float64Array(k.w.memory.buffer, k.base, values.length).set(values);
  return k;
}

/** The mean and the sum of squared deviations of `c` (moments.ts sampleSd's passes). */
export function columnMoments(c: Float64Array): { mean: number; squares: number } | undefined {
  const k = copyIn(c);
  if (!k) return undefined;
  const mean = k.w.moments(k.base, c.length);
  return { mean, squares: k.w.squaresResult() };
}

/** Columns side by side, column j divided by divisors[j] (matrix.ts columnsToMatrix); all of length n. */
export function stackDivided(columns: readonly Float64Array[], divisors: readonly number[], n: number): Float64Array | undefined {
  const d = columns.length;
  if (n * d < KERNEL_MIN_VALUES) return undefined;
  const k = room(8 * n * (d + 1));
  if (!k) return undefined;
  const buf = k.w.memory.buffer;
  const src = new Float64Array(buf, k.base, n), dst = k.base + 8 * n;
  columns.forEach((c, j) => {
    src.set(c);
    k.w.divideInto(k.base, n, dst, d, j, divisors[j]!);
  });
  return new Float64Array(buf, dst, n * d).slice();
}

/** The first index whose |value| exceeds `above` and all before it, or −1 (column-checks.ts checkResolution). */
export function maxAbsAbove(values: Float64Array, above: number): number | undefined {
  const k = copyIn(values);
  return k && k.w.maxAbsAbove(k.base, values.length, above);
}

/** The first index of a NaN or ±Infinity, or −1 (estimators/check.ts checkFinite). */
export function firstNonFinite(values: Float64Array): number | undefined {
  const k = copyIn(values);
  return k && k.w.firstNonFinite(k.base, values.length);
}

/**
 * Whether data[0], data[d], ... (n values) are distinct under === (estimators/cells.ts
 * firstColumnDistinct, with its table of 2^bits slots).
 */
export function distinctStrided(data: Float64Array, n: number, d: number, bits: number): boolean | undefined {
  const k = copyIn(data.subarray(0, n * d), 4 << bits);
  return k && k.w.distinct(k.base, n, d, k.base + 8 * n * d, bits) !== 0;
}
