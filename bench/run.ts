/**
 * `npm run bench [-- quick | gpu | cluster] [-- --no-scaling]`
 *   (no argument)  scikit-learn comparison (suite.ts) + scaling report (scaling.ts)
 *   quick          the same on tiny sizes (seconds; checks the pieces work)
 *   gpu / cluster / fairness  bench/gpu.ts / cluster.ts / fairness.ts `main()`, when those modules export one
 *   e2e            bench/e2e.ts: one CLI estimate end to end vs a Python/scikit-learn script
 *   workloads      bench/workloads.ts: screening vs the scikit-learn loop, network inference, 1 vs 2 workers
 *   neural         bench/neural.ts: neural MI estimators vs ksg1 on known-MI tasks, time per critic
 *   neural-coverage bench/neural-coverage.ts: coverage of the neural ensemble intervals, by simulation
 *   summaries      bench/summaries.ts: coordinator memory on the summary path (issue 18)
 * Writes bench/results/sklearn-<stamp>.json and .md (and latest.json / latest.md).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { packageVersion } from '../engine/embedded.js';
import { gaussianRegression } from './data.js';
import { writeNpy } from './npy.js';
import { repoRoot } from './paths.js';
import { ensureSklearn, type PythonInfo } from './python.js';
import { loadLine, scalingTable, suiteTable } from './report.js';
import { runScaling, type ScalingResult } from './scaling.js';
import { FULL_PLAN, QUICK_PLAN, runSuite, type CaseResult } from './suite.js';

export interface BenchReport {
  kind: 'sklearn';
  version: string;
  startedAt: string;
  wallS: number;
  machine: { cpus: number; model: string; node: string; loadavgStart: number[]; loadavgEnd: number[] };
  reference: PythonInfo;
  k: number;
  seed: number;
  cases: CaseResult[];
  scaling: ScalingResult;
  notes: string[];
}

const NOTES = [
  'speedup = sklearn wall / ours wall, fastest rep of each side (outside load on a shared machine only adds time; ratios of medians are in the JSON as speedupMedian), both measured in this run on the same data; reps alternate sides.',
  'sklearn side: mutual_info_regression (one thread: its KDTree queries are single-threaded; OMP/BLAS pinned to 1); resampling = a Python loop over the same row orders our engine draws.',
  'ours: createEngine({threads}).run(job) wall time (validation, normalisation, hashing included), normalize on, data in memory.',
  'ksg1-5d: sklearn computes 5 separate MIs I(x_j; y); "ours 1t" is the same 5 estimates (one engine.run per feature), "joint" is our single 5-D estimate I(X; y).',
  '|Δ| public: ours (clipped at 0 like sklearn) vs mutual_info_regression (1e-10 noise); |Δ| exact: vs sklearn\'s own KSG code without noise and clip.',
  'peak RSS: the whole process (Python: ru_maxrss incl. numpy/scipy/sklearn; Node: maxRSS incl. pool threads).',
];

/**
 * `gpu` / `cluster`: call the module's exported `main(argv)`; a module without that export but
 * written as a script (runs on load) is run as a child process instead, so importing it here
 * never runs it twice.
 */
async function dispatchOther(which: 'gpu' | 'cluster' | 'e2e' | 'fairness' | 'neural' | 'neural-coverage' | 'summaries' | 'workloads'): Promise<void> {
  const file = fileURLToPath(new URL(`./${which}${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url));
  if (!existsSync(file)) throw new Error(`bench/${which}.ts is not available yet (${file} missing)`);
  if (/export\s+(async\s+)?function\s+main\b|export\s*\{[^}]*\bmain\b/.test(readFileSync(file, 'utf8'))) {
    const mod = (await import(pathToFileURL(file).href)) as { main: (argv: string[]) => unknown };
    await mod.main(process.argv.slice(3));
    return;
  }
  const r = spawnSync(process.execPath, [...(file.endsWith('.ts') ? ['--import', 'tsx'] : []), file, ...process.argv.slice(3)], { stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`bench/${which} exited with ${r.status ?? r.signal}`);
}

async function sklearnBench(quick: boolean, scaling: boolean): Promise<void> {
  const t0 = performance.now();
  const log = (s: string) => process.stderr.write(`${s}\n`);
  const reference = ensureSklearn();
  if (!reference) throw new Error('scikit-learn is not importable by /usr/bin/python3 even after apt-get install python3-sklearn');
  const k = 3, seed = 7;
  const loadavgStart = loadavg();
  const cases = await runSuite({ plan: quick ? QUICK_PLAN : FULL_PLAN, k, seed, log });
  let scal: ScalingResult = { status: 'pending', reason: 'skipped (--no-scaling)', runs: [] };
  if (scaling) {
    const n = quick ? 300 : 10_000, P = quick ? 6 : 200;
    const d = gaussianRegression(n, 1, seed);
    const tmp = mkdtempSync(path.join(tmpdir(), 'infoshard-bench-'));
    try {
      const dataPath = path.join(tmp, `scaling-${n}.npy`);
      writeNpy(dataPath, d.rows, n, 2);
      scal = await runScaling({ dataPath, data: d.dataset, permutations: P, k, seed, log, ...(quick ? { shardSize: 3, overheadPermutations: 20, reps: 1 } : {}) });
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  }
  const report: BenchReport = {
    kind: 'sklearn', version: packageVersion(), startedAt: new Date().toISOString(), wallS: Math.round((performance.now() - t0) / 100) / 10,
    machine: { cpus: availableParallelism(), model: cpus()[0]?.model ?? '?', node: process.version, loadavgStart, loadavgEnd: loadavg() },
    reference, k, seed, cases, scaling: scal, notes: NOTES,
  };
  const md = [
    `# infoshard vs scikit-learn ${reference.sklearn} (${quick ? 'quick' : 'full'} run, ${report.startedAt})`,
    '',
    `Machine: ${report.machine.cpus} cores (${report.machine.model}), Node ${report.machine.node}, Python ${reference.python}, numpy ${reference.numpy}, scipy ${reference.scipy}; load average at start ${loadavgStart.map((v) => v.toFixed(1)).join(' ')}, at end ${report.machine.loadavgEnd.map((v) => v.toFixed(1)).join(' ')}. k = ${k}, seed = ${seed}, wall ${report.wallS} s.`,
    '',
    suiteTable(cases),
    '',
    loadLine(cases),
    '',
    `## Scaling (permutation job, N = ${scal.n ?? '?'}, P = ${scal.permutations ?? '?'})`,
    '',
    scalingTable(scal),
    ...(scal.perShard ? ['', `Per-shard cost: a trivial job (N = ${scal.perShard.n}, P = ${scal.perShard.permutations}) on 1 worker took ${scal.perShard.manyMs.toFixed(0)} ms as ${scal.perShard.manyShards} shards and ${scal.perShard.fewMs.toFixed(0)} ms as ${scal.perShard.fewShards} shards: ${scal.perShardMs} ms per extra shard. Fixed cost of a cluster job beyond that (1 worker, main job): ${scal.fixedClusterMs} ms.`] : []),
    '',
    ...NOTES.map((n) => `- ${n}`),
    '',
  ].join('\n');
  const dir = path.join(repoRoot(), 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const stamp = report.startedAt.replace(/[:.]/g, '-');
  const tag = quick ? 'quick' : 'sklearn';
  for (const name of [`${tag}-${stamp}`, `${tag}-latest`]) {
    writeFileSync(path.join(dir, `${name}.json`), `${JSON.stringify(report, null, 2)}\n`);
    writeFileSync(path.join(dir, `${name}.md`), md);
  }
  process.stdout.write(`${md}\nwritten to ${path.join(dir, `${tag}-latest.{json,md}`)}\n`);
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const which = args.find((a) => !a.startsWith('-'));
  if (which === 'gpu' || which === 'cluster' || which === 'e2e' || which === 'fairness' || which === 'neural' || which === 'neural-coverage' || which === 'summaries' || which === 'workloads') return dispatchOther(which);
  if (which !== undefined && which !== 'quick') throw new Error(`unknown benchmark '${which}': use no argument, quick, gpu, cluster, fairness, e2e, neural, neural-coverage, summaries or workloads`);
  await sklearnBench(which === 'quick', !args.includes('--no-scaling'));
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    process.stderr.write(`bench: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  },
);
