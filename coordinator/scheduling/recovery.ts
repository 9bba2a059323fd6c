/**
 * How fast lost work comes back: for each lost worker, how many shards it held and how long
 * until the last of them was dispatched again (the status page's `recoveries`).
 */
import type { RecoveryRecord } from './types.js';

/** Records kept (oldest dropped first). */
const MAX_RECORDS = 1000;

export class RecoveryLog {
  private readonly records: RecoveryRecord[] = [];
  /** Lost workers whose shards are not all running again yet: `${jobId}\n${shardId}` keys left. */
  private readonly pending = new Map<string, { rec: RecoveryRecord; left: Set<string> }>();

  /** A worker was lost holding `shards` (job id, shard id) that are now queued again. */
  lost(workerId: string, reason: string, shards: [jobId: string, shardId: string][]): void {
    const left = new Set(shards.map(([j, s]) => `${j}\n${s}`));
    const rec: RecoveryRecord = { workerId, reason, requeued: left.size, lostAt: Date.now() };
    this.records.push(rec);
    if (this.records.length > MAX_RECORDS) this.records.splice(0, this.records.length - MAX_RECORDS);
    if (left.size === 0) rec.redispatchedAfterMs = 0;
    else this.pending.set(workerId, { rec, left });
  }

  /** Shards of `jobId` were dispatched: close the records they complete. */
  dispatched(jobId: string, ids: string[]): void {
    if (this.pending.size === 0) return;
    for (const [wid, p] of this.pending) {
      for (const id of ids) p.left.delete(`${jobId}\n${id}`);
      if (p.left.size === 0) {
        p.rec.redispatchedAfterMs = Date.now() - p.rec.lostAt;
        this.pending.delete(wid);
      }
    }
  }

  list(): RecoveryRecord[] {
    return this.records.map((r) => ({ ...r }));
  }
}
