/**
 * The catalog's newer measures on a real cluster (coordinator + 2 worker processes over gRPC):
 * conditional TE with time-shift surrogates and a bootstrap CI, and a two-sample divergence
 * given as two tables (P, Q) with a relabelling permutation test, and an MI truth-target interval
 * (bootstrap.target 'truth') — the same bytes as the
 * embedded engine with 2 threads and odd shard sizes.
 */
import assert from 'node:assert/strict';
import type { Dataset } from '../../shared/data/matrix.js';
import type { Job, JobResult } from '../../shared/job/spec.js';
import { stream } from '../../shared/rng/index.js';
import { sameBytesOnTwoWorkers } from '../helpers/same-bytes.js';

/** x driven by y's past, w an independent series: TE(y→x | w) > 0. */
function coupledSeries(n: number, seed: number): Dataset {
  const r = stream(seed, 0, 98);
  const x = new Float64Array(n), y = new Float64Array(n), w = new Float64Array(n);
  for (let t = 1; t < n; t++) {
    y[t] = 0.6 * y[t - 1]! + r.nextGaussian();
    w[t] = 0.5 * w[t - 1]! + r.nextGaussian();
    x[t] = 0.4 * x[t - 1]! + 0.5 * y[t - 1]! + 0.3 * r.nextGaussian();
  }
  return { names: ['x', 'y', 'w'], columns: [x, y, w], n };
}

function gaussian2(n: number, shift: number, seed: number): Dataset {
  const r = stream(seed, 0, 97);
  const a = new Float64Array(n), b = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    a[i] = r.nextGaussian() + shift;
    b[i] = r.nextGaussian();
  }
  return { names: ['a', 'b'], columns: [a, b], n };
}

const jobs: Record<string, Job> = {
  te: {
    measure: 'te', estimator: 'ksg', k: 4, x: ['x'], y: ['y'], z: ['w'], seed: 3, options: { targetHistory: 2 },
    bootstrap: { replicates: 24 }, permutation: { shuffles: 30, kind: 'shift' }, data: coupledSeries(400, 1),
  },
  divergence: {
    measure: 'divergence', estimator: 'kl', k: 3, x: ['a', 'b'], seed: 5,
    bootstrap: { replicates: 20 }, permutation: { shuffles: 25 }, data: gaussian2(300, 0.7, 2), dataQ: gaussian2(250, 0, 3),
  },  // the truth-target interval's 'extrapolation' workload (two values per replicate) and its B-replicate bias probe
  miTruth: {
    measure: 'mi', estimator: 'ksg1', k: 3, x: ['a'], y: ['b'], seed: 7, bootstrap: { replicates: 11, target: 'truth' }, data: gaussian2(240, 0, 4),
  },
};

describe('cluster: te and divergence equal the embedded engine', function () {
  this.timeout(180_000);
  const embedded = sameBytesOnTwoWorkers(jobs);

  it('embedded results make sense: TE significant, D(P‖Q) > 0 and significant, options reported', () => {
    const te = embedded['te']!, dv = embedded['divergence']!;
    assert.ok(te.estimate > 0.05 && te.pValue! <= 1 / 31 + 1e-12, `te ${te.estimate} p ${te.pValue}`);
    assert.equal(te.n, 400 - 2, 'embedding with target history 2 uses time steps 1..398');
    assert.deepEqual(te.options, { targetHistory: 2, targetDelay: 1, sourceHistory: 1, sourceDelay: 1, delay: 1, condHistory: 1, condDelay: 1, theiler: 0 });
    assert.ok(te.ci && te.ci.low < te.estimate && te.estimate < te.ci.high);
    assert.equal(dv.n, 550);
    assert.equal(dv.normalize, false, 'divergence is not normalised by default');
    assert.ok(dv.estimate > 0.1 && dv.pValue! <= 1 / 26 + 1e-12, `divergence ${dv.estimate} p ${dv.pValue}`);
    const t = embedded['miTruth']!;
    assert.equal(t.ci!.target, 'truth');
    assert.equal(t.replicates.extrapolation, 11);
  });
});
