/**
 * `npm run bench -- workloads [features=100] [permutations=20] [sklearnCalls=40] [networkPerms=100]`
 * (docs/screening.md, "Benchmarks"): the many-variable workloads on this machine.
 *   1. screening F features × P permutations at N = 2,000 (ksg1, k = 3) on 2 threads, timed;
 *      the scikit-learn loop (one mutual_info_regression per feature × replicate, the observed
 *      one included, bench/sklearn/screen_loop.py) timed on `sklearnCalls` calls; both
 *      extrapolated per estimate to the 1,000 features × 200 permutations;
 *   2. network inference on /work/shared/workloads/var5.csv (5 nodes, gaussian, maxLag 3);
 *   3. the same two jobs on a cluster of 1 and of 2 worker processes (1 thread each, gRPC,
 *      loopback): efficiency = T(1 worker) / (2 · T(2 workers)).
 * Defaults are small so the run fits a shared machine; the extrapolation is per estimate.
 * Writes bench/results/workloads-latest.{json,md}.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { createEngine, packageVersion } from '../engine/embedded.js';
import { connectCluster } from '../coordinator/client.js';
import { loadDataset } from '../shared/data/load.js';
import type { Dataset } from '../shared/data/matrix.js';
import { inferNetwork } from '../shared/job/network.js';
import type { Engine, Job } from '../shared/job/spec.js';
import { stream } from '../shared/rng/index.js';
import { writeNpy } from './npy.js';
import { repoRoot } from './paths.js';
import { ensureSklearn, PYTHON } from './python.js';
import { TestCluster } from '../test/helpers/cluster.js';

const N = 2000, K = 3;

/** Target y and F features; f0..f9 informative (linear and square), the rest noise. */
function screenData(F: number): { ds: Dataset; rows: Float64Array } {
  const r = stream(11, 0, 123);
  const cols = Array.from({ length: F + 1 }, () => new Float64Array(N));
  for (let i = 0; i < N; i++) {
    for (let f = 1; f <= F; f++) cols[f]![i] = r.nextGaussian();
    let y = r.nextGaussian();
    for (let f = 1; f <= Math.min(10, F); f++) y += (f % 2 ? 0.3 * cols[f]![i]! : 0.3 * (cols[f]![i]! ** 2 - 1));
    cols[0]![i] = y;
  }
  const rows = new Float64Array(N * (F + 1));
  for (let i = 0; i < N; i++) for (let f = 0; f <= F; f++) rows[i * (F + 1) + f] = cols[f]![i]!;
  return { ds: { names: ['y', ...cols.slice(1).map((_, f) => `f${f}`)], columns: cols, n: N }, rows };
}

async function timed<T>(fn: () => Promise<T>): Promise<{ s: number; v: T }> {
  const t0 = performance.now();
  const v = await fn();
  return { s: (performance.now() - t0) / 1000, v };
}

export async function main(argv: string[]): Promise<void> {
  const num = (i: number, d: number) => (argv[i] !== undefined ? Number(argv[i]) : d);
  const F = num(0, 100), P = num(1, 20), calls = num(2, 40), netP = num(3, 100);
  const log = (s: string) => process.stderr.write(`${s}\n`);
  const loadStart = loadavg();
  const { ds, rows } = screenData(F);
  const screenJob: Job = { measure: 'mi', estimator: 'ksg1', k: K, x: ['y'], seed: 1, permutation: { shuffles: P }, screen: { features: 'all', correction: 'maxstat' }, data: ds };
  const estimates = F * (P + 1);
  const target = 1000 * 201;

  log(`screen: ${F} features × ${P} permutations, N = ${N}, 2 threads`);
  const eng = createEngine({ threads: 2 });
  let screen2: { s: number; v: unknown };
  try {
    screen2 = await timed(() => eng.run(screenJob));
  } finally {
    await eng.close();
  }
  const oursPer = screen2.s / estimates;

  let sk: { calls: number; seconds: number; per: number; version: string } | { skipped: string };
  const info = ensureSklearn(false);
  if (!info) sk = { skipped: 'scikit-learn not importable by /usr/bin/python3' };
  else {
    const tmp = mkdtempSync(path.join(tmpdir(), 'infoshard-wl-'));
    try {
      const npy = path.join(tmp, 'screen.npy');
      writeNpy(npy, rows, N, F + 1);
      log(`sklearn loop: ${calls} mutual_info_regression calls`);
      const r = spawnSync(PYTHON, [path.join(repoRoot(), 'bench', 'sklearn', 'screen_loop.py'), npy, String(calls), String(K)], {
        encoding: 'utf8', env: { ...process.env, OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1', MKL_NUM_THREADS: '1' },
      });
      if (r.status !== 0) throw new Error(`screen_loop.py failed: ${r.stderr}`);
      const j = JSON.parse(r.stdout) as { calls: number; seconds: number };
      sk = { ...j, per: j.seconds / j.calls, version: info.sklearn };
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  }

  log(`network: var5.csv, gaussian, maxLag 3, ${netP} permutations, 2 threads`);
  const var5 = await loadDataset('/work/shared/workloads/var5.csv');
  const netJob = { data: var5, vars: [...var5.names], maxLag: 3, estimator: 'gaussian' as const, permutations: netP, seed: 1 };
  const eng2 = createEngine({ threads: 2 });
  let net2: { s: number; v: Awaited<ReturnType<typeof inferNetwork>> };
  try {
    net2 = await timed(() => inferNetwork(eng2, netJob));
  } finally {
    await eng2.close();
  }

  const clusterRuns: Record<string, { workers: number; screenS: number; networkS: number }> = {};
  for (const workers of [1, 2]) {
    log(`cluster: ${workers} worker process(es)`);
    const cl = await TestCluster.start({ workers, threads: 1 });
    try {
      const e: Engine = await connectCluster(cl.address);
      try {
        const s = await timed(() => e.run(screenJob));
        const n = await timed(() => inferNetwork(e, netJob));
        if (JSON.stringify(n.v) !== JSON.stringify(net2.v)) throw new Error('cluster network result differs from the embedded one');
        clusterRuns[workers] = { workers, screenS: s.s, networkS: n.s };
      } finally {
        await e.close();
      }
    } finally {
      await cl.stop();
    }
  }
  const eff = (k: 'screenS' | 'networkS') => clusterRuns[1]![k] / (2 * clusterRuns[2]![k]);
  const report = {
    kind: 'workloads', version: packageVersion(), date: new Date().toISOString(),
    machine: { cpus: availableParallelism(), model: cpus()[0]?.model ?? '?', node: process.version, loadavgStart: loadStart, loadavgEnd: loadavg() },
    screen: { features: F, permutations: P, n: N, estimates, threads: 2, seconds: screen2.s, perEstimateMs: oursPer * 1000, extrapolated1000x200S: oursPer * target },
    sklearn: 'skipped' in sk ? sk : { ...sk, perCallMs: sk.per * 1000, extrapolated1000x200S: sk.per * target, speedup: sk.per / oursPer },
    network: { data: 'var5.csv', estimator: 'gaussian', permutations: netP, threads: 2, seconds: net2.s, edges: net2.v.edges.length, tests: net2.v.targets.reduce((m, t) => m + t.steps, 0) },
    cluster: { runs: clusterRuns, efficiencyScreen: eff('screenS'), efficiencyNetwork: eff('networkS') },
  };
  const f1 = (v: number) => v.toFixed(1), f3 = (v: number) => v.toFixed(3);
  const md = [
    `# Many-variable workloads (${report.date}, infoshard ${report.version})`,
    '',
    `Machine: ${report.machine.cpus} cores (${report.machine.model}), Node ${report.machine.node}; load average ${loadStart.map(f1).join(' ')} at start, ${report.machine.loadavgEnd.map(f1).join(' ')} at end (shared machine: wall times include outside load).`,
    '',
    '| workload | measured | per estimate | extrapolated to 1,000 features × 200 permutations |',
    '|---|---|---|---|',
    `| infoshard screen, ksg1 k=3, 2 threads | ${F} features × ${P} perms (${estimates} estimates): ${f1(screen2.s)} s | ${f3(oursPer * 1000)} ms | ${f1(oursPer * target)} s |`,
    'skipped' in sk
      ? `| scikit-learn loop | skipped: ${sk.skipped} | | |`
      : `| scikit-learn ${sk.version} loop (mutual_info_regression per feature × replicate, 1 thread) | ${sk.calls} calls: ${f1(sk.seconds)} s | ${f3(sk.per * 1000)} ms | ${f1(sk.per * target)} s (${f1(sk.per / oursPer)}× ours) |`,
    '',
    `Network inference, var5.csv (5 nodes, N = 2,000), gaussian, maxLag 3, ${netP} surrogates per test, 2 threads: ${f1(net2.s)} s, ${report.network.tests} tests, ${report.network.edges} edges.`,
    '',
    '| cluster (1 thread per worker) | screen | network (var5) |',
    '|---|---|---|',
    ...[1, 2].map((w) => `| ${w} worker${w > 1 ? 's' : ''} | ${f1(clusterRuns[w]!.screenS)} s | ${f1(clusterRuns[w]!.networkS)} s |`),
    `| efficiency T1 / (2 T2) | ${f3(eff('screenS'))} | ${f3(eff('networkS'))} |`,
    '',
    'The cluster network result is checked byte-identical to the embedded one. Network inference is a',
    'sequence of small tests per target (targets run concurrently), so its efficiency is bounded by the',
    'per-test latency and the slowest target; screening is one large job.',
    '',
  ].join('\n');
  const dir = path.join(repoRoot(), 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'workloads-latest.json'), JSON.stringify(report, null, 2) + '\n');
  writeFileSync(path.join(dir, 'workloads-latest.md'), md);
  process.stdout.write(md);
}
