/**
 * CPU used by other processes while a measurement ran, from /proc (Linux): the machine's busy
 * jiffies minus the measured process's own, over the wall time, in cores. On a shared machine
 * it says which figures were taken while something else competed for the cores.
 */
import { readFileSync } from 'node:fs';

const TICKS_PER_S = 100; // USER_HZ on Linux

function machineBusyTicks(): number {
  try {
    const f = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal: busy = all but idle and iowait
    return f.slice(0, 8).reduce((s, v, i) => (i === 3 || i === 4 ? s : s + v), 0);
  } catch {
    return NaN;
  }
}

function processTicks(pid: number | undefined): number {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
    return Number(f[11]) + Number(f[12]); // utime, stime (fields 14 and 15)
  } catch {
    return NaN;
  }
}

export interface LoadSample {
  /** Cores busy with other processes during the interval (NaN where /proc is unavailable or the interval < 1 s). */
  outsideCores: number;
  /** Cores used by the measured process. */
  ownCores: number;
}

/** Start measuring; call the returned function when the measured interval ends. */
export function loadMeter(pid: number | undefined): () => LoadSample {
  const t0 = performance.now(), b0 = machineBusyTicks(), p0 = processTicks(pid);
  return () => {
    const s = (performance.now() - t0) / 1000;
    const own = (processTicks(pid) - p0) / TICKS_PER_S;
    const busy = (machineBusyTicks() - b0) / TICKS_PER_S;
    const r2 = (v: number) => Math.round(v * 100) / 100;
    // jiffies are 10 ms: below a second the estimate is mostly quantisation noise
    if (s < 1) return { outsideCores: NaN, ownCores: NaN };
    return { outsideCores: r2(Math.max(0, busy - own) / s), ownCores: r2(own / s) };
  };
}
