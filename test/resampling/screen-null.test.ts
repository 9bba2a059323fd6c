/**
 * Type I error of screening by simulation (issue 11): under the global null (target independent
 * of every feature), over 200 datasets, (a) per-feature p-values are uniform on the permutation
 * grid, (b) maxstat's family-wise error rate and BH's FDR (= FWER under the global null) are
 * ≤ α within binomial error. Small sizes (N = 40, 3 features, P = 79) so it runs in seconds;
 * bench/screening.ts repeats it at larger sizes.
 */
import assert from 'node:assert/strict';
import type { Dataset } from '../../shared/data/matrix.js';
import { inlineExecutor, openJob, runJob } from '../../shared/job/pipeline.js';
import type { Correction } from '../../shared/resampling/multiple-testing.js';
import { adjustPValues } from '../../shared/resampling/multiple-testing.js';
import { stream } from '../../shared/rng/index.js';

// P + 1 = 80 > F/α = 60, so Holm and BH can reject (see the warning in many.ts)
const D = 200, N = 40, F = 3, P = 79, ALPHA = 0.05;

function nullData(d: number): Dataset {
  const r = stream(777, d, 61);
  const cols = Array.from({ length: F + 1 }, () => new Float64Array(N));
  for (const c of cols) for (let i = 0; i < N; i++) c[i] = r.nextGaussian();
  return { names: ['y', ...cols.slice(1).map((_, j) => `f${j}`)], columns: cols, n: N };
}

/** Upper 0.999 quantile of Binomial(n, p) (exact sum). */
function binomUpper(n: number, p: number, q = 0.999): number {
  let cdf = 0;
  let pmf = (1 - p) ** n;
  for (let k = 0; k <= n; k++) {
    cdf += pmf;
    if (cdf >= q) return k;
    pmf *= ((n - k) / (k + 1)) * (p / (1 - p));
  }
  return n;
}

describe('screen: type I error under the global null (simulation)', function () {
  this.timeout(300_000);
  it(`${D} datasets: per-feature p uniform; maxstat FWER and BH FDR ≤ α within binomial error`, async () => {
    const pvals: number[] = [];
    const anyReject: Record<Correction, number> = { maxstat: 0, fdr_bh: 0, holm: 0, fdr_by: 0, none: 0 };
    for (let d = 0; d < D; d++) {
      const run = openJob({ measure: 'mi', estimator: 'ksg1', k: 3, x: ['y'], seed: d, permutation: { shuffles: P }, screen: { features: 'all', correction: 'maxstat' }, data: nullData(d) });
      const r = await runJob(run, inlineExecutor(), { jobId: `n${d}`, signal: new AbortController().signal, shardSize: 8, meta: { engine: 'embedded', version: 't' } });
      const feats = r.screen!.features;
      const pv = feats.map((f) => f.pValue);
      pvals.push(...pv);
      if (feats.some((f) => f.selected)) anyReject.maxstat++;
      for (const c of ['fdr_bh', 'holm'] as const) if (adjustPValues(c, pv).some((a) => a <= ALPHA)) anyReject[c]++;
    }
    const m = pvals.length; // 600
    // uniform on {1/80, ..., 1}: P(p ≤ j/80) = j/80; check a few j within 0.999 binomial bounds
    for (const j of [4, 8, 20, 40]) {
      const count = pvals.filter((p) => p <= j / (P + 1) + 1e-12).length;
      const lo = m - binomUpper(m, 1 - j / (P + 1));
      assert.ok(count <= binomUpper(m, j / (P + 1)) && count >= lo, `P(p ≤ ${j}/80): ${count}/${m}`);
    }
    const cap = binomUpper(D, ALPHA);
    for (const c of ['maxstat', 'fdr_bh', 'holm'] as const) assert.ok(anyReject[c] <= cap, `${c}: ${anyReject[c]} of ${D} datasets with a rejection (cap ${cap})`);
    // not vacuous: each correction does reject on some null datasets (expected ≈ α·D = 10)
    for (const c of ['maxstat', 'fdr_bh', 'holm'] as const) assert.ok(anyReject[c] > 0, `${c} never rejected`);
  });
});
