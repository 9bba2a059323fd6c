/**
 * The replicates of a job submitted with stream_replicates (--replicates-out on a cluster), on
 * their way from the workers to the client: the scheduler pushes each accepted raw shard here
 * (after summarising it for the result), StreamReplicates hands the pages to the one reader in
 * arrival order, and the client writes them in replicate order (cli/output.ts ReplicatesStream).
 * A page is dropped as soon as it is written to the reader's stream, so the coordinator holds
 * only the pages its reader has not taken yet — shards in flight when the client keeps up, the
 * job's replicates if nobody reads (then the client was not following it; see docs/cluster.md).
 */
import type { ReplicateSeries } from '../shared/job/spec.js';

export interface FeedPage {
  series: ReplicateSeries;
  r0: number;
  values: Float64Array;
}

export type FeedEvent = { type: 'page'; page: FeedPage } | { type: 'end'; state: string };

export class ReplicateFeed {
  private queue: FeedEvent[] = [];
  private reader: ((e: FeedEvent) => void) | undefined;
  private ended = false;
  /** Values waiting for the reader (for /metrics and the memory note). */
  heldValues = 0;

  constructor(readonly series: { name: ReplicateSeries; count: number }[]) {}

  push(page: FeedPage): void {
    if (this.ended) return;
    this.emit({ type: 'page', page });
  }

  end(state: string): void {
    if (this.ended) return;
    this.ended = true;
    this.emit({ type: 'end', state });
  }

  private emit(e: FeedEvent): void {
    if (this.reader) this.reader(e);
    else {
      this.queue.push(e);
      if (e.type === 'page') this.heldValues += e.page.values.length;
    }
  }

  /** The one reader: gets the queued events at once, then each as it comes; false if a reader is attached already. */
  attach(reader: (e: FeedEvent) => void): boolean {
    if (this.reader) return false;
    this.reader = reader;
    const q = this.queue;
    this.queue = [];
    this.heldValues = 0;
    for (const e of q) reader(e);
    return true;
  }

  /** The reader went away: events queue again until another attaches. */
  detach(reader: (e: FeedEvent) => void): void {
    if (this.reader === reader) this.reader = undefined;
  }
}
