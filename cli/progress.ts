/**
 * Progress bar on stderr (replicates done / total, rate, ETA) with cli-progress, which loads
 * only when a bar is shown (a --json run or a pipe does not pay for it at start-up).
 */
import { createRequire } from 'node:module';
import type cliProgressModule from 'cli-progress';
import type { Progress } from '../shared/job/spec.js';

export interface ProgressSink {
  update(p: Progress): void;
  stop(): void;
}

/** Shown when stderr is a terminal and output is not --json, or always with --progress. */
export function wantProgress(flags: { json?: boolean; progress?: boolean }): boolean {
  return flags.progress === true || (!flags.json && process.stderr.isTTY === true);
}

export function createProgress(enabled: boolean): ProgressSink {
  if (!enabled) return { update() {}, stop() {} };
  const cliProgress = createRequire(import.meta.url)('cli-progress') as typeof cliProgressModule;
  const bar = new cliProgress.SingleBar(
    {
      stream: process.stderr,
      format: '{phase} [{bar}] {value}/{total} | {rate}/s | ETA {eta_formatted}',
      hideCursor: process.stderr.isTTY === true,
      noTTYOutput: process.stderr.isTTY !== true,
      notTTYSchedule: 1000,
      etaBuffer: 50,
    },
    cliProgress.Presets.shades_classic,
  );
  const start = Date.now();
  let started = false;
  let total = 0;
  return {
    update(p: Progress) {
      // one bar for the whole job: every workload counts toward the same replicate total
      const rate = p.done / Math.max((Date.now() - start) / 1000, 1e-3);
      const payload = { phase: p.phase, rate: rate.toFixed(1) };
      if (!started) {
        bar.start(p.total, p.done, payload);
        started = true;
        total = p.total;
        return;
      }
      if (p.total !== total) {
        bar.setTotal(p.total);
        total = p.total;
      }
      bar.update(p.done, payload);
    },
    stop() {
      if (started) bar.stop();
    },
  };
}
