/**
 * Trained critics, small and fast: the same bytes whatever the threads and shard sizes,
 * held-out-only evaluation, divergence as an error, and what a neural job refuses.
 */
import assert from 'node:assert/strict';
import { createEngine } from '../../engine/embedded.js';
import { EstimatorError, OptionError } from '../../shared/errors.js';
import { NEURAL_BOUNDS, neuralReplicate, neuralSettings, splitRows, trainCritic } from '../../shared/estimators/neural/index.js';
import type { Job, JobResult } from '../../shared/job/spec.js';
import { Domain, stream } from '../../shared/rng/index.js';
import { gaussian, TINY } from './data.js';

async function run(job: Job, threads: number, shardSize?: number): Promise<JobResult> {
  const engine = createEngine({ threads, ...(shardSize ? { shardSize } : {}) });
  try {
    return await engine.run(job);
  } finally {
    await engine.close();
  }
}

describe('neural estimators: training', function () {
  this.timeout(300_000);

  it('same bytes for 1 thread / 1 critic per shard and 2 threads (cmi: two critics per replicate)', async () => {
    const job: Job = { measure: 'cmi', estimator: 'infonce', x: ['x'], y: ['y'], z: ['w'], seed: 5, data: gaussian(240, 0.6, 2), options: TINY, ensemble: { critics: 3 } };
    const a = await run(job, 1, 1), b = await run(job, 2, 64);
    assert.deepEqual(b.ensemble, a.ensemble);
    assert.equal(b.estimate, a.estimate);
    assert.equal(b.ensemble!.neural!.perCritic.length, 3);
  });

  it('the estimate uses the test rows only; training rows would overstate it', () => {
    // one validation at the last step: the kept weights are the final, memorising ones
    const n = 100, s = neuralSettings({ hidden: 32, embed: 8, batch: 64, steps: 150, evalEvery: 150, patience: 1, learningRate: 0.01 });
    const data = gaussian(n, 0, 3); // independent columns: I = 0
    const m = (j: number) => ({ n, d: 1, data: Float64Array.from(data.columns[j]!) });
    const rng = stream(1, 0, Domain.neural);
    const split = splitRows(n, s, rng);
    const seen = new Set<number>();
    for (const part of [split.train, split.valid, split.test]) for (const i of part) {
      assert.ok(!seen.has(i), `row ${i} in two parts`);
      seen.add(i);
    }
    assert.equal(seen.size, n);
    assert.deepEqual([split.test.length, split.valid.length, split.train.length], [25, 15, 60]);
    const evals: number[] = [];
    const r = trainCritic(NEURAL_BOUNDS.mine, m(0), m(1), split, s, rng, (e) => evals.push(e.step));
    assert.deepEqual(evals, [150], 'the listener sees every validation (step and value)');
    assert.equal(r.test.m, split.test.length);
    // a critic that memorised 60 rows: large on them, nothing on unseen rows
    assert.ok(r.trainValue > r.estimate + 0.2, `train ${r.trainValue} vs held-out ${r.estimate}`);
    assert.ok(r.estimate < 0.15, `held-out ${r.estimate} on independent data`);
  });

  it('a diverging critic is an error naming the estimator and the step, never a number', async () => {
    const data = gaussian(200, 0.9, 4);
    const input = { x: { n: 200, d: 1, data: Float64Array.from(data.columns[0]!) }, y: { n: 200, d: 1, data: Float64Array.from(data.columns[1]!) } };
    assert.throws(() => neuralReplicate('nwj', 'mi', input, { ...TINY, learningRate: 1e6 }, 0, 0), (e: unknown) => e instanceof EstimatorError && /^nwj: training diverged at step \d+ \(/.test(e.message));
    await assert.rejects(run({ measure: 'mi', estimator: 'mine', x: ['x'], y: ['y'], data, options: { ...TINY, learningRate: 1e6 } }, 1), /^EstimatorError: mine: training diverged at step \d+|mine: training diverged at step \d+/);
  });

  it('refuses what does not apply: bootstrap, permutations, ensemble for a kNN estimator, clip for nwj', async () => {
    const data = gaussian(100, 0.5, 5);
    const base: Job = { measure: 'mi', estimator: 'nwj', x: ['x'], y: ['y'], data, options: TINY };
    await assert.rejects(run({ ...base, bootstrap: { replicates: 10 } }, 1), (e: unknown) => e instanceof OptionError && e.field === 'bootstrap');
    await assert.rejects(run({ ...base, permutation: { shuffles: 10 } }, 1), (e: unknown) => e instanceof OptionError && e.field === 'permutation');
    await assert.rejects(run({ ...base, estimator: 'ksg1', options: {}, ensemble: { critics: 2 } }, 1), (e: unknown) => e instanceof OptionError && e.field === 'ensemble.critics');
    await assert.rejects(run({ ...base, options: { clip: 3 } }, 1), (e: unknown) => e instanceof OptionError && e.field === 'options.clip');
    await assert.rejects(run({ ...base, data: gaussian(30, 0.5, 5) }, 1), (e: unknown) => e instanceof EstimatorError && /needs at least 8 in each/.test(e.message));
  });
});
