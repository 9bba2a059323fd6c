/**
 * Scaling: the same permutation job (ksg1, N = 1e4, P = 200) on the embedded engine (1 and 2
 * threads), on a loopback cluster with 1 worker process and with 2 worker processes (one pool
 * thread each); then a trivial job (N = 100) cut into many vs few shards on 1 worker, whose
 * difference is the per-shard cost (dispatch, RPC, merge) free of estimator time. Every run must return the same null distribution, bit for bit.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { connectCluster } from '../coordinator/client.js';
import type { Dataset } from '../shared/data/matrix.js';
import type { Job } from '../shared/job/spec.js';
import { LineChild } from './child.js';
import { cliPath, nodeScript, repoRoot } from './paths.js';
import type { AgreeReply, CaseSpec, QuitReply, RunReply } from './protocol.js';
import { gaussianRegression } from './data.js';
import { ratio, round3 } from './stats.js';

export interface ScalingRun {
  label: string;
  wallMs: number;
  resampleMs?: number;
  shards?: number;
  /** T(1 thread or worker) / T(this), same engine kind. */
  speedup?: number;
  /** speedup / parallel units. */
  efficiency?: number;
  /** (wall − embedded wall with as many threads) / shards: fixed and per-shard cost spread over shards. */
  overheadMsPerShard?: number;
  /** Peak RSS per process (KiB): the engine process, or coordinator + workers. */
  peakRssKb: number[];
  identical: boolean;
}

export interface ScalingResult {
  status: 'done' | 'pending' | 'failed';
  reason?: string;
  n?: number;
  permutations?: number;
  runs: ScalingRun[];
  /** Marginal cost of one more shard on 1 worker, from a trivial job cut into many vs few shards. */
  perShardMs?: number;
  /** The trivial job behind perShardMs: wall with one replicate per shard vs 100 per shard. */
  perShard?: { n: number; permutations: number; manyShards: number; manyMs: number; fewShards: number; fewMs: number };
  /** 1-worker wall minus embedded 1-thread wall minus shards × perShardMs. */
  fixedClusterMs?: number;
}

interface Proc {
  proc: ChildProcess;
  port: number;
}

function spawnInfoshard(args: string[]): Promise<Proc> {
  const proc = spawn(process.execPath, [cliPath(), ...args], { cwd: repoRoot(), stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      proc.kill('SIGKILL');
      reject(new Error(`infoshard ${args[0]} not ready after 30 s:\n${out}`));
    }, 30_000);
    const onData = (b: Buffer) => {
      out += b.toString();
      const m = / ready .*port=(\d+)/.exec(out);
      if (!m) return;
      clearTimeout(timer);
      proc.stdout!.off('data', onData);
      proc.stdout!.resume();
      resolve({ proc, port: Number(m[1]) });
    };
    proc.stdout!.on('data', onData);
    proc.stderr!.on('data', (b: Buffer) => (out = (out + b.toString()).slice(-4000)));
    proc.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`infoshard ${args[0]} exited (${code}) before ready:\n${out}`));
    });
  });
}

/** VmHWM (peak RSS, KiB) of a live process, from /proc. */
function peakRssKb(pid: number | undefined): number {
  try {
    const m = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

async function stopAll(ps: Proc[]): Promise<void> {
  await Promise.all(
    ps.map(
      (p) =>
        new Promise<void>((resolve) => {
          if (p.proc.exitCode !== null) return resolve();
          p.proc.once('exit', () => resolve());
          p.proc.kill('SIGTERM');
          setTimeout(() => p.proc.kill('SIGKILL'), 3000).unref();
        }),
    ),
  );
}

/** Whether the cluster commands exist in the compiled CLI (`infoshard worker --help`). */
export function clusterAvailable(): { ok: boolean; reason?: string } {
  if (!existsSync(cliPath())) return { ok: false, reason: `${cliPath()} not built` };
  const r = spawnSync(process.execPath, [cliPath(), 'worker', '--help'], { encoding: 'utf8' });
  return r.status === 0 ? { ok: true } : { ok: false, reason: '`infoshard worker --help` failed: cluster commands not available' };
}

export interface ScalingOptions {
  /** .npy of the data (n × 2), as written by the suite. */
  dataPath: string;
  data: Dataset;
  permutations: number;
  k: number;
  seed: number;
  /** Shard size of the main cluster runs. @default 25 */
  shardSize?: number;
  /** Permutations of the trivial per-shard-cost job. @default 500 */
  overheadPermutations?: number;
  /** Timed repetitions per configuration (fastest kept). @default 2 */
  reps?: number;
  log?: (s: string) => void;
}

/** The embedded engine in its own process (peak RSS of its own), full null distribution back; fastest of `reps`. */
async function embeddedRun(o: ScalingOptions, threads: number, reps: number): Promise<{ wallMs: number; resampleMs: number; nullDist: number[]; rss: number }> {
  const spec: CaseSpec = { id: `scaling-embedded-${threads}t`, kind: 'permutation', dataPath: o.dataPath, dx: 1, k: o.k, seed: o.seed, replicates: o.permutations, agreeReplicates: o.permutations };
  const c = new LineChild(spec.id, process.execPath, [...nodeScript('ours-runner'), JSON.stringify(spec), String(threads)]);
  try {
    await c.send({ op: 'warmup' });
    let best: RunReply | undefined;
    for (let i = 0; i < reps; i++) {
      const r = await c.send<RunReply>({ op: 'run' });
      if (!best || r.ms < best.ms) best = r;
    }
    const a = await c.send<AgreeReply>({ op: 'agree' });
    const q = await c.send<QuitReply>({ op: 'quit' });
    return { wallMs: best!.ms, resampleMs: best!.resampleMs ?? NaN, nullDist: a.replicates ?? [], rss: q.maxRssKb };
  } finally {
    c.kill();
  }
}

interface ClusterTiming {
  wallMs: number;
  resampleMs: number;
  nullDist: number[];
  rss: number[];
}

/** A loopback cluster (coordinator + `workers` one-thread workers); the job timed `reps` times after a warm-up, fastest kept. */
async function clusterRun(data: Dataset, o: ScalingOptions, permutations: number, workers: number, shardSize: number, reps: number): Promise<ClusterTiming> {
  const procs: Proc[] = [];
  try {
    const coord = await spawnInfoshard(['coordinator', '--listen', '127.0.0.1:0', '--shard-size', String(shardSize)]);
    procs.push(coord);
    for (let w = 0; w < workers; w++) {
      procs.push(await spawnInfoshard(['worker', '--coordinator', `127.0.0.1:${coord.port}`, '--listen', '127.0.0.1:0', '--threads', '1']));
    }
    const engine = await connectCluster(`127.0.0.1:${coord.port}`);
    try {
      for (let t = 0; (await engine.listWorkers()).length < workers; t++) {
        if (t > 400) throw new Error(`only ${(await engine.listWorkers()).length} of ${workers} workers registered`);
        await new Promise((r) => setTimeout(r, 25));
      }
      const job: Job = { measure: 'mi', estimator: 'ksg1', k: o.k, x: [0], y: [1], normalize: true, seed: o.seed, data, permutation: { shuffles: permutations } };
      // warm-up: uploads the dataset once (it stays cached on the workers) and JITs the workers
      await engine.run({ ...job, permutation: { shuffles: Math.min(8, permutations) } });
      let best: ClusterTiming | undefined;
      for (let i = 0; i < reps; i++) {
        const t = performance.now();
        const r = await engine.run(job);
        const wallMs = performance.now() - t;
        if (!best || wallMs < best.wallMs) best = { wallMs, resampleMs: r.timings.resampleMs ?? NaN, nullDist: Array.from(r.nullDistribution ?? []), rss: [] };
      }
      best!.rss = procs.map((p) => peakRssKb(p.proc.pid));
      return best!;
    } finally {
      await engine.close();
    }
  } finally {
    await stopAll(procs);
  }
}

const sameBits = (a: number[], b: number[]) => a.length === b.length && a.every((v, i) => Object.is(v, b[i]));

export async function runScaling(o: ScalingOptions): Promise<ScalingResult> {
  const log = o.log ?? (() => undefined);
  const avail = clusterAvailable();
  const S = o.shardSize ?? 25, P = o.permutations, reps = o.reps ?? 2;
  const shards = (size: number) => Math.ceil(P / size);
  const e1 = await embeddedRun(o, 1, reps);
  log(`scaling: embedded 1t ${e1.wallMs.toFixed(0)} ms`);
  const e2 = await embeddedRun(o, 2, reps);
  log(`scaling: embedded 2t ${e2.wallMs.toFixed(0)} ms`);
  const runs: ScalingRun[] = [
    { label: 'embedded, 1 thread', wallMs: round3(e1.wallMs), resampleMs: round3(e1.resampleMs), speedup: 1, efficiency: 1, peakRssKb: [e1.rss], identical: true },
    { label: 'embedded, 2 threads', wallMs: round3(e2.wallMs), resampleMs: round3(e2.resampleMs), speedup: ratio(e1.wallMs, e2.wallMs), efficiency: ratio(e1.wallMs, 2 * e2.wallMs), peakRssKb: [e2.rss], identical: sameBits(e1.nullDist, e2.nullDist) },
  ];
  if (!avail.ok) return { status: 'pending', reason: avail.reason!, n: o.data.n, permutations: P, runs };
  try {
    const c1 = await clusterRun(o.data, o, P, 1, S, reps);
    log(`scaling: cluster 1 worker ${c1.wallMs.toFixed(0)} ms`);
    const c2 = await clusterRun(o.data, o, P, 2, S, reps);
    log(`scaling: cluster 2 workers ${c2.wallMs.toFixed(0)} ms`);
    const cl = (label: string, c: ClusterTiming, units: number, ref: number): ScalingRun => ({
      label, wallMs: round3(c.wallMs), resampleMs: round3(c.resampleMs), shards: shards(S),
      speedup: ratio(c1.wallMs, c.wallMs), efficiency: ratio(c1.wallMs, units * c.wallMs),
      overheadMsPerShard: round3((c.wallMs - ref) / shards(S)),
      peakRssKb: c.rss, identical: sameBits(e1.nullDist, c.nullDist),
    });
    runs.push(cl(`cluster, 1 worker (shard size ${S})`, c1, 1, e1.wallMs), cl(`cluster, 2 workers (shard size ${S})`, c2, 2, e2.wallMs));
    // per-shard cost on a trivial workload (N = 100: ~0.1 ms per replicate), shard size 1 vs 100
    const tiny = gaussianRegression(100, 1, o.seed).dataset;
    const Pt = o.overheadPermutations ?? 500, big = 100;
    const many = await clusterRun(tiny, o, Pt, 1, 1, reps);
    const few = await clusterRun(tiny, o, Pt, 1, big, reps);
    const perShardMs = round3((many.wallMs - few.wallMs) / (Pt - Math.ceil(Pt / big)));
    log(`scaling: trivial job, ${Pt} shards ${many.wallMs.toFixed(0)} ms vs ${Math.ceil(Pt / big)} shards ${few.wallMs.toFixed(0)} ms: ${perShardMs} ms/shard`);
    return {
      status: 'done', n: o.data.n, permutations: P, runs, perShardMs,
      perShard: { n: 100, permutations: Pt, manyShards: Pt, manyMs: round3(many.wallMs), fewShards: Math.ceil(Pt / big), fewMs: round3(few.wallMs) },
      fixedClusterMs: round3(c1.wallMs - e1.wallMs - shards(S) * perShardMs),
    };
  } catch (e) {
    return { status: 'failed', reason: e instanceof Error ? e.message : String(e), n: o.data.n, permutations: P, runs };
  }
}
