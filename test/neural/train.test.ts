/**
 * Trained critics, small and fast: the same bytes whatever the threads and shard sizes,
 * held-out-only evaluation, divergence as an error, and what a neural job refuses.
 */
import assert from 'node:assert/strict';
import { createEngine } from '../../engine/embedded.js';
import { CancelledError, EstimatorError, OptionError } from '../../shared/errors.js';
import { loadTf } from '../../shared/estimators/neural/tf.js';
import { NEURAL_BOUNDS, neuralReplicate, neuralSettings, splitRows, trainCritic } from '../../shared/estimators/neural/index.js';
import type { Job, JobResult, TrainingProgress } from '../../shared/job/spec.js';
import { throttleTraining, TRAINING_EVENT_MS } from '../../shared/job/progress.js';
import { Domain, stream } from '../../shared/rng/index.js';
import { checkTraining, gaussian, TINY } from './data.js';

async function run(job: Job, threads: number, shardSize?: number, training?: TrainingProgress[]): Promise<JobResult> {
  const engine = createEngine({ threads, ...(shardSize ? { shardSize } : {}) });
  try {
    return await engine.run(job, training ? { onProgress: (p) => void (p.training && training.push(p.training)) } : {});
  } finally {
    await engine.close();
  }
}

describe('neural estimators: training', function () {
  this.timeout(300_000);

  it('same bytes for 1 thread / 1 critic per shard and 2 threads (cmi: two critics per replicate); training progress from both', async () => {
    const job: Job = { measure: 'cmi', estimator: 'infonce', x: ['x'], y: ['y'], z: ['w'], seed: 5, data: gaussian(240, 0.6, 2), options: TINY, ensemble: { critics: 3 } };
    const inline: TrainingProgress[] = [], pooled: TrainingProgress[] = [];
    const a = await run(job, 1, 1, inline), b = await run(job, 2, 64, pooled);
    assert.deepEqual(b.ensemble, a.ensemble);
    assert.equal(b.estimate, a.estimate);
    assert.equal(b.ensemble!.neural!.perCritic.length, 3);
    // progress from this thread and from pool threads (a MessagePort per neural task)
    checkTraining(inline, a, 'cmi');
    checkTraining(pooled, b, 'cmi');
  });

  it('listening to training changes nothing; events are thinned to 4/s per critic, never the last', () => {
    const data = gaussian(200, 0.8, 7);
    const input = { x: { n: 200, d: 1, data: Float64Array.from(data.columns[0]!) }, y: { n: 200, d: 1, data: Float64Array.from(data.columns[1]!) } };
    const heard: TrainingProgress[] = [];
    const quiet = neuralReplicate('smile', 'mi', input, TINY, 3, 1);
    const loud = neuralReplicate('smile', 'mi', input, TINY, 3, 1, (t) => heard.push(t));
    assert.deepEqual(loud, quiet);
    // every validation is heard unthrottled: TINY validates every 10 of at most 40 steps
    assert.deepEqual(heard.map((t) => t.step), Array.from({ length: heard.length }, (_, i) => 10 * (i + 1)));
    assert.equal(heard.at(-1)!.step, quiet.steps);
    // the throttle on a fake clock: one event per 250 ms per critic, first and last always
    let now = 0;
    const passed: string[] = [];
    const thin = throttleTraining((t) => passed.push(`${t.critic}:${t.step}:${t.state}`), TRAINING_EVENT_MS, () => now);
    const ev = (critic: number, step: number, state: TrainingProgress['state'] = 'training'): TrainingProgress =>
      ({ critic, part: 'mi', step, steps: 100, validation: 0, best: 0, bestStep: 0, stale: 0, patience: 4, state });
    for (const [t, c, step] of [[0, 0, 10], [100, 0, 20], [100, 1, 10], [249, 0, 30], [250, 0, 40], [300, 1, 20], [310, 0, 50]] as const) {
      now = t;
      thin(ev(c, step));
    }
    now = 320;
    thin(ev(0, 60, 'early-stopped'));
    assert.deepEqual(passed, ['0:10:training', '1:10:training', '0:40:training', '0:60:early-stopped']);
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

  it('a progress listener that throws on training events fails nothing (pool thread port and this thread)', async () => {
    const job: Job = { measure: 'mi', estimator: 'infonce', x: ['x'], y: ['y'], seed: 8, data: gaussian(200, 0.8, 9), options: TINY, ensemble: { critics: 2 } };
    for (const threads of [1, 2]) {
      const engine = createEngine({ threads });
      let thrown = 0;
      try {
        const r = await engine.run(job, { onProgress: (p) => { if (p.training) { thrown++; throw new Error('listener bug'); } } });
        assert.equal(r.ensemble!.neural!.perCritic.length, 2);
        assert.ok(thrown >= 2, `threads ${threads}: ${thrown} training events`);
      } finally {
        await engine.close();
      }
    }
  });

  it('a critic frees every tensor; a cancelled shard stops its critic within one step and frees them too', () => {
    const data = gaussian(200, 0.8, 7);
    const input = { x: { n: 200, d: 1, data: Float64Array.from(data.columns[0]!) }, y: { n: 200, d: 1, data: Float64Array.from(data.columns[1]!) } };
    const tensors = loadTf().memory().numTensors;
    neuralReplicate('infonce', 'mi', input, TINY, 3, 0);
    assert.equal(loadTf().memory().numTensors, tensors, 'a trained critic leaves no tensor behind');
    let asked = 0;
    const heard: number[] = [];
    assert.throws(
      () => neuralReplicate('infonce', 'mi', input, TINY, 3, 0, (t) => heard.push(t.step), () => {
        if (++asked > 25) throw new CancelledError('shard cancelled');
      }),
      CancelledError,
    );
    assert.equal(asked, 26, 'asked before every step; stopped at the first refusal');
    assert.deepEqual(heard, [10, 20], 'no step after the stop');
    assert.equal(loadTf().memory().numTensors, tensors, 'the critic and its optimizer were disposed');
  });

  it('a diverging critic is an error naming the estimator and the step, never a number', async () => {
    const data = gaussian(200, 0.9, 4);
    const input = { x: { n: 200, d: 1, data: Float64Array.from(data.columns[0]!) }, y: { n: 200, d: 1, data: Float64Array.from(data.columns[1]!) } };
    assert.throws(() => neuralReplicate('nwj', 'mi', input, { ...TINY, learningRate: 1e6 }, 0, 0), (e: unknown) => e instanceof EstimatorError && /^nwj: training diverged at step \d+ \(/.test(e.message));
    await assert.rejects(run({ measure: 'mi', estimator: 'mine', x: ['x'], y: ['y'], data, options: { ...TINY, learningRate: 1e6 } }, 1), /^EstimatorError: mine: training diverged at step \d+|mine: training diverged at step \d+/);
    // from a pool thread (with a progress listener on its port) the same typed error comes back
    await assert.rejects(
      run({ measure: 'mi', estimator: 'nwj', x: ['x'], y: ['y'], data, options: { ...TINY, learningRate: 1e6 }, ensemble: { critics: 2 } }, 2, 1, []),
      (e: unknown) => e instanceof EstimatorError && /^nwj: training diverged at step \d+ \(/.test(e.message),
    );
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
