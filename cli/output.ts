/** Printing a JobResult: one JSON object (`--json`) or a short summary; raw replicates to a file. */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { extname } from 'node:path';
import { DataError } from '../shared/errors.js';
import type { JobResult } from '../shared/job/spec.js';

/** The printed JSON: every field of the result except typed arrays (those go to --replicates-out). */
export function jsonView(result: JobResult): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(result)) {
    if (ArrayBuffer.isView(value)) continue;
    out[key] = value;
  }
  return out;
}

function fmt(v: number): string {
  return Number.isInteger(v) ? String(v) : v.toPrecision(6);
}

/** A few lines for people. */
export function humanSummary(r: JobResult, dataPath: string): string {
  const lines: string[] = [];
  const k = r.k !== null ? `, k=${r.k}` : '';
  lines.push(`${r.measure} (${r.estimator}${k}) on ${dataPath}: N=${r.n}${r.normalize ? ', normalized' : ''}`);
  lines.push(`  estimate: ${fmt(r.estimate)} ${r.units}`);
  if (r.ci) {
    const m = r.ci.m !== undefined ? `, m=${r.ci.m}` : '';
    const scaled = r.ci.scaling === 'sqrt(m/(N-m))' ? `, recentred, ×√(m/(N−m)) = ${fmt(r.ci.scale!)}` : '';
    lines.push(`  ${fmt(r.ci.level * 100)}% CI (${r.ci.method}, ${r.ci.scheme}${m}${scaled}, B=${r.replicates.bootstrap ?? '?'}): [${fmt(r.ci.low)}, ${fmt(r.ci.high)}]`);
    if (r.ci.target) lines.push(`    covers E[estimate at N=${r.n}], not the true value${r.ci.bias ? `; bias diagnostic z = ${r.ci.bias.z.toFixed(2)}, extrapolated bias ${fmt(r.ci.bias.extrapolated)}` : ''}`);
  }
  if (r.pValue !== undefined && r.chi2) lines.push(`  p-value: ${fmt(r.pValue)} (analytic: 2N·Î = ${fmt(r.chi2.statistic)} ~ χ²(${r.chi2.df})); bias-corrected estimate ${fmt(r.biasCorrected ?? r.estimate)}`);
  else if (r.pValue !== undefined) lines.push(`  p-value: ${fmt(r.pValue)} (${r.replicates.permutation ?? '?'} permutations)`);
  if (r.trials) lines.push(`  trials: ${r.trials.count} (column ${r.trials.column}); embeddings and surrogates within trials`);
  if (r.options && r.options['autoEmbed'] === 1) lines.push(`  auto-embedding chose ${Object.entries(r.options).filter(([k]) => ['targetHistory', 'targetDelay', 'sourceHistory', 'sourceDelay'].includes(k)).map(([k, v]) => `${k} = ${v}`).join(', ')}`);
  if (r.null) lines.push(`  null: mean ${fmt(r.null.mean)}, sd ${fmt(r.null.sd)}; bias-corrected estimate ${fmt(r.biasCorrected ?? r.estimate - r.null.mean)}`);
  if (r.ensemble?.neural) {
    const e = r.ensemble.neural;
    lines.push(`  critics: ${e.critics}, mean ${fmt(e.mean)}, sd ${fmt(e.sd)}; steps ${e.perCritic.map((c) => `${c.bestStep}/${c.steps}`).join(', ')} (kept/trained)`);
    if (e.method) lines.push(`  method: ${e.method}`);
    if (e.interval) lines.push(`  ensemble ${fmt(e.interval.level * 100)}% t interval [${fmt(e.interval.low)}, ${fmt(e.interval.high)}]: covers ${e.interval.covers}`);
    lines.push(`  held-out ${fmt(e.heldOut.level * 100)}% bootstrap [${fmt(e.heldOut.low)}, ${fmt(e.heldOut.high)}]: covers ${e.heldOut.covers}`);
    if (e.combined) lines.push(`  combined ${fmt(e.combined.level * 100)}% interval (critics + data, se ${fmt(e.combined.se)}) [${fmt(e.combined.low)}, ${fmt(e.combined.high)}]: covers ${e.combined.covers}`);
    e.perCritic.forEach((c, r) => lines.push(`    critic ${r}: held-out ${fmt(c.estimate)} [${fmt(c.heldOutLow)}, ${fmt(c.heldOutHigh)}], kept step ${c.bestStep} of ${c.steps}, validation ${fmt(c.validation)}`));
  }
  if (r.ensemble?.bagging) {
    const b = r.ensemble.bagging;
    lines.push(`  bagging: mean ${fmt(b.mean)}, sd ${fmt(b.sd)} over ${b.replicates} subsamples of ${fmt(b.fraction * 100)}%`);
  }
  if (r.ensemble?.byK) {
    lines.push(`  by k: ${r.ensemble.byK.map((e) => `k=${e.k}: ${fmt(e.estimate)}`).join(', ')}${r.ensemble.combined !== undefined ? `; combined ${fmt(r.ensemble.combined)}` : ''}`);
  }
  if (r.summaries) {
    const byPath = (want: string) => Object.entries(r.summaries!.paths).filter(([, v]) => v === want).map(([k]) => k);
    lines.push(`  summaries (${r.summaries.workloads.join(', ')}): exact counts for ${byPath('counts').join(', ') || '—'}; sketch (relative accuracy ${r.summaries.sketch.relativeAccuracy} about the estimate) for ${byPath('sketch').join(', ') || '—'}`);
  }
  const t = r.timings;
  const ms = (v: number) => `${v.toFixed(1)} ms`;
  lines.push(`  time: load ${ms(t.loadMs ?? 0)}, estimate ${ms(t.estimateMs)}${t.resampleMs !== undefined ? `, resampling ${ms(t.resampleMs)}` : ''}, total ${ms(t.totalMs)}`);
  for (const w of r.warnings) lines.push(`  warning: ${w}`);
  return lines.join('\n') + '\n';
}

/** The raw replicate series a result carries, by workload. */
export function replicateSeries(r: JobResult): Record<string, Float64Array> {
  const out: Record<string, Float64Array> = {};
  if (r.bootstrapDistribution) out['bootstrap'] = r.bootstrapDistribution;
  if (r.nullDistribution) out['null'] = r.nullDistribution;
  return out;
}

/**
 * Write replicate values: CSV (`workload,replicate,value`) when the file ends in .csv, else JSON
 * (`{ "bootstrap": [...], "null": [...] }`). Values are written with full precision, streamed in
 * chunks: the text of 1e6+ replicates (tens of MB) is never built as one string.
 */
export async function writeReplicates(path: string, r: JobResult): Promise<void> {
  const series = Object.entries(replicateSeries(r));
  const csv = extname(path).toLowerCase() === '.csv';
  const out = createWriteStream(path);
  const failed = new Promise<never>((_, reject) => out.once('error', reject));
  failed.catch(() => undefined);
  const write = async (text: string) => {
    if (!out.write(text)) await Promise.race([once(out, 'drain'), failed]);
  };
  const CHUNK = 8192;
  try {
    await write(csv ? 'workload,replicate,value\n' : '{');
    for (const [j, [name, values]] of series.entries()) {
      if (!csv) await write(`${j > 0 ? ',' : ''}${JSON.stringify(name)}:[`);
      for (let i0 = 0; i0 < values.length; i0 += CHUNK) {
        const parts: string[] = [];
        for (let i = i0; i < Math.min(values.length, i0 + CHUNK); i++) {
          const v = values[i]!;
          parts.push(csv ? `${name},${i},${v}\n` : `${i > 0 ? ',' : ''}${Number.isFinite(v) ? v : 'null'}`);
        }
        await write(parts.join(''));
      }
      if (!csv) await write(']');
    }
    await write(csv ? '' : '}\n');
    out.end();
    await Promise.race([once(out, 'finish'), failed]);
  } catch (err) {
    out.destroy();
    throw new DataError(`cannot write --replicates-out ${path}: ${(err as Error).message}`, { cause: err });
  }
}
