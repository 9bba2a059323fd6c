/**
 * What the two threads of a split KSG-1 estimate share (engine/ksg1-split.ts, ksg1-thread.ts):
 * the message, the shared arrays and the task protocol over one Int32Array `sync` on a
 * SharedArrayBuffer. Two phases, each a set of tasks claimed with Atomics.add (each task goes to
 * exactly one thread) and marked done with Atomics.store + notify:
 *   1. the sort order of each 1-D block (x, y), written into shared arrays;
 *   2. chunks of query rows: their per-point values (ksg1Rows) into shared arrays.
 * Between the phases each thread waits for every order. Each order and each per-point value
 * is the same whichever thread computes it, so who runs which task (thread start-up, machine
 * load) never changes the result. If the helper fails it sets FAILED and the main thread redoes
 * whatever is not marked done.
 */
import { columnOrder, type ColumnOrder } from '../shared/knn/order.js';
import type { Matrix } from '../shared/data/matrix.js';
import type { BlockOrders } from '../shared/estimators/types.js';

export const SYNC_FAILED = 0;
export const SYNC_NEXT_SORT = 1;
export const SYNC_NEXT_CHUNK = 2;
/** sync[SYNC_SORT_DONE + b]: order of block b (0: x, 1: y) written. */
export const SYNC_SORT_DONE = 3;
/** sync[SYNC_CHUNK_DONE + c]: chunk c written. */
export const SYNC_CHUNK_DONE = 5;

/** One estimate's data and shared arrays. */
export interface Ksg1ShareMessage {
  n: number;
  dx: number;
  dy: number;
  x: Float64Array;
  y: Float64Array;
  k: number;
  chunks: number;
  sync: SharedArrayBuffer;
  /** Per 1-D block: sorted values (8n bytes) and ranks (4n bytes); null for a wider block. */
  orders: [{ sorted: SharedArrayBuffer; rank: SharedArrayBuffer } | null, { sorted: SharedArrayBuffer; rank: SharedArrayBuffer } | null];
  eps: SharedArrayBuffer;
  nx: SharedArrayBuffer;
  ny: SharedArrayBuffer;
}

/** Views of a message's shared arrays. */
export interface Ksg1Shared {
  sync: Int32Array;
  orders: [ColumnOrder | null, ColumnOrder | null];
  eps: Float64Array;
  nx: Int32Array;
  ny: Int32Array;
}

export function sharedViews(m: Ksg1ShareMessage): Ksg1Shared {
  const o = (b: { sorted: SharedArrayBuffer; rank: SharedArrayBuffer } | null): ColumnOrder | null => (b ? { sorted: new Float64Array(b.sorted), rank: new Int32Array(b.rank) } : null);
  return { sync: new Int32Array(m.sync), orders: [o(m.orders[0]), o(m.orders[1])], eps: new Float64Array(m.eps), nx: new Int32Array(m.nx), ny: new Int32Array(m.ny) };
}

/** Positions [p0, p1) of chunk c of n rows in `chunks` chunks. */
export function chunkRange(n: number, chunks: number, c: number): [number, number] {
  return [Math.floor((c * n) / chunks), Math.floor(((c + 1) * n) / chunks)];
}

function markDone(sync: Int32Array, slot: number): void {
  Atomics.store(sync, slot, 1);
  Atomics.notify(sync, slot);
}

/** Write block b's sort order into the shared arrays. */
export function sortBlock(sh: Ksg1Shared, b: 0 | 1, block: Matrix): void {
  const dst = sh.orders[b];
  if (!dst) return;
  const o = columnOrder(block.data, 1, 0);
  (dst.sorted as Float64Array).set(o.sorted);
  (dst.rank as Int32Array).set(o.rank);
}

/** Phase 1 on this thread: claim and run sort tasks until none is left. */
export function claimSorts(sh: Ksg1Shared, blocks: readonly [Matrix, Matrix]): void {
  for (;;) {
    const b = Atomics.add(sh.sync, SYNC_NEXT_SORT, 1);
    if (b >= 2) return;
    sortBlock(sh, b as 0 | 1, blocks[b]!);
    markDone(sh.sync, SYNC_SORT_DONE + b);
  }
}

/** Phase 2 on this thread: claim chunks until none is left, running `work` on each. */
export function claimChunks(sync: Int32Array, n: number, chunks: number, work: (p0: number, p1: number) => void): void {
  for (;;) {
    const c = Atomics.add(sync, SYNC_NEXT_CHUNK, 1);
    if (c >= chunks) return;
    const [p0, p1] = chunkRange(n, chunks, c);
    work(p0, p1);
    markDone(sync, SYNC_CHUNK_DONE + c);
  }
}

/**
 * Block until sync[slot] is set. `redo` (the main thread): called instead when the helper has
 * failed, to compute the task here; the helper passes none (the main thread never fails
 * without ending the estimate). Returns false when the task was not done and `redo` is absent
 * (the helper should stop).
 */
export function awaitDone(sync: Int32Array, slot: number, redo?: () => void): boolean {
  while (Atomics.load(sync, slot) === 0) {
    if (Atomics.load(sync, SYNC_FAILED) === 1) {
      if (!redo) return false;
      redo();
      Atomics.store(sync, slot, 1);
      return true;
    }
    Atomics.wait(sync, slot, 0, 50);
  }
  return true;
}

/** The orders as ksg1Parts takes them (after phase 1). */
export function blockOrders(sh: Ksg1Shared): BlockOrders {
  return [sh.orders[0] ?? undefined, sh.orders[1] ?? undefined];
}
