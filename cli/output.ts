/** Printing a JobResult: one JSON object (`--json`) or a short summary; raw replicates to a file. */
import { createWriteStream, type WriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { once } from 'node:events';
import { extname } from 'node:path';
import { DataError } from '../shared/errors.js';
import type { JobResult, ReplicateSeries, ReplicateSink } from '../shared/job/spec.js';

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
  const out = new ReplicatesFile(path);
  try {
    await out.write(csv ? 'workload,replicate,value\n' : '{');
    for (const [j, [name, values]] of series.entries()) {
      if (!csv) await out.write(`${j > 0 ? ',' : ''}${JSON.stringify(name)}:[`);
      for (let i0 = 0; i0 < values.length; i0 += CHUNK) await out.write(replicateText(name, values, i0, Math.min(values.length, i0 + CHUNK), i0, csv));
      if (!csv) await out.write(']');
    }
    await out.write(csv ? '' : '}\n');
    await out.end();
  } catch (err) {
    out.destroy();
    throw new DataError(`cannot write --replicates-out ${path}: ${(err as Error).message}`, { cause: err });
  }
}

const CHUNK = 8192;

/** Values [i0, i1) of a series as file text; `index` is the replicate number of values[i0]. */
function replicateText(name: string, values: Float64Array, i0: number, i1: number, index: number, csv: boolean): string {
  const parts: string[] = [];
  for (let i = i0, r = index; i < i1; i++, r++) {
    const v = values[i]!;
    parts.push(csv ? `${name},${r},${v}\n` : `${r > 0 ? ',' : ''}${Number.isFinite(v) ? v : 'null'}`);
  }
  return parts.join('');
}

/** A write stream whose writes wait for 'drain' and reject on the stream's error. */
class ReplicatesFile {
  private readonly out: WriteStream;
  private readonly failed: Promise<never>;

  constructor(path: string) {
    this.out = createWriteStream(path);
    this.failed = new Promise<never>((_, reject) => this.out.once('error', reject));
    this.failed.catch(() => undefined);
  }

  async write(text: string): Promise<void> {
    if (!this.out.write(text)) await Promise.race([once(this.out, 'drain'), this.failed]);
  }

  async end(): Promise<void> {
    this.out.end();
    await Promise.race([once(this.out, 'finish'), this.failed]);
  }

  destroy(): void {
    this.out.destroy();
  }
}

/**
 * `--replicates-out` while the job runs (RunOptions.onReplicates): shards arrive in completion
 * order and are written in replicate order, the same bytes as writeReplicates on the finished
 * result. Only shards that arrived ahead of the next one to write are held (the out-of-order
 * window: about the shards in flight); nothing else of the series stays in memory.
 */
export class ReplicatesStream implements ReplicateSink {
  private readonly csv: boolean;
  private file: ReplicatesFile | undefined;
  private series: { name: ReplicateSeries; count: number }[] = [];
  /** Index into `series` being written, and the next replicate of it. */
  private at = 0;
  private next = 0;
  private readonly pending = new Map<string, Float64Array>();
  private chain: Promise<void> = Promise.resolve();
  /** Most values held at once while waiting for an earlier shard (for tests and the RSS note). */
  maxHeld = 0;
  private held = 0;
  started = false;

  constructor(private readonly path: string) {
    this.csv = extname(path).toLowerCase() === '.csv';
  }

  begin(series: { name: ReplicateSeries; count: number }[]): void {
    this.started = true;
    this.file = new ReplicatesFile(this.path);
    this.series = series.filter((s) => s.count > 0);
    this.enqueue(this.csv ? 'workload,replicate,value\n' : '{');
    this.openSeries();
  }

  push(name: ReplicateSeries, r0: number, values: Float64Array): void {
    this.pending.set(`${name}:${r0}`, values);
    this.held += values.length;
    this.maxHeld = Math.max(this.maxHeld, this.held);
    for (let s = this.series[this.at]; s && this.pending.has(`${s.name}:${this.next}`); s = this.series[this.at]) {
      const key = `${s.name}:${this.next}`;
      const v = this.pending.get(key)!;
      this.pending.delete(key);
      this.held -= v.length;
      for (let i0 = 0; i0 < v.length; i0 += CHUNK) {
        const i1 = Math.min(v.length, i0 + CHUNK);
        const start = this.next + i0;
        this.enqueue(() => replicateText(s.name, v, i0, i1, start, this.csv));
      }
      this.next += v.length;
      if (this.next >= s.count) {
        if (!this.csv) this.enqueue(']');
        this.at++;
        this.next = 0;
        this.openSeries();
      }
    }
  }

  private openSeries(): void {
    const s = this.series[this.at];
    if (s && !this.csv) this.enqueue(`${this.at > 0 ? ',' : ''}${JSON.stringify(s.name)}:[`);
  }

  /** Text is formatted when its turn comes, so queued shards stay numbers, not strings. */
  private enqueue(text: string | (() => string)): void {
    this.chain = this.chain.then(() => this.file!.write(typeof text === 'string' ? text : text()));
    this.chain.catch(() => undefined); // seen by finish()
  }

  /** After the run: the closing bytes, every series complete; DataError when the file could not be written. */
  async finish(): Promise<void> {
    if (!this.file) return;
    try {
      if (this.at < this.series.length) throw new Error(`the ${this.series[this.at]!.name} series stopped at replicate ${this.next} of ${this.series[this.at]!.count}`);
      this.enqueue(this.csv ? '' : '}\n');
      await this.chain;
      await this.file.end();
    } catch (err) {
      this.file.destroy();
      await rm(this.path, { force: true });
      throw new DataError(`cannot write --replicates-out ${this.path}: ${(err as Error).message}`, { cause: err });
    }
  }

  /** The run failed: drop the partial file. */
  async discard(): Promise<void> {
    if (!this.file) return;
    this.file.destroy();
    await this.chain.catch(() => undefined);
    await rm(this.path, { force: true });
  }
}
