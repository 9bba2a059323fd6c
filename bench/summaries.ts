/**
 * Summary-path memory benchmark (issue 18): permutation tests of `gaussian` MI at N = 200 on a
 * real cluster — one coordinator process and 2 worker processes (1 thread each) on loopback —
 * with the coordinator's resident memory sampled from /proc while each job runs.
 *
 *   npm run bench -- summaries [--permutations 200000,1000000,3000000] [--vector 1000000]
 *
 * Each count in --permutations runs on the summary path (automatic above 1e5); each count in
 * --vector runs with `summaries: false` (the replicate vector path) for contrast. Writes
 * bench/results/summaries-latest.{json,md}. Times include the load of a shared machine.
 *
 *   npm run bench -- summaries --huge [--permutations 1000000,10000000,100000000]
 *
 * The run as a user makes it: the CLI (`infoshard estimate mi --estimator gaussian
 * --permutations P --coordinator ...`, N = 200) against a coordinator and 2 worker processes
 * (1 thread each) on loopback, with the RSS of the coordinator, the CLI client and both workers
 * sampled every 2 s from /proc. Writes bench/results/summaries-huge-latest.{json,md} after every
 * count (so a long series killed part-way keeps what finished) and the samples as
 * summaries-huge-timeline.jsonl.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { connectCluster } from '../coordinator/client.js';
import { packageVersion } from '../engine/embedded.js';
import { stream } from '../shared/rng/index.js';
import { repoRoot } from './paths.js';
import { weakPair } from './data.js';

interface Run {
  path: 'summaries' | 'vector';
  permutations: number;
  wallS: number;
  /** Largest coordinator RSS sampled during the job (MiB), and before it started. */
  coordinatorRssMiB: number;
  coordinatorRssBeforeMiB: number;
  clientRssMiB: number;
  resultJsonBytes: number;
  pValue: number;
}

function counts(flag: string, def: number[]): number[] {
  const i = process.argv.indexOf(`--${flag}`);
  return i > 0 ? process.argv[i + 1]!.split(',').filter(Boolean).map(Number) : def;
}

/** Resident set of a process in MiB (VmRSS from /proc); NaN once it has exited. */
function rssMiB(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : NaN;
  } catch {
    return NaN;
  }
}

function start(args: string[]): Promise<{ proc: ChildProcess; port: number }> {
  const proc = spawn(process.execPath, [path.join(repoRoot(), 'dist', 'bin', 'infoshard.js'), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  return new Promise((resolve, reject) => {
    proc.stdout!.on('data', (b: Buffer) => {
      out += b.toString();
      const m = /ready .*port=(\d+)/.exec(out);
      if (m) resolve({ proc, port: Number(m[1]) });
    });
    proc.stderr!.on('data', (b: Buffer) => (out += b.toString()));
    proc.once('exit', (c) => reject(new Error(`infoshard ${args[0]} exited ${c}: ${out}`)));
  });
}

export async function main(): Promise<void> {
  if (process.argv.includes('--huge')) return huge();
  const summaryCounts = counts('permutations', [200_000, 1_000_000, 3_000_000]);
  const vectorCounts = counts('vector', [1_000_000]);
  const t0 = performance.now();
  const loadStart = loadavg();
  const runs: Run[] = [];
  const ds = weakPair(200);
  const plan = [...summaryCounts.map((p) => ['summaries', p] as const), ...vectorCounts.map((p) => ['vector', p] as const)];
  for (const [kind, P] of plan) {
    // a fresh coordinator per run: a process keeps its heap after a big job, which would hide the next one's
    const coord = await start(['coordinator', '--listen', '127.0.0.1:0']);
    const workers = await Promise.all([0, 1].map(() => start(['worker', '--coordinator', `127.0.0.1:${coord.port}`, '--listen', '127.0.0.1:0', '--threads', '1'])));
    const engine = await connectCluster(`127.0.0.1:${coord.port}`);
    try {
      await new Promise((r) => setTimeout(r, 1500)); // registration
      const before = rssMiB(coord.proc.pid!);
      let peak = before, client = process.memoryUsage().rss / 2 ** 20;
      const timer = setInterval(() => {
        peak = Math.max(peak, rssMiB(coord.proc.pid!));
        client = Math.max(client, process.memoryUsage().rss / 2 ** 20);
      }, 200);
      const t = performance.now();
      const r = await engine.run({
        measure: 'mi', estimator: 'gaussian', x: ['x'], y: ['y'], seed: 1, data: ds, permutation: { shuffles: P }, ...(kind === 'vector' ? { summaries: false } : {}),
      });
      clearInterval(timer);
      peak = Math.max(peak, rssMiB(coord.proc.pid!));
      const run: Run = {
        path: kind, permutations: P, wallS: (performance.now() - t) / 1000, coordinatorRssMiB: peak, coordinatorRssBeforeMiB: before, clientRssMiB: client,
        resultJsonBytes: JSON.stringify(r, (_k, v: unknown) => (v instanceof Float64Array ? Array.from(v) : v)).length, pValue: r.pValue!,
      };
      runs.push(run);
      process.stderr.write(`${JSON.stringify(run)}\n`);
    } finally {
      await engine.close();
      for (const p of [...workers.map((w) => w.proc), coord.proc]) p.kill('SIGTERM');
    }
  }
  const report = {
    kind: 'summaries', version: packageVersion(), startedAt: new Date().toISOString(), wallS: (performance.now() - t0) / 1000,
    machine: { cpus: cpus().length, model: cpus()[0]?.model ?? '', node: process.version, loadavgStart: loadStart, loadavgEnd: loadavg() },
    job: 'mi gaussian, N = 200, permutation test; coordinator + 2 worker processes (1 thread each), memory store, loopback',
    runs,
  };
  const dir = path.join(repoRoot(), 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'summaries-latest.json'), JSON.stringify(report, null, 2) + '\n');
  const md = [
    `# Summary path: coordinator memory (${report.startedAt}, ${report.machine.cpus} cores, load ${loadStart.map((v) => v.toFixed(1)).join('/')})`,
    '',
    report.job,
    '',
    '| path | permutations | wall s | µs / replicate (wall, 2 workers) | coordinator RSS before → peak MiB | bench client peak RSS MiB | result JSON bytes |',
    '|---|---|---|---|---|---|---|',
    ...runs.map((r) => `| ${r.path} | ${r.permutations.toLocaleString('en')} | ${r.wallS.toFixed(1)} | ${((r.wallS * 1e6) / r.permutations).toFixed(1)} | ${r.coordinatorRssBeforeMiB.toFixed(0)} → ${r.coordinatorRssMiB.toFixed(0)} | ${r.clientRssMiB.toFixed(0)} | ${r.resultJsonBytes} |`),
    '',
  ].join('\n');
  writeFileSync(path.join(dir, 'summaries-latest.md'), md);
  process.stdout.write(md);
}

interface HugeRun {
  permutations: number;
  wallS: number;
  /** Peak RSS (MiB) over the samples; `…Start` is the first sample, taken as the client starts. */
  coordinatorRssPeakMiB: number;
  coordinatorRssStartMiB: number;
  clientRssPeakMiB: number;
  workerRssPeakMiB: number;
  samples: number;
  loadavgStart: number[];
  loadavgEnd: number[];
  pValue: number;
  /** What the result says made the p-value (the summary path or the vector). */
  nullPath: unknown;
}

/** The CLI run of issue 18 against a local cluster, with RSS sampled every 2 s (see the header). */
async function huge(): Promise<void> {
  const plan = counts('permutations', [1_000_000, 10_000_000, 100_000_000]);
  const dir = path.join(repoRoot(), 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const timeline = path.join(dir, 'summaries-huge-timeline.jsonl');
  writeFileSync(timeline, '');
  const ds = weakPair(200);
  const csv = path.join(tmpdir(), `infoshard-huge-${process.pid}.csv`);
  writeFileSync(csv, 'x,y\n' + Array.from({ length: ds.n }, (_, i) => `${ds.columns[0]![i]},${ds.columns[1]![i]}`).join('\n') + '\n');
  const bin = path.join(repoRoot(), 'dist', 'bin', 'infoshard.js');
  const runs: HugeRun[] = [];
  const startedAt = new Date().toISOString();
  const t0 = performance.now();
  for (const P of plan) {
    const coord = await start(['coordinator', '--listen', '127.0.0.1:0']);
    const workers = await Promise.all([0, 1].map(() => start(['worker', '--coordinator', `127.0.0.1:${coord.port}`, '--listen', '127.0.0.1:0', '--threads', '1'])));
    try {
      await new Promise((r) => setTimeout(r, 1500)); // registration
      const args = ['estimate', 'mi', '--data', csv, '--x', 'x', '--y', 'y', '--estimator', 'gaussian', '--permutations', String(P), '--seed', '1', '--coordinator', `127.0.0.1:${coord.port}`, '--json'];
      const loadavgStart = loadavg();
      const t = performance.now();
      const client = spawn(process.execPath, [bin, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '', err = '';
      client.stdout!.on('data', (b: Buffer) => (out += b.toString()));
      client.stderr!.on('data', (b: Buffer) => (err += b.toString()));
      const peak = { coordinator: 0, client: 0, worker: 0 };
      let first = NaN, samples = 0;
      const sample = () => {
        const c = rssMiB(coord.proc.pid!), cl = rssMiB(client.pid!), w = Math.max(...workers.map((x) => rssMiB(x.proc.pid!)));
        if (Number.isNaN(first)) first = c;
        if (c > peak.coordinator) peak.coordinator = c;
        if (cl > peak.client) peak.client = cl;
        if (w > peak.worker) peak.worker = w;
        samples++;
        appendFileSync(timeline, JSON.stringify({ permutations: P, t: +((performance.now() - t) / 1000).toFixed(1), coordinatorMiB: +c.toFixed(1), clientMiB: +cl.toFixed(1), workerMaxMiB: +w.toFixed(1), load1: +loadavg()[0]!.toFixed(2) }) + '\n');
      };
      sample();
      const timer = setInterval(sample, 2000);
      const code = await new Promise<number | null>((resolve) => client.once('exit', resolve));
      clearInterval(timer);
      sample();
      const wallS = (performance.now() - t) / 1000;
      if (code !== 0) throw new Error(`estimate exited ${code}: ${err.slice(-2000)}`);
      const r = JSON.parse(out) as { pValue?: number; resampling?: unknown; paths?: unknown; nullSummary?: unknown } & Record<string, unknown>;
      const run: HugeRun = {
        permutations: P, wallS, coordinatorRssPeakMiB: peak.coordinator, coordinatorRssStartMiB: first, clientRssPeakMiB: peak.client, workerRssPeakMiB: peak.worker, samples,
        loadavgStart, loadavgEnd: loadavg(), pValue: r.pValue!, nullPath: r['summaries'] ?? r.paths ?? null,
      };
      runs.push(run);
      process.stderr.write(`${JSON.stringify(run)}\n`);
    } finally {
      for (const p of [...workers.map((w) => w.proc), coord.proc]) p.kill('SIGTERM');
    }
    writeHuge(dir, { startedAt, wallS: (performance.now() - t0) / 1000, runs });
  }
}

function writeHuge(dir: string, r: { startedAt: string; wallS: number; runs: HugeRun[] }): void {
  const report = {
    kind: 'summaries-huge', version: packageVersion(), ...r,
    machine: { cpus: cpus().length, model: cpus()[0]?.model ?? '', node: process.version, loadavgNow: loadavg() },
    job: 'infoshard estimate mi --estimator gaussian --permutations P --seed 1 --json, N = 200, via --coordinator: coordinator + 2 worker processes (1 thread each), memory store, loopback; RSS sampled every 2 s',
  };
  writeFileSync(path.join(dir, 'summaries-huge-latest.json'), JSON.stringify(report, null, 2) + '\n');
  const md = [
    `# Summary path at scale (${r.startedAt}, ${report.machine.cpus} cores)`,
    '',
    report.job,
    '',
    '| permutations | wall s | µs / replicate (wall) | load 1-min start → end | coordinator RSS first → peak MiB | CLI client peak MiB | worker peak MiB | samples | p |',
    '|---|---|---|---|---|---|---|---|---|',
    ...r.runs.map((x) => `| ${x.permutations.toExponential(0)} | ${x.wallS.toFixed(0)} | ${((x.wallS * 1e6) / x.permutations).toFixed(2)} | ${x.loadavgStart[0]!.toFixed(1)} → ${x.loadavgEnd[0]!.toFixed(1)} | ${x.coordinatorRssStartMiB.toFixed(0)} → ${x.coordinatorRssPeakMiB.toFixed(0)} | ${x.clientRssPeakMiB.toFixed(0)} | ${x.workerRssPeakMiB.toFixed(0)} | ${x.samples} | ${x.pValue} |`),
    '',
  ].join('\n');
  writeFileSync(path.join(dir, 'summaries-huge-latest.md'), md);
  process.stdout.write(md);
}
