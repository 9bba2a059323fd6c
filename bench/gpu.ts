/**
 * Benchmark (issue 5): time per permutation replicate of ksg1 (2-D, k = 3) on the kd-tree CPU
 * path vs the gpu.js path, for N in {1e3, 1e4, 5e4} and batch sizes {16, 128}. Writes
 * bench/results/gpu.json. Brute force costs ~N² per replicate; sizes whose measurement would
 * take minutes are extrapolated from a measured size (cost ∝ N² per replicate, ∝ B per
 * batch), and the JSON says which figures are measured and which extrapolated.
 *
 * Run: node dist/bench/gpu.js   (later: npm run bench -- gpu)
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { permutation, stream } from '../shared/rng/index.js';
import { CpuBackend } from '../worker/gpu/cpu-backend.js';
import { GpuBackend } from '../worker/gpu/gpu-backend.js';

const K = 3;
const SIZES = [1_000, 10_000, 50_000];
const BATCHES = [16, 128];
/** Replicates actually timed on the CPU per size (the kd-tree cost per replicate is flat in B). */
const CPU_TIMED = 4;
/** Largest N timed on the gpu.js path with a full batch on a machine without a GPU. */
const GPU_MAX_MEASURED_N = Number(process.env.GPU_BENCH_MAX_N ?? 10_000);

function data(n: number) {
  const rng = stream(42, 0, 99);
  const x = new Float64Array(n), y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    x[i] = rng.nextGaussian();
    y[i] = 0.6 * x[i]! + 0.8 * rng.nextGaussian();
  }
  return { x: { n, d: 1, data: x }, y: { n, d: 1, data: y } };
}

function ms(f: () => void): number {
  const t = performance.now();
  f();
  return performance.now() - t;
}

interface Row {
  n: number;
  batch: number;
  cpuKdTreeMsPerReplicate: number;
  cpuMeasured: string;
  gpuMsPerReplicate: number;
  gpuMeasured: string;
  speedupGpuOverCpu: number;
  agree: boolean | null;
}

function main(): void {
  const gpu = new GpuBackend();
  const cpu = new CpuBackend();
  const rows: Row[] = [];
  let gpuCoeff = NaN; // ms per replicate per N², from the largest measured size
  for (const n of SIZES) {
    const input = data(n);
    const perms = Array.from({ length: Math.max(...BATCHES) }, (_, r) => permutation(n, stream(7, r, 3)));
    const cpuVals = cpu.permutationBatch('mi', 'ksg1', input, { k: K }, perms.slice(0, 2)); // warm-up (JIT)
    const cpuMs = ms(() => cpu.permutationBatch('mi', 'ksg1', input, { k: K }, perms.slice(0, CPU_TIMED))) / CPU_TIMED;
    for (const batch of BATCHES) {
      let gpuMs: number;
      let how: string;
      let agree: boolean | null = null;
      if (n <= GPU_MAX_MEASURED_N && (batch <= 16 || n <= 1_000)) {
        gpu.permutationBatch('mi', 'ksg1', input, { k: K }, perms.slice(0, 1)); // compile
        let vals: Float64Array = new Float64Array(0);
        gpuMs = ms(() => (vals = gpu.permutationBatch('mi', 'ksg1', input, { k: K }, perms.slice(0, batch)))) / batch;
        agree = vals[0] === cpuVals[0];
        gpuCoeff = gpuMs / (n * n);
        how = `measured: full batch of ${batch}`;
      } else {
        gpuMs = gpuCoeff * n * n;
        how = `extrapolated: cost per replicate ∝ N² from the largest measured size`;
      }
      rows.push({ n, batch, cpuKdTreeMsPerReplicate: cpuMs, cpuMeasured: `measured: ${CPU_TIMED} replicates (kd-tree + reused marginals)`, gpuMsPerReplicate: gpuMs, gpuMeasured: how, speedupGpuOverCpu: cpuMs / gpuMs, agree });
      console.log(JSON.stringify(rows[rows.length - 1]));
    }
  }
  const out = {
    benchmark: 'gpu',
    estimator: 'ksg1 (mi), 2-D, k = 3, permutation replicates',
    gpuMode: gpu.mode,
    gpuStats: gpu.stats,
    machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model ?? '?', node: process.version, gpu: 'none (gpu.js ' + gpu.mode + ' backend)' },
    notes: 'agree = the first replicate estimate is bit-identical between the two paths',
    rows,
  };
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
  const dir = path.join(root, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'gpu.json'), JSON.stringify(out, null, 2) + '\n');
  gpu.destroy();
}

main();
