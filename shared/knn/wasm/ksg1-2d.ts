/**
 * KSG-1 radii and counts for two 1-D blocks from a WebAssembly kernel (source: wasm/ksg1-2d.ts,
 * built by scripts/build-wasm.mjs): the same exact values as the JavaScript path (knn/order.ts,
 * knn/grid.ts, knn/sorted.ts, estimators/ties.ts), so the estimate is the same bit for bit.
 *
 * Why: one estimate in a fresh process (what a CLI user runs) spent about three quarters of its
 * time in JavaScript loops that V8 had not optimised yet: each hot loop runs in the interpreter
 * until on-stack replacement, and a 2-core machine compiles it in the background while the
 * estimate waits. A WebAssembly module is compiled (baseline tier) before its first call, in
 * under a millisecond for this one. Measured in bench/README.md (issue 12).
 */
import { instantiate, KEEP_MEMORY_BYTES, reserveMemory, type WasmMemory } from '../../wasm.js';
import { GRID_OCCUPANCY, gridSide } from '../grid.js';
import { GRID_MAX_CROWDING, GRID_MIN_N } from '../index.js';
import type { ColumnOrder } from '../order.js';
import { KSG1_2D_WASM } from './ksg1-2d-bytes.js';

interface Kernel {
  readonly memory: WasmMemory;
  layout(base: number, n: number, k: number, g: number): number;
  sortStep(which: number, step: number): number;
  grid(tieRel: number, maxCrowding: number): number;
  knnRows(r0: number, r1: number): void;
  radii(which: number): void;
  countRows(which: number, p0: number, p1: number): void;
  addr(which: number): number;
}

/**
 * Work per kernel call: the pieces are called in turn so that V8's optimised code, compiled in
 * the background once a function is hot, takes over at the next call (see wasm/ksg1-2d.ts).
 */
const KNN_ROWS_PER_CALL = 8;
const COUNT_ROWS_PER_CALL = 4096;

/**
 * Grid crowding (GridIndex.crowding) up to which the kernel's grid search beats the JavaScript
 * kd-tree: at N = 2e5, y = x + σ·noise (min of 2 runs, warm), crowding 13 → 210 vs 597 ms,
 * 34 → 342 vs 541, 61 → 489 vs 526, 92 → 652 vs 532. Four times the JavaScript grid's limit.
 */
export const WASM_MAX_CROWDING = 4 * GRID_MAX_CROWDING;

/** Where the kernel's arrays start (the module keeps no data of its own below). */
const BASE = 1024;
/** Row counts the kernel takes (its scratch is ~120 bytes a row; 32-bit addresses). */
export const WASM_KSG1_MAX_N = 10_000_000;

/** This thread's kernel: undefined until first used, null where WebAssembly is unavailable. */
let kernel: Kernel | null | undefined;

/** KSG-1's per-row radii (tie-adjusted) and strict marginal counts. */
export interface Ksg1Counts {
  readonly eps: Float64Array;
  readonly nx: Int32Array;
  readonly ny: Int32Array;
}

/**
 * ε_i (the joint k-th neighbour distance, max-norm, tie-adjusted as ties.ts strictRadius with
 * τ = max |value| · tieRel) and n_x(i), n_y(i) (strict, self excluded) for 1-D x and y of n
 * rows; undefined when the kernel cannot serve (no WebAssembly, too few or too many rows, or rows crowding
 * the grid beyond maxCrowding, where knn/index.ts picks the kd-tree): the caller's path then.
 */
export function ksg1Counts2d(x: Float64Array, y: Float64Array, k: number, tieRel: number, maxCrowding: number): Ksg1Counts | undefined {
  const l = laidOut(x.length, y.length, k);
  if (!l) return undefined;
  const { w } = l, n = x.length, buf = w.memory.buffer;
  new Float64Array(buf, w.addr(0), n).set(x);
  new Float64Array(buf, w.addr(1), n).set(y);
  for (let which = 0; which < 2; which++) for (let step = 0; !w.sortStep(which, step); step++);
  return finish(l, n, tieRel, maxCrowding);
}

/** A column order with its index (knn/order.ts: what `subsetOrder` and SortedMarginal have). */
export type IndexedOrder = Required<ColumnOrder>;

/**
 * {@link ksg1Counts2d} given both columns' orders, e.g. a resampling replicate's, derived from
 * the parent's: nothing is sorted. The same values.
 */
export function ksg1OrderedCounts2d(x: Float64Array, xo: IndexedOrder, y: Float64Array, yo: IndexedOrder, k: number, tieRel: number, maxCrowding: number): Ksg1Counts | undefined {
  const l = laidOut(x.length, y.length, k);
  if (!l) return undefined;
  putColumn(l.w, 0, x, xo);
  putColumn(l.w, 1, y, yo);
  return finish(l, x.length, tieRel, maxCrowding);
}

/**
 * {@link ksg1Counts2d} for x and y with the rows of y permuted (row i takes y row perm[i]: a
 * permutation test's replicate), given the orders of x and of the unpermuted y: y's sorted
 * values stay and its ranks are permuted, so nothing is sorted. The same values as
 * ksg1Counts2d(x, y∘perm).
 */
export function ksg1PermutedCounts2d(x: Float64Array, xo: IndexedOrder, y: Float64Array, yo: IndexedOrder, perm: ArrayLike<number>, k: number, tieRel: number, maxCrowding: number): Ksg1Counts | undefined {
  const n = x.length;
  const l = laidOut(n, y.length, k);
  if (!l) return undefined;
  const { w } = l, buf = w.memory.buffer;
  putColumn(w, 0, x, xo);
  new Float64Array(buf, w.addr(5), n).set(yo.sorted);
  const Y = new Float64Array(buf, w.addr(1), n), RY = new Int32Array(buf, w.addr(6), n), IY = new Int32Array(buf, w.addr(7), n);
  for (let i = 0; i < n; i++) {
    const p = perm[i]!, r = yo.rank[p]!;
    Y[i] = y[p]!;
    RY[i] = r;
    IY[r] = i;
  }
  return finish(l, n, tieRel, maxCrowding);
}

/** Column `which` (0: x, 1: y) and its order into the laid-out kernel (instead of sortStep). */
function putColumn(w: Kernel, which: number, values: Float64Array, o: IndexedOrder): void {
  const buf = w.memory.buffer, n = values.length, a = 3 * which;
  new Float64Array(buf, w.addr(which), n).set(values);
  new Float64Array(buf, w.addr(2 + a), n).set(o.sorted);
  new Int32Array(buf, w.addr(3 + a), n).set(o.rank);
  new Int32Array(buf, w.addr(4 + a), n).set(o.index);
}

/**
 * The kernel laid out for n rows (y: ny) and k neighbours, with room, and its grid side; below
 * GRID_MIN_N rows the JavaScript path builds a kd-tree instead, and serves.
 */
function laidOut(n: number, ny: number, k: number): { w: Kernel; g: number } | undefined {
  if (n < GRID_MIN_N || n > WASM_KSG1_MAX_N || ny !== n || !(k >= 1 && k < n)) return undefined;
  if (kernel === undefined) kernel = instantiate<Kernel>(KSG1_2D_WASM);
  if (!kernel) return undefined;
  const g = gridSide(n, 2, GRID_OCCUPANCY);
  const end = kernel.layout(BASE, n, k, g);
  const w = end > KEEP_MEMORY_BYTES ? instantiate<Kernel>(KSG1_2D_WASM) : kernel;
  if (w && w !== kernel) w.layout(BASE, n, k, g);
  if (!w || !reserveMemory(w.memory, end)) return undefined; // the JavaScript path
  return { w, g };
}

/** The grid, the k-th neighbour radii and the counts, once the orders are in place. */
function finish({ w, g }: { w: Kernel; g: number }, n: number, tieRel: number, maxCrowding: number): Ksg1Counts | undefined {
  if (w.grid(tieRel, maxCrowding) > maxCrowding) return undefined;
  for (let r = 0; r < g; r += KNN_ROWS_PER_CALL) w.knnRows(r, Math.min(g, r + KNN_ROWS_PER_CALL));
  for (let which = 0; which < 2; which++) {
    w.radii(which);
    for (let p = 0; p < n; p += COUNT_ROWS_PER_CALL) w.countRows(which, p, Math.min(n, p + COUNT_ROWS_PER_CALL));
  }
  // copies: the kernel's memory is reused by the next call
  const buf = w.memory.buffer;
  return {
    eps: new Float64Array(buf, w.addr(8), n).slice(),
    nx: new Int32Array(buf, w.addr(9), n).slice(),
    ny: new Int32Array(buf, w.addr(10), n).slice(),
  };
}
