/** Markdown rendering of the benchmark results. */
import type { CaseResult } from './suite.js';
import type { ScalingResult } from './scaling.js';

const ms = (v: number) => (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2));
const mib = (kb: number) => (kb / 1024).toFixed(0);
const e = (v: number | undefined) => (v === undefined || Number.isNaN(v) ? '–' : v === 0 ? '0' : v.toExponential(1));

export function suiteTable(cases: CaseResult[]): string {
  const head = [
    '| case | sklearn ms (min) | ours 1t ms | ours 2t ms | speedup 1t | speedup 2t | repl/s sklearn · 1t · 2t | peak RSS MiB sklearn · 1t · 2t | \\|Δ\\| public | \\|Δ\\| exact | replicates \\|Δ\\| public · exact |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  const rows = cases.map((c) => {
    const t1 = c.ours['t1'], t2 = c.ours['t2'];
    const rate = c.replicates ? [c.sklearn.replicatesPerSec, t1?.replicatesPerSec, t2?.replicatesPerSec].map((v) => (v === undefined ? '–' : v.toFixed(1))).join(' · ') : '–';
    const rss = [c.sklearn.maxRssKb, t1?.maxRssKb, t2?.maxRssKb].map((v) => (v === undefined ? '–' : mib(v))).join(' · ');
    const joint = t1?.joint ? ` (joint ${c.dx}-D: ${ms(t1.joint.minMs)} ms, ${c.speedup['joint-t1']}×)` : '';
    const reps = c.agreement.replicatesCompared ? `${e(c.agreement.replicatesMaxAbsDiffPublic)} · ${e(c.agreement.replicatesMaxAbsDiffExact)}` : '–';
    return `| ${c.id} | ${ms(c.sklearn.minMs)} | ${t1 ? ms(t1.minMs) : '–'}${joint} | ${t2 ? ms(t2.minMs) : '–'} | ${c.speedup['t1'] ?? '–'}× | ${c.speedup['t2'] !== undefined ? `${c.speedup['t2']}×` : '–'} | ${rate} | ${rss} | ${e(c.agreement.maxAbsDiffPublic)} | ${e(c.agreement.maxAbsDiffExact)} | ${reps} |`;
  });
  return [...head, ...rows].join('\n');
}

/** Per case: the largest outside load (cores) seen during any timed run of either side. */
export function loadLine(cases: CaseResult[]): string {
  const parts = cases.map((c) => {
    const all = [c.sklearn, ...Object.values(c.ours)].flatMap((s) => s.load.map((l) => l.outsideCores)).filter((v) => !Number.isNaN(v));
    return all.length ? `${c.id} ${Math.max(...all).toFixed(2)}` : undefined;
  }).filter((p) => p !== undefined);
  return parts.length ? `Outside load (cores busy with other processes during timed runs ≥ 1 s; worst run per case): ${parts.join('; ')}.` : '';
}

export function scalingTable(s: ScalingResult): string {
  if (s.status !== 'done') return `Scaling: ${s.status}${s.reason ? ` (${s.reason})` : ''}`;
  const head = ['| engine | wall ms | resample ms | shards | speedup vs 1 | efficiency | overhead ms/shard vs embedded | peak RSS MiB | identical null |', '|---|---|---|---|---|---|---|---|---|'];
  const rows = s.runs.map((r) => `| ${r.label} | ${ms(r.wallMs)} | ${r.resampleMs !== undefined ? ms(r.resampleMs) : '–'} | ${r.shards ?? '–'} | ${r.speedup ?? '–'} | ${r.efficiency ?? '–'} | ${r.overheadMsPerShard !== undefined ? r.overheadMsPerShard.toFixed(2) : '–'} | ${r.peakRssKb.map(mib).join(' + ')} | ${r.identical ? 'yes' : 'NO'} |`);
  return [...head, ...rows].join('\n');
}
