/**
/**
 * Progress bar on stderr (replicates done / total, rate, ETA) with cli-progress, which loads
 * only when a bar is shown (a --json run or a pipe does not pay for it at start-up); neural jobs
 * add the latest critic's training state (step, held-out value, best, early stopping) to the line.
 */
import { createRequire } from 'node:module';
import type cliProgressModule from 'cli-progress';
import type { Progress, TrainingProgress } from '../shared/job/spec.js';

/** A critic's training state for the progress line, e.g. "critic 3 step 450/1000 held-out 0.932 nats (best 0.951 @400, 1/4 stale)". */
export function trainingLine(t: TrainingProgress): string {
  const who = t.part === 'mi' ? `critic ${t.critic}` : `critic ${t.critic} (${t.part})`;
  const how = t.state === 'training' ? `${t.stale}/${t.patience} stale` : t.state === 'early-stopped' ? `early-stopped, kept @${t.bestStep}` : `finished, kept @${t.bestStep}`;
  return `${who} step ${t.step}/${t.steps} held-out ${t.validation.toFixed(3)} nats (best ${t.best.toFixed(3)} @${t.bestStep}, ${how})`;
}

export interface ProgressSink {
  update(p: Progress): void;
  stop(): void;
}

/** Shown when stderr is a terminal and output is not --json, or always with --progress. */
export function wantProgress(flags: { json?: boolean; progress?: boolean }): boolean {
  return flags.progress === true || (!flags.json && process.stderr.isTTY === true);
}

/** Seconds left as '42s', '3m07s' or '2h05m'. */
export function formatEta(s: number): string {
  if (!Number.isFinite(s) || s < 0) return '?';
  const t = Math.round(s);
  if (t < 60) return `${t}s`;
  if (t < 3600) return `${Math.floor(t / 60)}m${String(t % 60).padStart(2, '0')}s`;
  return `${Math.floor(t / 3600)}h${String(Math.floor((t % 3600) / 60)).padStart(2, '0')}m`;
}

export function createProgress(enabled: boolean): ProgressSink {
  if (!enabled) return { update() {}, stop() {} };
  const cliProgress = createRequire(import.meta.url)('cli-progress') as typeof cliProgressModule;
  const bar = new cliProgress.SingleBar(
    {
      stream: process.stderr,
      format: '{phase} [{bar}] {value}/{total} | {rate}/s | ETA {eta}{training}',
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
  let training = '';
  return {
    update(p: Progress) {
      // one bar for the whole job: every workload counts toward the same replicate total
      const rate = p.done / Math.max((Date.now() - start) / 1000, 1e-3);
      if (p.training) training = ` | ${trainingLine(p.training)}`;
      // cli-progress's own ETA prints 'NFs' before the first replicate: say '?' until there is a rate
      const payload = { phase: p.phase, rate: rate.toFixed(1), training, eta: p.done > 0 ? formatEta((p.total - p.done) / rate) : '?' };
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
