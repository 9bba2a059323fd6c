/**
 * Trials: the embedding runs per trial (no embedding vector crosses a boundary), the estimate
 * equals the estimator on the per-trial embeddings stacked, and surrogates stay within trials.
 */
import assert from 'node:assert/strict';
import type { Dataset, Matrix } from '../../shared/data/matrix.js';
import { embedNextAndPast } from '../../shared/estimators/info-dynamics.js';
import { embedTe } from '../../shared/estimators/transfer-entropy.js';
import { ksgCmi } from '../../shared/estimators/ksg-cmi.js';
import { pluginMi } from '../../shared/estimators/plugin.js';
import { permutationFor } from '../../shared/job/execute.js';
import { openJob, runJob, inlineExecutor } from '../../shared/job/pipeline.js';
import { prepareJob } from '../../shared/job/prepare.js';
import { groupedShift, groupedShuffle } from '../../shared/job/trials.js';
import { stream } from '../../shared/rng/index.js';

const col = (v: Float64Array): Matrix => ({ n: v.length, d: 1, data: v });
const stackRows = (ms: Matrix[]): Matrix => ({ n: ms.reduce((s, m) => s + m.n, 0), d: ms[0]!.d, data: Float64Array.from(ms.flatMap((m) => Array.from(m.data))) });

/** Three trials of unequal length; the trial label column 'g' (trial 2's rows come first in the file). */
function trials(): { ds: Dataset; parts: { x: Float64Array; y: Float64Array }[] } {
  const r = stream(2, 0, 82);
  const lens = [70, 50, 90];
  const parts = lens.map((n) => {
    const x = new Float64Array(n), y = Float64Array.from({ length: n }, () => r.nextGaussian());
    for (let t = 1; t < n; t++) x[t] = 0.5 * x[t - 1]! + 0.7 * y[t - 1]! + r.nextGaussian();
    return { x, y };
  });
  const order = [1, 0, 2];
  const x = Float64Array.from(order.flatMap((g) => Array.from(parts[g]!.x)));
  const y = Float64Array.from(order.flatMap((g) => Array.from(parts[g]!.y)));
  const g = Float64Array.from(order.flatMap((t) => Array(lens[t]!).fill(t + 10)));
  return { ds: { names: ['x', 'y', 'g'], columns: [x, y, g], n: x.length }, parts: order.map((t) => parts[t]!) };
}

describe('trials', () => {
  const { ds, parts } = trials();

  it('te: N = Σ (n_g − 1 − first), and the estimate equals the Frenzel–Pompe CMI of the per-trial embeddings stacked', () => {
    const o = { targetHistory: 2, sourceHistory: 2 };
    const p = prepareJob({ measure: 'te', estimator: 'ksg', k: 4, x: ['x'], y: ['y'], trial: 'g', normalize: false, options: o, data: ds });
    assert.equal(p.n, parts.reduce((s, q) => s + q.x.length - 2, 0));
    assert.deepEqual(p.trials, { column: 'g', count: 3 });
    const e = parts.map((q) => embedTe(col(q.x), col(q.y), undefined, o));
    const expected = ksgCmi(stackRows(e.map((b) => b.x)), stackRows(e.map((b) => b.y)), stackRows(e.map((b) => b.z)), 4);
    assert.equal(openJob({ measure: 'te', estimator: 'ksg', k: 4, x: ['x'], y: ['y'], trial: 'g', normalize: false, options: o, data: ds }).estimate(), expected);
    // no row mixes trials: every embedded (future, past) pair is a pair of one trial
    assert.deepEqual(Array.from(p.input.x.data), e.flatMap((b) => Array.from(b.x.data)));
  });

  it('ais plugin: the trial-pooled estimate is the plug-in MI of the stacked per-trial embeddings, not of the concatenated series', () => {
    const d = { ...ds, columns: ds.columns.map((c, j) => (j < 2 ? c.map((v) => (v > 0 ? 1 : 0)) : c)) };
    const pooled = openJob({ measure: 'ais', estimator: 'plugin', x: ['x'], trial: 'g', data: d, options: { targetHistory: 3 } }).estimate();
    const sign = (v: Float64Array) => v.map((u) => (u > 0 ? 1 : 0));
    const e = parts.map((q) => embedNextAndPast(col(sign(q.x)), { targetHistory: 3 }));
    assert.equal(pooled, pluginMi(stackRows(e.map((b) => b.x)), stackRows(e.map((b) => b.y))));
    const crossing = openJob({ measure: 'ais', estimator: 'plugin', x: ['x'], data: d, options: { targetHistory: 3 } });
    assert.equal(crossing.prepared.n, ds.n - 3, 'without the trial column the series is one trial');
  });

  it('shuffles and shifts permute rows within trials only; each trial keeps its rows', () => {
    const groups = Int32Array.from({ length: 30 }, (_, i) => (i < 10 ? 0 : i < 12 ? 1 : 2));
    for (let r = 0; r < 20; r++) {
      for (const perm of [groupedShuffle(5, r, groups), groupedShift(5, r, groups)]) {
        const seen = new Set<number>();
        perm.forEach((j, i) => {
          assert.equal(groups[j], groups[i], `replicate ${r}: row ${i} takes row ${j} of another trial`);
          seen.add(j);
        });
        assert.equal(seen.size, 30);
      }
    }
    const s = groupedShift(1, 0, groups);
    const shift = (s[0]! - 0 + 10) % 10;
    for (let i = 0; i < 10; i++) assert.equal(s[i], (i + shift) % 10, 'a circular shift within trial 1');
  });

  it('a te permutation job draws within-trial surrogates; user surrogates that cross trials and local permutation are refused', async () => {
    const job = { measure: 'te', estimator: 'gaussian', x: ['x'], y: ['y'], trial: 'g', seed: 4, permutation: { shuffles: 12, kind: 'shift' as const }, data: ds };
    const p = prepareJob(job);
    for (let r = 0; r < 12; r++) permutationFor(p, r).forEach((j, i) => assert.equal(p.groups![j], p.groups![i]));
    const res = await runJob(openJob(job), inlineExecutor(), { jobId: 'j', signal: new AbortController().signal, shardSize: 5, meta: { engine: 'embedded', version: 't' } });
    assert.ok(res.pValue! <= 1 / 13 + 1e-12, 'x is driven by y: the coupling is found');
    const cross = Array.from({ length: p.n }, (_, i) => (i + 1) % p.n);
    assert.throws(() => prepareJob({ ...job, permutation: { shuffles: 1, surrogates: [cross] } }), /surrogates must stay within trials/);
    assert.throws(() => prepareJob({ measure: 'cmi', estimator: 'ksg_cmi', x: ['x'], y: ['y'], z: ['g'], trial: 'g', permutation: { shuffles: 3, kind: 'local' }, data: ds }), /trial column "g" is also selected/);
    const three = { ...ds, names: [...ds.names, 'w'], columns: [...ds.columns, ds.columns[0]!.map((v) => v * 2 + 1)] };
    assert.throws(() => prepareJob({ measure: 'cmi', estimator: 'ksg_cmi', x: ['x'], y: ['y'], z: ['w'], trial: 'g', permutation: { shuffles: 3, kind: 'local' }, data: three }), /local does not keep rows within trials/);
  });

  it('a trial too short for the embedding is named', () => {
    const g = Float64Array.from({ length: ds.n }, (_, i) => (i < 2 ? 0 : 1));
    assert.throws(() => prepareJob({ measure: 'ais', estimator: 'gaussian', x: ['x'], trial: 'g', data: { ...ds, columns: [ds.columns[0]!, ds.columns[1]!, g] } }), /trial 1 \(2 rows\)/);
  });
});
