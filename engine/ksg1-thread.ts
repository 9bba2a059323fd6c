/**
 * The helper thread of a split KSG-1 estimate (engine/ksg1-split.ts): it takes part in both
 * phases of ksg1-share.ts (sort orders, then chunks of query rows), building the same
 * structures from the same data as the main thread (every build is deterministic).
 * Loaded as a worker_threads module.
 */
import { parentPort } from 'node:worker_threads';
import { ksg1Parts, ksg1Rows } from '../shared/estimators/ksg1.js';
import { awaitDone, blockOrders, claimChunks, claimSorts, sharedViews, SYNC_FAILED, SYNC_CHUNK_DONE, SYNC_SORT_DONE, type Ksg1ShareMessage } from './ksg1-share.js';

parentPort?.on('message', (m: Ksg1ShareMessage) => {
  const sh = sharedViews(m);
  try {
    const x = { n: m.n, d: m.dx, data: m.x }, y = { n: m.n, d: m.dy, data: m.y };
    claimSorts(sh, [x, y]);
    for (let b = 0; b < 2; b++) if (!awaitDone(sh.sync, SYNC_SORT_DONE + b)) return;
    const parts = ksg1Parts(x, y, blockOrders(sh));
    claimChunks(sh.sync, m.n, m.chunks, (p0, p1) => ksg1Rows(parts, m.k, p0, p1, sh.eps, sh.nx, sh.ny));
  } catch {
    // the main thread sees the flag and redoes every task not marked done
    Atomics.store(sh.sync, SYNC_FAILED, 1);
    for (let s = SYNC_SORT_DONE; s < SYNC_CHUNK_DONE + m.chunks; s++) Atomics.notify(sh.sync, s);
  }
});
