/**
 * The summary path (issue 18, shared/job/summary.ts): shards return exceedance counts, block
 * moments and a centred quantile sketch instead of replicate vectors.
 * - p-values are the same bytes as the vector path; intervals agree within the stated sketch
 *   accuracy on the reference data (test/fixtures/cases/gauss2.csv);
 * - the same seed gives the same bytes for any shard size and thread count;
 * - the packed form round-trips and a malformed one is refused.
 */
import assert from 'node:assert/strict';
import { createEngine } from '../../engine/embedded.js';
import { InternalError, OptionError } from '../../shared/errors.js';
import { inlineExecutor, openJob, runJob } from '../../shared/job/pipeline.js';
import { checkPartial } from '../../shared/job/merge.js';
import { summaryShardSize } from '../../shared/job/plan.js';
import { prepareJob } from '../../shared/job/prepare.js';
import type { Job, JobResult } from '../../shared/job/spec.js';
import { mergeSummaries, packSummary, SKETCH_ALPHA, SUMMARY_BLOCK, SUMMARY_THRESHOLD, summarize, unpackSummary } from '../../shared/job/summary.js';
import { confidenceIntervalFromSummary } from '../../shared/resampling/ci-summary.js';
import { ndtri } from '../../shared/stats/normal.js';
import { bcaLevels, bcaZ0, jackknifeAcceleration } from '../../shared/resampling/ci.js';
import { runInlineWithReplicates } from '../../shared/resampling/simulate.js';
import { subsampleScale } from '../../shared/resampling/bootstrap.js';
import { sketchCdf, sketchOf, sketchQuantile } from '../../shared/stats/quantile-sketch.js';
import { sortedCopy } from '../../shared/stats/quantile.js';
import { readCsv } from '../estimators/helpers.js';
import { gaussianPair } from '../helpers/cluster.js';

const gauss2 = readCsv('gauss2.csv');
const refData = { names: ['x', 'y'], columns: [gauss2.get('x')!, gauss2.get('y')!], n: gauss2.get('x')!.length };

function run(job: Job, shardSize: number): Promise<JobResult> {
  return runJob(openJob(job), inlineExecutor(), { jobId: 'j', signal: new AbortController().signal, shardSize, meta: { engine: 'embedded', version: 't' } });
}

/** The parts of a result the summary path makes. */
function numbers(r: JobResult) {
  return JSON.stringify({ e: r.estimate, ci: r.ci, p: r.pValue, nul: r.null, bc: r.biasCorrected, bag: r.ensemble, w: r.warnings, s: r.summaries });
}

/**
 * The stated accuracy of a sketch percentile at level q of raw replicates (ci-summary.ts):
 * α·max(|x_(⌊h⌋) − θ̂|, |x_(⌊h⌋+1) − θ̂|), times the subsample scale f; plus rounding slack.
 */
function bound(sorted: Float64Array, q: number, theta: number, f = 1): number {
  const h = q * (sorted.length - 1);
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return f * SKETCH_ALPHA * Math.max(Math.abs(sorted[lo]! - theta), Math.abs(sorted[hi]! - theta)) + 1e-12;
}

describe('summaries: the quantile sketch and the packed shard summary', () => {
  it('a centred sketch is accurate relative to the distance from the centre, and its CDF brackets the exact one', () => {
    // values near 0.5 with spread 0.01: error relative to |v| would be 0.5·α, relative to |v − c| it is ≤ 0.03·α
    const vals = Float64Array.from({ length: 20_000 }, (_, i) => 0.5 + 0.01 * Math.sin(i * 12.9898) * Math.cos(i * 0.37));
    const s = sketchOf(vals, SKETCH_ALPHA, 0.5);
    const sorted = sortedCopy(vals);
    for (const q of [0.001, 0.025, 0.5, 0.975, 0.999]) {
      const r = Math.floor(q * (vals.length - 1));
      const err = Math.abs(sketchQuantile(s, q) - sorted[r]!);
      assert.ok(err <= SKETCH_ALPHA * Math.abs(sorted[r]! - 0.5) + 1e-15, `q = ${q}: error ${err}`);
    }
    for (const t of [0.495, 0.5, 0.5031, 0.51, 0.4]) {
      const lt = vals.filter((v) => v < t).length;
      const { below, straddle } = sketchCdf(s, t);
      assert.ok(below <= lt && lt <= below + straddle, `t = ${t}: #{v < t} = ${lt} outside [${below}, ${below + straddle}]`);
    }
  });

  it('pack/unpack round-trips (non-finite values counted apart) and a malformed summary is refused', () => {
    const v = Float64Array.from({ length: SUMMARY_BLOCK + 10 }, (_, i) => Math.cos(i));
    v[3] = NaN;
    v[7] = Infinity;
    const s = summarize(v, 2 * SUMMARY_BLOCK, 0.1);
    const packed = packSummary(s);
    const back = unpackSummary(packed, 2 * SUMMARY_BLOCK, 3 * SUMMARY_BLOCK + 10, 'bootstrap:x');
    assert.deepEqual(packSummary(back), packed);
    assert.equal(back.blocks.length, 2);
    assert.equal(back.blocks[0]!.count + back.blocks[1]!.count, v.length - 2);
    assert.equal(back.sketch.nan, 1);
    assert.equal(back.sketch.posInf, 1);
    const req = { shardId: 'bootstrap:8192-12298', r0: 2 * SUMMARY_BLOCK, r1: 3 * SUMMARY_BLOCK + 10 };
    assert.doesNotThrow(() => checkPartial({ ...req, values: packed }, true));
    assert.throws(() => checkPartial({ ...req, values: packed.subarray(0, packed.length - 1) }, true), InternalError);
    assert.throws(() => checkPartial({ ...req, values: v }, true), InternalError);
    assert.throws(() => summarize(v, 5, 0), InternalError);
  });

  it('subsample BCa z0 from the sketch: its rank fraction is within half the straddling bucket of the exact one', () => {
    // skewed m-row estimates around θ̂ = 0.3 with mean above it (the subsample bias)
    const v = Float64Array.from({ length: 3 * SUMMARY_BLOCK }, (_, i) => 0.3 + 0.02 * Math.exp(Math.sin(i * 7.31) * 1.3) - 0.01);
    const ws = mergeSummaries([summarize(v, 0, 0.3)]);
    const mean = ws.moments.mean;
    const exact = (v.filter((x) => x < mean).length + v.filter((x) => x <= mean).length) / (2 * v.length);
    const { below, straddle } = sketchCdf(ws.sketch, mean);
    const fromSketch = (below + straddle / 2) / v.length;
    assert.ok(Math.abs(fromSketch - exact) <= straddle / (2 * v.length) + 1e-15, `${fromSketch} vs ${exact} (straddle ${straddle})`);
    const ci = confidenceIntervalFromSummary({ method: 'bca', level: 0.95, thetaHat: 0.3, summary: ws, subsample: { m: 50, n: 200 }, jackknife: [0.29, 0.31, 0.3, 0.305] });
    assert.equal(ci.z0, ndtri(fromSketch));
    assert.equal(ci.z0Path, 'sketch');
  });

  it('shards of a summarised workload are whole blocks, at most MAX_SUMMARY_SHARDS of them', () => {
    assert.equal(summaryShardSize(10_000, 1), SUMMARY_BLOCK);
    assert.equal(summaryShardSize(10_000, 5000), 2 * SUMMARY_BLOCK);
    assert.equal(summaryShardSize(1e8, 50) % SUMMARY_BLOCK, 0);
    assert.ok(Math.ceil(1e8 / summaryShardSize(1e8, 50)) <= 256);
  });

  it('which workloads take the path: above the threshold automatically, all with true, none with false; a screen too (many-summary.ts)', () => {
    const data = gaussianPair(50, 0.3, 1);
    const base = { measure: 'mi', estimator: 'gaussian', x: ['x'], y: ['y'], data };
    assert.deepEqual(prepareJob({ ...base, bootstrap: { replicates: 100 }, permutation: { shuffles: SUMMARY_THRESHOLD + 1 } }).summaries, ['permutation']);
    assert.equal(prepareJob({ ...base, permutation: { shuffles: SUMMARY_THRESHOLD } }).summaries, undefined);
    assert.equal(prepareJob({ ...base, permutation: { shuffles: SUMMARY_THRESHOLD + 1 }, summaries: false }).summaries, undefined);
    assert.deepEqual(prepareJob({ ...base, bootstrap: { replicates: 10, method: 'bca' }, permutation: { shuffles: 10 }, ensemble: { bagging: { replicates: 5 } }, summaries: true }).summaries, ['bootstrap', 'permutation', 'bagging']);
    assert.deepEqual(prepareJob({ ...base, y: undefined, screen: { features: ['y'] }, permutation: { shuffles: 10 }, summaries: true } as never).summaries, ['permutation']);
  });
});

describe('summaries: against the exact vector path on the reference data (gauss2.csv, gaussian MI)', function () {
  this.timeout(120_000);
  const B = 2000;
  const base: Job = { measure: 'mi', estimator: 'gaussian', x: ['x'], y: ['y'], seed: 5, data: refData };

  for (const [scheme, method] of [['iid', 'percentile'], ['iid', 'bca'], ['iid', 'basic'], ['subsample', 'percentile'], ['iid', 'normal']] as const) {
    it(`${scheme} ${method}: endpoints within the stated accuracy; p-value identical; null within accuracy`, async () => {
      const job: Job = { ...base, bootstrap: { replicates: B, scheme, method, jackknifeGroups: 20 }, permutation: { shuffles: B } };
      const vec = runInlineWithReplicates({ ...job, summaries: false });
      const sum = await run({ ...job, summaries: true }, 1000);
      const theta = vec.theta;
      const raw = sortedCopy(vec.values.get('bootstrap')!);
      const f = scheme === 'subsample' ? subsampleScale(vec.prepared.bootstrap!.m, vec.prepared.n) : 1;
      // BCa iid: z0 from exact counts and a from the same jackknife, so the same levels as the vector path
      const lv = (1 - 0.95) / 2;
      const levels = method === 'bca' ? bcaLevels(bcaZ0(raw, theta), jackknifeAcceleration(vec.values.get('jackknife')!), lv) : [lv, 1 - lv];
      const [lo, hi] = method === 'basic' ? [levels[1]!, levels[0]!] : levels;
      if (method === 'normal') {
        assert.ok(Math.abs(sum.ci!.low - vec.result.ci!.low) <= 1e-12 && Math.abs(sum.ci!.high - vec.result.ci!.high) <= 1e-12);
      } else {
        assert.ok(Math.abs(sum.ci!.low - vec.result.ci!.low) <= bound(raw, lo!, theta, f), `low ${sum.ci!.low} vs ${vec.result.ci!.low}`);
        assert.ok(Math.abs(sum.ci!.high - vec.result.ci!.high) <= bound(raw, hi!, theta, f), `high ${sum.ci!.high} vs ${vec.result.ci!.high}`);
      }
      assert.equal(sum.pValue, vec.result.pValue);
      assert.ok(Math.abs(sum.null!.mean - vec.result.null!.mean) <= 1e-15 + 1e-12 * Math.abs(vec.result.null!.mean));
      assert.ok(Math.abs(sum.null!.sd - vec.result.null!.sd) <= 1e-12 * vec.result.null!.sd);
      const nul = sortedCopy(vec.values.get('permutation')!);
      for (const q of ['0.01', '0.05', '0.5', '0.95', '0.99']) {
        assert.ok(Math.abs(sum.null!.quantiles[q]! - vec.result.null!.quantiles[q]!) <= bound(nul, Number(q), theta), `null quantile ${q}`);
        assert.ok(sum.null!.quantiles[q]! >= 0, 'an MI null quantile is never negative');
      }
      assert.equal(sum.summaries!.paths.pValue, 'counts');
      assert.equal(sum.summaries!.paths['ci.low'], method === 'normal' ? 'moments' : 'sketch');
      if (method === 'bca') assert.equal(sum.summaries!.paths['ci.z0'], 'counts');
      assert.equal(sum.bootstrapDistribution, undefined);
      assert.equal(sum.nullDistribution, undefined);
      assert.equal(vec.result.summaries, undefined);
    });
  }
});

describe('summaries: same seed, same bytes for any shard size and thread count', function () {
  this.timeout(120_000);
  // 2.5 blocks per workload, so shards of 1, 2 and 3 blocks partition it differently
  const R = 2 * SUMMARY_BLOCK + 1000;
  const job: Job = {
    measure: 'mi', estimator: 'gaussian', x: ['x'], y: ['y'], seed: 9, data: gaussianPair(120, 0.3, 4), summaries: true,
    bootstrap: { replicates: R, scheme: 'subsample', method: 'bca', jackknifeGroups: 12 }, permutation: { shuffles: R }, ensemble: { bagging: { replicates: R } },
  };

  it('inline shard sizes 1, 5000 and 9000 and a 2-thread pool: identical CI, p-value, null, bagging', async () => {
    const results = [await run(job, 1), await run(job, 5000), await run(job, 9000)];
    const engine = createEngine({ threads: 2, shardSize: 1 });
    try {
      results.push(await engine.run(job));
    } finally {
      await engine.close();
    }
    const ref = numbers(results[0]!);
    for (const r of results.slice(1)) assert.equal(numbers(r), ref);
    const r = results[0]!;
    assert.deepEqual(r.summaries!.workloads, ['bootstrap', 'permutation', 'bagging']);
    assert.equal(r.summaries!.paths['ci.z0'], 'sketch'); // subsample BCa: threshold = replicate mean
    assert.equal(r.summaries!.paths['ensemble.bagging.mean'], 'moments');
    assert.equal(r.replicates.bootstrap, R);
    assert.equal(r.null!.count, R);
  });
});
