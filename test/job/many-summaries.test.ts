/**
 * Screen and pairwise jobs on the summary path (issue 18, shared/job/many-summary.ts): shards
 * return per-item exceedance and max-statistic counts, per-block item means and the row maxima's
 * summary instead of the P × items null matrix. Every item p-value and adjusted p-value is the
 * same bytes as the matrix path; the item null means agree to rounding; the summary path gives the
 * same bytes for any thread count and shard size; a large job takes it on its own.
 */
import assert from 'node:assert/strict';
import { createEngine } from '../../engine/embedded.js';
import type { Dataset } from '../../shared/data/matrix.js';
import { InternalError } from '../../shared/errors.js';
import { MANY_SUMMARY_VALUES, ManySummaryBuilder, mergeManySummaries, packManySummary, unpackManySummary } from '../../shared/job/many-summary.js';
import { prepareJob } from '../../shared/job/prepare.js';
import type { ItemResult, Job, JobResult } from '../../shared/job/spec.js';
import { SUMMARY_BLOCK, SUMMARY_THRESHOLD } from '../../shared/job/summary.js';
import { stream } from '../../shared/rng/index.js';

/** target t = f0 + 0.4 f1 + noise; the other features independent of t. */
function table(n: number, features: number, seed: number): Dataset {
  const r = stream(seed, 0, 93);
  const cols = Array.from({ length: features }, () => new Float64Array(n));
  const t = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    for (const c of cols) c[i] = r.nextGaussian();
    t[i] = cols[0]![i]! + 0.4 * cols[1]![i]! + r.nextGaussian();
  }
  return { names: ['t', ...cols.map((_, j) => `f${j}`)], columns: [t, ...cols], n };
}

async function run(job: Job, threads = 1, shardSize = 64): Promise<JobResult> {
  const engine = createEngine({ threads, shardSize });
  try {
    return await engine.run(job);
  } finally {
    await engine.close();
  }
}

const P = 2 * SUMMARY_BLOCK + 300;
const data = table(90, 7, 5);
const screen = (correction: 'maxstat' | 'fdr_bh', summaries: boolean): Job => ({
  measure: 'mi', estimator: 'gaussian', x: ['t'], seed: 4, permutation: { shuffles: P }, screen: { features: 'all', correction }, data, summaries,
});
const pairwise = (summaries: boolean): Job => ({
  measure: 'mi', estimator: 'gaussian', x: ['t', 'f0', 'f1', 'f2'], seed: 8, permutation: { shuffles: P }, pairwise: { correction: 'maxstat' }, data, summaries,
});

const pBytes = (items: ItemResult[]) => JSON.stringify(items.map((f) => [f.estimate, f.pValue, f.pAdjusted, f.selected]));

function closeMeans(a: ItemResult[], b: ItemResult[]): void {
  a.forEach((f, i) => {
    const g = b[i]!.nullMean;
    assert.ok(Math.abs(f.nullMean - g) <= 1e-12 * Math.max(1e-3, Math.abs(g)), `null mean ${f.nullMean} vs ${g}`);
  });
}

describe('screen / pairwise on the summary path', function () {
  this.timeout(180_000);

  for (const correction of ['maxstat', 'fdr_bh'] as const) {
    it(`screen, ${correction}: p-values and adjusted p-values identical to the matrix path; null means to rounding`, async () => {
      const vec = await run(screen(correction, false));
      const sum = await run(screen(correction, true));
      assert.equal(pBytes(sum.screen!.features), pBytes(vec.screen!.features));
      assert.deepEqual(sum.screen!.selected, vec.screen!.selected);
      assert.ok(sum.screen!.selected.includes('f0'), 'the informative feature is selected');
      closeMeans(sum.screen!.features, vec.screen!.features);
      // the job-level max statistic: its p-value is a count too
      assert.equal(sum.pValue, vec.pValue);
      assert.equal(vec.summaries, undefined);
      assert.equal(sum.summaries!.paths['items.pValue'], 'counts');
      assert.equal(sum.summaries!.paths['items.pAdjusted'], 'counts');
      assert.equal(sum.summaries!.paths['null.quantiles'], 'sketch');
      assert.equal(sum.nullDistribution, undefined);
    });
  }

  it('pairwise, maxstat: the same p-value bytes on both paths', async () => {
    const vec = await run(pairwise(false));
    const sum = await run(pairwise(true));
    assert.equal(pBytes(sum.pairwise!.pairs), pBytes(vec.pairwise!.pairs));
    assert.deepEqual(sum.pairwise!.pMatrix, vec.pairwise!.pMatrix);
    closeMeans(sum.pairwise!.pairs, vec.pairwise!.pairs);
  });

  it('the summary path gives the same bytes for any thread count and shard size', async () => {
    const a = await run(screen('maxstat', true), 1, 10);
    const b = await run(screen('maxstat', true), 3, 5000);
    const key = (r: JobResult) => JSON.stringify({ s: r.screen, p: r.pValue, n: r.null, w: r.warnings, m: r.summaries });
    assert.equal(key(b), key(a));
  });

  it('a screen takes the summary path above the threshold on its own; summaries: false keeps the matrix', () => {
    const big = table(30, 120, 2);
    const shuffles = Math.ceil(MANY_SUMMARY_VALUES / 120) + 1;
    assert.ok(shuffles <= SUMMARY_THRESHOLD, 'decided by the number of null values, not of permutations');
    const job: Job = { measure: 'mi', estimator: 'gaussian', x: ['t'], seed: 1, permutation: { shuffles }, screen: { features: 'all' }, data: big };
    assert.deepEqual(prepareJob(job).summaries, ['permutation']);
    assert.equal(prepareJob({ ...job, summaries: false }).summaries, undefined);
    assert.equal(prepareJob({ ...job, permutation: { shuffles: 999 } }).summaries, undefined);
  });

  it('a packed shard summary round-trips; a wrong range, item count or truncation is refused', () => {
    const thetas = Float64Array.from([0.1, 0.5, NaN]);
    const b = new ManySummaryBuilder(0, SUMMARY_BLOCK + 10, thetas, Infinity);
    const r = stream(3, 0, 1);
    for (let f = 0; f < 3; f++) for (let i = 0; i < SUMMARY_BLOCK + 10; i++) b.value(i, f, f === 2 && i === 7 ? NaN : Math.abs(r.nextGaussian()) / 2);
    const s = b.finish();
    assert.equal(s.nonFinite, 1);
    assert.equal(s.atLeast[2], 0, 'a NaN observed statistic is never reached (as permutationPValue)');
    assert.equal(s.maxAtLeast[2], 0);
    assert.ok(s.maxAtLeast[0]! >= s.atLeast[0]!, 'the max statistic exceeds at least as often');
    const packed = packManySummary(s);
    const u = unpackManySummary(packed, 0, SUMMARY_BLOCK + 10, 3, 's');
    assert.deepEqual(packManySummary(u), packed);
    assert.throws(() => unpackManySummary(packed, 0, SUMMARY_BLOCK + 11, 3, 's'), InternalError);
    assert.throws(() => unpackManySummary(packed, 0, SUMMARY_BLOCK + 10, 4, 's'), InternalError);
    assert.throws(() => unpackManySummary(packed.subarray(0, packed.length - 3), 0, SUMMARY_BLOCK + 10, 3, 's'), InternalError);
    assert.throws(() => mergeManySummaries([u], SUMMARY_BLOCK + 20, 3), /missing shard results for permutation replicate 4106/);
  });
});
