/**
 * TE with a Theiler window through the engine: W = 0 is the plain estimate; W > 0 equals the
 * brute-force Frenzel–Pompe with the window on the embedding; a bootstrap replicate keeps each
 * row's time step (t block), so its value equals the windowed estimate on the gathered rows
 * with their original times.
 */
import assert from 'node:assert/strict';
import { createEngine } from '../../engine/embedded.js';
import type { Dataset } from '../../shared/data/matrix.js';
import { gatherRows } from '../../shared/data/matrix.js';
import { embedTe } from '../../shared/estimators/transfer-entropy.js';
import { ksgCmiTheiler } from '../../shared/estimators/ksg-cmi-theiler.js';
import { openJob } from '../../shared/job/pipeline.js';
import { bootstrapIndices } from '../../shared/resampling/bootstrap.js';
import { stream } from '../../shared/rng/index.js';
import type { Job } from '../../shared/job/spec.js';

function series(n: number): Dataset {
  const r = stream(5, 0, 94);
  const x = new Float64Array(n), y = new Float64Array(n);
  for (let t = 1; t < n; t++) {
    y[t] = 0.7 * y[t - 1]! + r.nextGaussian();
    x[t] = 0.3 * x[t - 1]! + 0.6 * y[t - 1]! + 0.5 * r.nextGaussian();
  }
  return { names: ['x', 'y'], columns: [x, y], n };
}

describe('te --theiler', () => {
  const data = series(300);
  const base: Job = { measure: 'te', estimator: 'ksg', k: 4, x: ['x'], y: ['y'], normalize: false, data };

  it('W = 0 is the plain estimate; W = 5 equals ksgCmiTheiler on the embedding', async () => {
    const engine = createEngine({ threads: 1 });
    try {
      const plain = await engine.run({ ...base });
      const w0 = await engine.run({ ...base, options: { theiler: 0 } });
      assert.equal(w0.estimate, plain.estimate);
      const w5 = await engine.run({ ...base, options: { theiler: 5 } });
      const m = (a: Float64Array) => ({ n: a.length, d: 1, data: a });
      const e = embedTe(m(data.columns[0]!), m(data.columns[1]!), undefined);
      assert.equal(w5.estimate, ksgCmiTheiler(e.x, e.y, e.z, 4, 5));
      assert.notEqual(w5.estimate, plain.estimate);
      assert.deepEqual(w5.options?.['theiler'], 5);
    } finally {
      await engine.close();
    }
  });

  it('a bootstrap replicate uses the rows\' original time steps', async () => {
    const job = { ...base, options: { theiler: 3 }, seed: 11, bootstrap: { replicates: 3, scheme: 'subsample' as const } };
    const engine = createEngine({ threads: 1 });
    try {
      const r = await engine.run(job);
      const run = openJob(job);
      const p = run.prepared;
      const rows = bootstrapIndices('subsample', 11, 1, p.n, p.bootstrap!.m);
      const t = gatherRows(p.input.t!, rows).data;
      const want = ksgCmiTheiler(gatherRows(p.input.x, rows), gatherRows(p.input.y!, rows), gatherRows(p.input.z!, rows), 4, 3, t);
      assert.equal(r.bootstrapDistribution![1], want);
    } finally {
      await engine.close();
    }
  });
});
