/**
 * Progress as an async iterable (nats.js style): every subscriber sees events from the moment
 * it subscribes plus the latest one; iteration ends when the job ends (success or failure).
 */
import type { Progress, TrainingProgress } from './spec.js';

/** Fewest milliseconds between two training events of one critic (at most 4 per second). */
export const TRAINING_EVENT_MS = 250;

/**
 * Thin a critic's training events to at most one per `minMs` per (critic, part): the first one
 * and the last one (state other than 'training') always pass, so a display ends on the truth.
 * Drops, never delays: nothing is buffered, nothing is timed. `now` is injectable for tests.
 */
export function throttleTraining(
  listener: (t: TrainingProgress) => void,
  minMs: number = TRAINING_EVENT_MS,
  now: () => number = Date.now,
): (t: TrainingProgress) => void {
  const last = new Map<string, number>();
  return (t) => {
    const key = `${t.critic}/${t.part}`;
    const at = now();
    const prev = last.get(key);
    if (t.state === 'training' && prev !== undefined && at - prev < minMs) return;
    if (t.state === 'training') last.set(key, at);
    else last.delete(key);
    listener(t);
  };
}

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
