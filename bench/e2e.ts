/**
 * `npm run bench -- e2e [--runs R] [--n N] [--cli path/to/infoshard.js] [--before path/to/old/infoshard.js]`: one MI estimate end to end, as a user runs it —
 * process start + module loading + reading a CSV + ksg1 (k = 3) — against a Python script
 * calling scikit-learn (bench/sklearn/e2e_mi.py: numpy.loadtxt + mutual_info_regression).
 *
 * Reports, each measured in this run (hyperfine when on PATH, otherwise alternating reps here):
 *   node       bare `node -e 0` (the floor no Node CLI can beat)
 *   startup    `infoshard --version` (module loading before any work)
 *   ours       `infoshard estimate mi --data f.csv --x x --y y --estimator ksg1 --k 3 --json`
 *   sklearn    `python3 e2e_mi.py f.csv 3`
 * and, from the CLI's own `--json` timings, load (read + parse) and estimate separately.
 * The headline ratio is sklearn / ours on the fastest run of each side (outside load on a shared
 * machine only adds time); medians are reported too.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { gaussianRegression } from './data.js';
import { cliPath, repoRoot } from './paths.js';
import { ensureSklearn, PYTHON } from './python.js';

interface Side {
  name: string;
  command: string;
  minS: number;
  medianS: number;
  runs: number;
}

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
const median = (a: number[]) => {
  const s = [...a].sort((p, q) => p - q);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

function hasHyperfine(): boolean {
  return spawnSync('hyperfine', ['--version'], { encoding: 'utf8' }).status === 0;
}

/** Time shell commands: hyperfine (warm-up 1, `runs` each) or a plain alternating loop. */
function timeCommands(cmds: { name: string; command: string }[], runs: number, tmp: string): Side[] {
  if (hasHyperfine()) {
    const out = path.join(tmp, 'hyperfine.json');
    const r = spawnSync('hyperfine', ['-N', '--warmup', '1', '--runs', String(runs), '--export-json', out, ...cmds.flatMap((c) => ['-n', c.name, c.command])], { stdio: ['ignore', 'ignore', 'inherit'] });
    if (r.status !== 0) throw new Error(`hyperfine exited with ${r.status}`);
    const res = JSON.parse(readFileSync(out, 'utf8')) as { results: { command: string; times: number[] }[] };
    return res.results.map((x, i) => ({ ...cmds[i]!, minS: Math.min(...x.times), medianS: median(x.times), runs: x.times.length }));
  }
  const times = cmds.map(() => [] as number[]);
  for (let rep = -1; rep < runs; rep++) {
    cmds.forEach((c, i) => {
      const t = performance.now();
      const r = spawnSync('sh', ['-c', c.command], { stdio: 'ignore' });
      if (r.status !== 0) throw new Error(`${c.name} failed (exit ${r.status})`);
      if (rep >= 0) times[i]!.push((performance.now() - t) / 1000);
    });
  }
  return cmds.map((c, i) => ({ ...c, minS: Math.min(...times[i]!), medianS: median(times[i]!), runs }));
}

export async function main(argv: string[]): Promise<void> {
  const arg = (name: string, def: number) => {
    const i = argv.indexOf(name);
    return i >= 0 ? Number(argv[i + 1]) : def;
  };
  const runs = arg('--runs', 10), n = arg('--n', 100_000), k = 3;
  const reference = ensureSklearn();
  if (!reference) throw new Error('scikit-learn is not importable by /usr/bin/python3');
  const tmp = mkdtempSync(path.join(tmpdir(), 'infoshard-e2e-'));
  try {
    const d = gaussianRegression(n, 1, 7);
    const csv = path.join(tmp, 'data.csv');
    const lines = ['x,y'];
    for (let i = 0; i < n; i++) lines.push(`${d.rows[2 * i]},${d.rows[2 * i + 1]}`);
    writeFileSync(csv, `${lines.join('\n')}\n`);
    // --cli DIST/bin/infoshard.js compares another build (e.g. the commit before a change)
    const ci = argv.indexOf('--cli');
    const cli = ci >= 0 ? path.resolve(argv[ci + 1]!) : cliPath();
    const node = quote(process.execPath);
    // --before OTHER/dist/bin/infoshard.js adds that build's end-to-end and start-up runs to the same timing session
    const bi = argv.indexOf('--before');
    const before = bi >= 0 ? path.resolve(argv[bi + 1]!) : undefined;
    const ours = `${node} ${quote(cli)} estimate mi --data ${quote(csv)} --x x --y y --estimator ksg1 --k ${k} --json`;
    const py = `${PYTHON} ${quote(path.join(repoRoot(), 'bench', 'sklearn', 'e2e_mi.py'))} ${quote(csv)} ${k}`;
    // one thread for BLAS/OpenMP on the Python side, as in the suite; our estimate is one thread too
    process.env['OMP_NUM_THREADS'] = process.env['OPENBLAS_NUM_THREADS'] = process.env['MKL_NUM_THREADS'] = '1';
    const load0 = loadavg();
    const sides = timeCommands([
      { name: 'node', command: `${node} -e 0` },
      { name: 'startup', command: `${node} ${quote(cli)} --version` },
      { name: 'ours', command: ours },
      { name: 'sklearn', command: py },
      ...(before ? [{ name: 'before', command: ours.replace(quote(cli), quote(before)) }, { name: 'startup-before', command: `${node} ${quote(before)} --version` }] : []),
    ], runs, tmp);
    // load and estimate separately, from the CLI's own timings (fastest of a few runs)
    const parts = Array.from({ length: 3 }, () => {
      const r = spawnSync('sh', ['-c', ours], { encoding: 'utf8' });
      const j = JSON.parse(r.stdout) as { estimate: number; timings: { loadMs: number; estimateMs: number; totalMs: number } };
      return j;
    });
    const loadMs = Math.min(...parts.map((p) => p.timings.loadMs));
    const estimateMs = Math.min(...parts.map((p) => p.timings.estimateMs));
    const pyValue = Number(spawnSync('sh', ['-c', py], { encoding: 'utf8' }).stdout.trim());
    const by = Object.fromEntries(sides.map((s) => [s.name, s])) as Record<string, Side>;
    const report = {
      kind: 'e2e', startedAt: new Date().toISOString(), n, k, runs, tool: hasHyperfine() ? 'hyperfine' : 'loop',
      machine: { cpus: availableParallelism(), model: cpus()[0]?.model ?? '?', node: process.version, loadavgStart: load0, loadavgEnd: loadavg() },
      reference, sides, loadMs, estimateMs,
      values: { ours: parts[0]!.estimate, sklearn: pyValue },
      speedup: by['sklearn']!.minS / by['ours']!.minS,
      speedupMedian: by['sklearn']!.medianS / by['ours']!.medianS,
    };
    const ms = (s: number) => `${(s * 1000).toFixed(0)} ms`;
    const md = [
      `# End to end: one ksg1 estimate, N = ${n}, CSV (${report.startedAt})`,
      '',
      `Machine: ${report.machine.cpus} cores, Node ${report.machine.node}, scikit-learn ${reference.sklearn}; load average ${load0.map((v) => v.toFixed(1)).join(' ')} → ${report.machine.loadavgEnd.map((v) => v.toFixed(1)).join(' ')}; ${report.tool}, ${runs} runs each.`,
      '',
      '| command | fastest | median |',
      '|---|---|---|',
      ...sides.map((s) => `| ${s.name} | ${ms(s.minS)} | ${ms(s.medianS)} |`),
      '',
      `ours, from its --json timings: load ${loadMs.toFixed(0)} ms, estimate ${estimateMs.toFixed(0)} ms. Start-up over bare node: ${ms(by['startup']!.minS - by['node']!.minS)}.`,
      `End to end speed-up over scikit-learn: ${report.speedup.toFixed(2)}× (fastest), ${report.speedupMedian.toFixed(2)}× (median). Values: ours ${report.values.ours}, sklearn ${report.values.sklearn}.`,
      '',
    ].join('\n');
    const dir = path.join(repoRoot(), 'bench', 'results');
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'e2e-latest.json'), `${JSON.stringify(report, null, 2)}\n`);
    writeFileSync(path.join(dir, 'e2e-latest.md'), md);
    process.stdout.write(md);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
