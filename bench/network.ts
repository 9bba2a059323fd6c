/**
 * Network-inference recovery study (docs/screening.md, "Network inference"): not a timed test, a
 * report. Precision and recall of the inferred edges (source → target) and lagged links
 * (source, target, lag) against the known truth, averaged over simulated datasets.
 *
 *   node dist/bench/network.js [case] [datasets] [permutations] [threads]
 *     var5        /work/shared/workloads/var5.csv against truth.json (5 nodes, N = 2000; gaussian)
 *     var5-ksg    the same with the ksg estimator
 *     linear5     5-node VAR (bench/var-network.ts: the var5 topology), N = 2000, gaussian
 *     linear10    10-node random VAR (in-degree 2, lags 1..3), N = 1000, gaussian
 *     nonlinear   4 nodes, N = 2000, one square coupling n2 → n3 (c·(u² − 1)) and two linear
 *                 ones; ksg, and gaussian for comparison (it cannot see the square coupling)
 * Writes bench/results/network-<case>.json and prints a Markdown row per estimator.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createEngine } from '../engine/embedded.js';
import { loadDataset } from '../shared/data/load.js';
import type { Dataset } from '../shared/data/matrix.js';
import { inferNetwork } from '../shared/job/network.js';
import { randomNetwork, recovery, simulateVar, type VarEdge } from './var-network.js';

interface Case {
  datasets: (d: number) => Promise<{ data: Dataset; truth: { source: string; target: string; lag: number }[] }>;
  maxLag: number;
  estimators: ('ksg' | 'gaussian')[];
  what: string;
}

const names = (edges: VarEdge[]) => edges.map((e) => ({ source: `n${e.source}`, target: `n${e.target}`, lag: e.lag }));
const FIVE: VarEdge[] = [
  { source: 0, target: 1, lag: 1 }, { source: 1, target: 2, lag: 2 }, { source: 0, target: 3, lag: 1 },
  { source: 3, target: 4, lag: 1 }, { source: 2, target: 4, lag: 3 },
];
const NONLINEAR: VarEdge[] = [{ source: 0, target: 1, lag: 1 }, { source: 1, target: 2, lag: 2 }, { source: 2, target: 3, lag: 1, kind: 'square' }];

async function var5() {
  const truth = JSON.parse(readFileSync('/work/shared/workloads/truth.json', 'utf8')) as { edges: { source: string; target: string; lag: number }[] };
  return { data: await loadDataset('/work/shared/workloads/var5.csv'), truth: truth.edges };
}

const CASES: Record<string, Case> = {
  var5: { datasets: var5, maxLag: 3, estimators: ['gaussian'], what: 'var5.csv (5 nodes, N = 2000)' },
  'var5-ksg': { datasets: var5, maxLag: 3, estimators: ['ksg'], what: 'var5.csv (5 nodes, N = 2000)' },
  linear5: { datasets: async (d) => ({ data: simulateVar({ nodes: 5, edges: FIVE }, 2000, 100 + d), truth: names(FIVE) }), maxLag: 3, estimators: ['gaussian'], what: 'linear VAR, 5 nodes, N = 2000' },
  linear10: {
    datasets: async (d) => {
      const edges = randomNetwork(10, 2, 3, 200 + d);
      // self 0.3 + 2 inputs × 0.25: every row sum < 1, so the process is stable
      return { data: simulateVar({ nodes: 10, edges, coupling: 0.25, self: 0.3 }, 1000, 200 + d), truth: names(edges) };
    },
    maxLag: 3, estimators: ['gaussian'], what: 'linear VAR, 10 nodes (in-degree 2, c = 0.25), N = 1000',
  },
  nonlinear: { datasets: async (d) => ({ data: simulateVar({ nodes: 4, edges: NONLINEAR, coupling: 0.4 }, 2000, 300 + d), truth: names(NONLINEAR) }), maxLag: 2, estimators: ['ksg', 'gaussian'], what: '4 nodes, N = 2000, n2 → n3 square coupling' },
};

const [name = 'var5', dArg, pArg, tArg] = process.argv.slice(2);
const c = CASES[name];
if (!c) {
  console.error(`usage: node dist/bench/network.js ${Object.keys(CASES).join('|')} [datasets] [permutations] [threads]`);
  process.exit(2);
}
const D = Number(dArg ?? (name.startsWith('var5') ? 1 : 5)), P = Number(pArg ?? 100), threads = Number(tArg ?? 2);
const engine = createEngine({ threads });
const rows: Record<string, unknown>[] = [];
try {
  for (const estimator of c.estimators) {
    const per: ReturnType<typeof recovery>[] = [];
    let seconds = 0, steps = 0;
    for (let d = 0; d < D; d++) {
      const { data, truth } = await c.datasets(d);
      const t0 = performance.now();
      const r = await inferNetwork(engine, { data, vars: [...data.names], maxLag: c.maxLag, estimator, permutations: P, seed: d });
      seconds += (performance.now() - t0) / 1000;
      steps += r.targets.reduce((m, t) => m + t.steps, 0);
      per.push(recovery(truth, r.edges));
      console.error(`${name} ${estimator} dataset ${d}: edges P ${per[d]!.edges.precision.toFixed(3)} R ${per[d]!.edges.recall.toFixed(3)}; lags P ${per[d]!.lags.precision.toFixed(3)} R ${per[d]!.lags.recall.toFixed(3)} (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
    }
    const mean = (f: (x: ReturnType<typeof recovery>) => number) => per.reduce((m, x) => m + f(x), 0) / per.length;
    const row = {
      case: name, what: c.what, estimator, datasets: D, permutations: P, threads, maxLag: c.maxLag,
      edgePrecision: mean((x) => x.edges.precision), edgeRecall: mean((x) => x.edges.recall),
      lagPrecision: mean((x) => x.lags.precision), lagRecall: mean((x) => x.lags.recall),
      falseEdges: per.reduce((m, x) => m + x.edges.found - x.edges.truePositives, 0), missedEdges: per.reduce((m, x) => m + x.edges.true - x.edges.truePositives, 0),
      tests: steps, seconds: Number(seconds.toFixed(1)),
    };
    rows.push(row);
    console.log(`| ${c.what} | ${estimator} | ${D} | ${P} | ${row.edgePrecision.toFixed(3)} | ${row.edgeRecall.toFixed(3)} | ${row.lagPrecision.toFixed(3)} | ${row.lagRecall.toFixed(3)} | ${row.falseEdges} / ${row.missedEdges} | ${row.seconds} s |`);
  }
} finally {
  await engine.close();
}
mkdirSync('bench/results', { recursive: true });
writeFileSync(`bench/results/network-${name}.json`, JSON.stringify({ date: new Date().toISOString(), rows }, null, 1) + '\n');
