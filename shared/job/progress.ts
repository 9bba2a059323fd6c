/**
 * Progress as an async iterable (nats.js style): every subscriber sees events from the moment
 * it subscribes plus the latest one; iteration ends when the job ends (success or failure).
 */
import type { Progress } from './spec.js';

export class ProgressChannel {
  private latest: Progress | undefined;
  private closed = false;
  private readonly waiters = new Set<() => void>();
  private readonly queues = new Set<Progress[]>();

  push(p: Progress): void {
    if (this.closed) return;
    this.latest = p;
    for (const q of this.queues) q.push(p);
    this.wake();
  }

  close(): void {
    this.closed = true;
    this.wake();
  }

  private wake(): void {
    const ws = [...this.waiters];
    this.waiters.clear();
    for (const w of ws) w();
  }

  async *iterate(): AsyncGenerator<Progress> {
    const q: Progress[] = this.latest ? [this.latest] : [];
    this.queues.add(q);
    try {
      for (;;) {
        while (q.length > 0) yield q.shift()!;
        if (this.closed) return;
        await new Promise<void>((resolve) => this.waiters.add(resolve));
      }
    } finally {
      this.queues.delete(q);
    }
  }
}
