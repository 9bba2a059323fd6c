/**
 * Screening statistics by simulation (docs/screening.md): not a timed test, a report.
 *
 *   node dist/bench/screening.js null [datasets=200] [n=100] [features=8] [perms=49]
 *     global null (independent features and target): per-feature p-value uniformity
 *     (rejection rates at 0.05 / 0.1, KS distance), family-wise error of maxstat / holm and
 *     false discovery rate of fdr_bh at alpha 0.05, with binomial standard errors.
 *   node dist/bench/screening.js power [perms=99] [threads=2] [file] [truth]
 *     screen200.csv against truth.json's `informative`: recall and precision per correction.
 */
import { readFileSync } from 'node:fs';
import { createEngine } from '../engine/embedded.js';
import { loadDataset } from '../shared/data/load.js';
import type { Dataset } from '../shared/data/matrix.js';
import { adjustPValues, type Correction } from '../shared/resampling/multiple-testing.js';
import { stream } from '../shared/rng/index.js';
import type { Job } from '../shared/job/spec.js';

const ALPHA = 0.05;
const CORR: Correction[] = ['maxstat', 'holm', 'fdr_bh', 'fdr_by'];

function nullData(n: number, f: number, d: number): Dataset {
  const r = stream(2024, d, 77);
  const cols = Array.from({ length: f + 1 }, () => new Float64Array(n));
  for (const c of cols) for (let i = 0; i < n; i++) c[i] = r.nextGaussian();
  return { names: ['y', ...cols.slice(1).map((_, j) => `f${j}`)], columns: cols, n };
}

async function nullStudy(datasets: number, n: number, f: number, perms: number): Promise<void> {
  const engine = createEngine({ threads: 2 });
  const ps: number[] = [];
  const anyReject: Record<string, number> = Object.fromEntries(CORR.map((c) => [c, 0]));
  try {
    for (let d = 0; d < datasets; d++) {
      const job: Job = { measure: 'mi', estimator: 'ksg1', k: 3, x: ['y'], seed: d, permutation: { shuffles: perms }, screen: { features: 'all', correction: 'none' }, data: nullData(n, f, d) };
      const r = await engine.run(job);
      const feats = r.screen!.features;
      const pv = feats.map((q) => q.pValue);
      ps.push(...pv);
      const maxima = r.nullDistribution!;
      for (const c of CORR) {
        const adj = adjustPValues(c, pv, { observed: feats.map((q) => q.estimate), maxima });
        if (adj.some((a) => a <= ALPHA)) anyReject[c]!++;
      }
    }
  } finally {
    await engine.close();
  }
  const m = ps.length;
  const rate = (a: number) => ps.filter((p) => p <= a).length / m;
  // KS distance of the p-values to U(0,1) (discrete grid 1/(P+1); expected ≈ 1/(P+1) from discreteness)
  const sorted = [...ps].sort((a, b) => a - b);
  let ks = 0;
  sorted.forEach((p, i) => (ks = Math.max(ks, Math.abs((i + 1) / m - p), Math.abs(i / m - p))));
  const se = (p: number, k: number) => Math.sqrt((p * (1 - p)) / k);
  console.log(`null study: ${datasets} datasets, N=${n}, ${f} features, P=${perms}, ksg1 k=3`);
  console.log(`  per-feature p-values: ${m}; P(p ≤ 0.05) = ${rate(0.05).toFixed(4)} (nominal 0.05 ± ${se(0.05, m).toFixed(4)}), P(p ≤ 0.1) = ${rate(0.1).toFixed(4)}, P(p ≤ 0.5) = ${rate(0.5).toFixed(4)}, KS = ${ks.toFixed(4)}`);
  for (const c of CORR) {
    const v = anyReject[c]! / datasets;
    console.log(`  ${c}: P(any rejection at α=0.05) = ${v.toFixed(4)} (FWER = FDR under the global null; α ± 2se = ${ALPHA} ± ${(2 * se(ALPHA, datasets)).toFixed(4)})`);
  }
}

async function powerStudy(perms: number, threads: number, file: string, truthFile: string): Promise<void> {
  const data = await loadDataset(file);
  const truth = new Set((JSON.parse(readFileSync(truthFile, 'utf8')) as { informative: string[] }).informative);
  const engine = createEngine({ threads });
  const t0 = performance.now();
  try {
    const r = await engine.run({ measure: 'mi', estimator: 'ksg1', k: 3, x: ['y'], seed: 1, permutation: { shuffles: perms }, screen: { features: 'all', correction: 'none' }, data });
    const s = r.screen!;
    console.log(`power study: ${file}, N=${r.n}, ${s.features.length} features, P=${perms}, ${threads} threads, ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    const pv = s.features.map((q) => q.pValue);
    for (const c of ['none', ...CORR] as Correction[]) {
      const adj = adjustPValues(c, pv, { observed: s.features.map((q) => q.estimate), maxima: r.nullDistribution! });
      const sel = s.features.filter((_, i) => adj[i]! <= ALPHA).map((q) => q.name);
      const tp = sel.filter((x) => truth.has(x)).length;
      console.log(`  ${c.padEnd(7)}: selected ${sel.length}, true ${tp}/${truth.size} (recall ${(tp / truth.size).toFixed(2)}), precision ${sel.length ? (tp / sel.length).toFixed(2) : 'n/a'}; false: ${sel.filter((x) => !truth.has(x)).join(' ') || '-'}`);
    }
    console.log(`  top 12 by estimate: ${s.features.slice(0, 12).map((q) => `${q.name}=${q.estimate.toFixed(3)}`).join(' ')}`);
    const missed = [...truth].filter((x) => !s.features.find((q) => q.name === x)!.selected);
    for (const x of missed) {
      const q = s.features.find((g) => g.name === x)!;
      console.log(`  informative ${x}: estimate ${q.estimate.toFixed(4)}, p ${q.pValue.toFixed(4)}, rank ${s.features.indexOf(q) + 1}`);
    }
  } finally {
    await engine.close();
  }
}

const [mode, ...args] = process.argv.slice(2);
const num = (i: number, d: number) => (args[i] !== undefined ? Number(args[i]) : d);
if (mode === 'null') await nullStudy(num(0, 200), num(1, 100), num(2, 8), num(3, 49));
else if (mode === 'power') await powerStudy(num(0, 99), num(1, 2), args[2] ?? '/work/shared/workloads/screen200.csv', args[3] ?? '/work/shared/workloads/truth.json');
else console.error('usage: node dist/bench/screening.js null|power [...]');
