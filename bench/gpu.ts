/**
 * Benchmark (issues 5, 17): ksg1 (2-D, k = 3) permutation replicates on the gpu.js path vs the
 * CPU path, for N in {1e3, 1e4, 5e4} and batches of {16, 128, 512} replicates.
 *
 * Per (N, batch), all measured in this run:
 *   cpu1    CpuBackend (kd-tree, one thread) over the first 128 permutations, ms per replicate
 *           (its cost per replicate does not depend on the batch);
 *   cpuT    the engine on T threads (`createEngine({ threads: T }).run`, a permutation job with
 *           `batch` shuffles, backend 'cpu'), marginal wall time per replicate (the job's fixed
 *           cost, measured without shuffles, subtracted): the CPU path a user gets;
 *   gpu     GpuBackend (gpu.js mode `--mode`) over the same permutations, after one untimed call
 *           of the same kernel shape (compilation), ms per replicate;
 *   identical  the gpu values of those first ≤ 128 permutations equal cpu1's, bit for bit.
 * When gpu.js runs on the host (webasm/cpu: no GPU), brute force costs ~N² per replicate, so
 * sizes above `--max-host-n` are extrapolated from the largest measured size (∝ N²) and marked so.
 *
 *   npm run bench -- gpu [--mode webgpu|webasm|gpu] [--sizes 1000,10000,50000]
 *       [--batches 16,128,512] [--threads T] [--max-host-n 10000] [--out DIR]
 * Writes DIR/gpu.json (default bench/results/).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createEngine } from '../engine/embedded.js';
import { permutation, stream } from '../shared/rng/index.js';
import { CpuBackend } from '../worker/gpu/cpu-backend.js';
import { GpuBackend } from '../worker/gpu/gpu-backend.js';
import { chunking } from '../worker/gpu/gpu-counts.js';
import { DEFAULT_MAX_BYTES_PER_CALL } from '../worker/gpu/types.js';
import { repoRoot } from './paths.js';

const K = 3;
const HOST_MODES = new Set(['webasm', 'cpu']);
/** Replicates run on CpuBackend per N: its timing, and the reference values the gpu ones must equal. */
const CPU_REPLICATES = 128;

export interface GpuBenchOptions {
  mode: string;
  sizes: number[];
  batches: number[];
  threads: number;
  maxHostN: number;
  out: string;
}

export interface GpuBenchRow {
  n: number;
  batch: number;
  cpu1MsPerReplicate: number;
  cpuThreadsMsPerReplicate: number;
  threads: number;
  gpuMsPerReplicate: number;
  gpuMeasured: 'measured' | 'extrapolated (∝ N² from the largest measured N)';
  speedupOverCpu1: number;
  speedupOverCpuThreads: number;
  /** The first `compared` gpu values are bit-identical to cpu1's (null: extrapolated, nothing ran). */
  identical: boolean | null;
  compared: number;
}

function parseList(v: string, flag: string): number[] {
  const xs = v.split(',').map(Number);
  if (xs.length === 0 || xs.some((x) => !Number.isInteger(x) || x < 1)) throw new Error(`${flag}: expected positive integers separated by commas, got '${v}'`);
  return xs;
}

export function parseGpuBenchArgs(argv: string[]): GpuBenchOptions {
  const o: GpuBenchOptions = {
    mode: process.env.INFOSHARD_GPU_MODE || 'gpu',
    sizes: [1_000, 10_000, 50_000],
    batches: [16, 128, 512],
    threads: os.availableParallelism(),
    maxHostN: 10_000,
    out: path.join(repoRoot(), 'bench', 'results'),
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const v = argv[i + 1];
    if (v === undefined && a.startsWith('--')) throw new Error(`${a}: missing value`);
    switch (a) {
      case '--mode': o.mode = v!; i++; break;
      case '--sizes': o.sizes = parseList(v!, a); i++; break;
      case '--batches': o.batches = parseList(v!, a); i++; break;
      case '--threads': o.threads = parseList(v!, a)[0]!; i++; break;
      case '--max-host-n': o.maxHostN = parseList(v!, a)[0]!; i++; break;
      case '--out': o.out = path.resolve(v!); i++; break;
      default: throw new Error(`bench gpu: unknown argument '${a}'`);
    }
  }
  return o;
}

function data(n: number) {
  const rng = stream(42, 0, 99);
  const x = new Float64Array(n), y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    x[i] = rng.nextGaussian();
    y[i] = 0.6 * x[i]! + 0.8 * rng.nextGaussian();
  }
  return { x: { n, d: 1, data: x }, y: { n, d: 1, data: y } };
}

/**
 * Marginal wall time per replicate of a permutation job on the engine's CPU path with T
 * threads: (T(job with `batch` shuffles) − T(the same job without)) / batch, so the fixed cost
 * of a job (validation, hashing, the observed estimate) is not charged to the replicates.
 */
async function engineMs(n: number, batch: number, threads: number, input: ReturnType<typeof data>): Promise<number> {
  const engine = createEngine({ threads });
  try {
    const job = {
      measure: 'mi' as const, estimator: 'ksg1', k: K, x: ['x'], y: ['y'], normalize: false, seed: 7, backend: 'cpu' as const,
      data: { names: ['x', 'y'], columns: [input.x.data, input.y.data], n },
    };
    await engine.run({ ...job, permutation: { shuffles: Math.min(batch, 2 * threads) } }); // warm the pool
    let t0 = performance.now();
    await engine.run(job);
    const base = performance.now() - t0;
    t0 = performance.now();
    await engine.run({ ...job, permutation: { shuffles: batch } });
    return (performance.now() - t0 - base) / batch;
  } finally {
    await engine.close();
  }
}

function report(o: GpuBenchOptions, gpu: GpuBackend, startedAt: string, rows: GpuBenchRow[]) {
  return {
    benchmark: 'gpu',
    startedAt,
    estimator: 'ksg1 (mi), 2-D, k = 3, permutation replicates, normalize off',
    gpuMode: gpu.mode,
    gpuStats: gpu.stats,
    options: { sizes: o.sizes, batches: o.batches, threads: o.threads, maxHostN: o.maxHostN },
    machine: { cpus: os.availableParallelism(), model: os.cpus()[0]?.model ?? '?', node: process.version, platform: `${process.platform}-${process.arch}` },
    notes: [
      'cpu1: CpuBackend (kd-tree) on one thread, first 128 permutations; cpuThreads: engine.run permutation job with backend cpu on `threads` worker threads, marginal wall per replicate (job without shuffles subtracted).',
      'gpu: GpuBackend.permutationBatchAsync after one untimed call of the same kernel shape; identical = the first `compared` values equal cpu1 bit for bit.',
    ],
    rows,
  };
}

export async function main(argv: string[] = process.argv.slice(2)): Promise<{ rows: GpuBenchRow[]; file: string }> {
  const o = parseGpuBenchArgs(argv);
  const gpu = await GpuBackend.open({ mode: o.mode });
  const cpu = new CpuBackend();
  const host = HOST_MODES.has(gpu.mode);
  const rows: GpuBenchRow[] = [];
  mkdirSync(o.out, { recursive: true });
  const file = path.join(o.out, 'gpu.json');
  const startedAt = new Date().toISOString();
  // rewritten after every row, so a run cut short by a time limit still leaves its rows
  const write = () => writeFileSync(file, JSON.stringify(report(o, gpu, startedAt, rows), null, 2) + '\n');
  let hostCoeff = NaN; // ms per replicate per N², host modes, from the largest measured size
  const log = (s: string) => process.stderr.write(`${s}\n`);
  log(`bench gpu: gpu.js mode ${gpu.mode}${host ? ' (runs on the host CPU)' : ''}, sizes ${o.sizes.join(',')}, batches ${o.batches.join(',')}, ${o.threads} threads`);
  try {
    for (const n of o.sizes) {
      const input = data(n);
      const maxB = Math.max(...o.batches);
      const perms = Array.from({ length: maxB }, (_, r) => permutation(n, stream(7, r, 3)));
      cpu.permutationBatch('mi', 'ksg1', input, { k: K }, perms.slice(0, 8)); // JIT warm-up
      // the kd-tree's cost per replicate does not depend on the batch: one timed run per N,
      // whose values are also the reference for every batch (batches are prefixes of perms)
      const nCpu = Math.min(maxB, CPU_REPLICATES);
      let t0 = performance.now();
      const cpuVals = cpu.permutationBatch('mi', 'ksg1', input, { k: K }, perms.slice(0, nCpu));
      const cpu1 = (performance.now() - t0) / nCpu;
      for (const batch of o.batches) {
        const ps = perms.slice(0, batch);
        const cpuT = await engineMs(n, batch, o.threads, input);
        let gpuMs: number;
        let how: GpuBenchRow['gpuMeasured'] = 'measured';
        let identical: boolean | null = null;
        let compared = 0;
        if (!host || n <= o.maxHostN) {
          // one untimed call of the timed calls' kernel shape compiles it (see gpu-counts chunking)
          const shapeReps = chunking(n, 2, 2, batch, DEFAULT_MAX_BYTES_PER_CALL).reps;
          await gpu.permutationBatchAsync('mi', 'ksg1', input, { k: K }, ps.slice(0, shapeReps));
          t0 = performance.now();
          const vals = await gpu.permutationBatchAsync('mi', 'ksg1', input, { k: K }, ps);
          gpuMs = (performance.now() - t0) / batch;
          compared = Math.min(batch, nCpu);
          identical = vals.length === batch && cpuVals.subarray(0, compared).every((v, i) => Object.is(v, vals[i]));
          if (host) hostCoeff = gpuMs / (n * n);
        } else {
          gpuMs = hostCoeff * n * n;
          how = 'extrapolated (∝ N² from the largest measured N)';
        }
        const row: GpuBenchRow = {
          n, batch, cpu1MsPerReplicate: cpu1, cpuThreadsMsPerReplicate: cpuT, threads: o.threads, gpuMsPerReplicate: gpuMs, gpuMeasured: how,
          speedupOverCpu1: cpu1 / gpuMs, speedupOverCpuThreads: cpuT / gpuMs, identical, compared,
        };
        rows.push(row);
        write();
        log(JSON.stringify(row));
      }
    }
  } finally {
    gpu.destroy();
  }
  write();
  log(`written to ${file}`);
  return { rows, file };
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  main().then(
    () => process.exit(0),
    (e: unknown) => {
      process.stderr.write(`bench gpu: ${e instanceof Error ? e.message : String(e)}\n`);
      process.exit(1);
    },
  );
}
