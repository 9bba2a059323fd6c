/**
 * The scikit-learn comparison: for each case, the same .npy data (and the same replicate row
 * orders) go to a Python process running `mutual_info_regression` and to Node processes running
 * our engine with 1 and 2 threads. Single estimates alternate sides rep by rep, so load from
 * other processes on the machine hits both; every ratio comes from timings of the same run.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { LineChild } from './child.js';
import { loadMeter, type LoadSample } from './load.js';
import { gaussianRegression, replicateRows, type BenchData } from './data.js';
import { writeNpy } from './npy.js';
import { nodeScript } from './paths.js';
import type { AgreeReply, CaseSpec, QuitReply, RunReply } from './protocol.js';
import { startSklearn } from './python.js';
import { maxAbsDiff, ratio, round3, timing, type Timing } from './stats.js';

export interface CasePlan {
  id: string;
  kind: CaseSpec['kind'];
  n: number;
  dx: number;
  reps: number;
  /** Thread counts for our side (single estimates use one thread whatever the engine has). */
  threads: number[];
  replicates?: number;
  scheme?: 'iid' | 'subsample';
}

export interface SideResult extends Timing {
  /** Per run: cores busy with other processes / used by this side (see load.ts). */
  load: LoadSample[];
  maxRssKb: number;
  baseRssKb: number;
  /** Our side: engine timings of the last run. */
  estimateMs?: number;
  resampleMs?: number;
  /** Our side, perfeature: the joint estimate. */
  joint?: Timing & { value: number };
  /** Replicates per second over the whole call (resampling cases). */
  replicatesPerSec?: number;
}

export interface CaseResult {
  id: string;
  kind: CaseSpec['kind'];
  n: number;
  dx: number;
  k: number;
  replicates?: number;
  scheme?: string;
  truth: number;
  sklearn: SideResult;
  ours: Record<string, SideResult>;
  /**
   * sklearn / ours by thread count ('t1', 't2'; perfeature adds 'joint-t1'), from the fastest
   * rep of each side: on a shared machine outside load only ever adds time, so the minimum is
   * the least disturbed figure. `speedupMedian`: the same from medians.
   */
  speedup: Record<string, number>;
  speedupMedian: Record<string, number>;
  agreement: Agreement;
}

export interface Agreement {
  ours: number[];
  sklearn: number[];
  sklearnExact: number[];
  /** |ours − sklearn public| (noise 1e-10, clip at 0). */
  maxAbsDiffPublic: number;
  /** |ours − sklearn without noise and clip| (same definition, same scaling up to a common factor). */
  maxAbsDiffExact: number;
  replicatesCompared?: number;
  /** Replicates: |max(0, ours_r) − sklearn public_r| and |ours_r − exact_r|. */
  replicatesMaxAbsDiffPublic?: number;
  replicatesMaxAbsDiffExact?: number;
}

export const FULL_PLAN: CasePlan[] = [
  { id: 'ksg1-2d-n1e3', kind: 'single', n: 1_000, dx: 1, reps: 15, threads: [1] },
  { id: 'ksg1-2d-n1e4', kind: 'single', n: 10_000, dx: 1, reps: 7, threads: [1] },
  { id: 'ksg1-2d-n1e5', kind: 'single', n: 100_000, dx: 1, reps: 5, threads: [1] },
  { id: 'ksg1-5d-n1e4', kind: 'perfeature', n: 10_000, dx: 5, reps: 5, threads: [1] },
  // no iid bootstrap case: the engine refuses iid resampling for kNN estimators (issue 10)
  { id: 'bootstrap-subsample-B200-n1e4', kind: 'bootstrap', n: 10_000, dx: 1, reps: 3, threads: [1, 2], replicates: 200, scheme: 'subsample' },
  { id: 'permutation-P200-n1e4', kind: 'permutation', n: 10_000, dx: 1, reps: 3, threads: [1, 2], replicates: 200 },
];

/** Tiny sizes: exercises every code path in seconds (smoke test, `npm run bench -- quick`). */
export const QUICK_PLAN: CasePlan[] = [
  { id: 'ksg1-2d-n300', kind: 'single', n: 300, dx: 1, reps: 2, threads: [1] },
  { id: 'ksg1-3d-n300', kind: 'perfeature', n: 300, dx: 3, reps: 1, threads: [1] },
  { id: 'bootstrap-subsample-B6-n300', kind: 'bootstrap', n: 300, dx: 1, reps: 1, threads: [1], replicates: 6, scheme: 'subsample' },
  { id: 'permutation-P6-n300', kind: 'permutation', n: 300, dx: 1, reps: 1, threads: [1, 2], replicates: 6 },
];

export interface SuiteOptions {
  plan: CasePlan[];
  k?: number;
  seed?: number;
  /** Replicate values compared with sklearn per resampling case. @default 20 */
  agreeReplicates?: number;
  log?: (line: string) => void;
}

function startOurs(spec: CaseSpec, threads: number): LineChild {
  return new LineChild(`ours[${spec.id}, ${threads}t]`, process.execPath, [...nodeScript('ours-runner'), JSON.stringify(spec), String(threads)]);
}

/** Write the case's data (and replicate row orders) and return its spec. */
function materialize(plan: CasePlan, dir: string, k: number, seed: number, agreeReplicates: number): { spec: CaseSpec; data: BenchData } {
  const data = gaussianRegression(plan.n, plan.dx, seed);
  const dataPath = path.join(dir, `${plan.id}.npy`);
  writeNpy(dataPath, data.rows, plan.n, plan.dx + 1);
  const spec: CaseSpec = { id: plan.id, kind: plan.kind, dataPath, dx: plan.dx, k, seed };
  if (plan.kind === 'bootstrap' || plan.kind === 'permutation') {
    const m = Math.max(2, Math.floor(plan.n / 2)); // passed explicitly, so the sklearn side sees the same rows
    const kind = plan.kind === 'permutation' ? 'permutation' : plan.scheme === 'subsample' ? 'bootstrap-subsample' : 'bootstrap-iid';
    const rows = replicateRows(kind, seed, plan.replicates!, plan.n, m);
    spec.rowsPath = path.join(dir, `${plan.id}.rows.npy`);
    writeNpy(spec.rowsPath, rows.data, plan.replicates!, rows.len);
    spec.replicates = plan.replicates!;
    if (plan.kind === 'bootstrap') {
      spec.scheme = plan.scheme ?? 'subsample';
      if (spec.scheme === 'subsample') spec.m = m;
    }
    spec.agreeReplicates = Math.min(agreeReplicates, plan.replicates!);
  }
  return { spec, data };
}

async function runCase(plan: CasePlan, dir: string, o: Required<Omit<SuiteOptions, 'plan' | 'log'>>, log: (s: string) => void): Promise<CaseResult> {
  const { spec, data } = materialize(plan, dir, o.k, o.seed, o.agreeReplicates);
  const py = startSklearn(spec);
  const ours = new Map(plan.threads.map((t) => [t, startOurs(spec, t)] as const));
  const all = [py, ...ours.values()];
  try {
    await Promise.all(all.map((c) => c.send({ op: 'warmup' })));
    const pyRuns: RunReply[] = [];
    const loads = new Map<RunReply, LoadSample>();
    const ourRuns = new Map(plan.threads.map((t) => [t, [] as RunReply[]] as const));
    for (let rep = 0; rep < plan.reps; rep++) {
      // alternate who goes first, so a burst of outside load does not always hit one side
      const order: [LineChild, RunReply[]][] = [[py, pyRuns], ...plan.threads.map((t) => [ours.get(t)!, ourRuns.get(t)!] as [LineChild, RunReply[]])];
      if (rep % 2 === 1) order.reverse();
      for (const [c, runs] of order) {
        const meter = loadMeter(c.pid);
        const r = await c.send<RunReply>({ op: 'run' });
        runs.push(r);
        loads.set(r, meter());
      }
    }
    const pyAgree = await py.send<AgreeReply>({ op: 'agree' });
    const ourAgree = await ours.get(plan.threads[0]!)!.send<AgreeReply>({ op: 'agree' });
    const quits = await Promise.all(all.map((c) => c.send<QuitReply>({ op: 'quit' })));

    const R = plan.replicates;
    const side = (runs: RunReply[], q: QuitReply): SideResult => {
      const t = timing(runs.map((r) => r.ms));
      const last = runs[runs.length - 1]!;
      const s: SideResult = { ...t, load: runs.map((r) => loads.get(r)!), maxRssKb: q.maxRssKb, baseRssKb: q.baseRssKb };
      if (last.estimateMs !== undefined) s.estimateMs = round3(last.estimateMs);
      if (last.resampleMs !== undefined) s.resampleMs = round3(last.resampleMs);
      if (last.jointMs !== undefined) s.joint = { ...timing(runs.map((r) => r.jointMs!)), value: last.jointValue! };
      if (R) s.replicatesPerSec = round3(R / (t.minMs / 1000));
      return s;
    };
    const sk = side(pyRuns, quits[0]!);
    const oursRes: Record<string, SideResult> = {};
    const speedup: Record<string, number> = {};
    const speedupMedian: Record<string, number> = {};
    plan.threads.forEach((t, i) => {
      const s = side(ourRuns.get(t)!, quits[i + 1]!);
      oursRes[`t${t}`] = s;
      speedup[`t${t}`] = ratio(sk.minMs, s.minMs);
      speedupMedian[`t${t}`] = ratio(sk.medianMs, s.medianMs);
      if (s.joint) {
        speedup[`joint-t${t}`] = ratio(sk.minMs, s.joint.minMs);
        speedupMedian[`joint-t${t}`] = ratio(sk.medianMs, s.joint.medianMs);
      }
    });
    const agreement: Agreement = {
      ours: ourAgree.values,
      sklearn: pyAgree.values,
      sklearnExact: pyAgree.exact ?? [],
      maxAbsDiffPublic: maxAbsDiff(ourAgree.values.map((v) => Math.max(0, v)), pyAgree.values),
      maxAbsDiffExact: maxAbsDiff(ourAgree.values, pyAgree.exact ?? []),
    };
    if (ourAgree.replicates && pyAgree.replicates && pyAgree.replicatesExact) {
      agreement.replicatesCompared = ourAgree.replicates.length;
      agreement.replicatesMaxAbsDiffPublic = maxAbsDiff(ourAgree.replicates.map((v) => Math.max(0, v)), pyAgree.replicates);
      agreement.replicatesMaxAbsDiffExact = maxAbsDiff(ourAgree.replicates, pyAgree.replicatesExact);
    }
    const res: CaseResult = {
      id: plan.id, kind: plan.kind, n: plan.n, dx: plan.dx, k: o.k, truth: data.truth,
      ...(R ? { replicates: R } : {}), ...(spec.scheme ? { scheme: spec.scheme } : {}),
      sklearn: sk, ours: oursRes, speedup, speedupMedian, agreement,
    };
    log(`${plan.id}: sklearn ${sk.minMs.toFixed(1)} ms, ours ${plan.threads.map((t) => `${t}t ${oursRes[`t${t}`]!.minMs.toFixed(1)} ms`).join(', ')}; speedup ${JSON.stringify(speedup)}; |Δ| public ${agreement.maxAbsDiffPublic.toExponential(2)}, exact ${agreement.maxAbsDiffExact.toExponential(2)}`);
    return res;
  } finally {
    for (const c of all) c.kill();
  }
}

/** Run every case of the plan; data files live in a temp dir removed at the end. */
export async function runSuite(opts: SuiteOptions): Promise<CaseResult[]> {
  const o = { k: opts.k ?? 3, seed: opts.seed ?? 7, agreeReplicates: opts.agreeReplicates ?? 20 };
  const log = opts.log ?? (() => undefined);
  const dir = mkdtempSync(path.join(tmpdir(), 'infoshard-bench-'));
  try {
    const out: CaseResult[] = [];
    for (const plan of opts.plan) out.push(await runCase(plan, dir, o, log));
    return out;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
