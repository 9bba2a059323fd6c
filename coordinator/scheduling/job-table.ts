/**
 * The coordinator's table of jobs: every run it knows (unfinished ones in submission order,
 * plus a bounded history of finished ones for the status page, each holding only its record:
 * `freeShards` drops its data; the store keeps finished jobs as retention.ts allows) and the
 * callers waiting for a job to end.
 */
import type { JobRun } from './job-run.js';
import { isLive } from './job-run.js';

/** Finished jobs kept in memory for listJobs (/status), records only. */
export const MAX_FINISHED_JOBS = 1000;

export class JobTable {
  private readonly jobs = new Map<string, JobRun>();
  /** Unfinished jobs in submission order. */
  readonly active: JobRun[] = [];
  private readonly waiters = new Map<string, Set<() => void>>();

  get(id: string): JobRun | undefined {
    return this.jobs.get(id);
  }

  has(id: string): boolean {
    return this.jobs.has(id);
  }

  all(): IterableIterator<JobRun> {
    return this.jobs.values();
  }

  add(run: JobRun): void {
    this.jobs.set(run.stored.id, run);
    this.active.push(run);
  }

  /** The job left the running set (its state is already terminal): trim history, wake waiters. */
  ended(run: JobRun): void {
    const i = this.active.indexOf(run);
    if (i >= 0) this.active.splice(i, 1);
    const done = [...this.jobs.values()].filter((r) => !isLive(r));
    for (const old of done.slice(0, Math.max(0, done.length - MAX_FINISHED_JOBS))) this.jobs.delete(old.stored.id);
    for (const w of [...(this.waiters.get(run.stored.id) ?? [])]) w();
    this.waiters.delete(run.stored.id);
  }

  /** Release every waiter (the scheduler is closing; the jobs themselves are left as they are). */
  releaseWaiters(): void {
    for (const set of this.waiters.values()) for (const w of [...set]) w();
    this.waiters.clear();
  }

  /** Resolves once the job is in a terminal state (or `timeoutMs` passed). */
  waitFor(jobId: string, timeoutMs: number): Promise<void> {
    const run = this.jobs.get(jobId);
    if (!run || !isLive(run)) return Promise.resolve();
    return new Promise((resolve) => {
      let set = this.waiters.get(jobId);
      if (!set) this.waiters.set(jobId, (set = new Set()));
      const done = () => {
        clearTimeout(t);
        set!.delete(done);
        resolve();
      };
      const t = setTimeout(done, timeoutMs);
      set.add(done);
    });
  }
}
