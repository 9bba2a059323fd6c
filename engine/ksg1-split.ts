/**
 * One KSG-1 estimate on two threads, bit-identical to `ksg1` (issue 12: a single CLI estimate
 * end to end). The main thread and one helper thread (ksg1-thread.ts) each build the estimate's
 * structures from the same data, then share out the per-point work (joint k-th neighbour radius
 * and the two marginal counts of each query row) in chunks claimed from a shared counter
 * (ksg1-share.ts); the main thread then sums in row order, as `ksg1` does. Each per-point value
 * is an exact function of the data, so the value does not depend on which thread computed what.
 *
 * The helper is started early ({@link prestartKsg1Thread}: while the CLI still reads the CSV),
 * so its module loading overlaps other work; if it is late, the main thread simply claims more
 * chunks (a helper that never starts costs one message).
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { Worker } from 'node:worker_threads';
import type { Matrix } from '../shared/data/matrix.js';
import { ksg1FromRows, ksg1Parts, ksg1Rows } from '../shared/estimators/ksg1.js';
import { awaitDone, blockOrders, chunkRange, claimChunks, claimSorts, sharedViews, sortBlock, SYNC_CHUNK_DONE, SYNC_FAILED, SYNC_SORT_DONE, type Ksg1ShareMessage } from './ksg1-share.js';

/**
 * With INFOSHARD_KSG1_SPLIT=auto, from this many rows on a standalone KSG-1 estimate is split.
 * Main-thread CPU of one cold estimate (the critical path with a free second core), loaded
 * 2-core machine: N = 2e4 120 ms split and single alike; N = 1e5 230–240 ms split against
 * 280–320 ms single.
 */
export const KSG1_SPLIT_MIN_N = 50_000;

/**
 * Whether a standalone KSG-1 estimate of n rows is split, from INFOSHARD_KSG1_SPLIT:
 *   unset or 0  never (the default: on the loaded 2-core benchmark machine the helper thread
 *               only competed with this one; README, bench/results/e2e-issue12-h8-split-*.md)
 *   1           always (n ≥ 2)
 *   auto        n ≥ {@link KSG1_SPLIT_MIN_N} and a second core idle enough (1-minute load
 *               average below cores − 1)
 * The value never depends on it.
 */
export function ksg1SplitWanted(n: number): boolean {
  const env = process.env['INFOSHARD_KSG1_SPLIT'];
  if (env === '1') return n >= 2;
  if (env !== 'auto' || n < KSG1_SPLIT_MIN_N) return false;
  const cores = availableParallelism();
  return cores >= 2 && loadavg()[0]! < cores - 1;
}

/** Chunks of query rows the two threads claim. */
const CHUNKS = 8;

let helper: Worker | null | undefined;

/** The helper thread module: next to this file (tsc output, or the bundle's chunk), else the bundle's or tsc's. */
function threadModule(): string | null {
  for (const rel of ['./ksg1-thread.js', '../bundle/ksg1-thread.js', '../engine/ksg1-thread.js']) {
    const f = fileURLToPath(new URL(rel, import.meta.url));
    if (existsSync(f)) return f;
  }
  return null;
}

/**
 * Start the helper thread now (idempotent), so that it has loaded its modules by the time the
 * data is ready. It does not keep the process alive.
 */
export function prestartKsg1Thread(): void {
  if (helper !== undefined) return;
  const file = threadModule();
  try {
    // node:worker_threads loads only for a split (~0.7 ms of every other estimate's start-up)
    const threads = createRequire(import.meta.url)('node:worker_threads') as typeof import('node:worker_threads');
    helper = file ? new threads.Worker(file) : null;
  } catch {
    helper = null;
  }
  helper?.unref();
  helper?.on('error', () => undefined); // a failed helper only means the main thread does all the work
}

/** Stop a started helper that will not be used (idempotent). */
export function stopKsg1Thread(): void {
  if (helper) void helper.terminate();
  helper = undefined;
}

/**
 * ksg1(x, y, k) with the sorts and the per-point work shared between this thread and the
 * helper thread (ksg1-share.ts): the same value bit for bit. The helper is started if it was
 * not; it is stopped afterwards (one estimate per process is what this serves). `chunks`:
 * how the query rows are shared out; `useHelper` false: this thread alone (tests). Neither
 * changes the value.
 */
export function ksg1Split(x: Matrix, y: Matrix, k: number, chunks = CHUNKS, useHelper = true): number {
  if (useHelper) prestartKsg1Thread();
  const w = useHelper ? helper : null;
  const n = x.n;
  const order = (b: Matrix) => (b.d === 1 ? { sorted: new SharedArrayBuffer(8 * n), rank: new SharedArrayBuffer(4 * n) } : null);
  const msg: Ksg1ShareMessage = {
    n, dx: x.d, dy: y.d, x: x.data, y: y.data, k, chunks,
    sync: new SharedArrayBuffer(4 * (SYNC_CHUNK_DONE + chunks)),
    orders: [order(x), order(y)],
    eps: new SharedArrayBuffer(8 * n), nx: new SharedArrayBuffer(4 * n), ny: new SharedArrayBuffer(4 * n),
  };
  const sh = sharedViews(msg);
  try {
    return splitRun(w, msg, sh, x, y, k);
  } finally {
    stopKsg1Thread();
  }
}

function splitRun(w: Worker | null | undefined, msg: Ksg1ShareMessage, sh: ReturnType<typeof sharedViews>, x: Matrix, y: Matrix, k: number): number {
  const { n, chunks } = msg;
  if (w) w.postMessage(msg);
  else Atomics.store(sh.sync, SYNC_FAILED, 1); // no helper: every task here
  const blocks = [x, y] as const;
  claimSorts(sh, blocks);
  for (const b of [0, 1] as const) awaitDone(sh.sync, SYNC_SORT_DONE + b, () => sortBlock(sh, b, blocks[b]));
  const parts = ksg1Parts(x, y, blockOrders(sh));
  const work = (p0: number, p1: number) => ksg1Rows(parts, k, p0, p1, sh.eps, sh.nx, sh.ny);
  let own = 0;
  claimChunks(sh.sync, n, chunks, (p0, p1) => { own++; work(p0, p1); });
  for (let c = 0; c < chunks; c++) awaitDone(sh.sync, SYNC_CHUNK_DONE + c, () => { own++; work(...chunkRange(n, chunks, c)); });
  // INFOSHARD_KSG1_SPLIT_TRACE=1: one stderr line (tests and benchmarks check the split ran)
  if (process.env['INFOSHARD_KSG1_SPLIT_TRACE'] === '1') process.stderr.write(`infoshard: ksg1 split: n = ${n}, main thread ${own} of ${chunks} chunks\n`);
  return ksg1FromRows(n, k, sh.eps, sh.nx, sh.ny, x.d + y.d);
}
