/**
 * Screen and pairwise jobs (shared/job/many.ts): each item equals the ordinary scalar job on
 * that item with the same seed (same orderings, same bytes), the corrections are applied to
 * those p-values, results do not depend on threads or shard sizes, and bad input is refused
 * with an error naming the field or column.
 */
import assert from 'node:assert/strict';
import { createEngine } from '../../engine/embedded.js';
import type { Dataset } from '../../shared/data/matrix.js';
import { gatherRows } from '../../shared/data/matrix.js';
import { DataError, LimitError, OptionError } from '../../shared/errors.js';
import { estimate } from '../../shared/estimators/index.js';
import { executeManyShard, itemInput, variablePermutations } from '../../shared/job/many.js';
import { inlineExecutor, openJob, runJob } from '../../shared/job/pipeline.js';
import type { Job, JobResult } from '../../shared/job/spec.js';
import { adjustPValues } from '../../shared/resampling/multiple-testing.js';
import { stream } from '../../shared/rng/index.js';

/** target t = f0 + 0.5 f1² + noise; f2..f(F−1) independent; z a confounder of f0 and t. */
function table(n: number, features: number, seed: number): Dataset {
  const r = stream(seed, 0, 91);
  const cols = Array.from({ length: features }, () => new Float64Array(n));
  const t = new Float64Array(n), z = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    z[i] = r.nextGaussian();
    for (const c of cols) c[i] = r.nextGaussian();
    cols[0]![i] = cols[0]![i]! + z[i]!;
    t[i] = cols[0]![i]! + 0.5 * cols[1]![i]! ** 2 + 0.5 * z[i]! + 0.7 * r.nextGaussian();
  }
  return { names: ['t', 'z', ...cols.map((_, j) => `f${j}`)], columns: [t, z, ...cols], n };
}

async function run(job: Job, threads = 1, shardSize = 4): Promise<JobResult> {
  const engine = createEngine({ threads, shardSize });
  try {
    return await engine.run(job);
  } finally {
    await engine.close();
  }
}

const data = table(150, 6, 1);
const screenJob: Job = { measure: 'mi', estimator: 'ksg1', k: 4, x: ['t'], seed: 11, permutation: { shuffles: 19 }, screen: { features: 'all', correction: 'maxstat' }, data };
// 'all' = every column but the target: z is a feature here (mi has no z)

describe('many-variable jobs: screen and pairwise', function () {
  this.timeout(120_000);

  it('screen mi: every feature = the scalar mi job (x = feature, y = target) with the same seed, byte for byte', async () => {
    const r = await run(screenJob);
    const s = r.screen!;
    assert.equal(s.features.length, 7);
    assert.deepEqual(s.target, ['t']);
    for (const f of s.features) {
      const one = await run({ measure: 'mi', estimator: 'ksg1', k: 4, x: [f.name], y: ['t'], seed: 11, permutation: { shuffles: 19 }, data });
      assert.equal(f.estimate, one.estimate, f.name);
      assert.equal(f.pValue, one.pValue, f.name);
      assert.equal(f.nullMean, one.null!.mean, f.name);
    }
    // sorted by estimate; the two informative features (and z, which drives f0 and t) lead
    for (let i = 1; i < s.features.length; i++) assert.ok(s.features[i - 1]!.estimate >= s.features[i]!.estimate);
    assert.deepEqual(new Set(s.features.slice(0, 2).map((f) => f.name)), new Set(['f0', 'z']));
    // job-level fields: the max statistic
    assert.equal(r.estimate, s.features[0]!.estimate);
    assert.equal(r.nullDistribution!.length, 19);
  });

  it('the corrections are the formulas of multiple-testing.ts on the per-feature p-values; selected = pAdjusted ≤ alpha', async () => {
    for (const correction of ['fdr_bh', 'fdr_by', 'holm', 'none'] as const) {
      const r = await run({ ...screenJob, screen: { features: 'all', correction, alpha: 0.1 } });
      const s = r.screen!;
      const adj = adjustPValues(correction, s.features.map((f) => f.pValue));
      s.features.forEach((f, i) => {
        assert.equal(f.pAdjusted, adj[i]);
        assert.equal(f.selected, adj[i]! <= 0.1);
      });
      assert.equal(s.correction, correction);
      // 7 features, P = 19: p ≥ 1/20, so Holm/BH/BY cannot select a lone item at 0.1 (7/20 > 0.1): said
      assert.equal(r.warnings.some((w) => /raise --permutations or use maxstat/.test(w)), correction !== 'none', correction);
    }
    // maxstat: p̃ = (1 + #{row maxima ≥ T}) / (P + 1), and the job p-value is the smallest p̃
    const r = await run(screenJob);
    const maxima = r.nullDistribution!;
    for (const f of r.screen!.features) {
      const b = Array.from(maxima).filter((m) => m >= f.estimate - Math.abs(f.estimate) * 100 * Number.EPSILON).length;
      assert.equal(f.pAdjusted, Math.min(1, (b + 1) / 20));
      assert.ok(f.pAdjusted >= f.pValue);
    }
    assert.equal(r.pValue, Math.min(...r.screen!.features.map((f) => f.pAdjusted)));
  });

  it('screen cmi (local and shuffle): every feature = the scalar cmi job (x = target, y = feature, z)', async () => {
    for (const kind of ['local', 'shuffle'] as const) {
      const job: Job = { measure: 'cmi', estimator: 'ksg_cmi', k: 4, x: ['t'], z: ['z'], seed: 5, permutation: { shuffles: 9, kind }, screen: { features: ['f0', 'f1', 'f3'] }, data };
      const r = await run(job);
      for (const f of r.screen!.features) {
        const one = await run({ measure: 'cmi', estimator: 'ksg_cmi', k: 4, x: ['t'], y: [f.name], z: ['z'], seed: 5, permutation: { shuffles: 9, kind }, data });
        assert.equal(f.estimate, one.estimate, `${kind} ${f.name}`);
        assert.equal(f.pValue, one.pValue, `${kind} ${f.name}`);
      }
      assert.deepEqual(r.screen!.z, ['z']);
    }
  });

  it('same bytes on 1 and 2 threads and any shard size (screen and pairwise)', async () => {
    const pw: Job = { measure: 'mi', estimator: 'ksg1', k: 3, x: ['t', 'f0', 'f1', 'f2'], seed: 4, permutation: { shuffles: 13 }, pairwise: { correction: 'maxstat' }, data };
    for (const job of [screenJob, pw]) {
      const a = await run(job, 1, 4);
      const b = await run(job, 2, 3);
      const c = await run(job, 2, 50);
      const key = (r: JobResult) => JSON.stringify({ s: r.screen, p: r.pairwise, e: r.estimate, pv: r.pValue, n: Array.from(r.nullDistribution!) });
      assert.equal(key(b), key(a));
      assert.equal(key(c), key(a));
    }
  });

  it('pairwise mi: estimates = scalar mi; a null value = MI of the data with every variable permuted by its own π_v', () => {
    const job: Job = { measure: 'mi', estimator: 'ksg1', k: 3, x: ['t', 'f0', 'f1', 'f2'], seed: 4, permutation: { shuffles: 5 }, pairwise: {}, data };
    const runJ = openJob(job);
    const p = runJ.prepared;
    assert.equal(p.many!.items, 6);
    const shard = executeManyShard(p, { jobId: 'j', shardId: 'permutation:2-4', workload: 'permutation', r0: 2, r1: 4 });
    assert.equal(shard.values.length, 2 * 6);
    for (let q = 0; q < 2; q++) {
      const perms = variablePermutations(4, 2 + q, p.n, 4);
      for (let t = 0; t < 6; t++) {
        const i = p.many!.pairs![2 * t]!, j = p.many!.pairs![2 * t + 1]!;
        const inp = itemInput(p, t);
        const direct = estimate('mi', 'ksg1', { x: gatherRows(inp.x, perms[i]!), y: gatherRows(inp.y!, perms[j]!) }, p.params);
        // the same point set in another row order: equal up to the summation order
        assert.ok(Math.abs(shard.values[q * 6 + t]! - direct) < 1e-12, `pair ${t} replicate ${2 + q}: ${shard.values[q * 6 + t]} vs ${direct}`);
      }
    }
  });

  it('pairwise: symmetric matrices, pairs in row-major order, estimates = scalar mi', async () => {
    const r = await run({ measure: 'mi', estimator: 'ksg1', k: 3, x: ['t', 'f0', 'f1'], seed: 4, permutation: { shuffles: 9 }, pairwise: { correction: 'maxstat', alpha: 0.15 }, data });
    const pw = r.pairwise!;
    assert.deepEqual(pw.pairs.map((q) => `${q.a}-${q.b}`), ['t-f0', 't-f1', 'f0-f1']);
    assert.equal(pw.matrix[0]![0], null);
    assert.equal(pw.matrix[0]![1], pw.matrix[1]![0]);
    assert.equal(pw.pMatrix[2]![1], pw.pairs[2]!.pAdjusted);
    const one = await run({ measure: 'mi', estimator: 'ksg1', k: 3, x: ['f0'], y: ['f1'], data });
    assert.equal(pw.pairs[2]!.estimate, one.estimate);
    // t–f0 is a strong dependence: above every null maximum, p̃ = 1/10 ≤ 0.15
    assert.equal(pw.pairs[0]!.pAdjusted, 0.1);
    assert.ok(pw.pairs[0]!.selected);
  });

  it('pairwise cmi given z runs and reports z', async () => {
    const r = await run({ measure: 'cmi', estimator: 'ksg_cmi', k: 3, x: ['t', 'f0', 'f2'], z: ['z'], seed: 2, permutation: { shuffles: 9 }, pairwise: {}, data });
    assert.deepEqual(r.pairwise!.z, ['z']);
    assert.equal(r.pairwise!.pairs.length, 3);
    const one = await run({ measure: 'cmi', estimator: 'ksg_cmi', k: 3, x: ['t'], y: ['f2'], z: ['z'], data });
    assert.equal(r.pairwise!.pairs[1]!.estimate, one.estimate);
  });

  it('bad input: a clear error naming the field or column', () => {
    const bad = (patch: Partial<Job>, type: new (...a: never[]) => Error, re: RegExp) => assert.throws(() => openJob({ ...screenJob, ...patch } as Job), (e: Error) => e instanceof type && re.test(e.message));
    bad({ screen: { features: ['f0', 't'] } }, OptionError, /"t" is the target and also listed among the features/);
    bad({ screen: { features: ['f0', 'f0'] } }, OptionError, /"f0" is listed twice in screen.features/);
    bad({ screen: { features: ['f9'] } }, DataError, /unknown column 'f9' in screen.features\[0\]/);
    bad({ screen: { features: 'all', correction: 'bonferroni' as never } }, OptionError, /screen.correction must be one of/);
    bad({ screen: { features: 'all', alpha: 1.5 } }, OptionError, /screen.alpha must be in \(0, 1\)/);
    bad({ y: ['f0'] }, OptionError, /y is not used by screen/);
    bad({ bootstrap: { replicates: 10 } }, OptionError, /screen does not take a bootstrap/);
    bad({ measure: 'te', estimator: 'ksg' }, OptionError, /screen supports measures mi, cmi/);
    const { permutation: _p, ...noPerm } = screenJob;
    assert.throws(() => openJob(noPerm as Job), /screen needs permutations/);
    const konst: Dataset = { names: [...data.names, 'c'], columns: [...data.columns, new Float64Array(data.n).fill(2)], n: data.n };
    bad({ data: konst }, DataError, /column "c" \(in screen.features\) is constant/);
    bad({ data: konst, normalize: false }, DataError, /column "c" \(in screen.features\) is constant/);
    const wide: Dataset = { names: Array.from({ length: 450 }, (_, j) => `v${j}`), columns: Array.from({ length: 450 }, () => new Float64Array(4)), n: 4 };
    assert.throws(() => openJob({ measure: 'mi', estimator: 'ksg1', x: [...wide.names], permutation: { shuffles: 2 }, pairwise: {}, data: wide }), (e: Error) => e instanceof LimitError && /x: 450 variables \(101025 pairs\) exceed the job limit of 100000 pairs/.test(e.message));
    assert.throws(() => openJob({ measure: 'mi', estimator: 'ksg1', x: ['t'], permutation: { shuffles: 2 }, pairwise: {}, data }), /pairwise needs at least 2 variables/);
    assert.throws(() => openJob({ measure: 'mi', estimator: 'ksg1', x: ['t', 'f0'], permutation: { shuffles: 2, kind: 'local' }, pairwise: {}, data }), /pairwise permutes every variable/);
  });

  it('the inline pipeline gives the embedded engine\'s bytes; shards carry width = items', async () => {
    const r1 = openJob(screenJob);
    const shards = r1.plan('j', 5);
    assert.ok(shards.every((s) => s.width === 7));
    const viaInline = await runJob(r1, inlineExecutor(), { jobId: 'j', signal: new AbortController().signal, shardSize: 5, meta: { engine: 'embedded', version: 'x' } });
    const viaEngine = await run(screenJob, 2, 6);
    assert.equal(JSON.stringify(viaInline.screen), JSON.stringify(viaEngine.screen));
  });
});
