/**
 * The issue-15 estimators through the one pipeline on a real cluster (coordinator + 2 worker
 * processes over gRPC): KSG-2 CMI and TE, the mixed (Rahimzamani) CMI and TC, Euclidean kNN,
 * binned, box-kernel and KDE estimators, each with a bootstrap interval and a permutation test
 * where the measure has one — the same bytes as the embedded engine with 2 threads and odd
 * shard sizes. Small N: the O(N²) estimators make every replicate a full brute-force pass.
 */
import assert from 'node:assert/strict';
import type { Dataset } from '../../shared/data/matrix.js';
import type { Job, JobResult } from '../../shared/job/spec.js';
import { stream } from '../../shared/rng/index.js';
import { sameBytesOnTwoWorkers } from '../helpers/same-bytes.js';

/** x depends on y given a discrete z; w is a zero-inflated copy of x; t a series driven by y's past. */
function data(n: number, seed: number): Dataset {
  const r = stream(seed, 0, 159);
  const x = new Float64Array(n), y = new Float64Array(n), z = new Float64Array(n), w = new Float64Array(n), s = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    z[i] = r.nextInt(3);
    y[i] = z[i]! + r.nextGaussian();
    x[i] = 0.5 * y[i]! + z[i]! + r.nextGaussian();
    w[i] = r.nextFloat64() < 0.3 ? 0 : x[i]! + 0.5 * r.nextGaussian();
    s[i] = i > 0 ? 0.4 * s[i - 1]! + 0.6 * y[i - 1]! + 0.5 * r.nextGaussian() : 0;
  }
  return { names: ['x', 'y', 'z', 'w', 's'], columns: [x, y, z, w, s], n };
}

const d = data(160, 1);
const boot = { replicates: 12 };
const perm = { shuffles: 12 };
const jobs: Record<string, Job> = {
  cmi_ksg2: { measure: 'cmi', estimator: 'ksg2', k: 4, x: ['x'], y: ['y'], z: ['s'], seed: 2, bootstrap: boot, permutation: perm, data: d },
  te_ksg2: { measure: 'te', estimator: 'ksg2', k: 4, x: ['s'], y: ['y'], seed: 3, options: { targetHistory: 2 }, bootstrap: boot, permutation: { shuffles: 12, kind: 'shift' }, data: d },
  cmi_mixed: { measure: 'cmi', estimator: 'mixed_ksg', k: 5, x: ['x'], y: ['w'], z: ['z'], seed: 4, bootstrap: boot, permutation: perm, data: d },
  tc_mixed: { measure: 'tc', estimator: 'mixed_ksg', k: 5, x: ['z', 'w', 'x'], seed: 5, bootstrap: boot, permutation: perm, data: d },
  mi_ksg1_euclid: { measure: 'mi', estimator: 'ksg1', k: 3, x: ['x'], y: ['y', 's'], seed: 6, options: { norm: 'euclidean' }, bootstrap: boot, permutation: perm, data: d },
  cmi_euclid: { measure: 'cmi', estimator: 'ksg_cmi', k: 3, x: ['x'], y: ['y'], z: ['s'], seed: 7, options: { norm: 'euclidean' }, bootstrap: boot, permutation: perm, data: d },
  entropy_kl_euclid: { measure: 'entropy', estimator: 'kl', k: 1, x: ['x', 'y'], seed: 8, options: { norm: 'euclidean' }, bootstrap: boot, data: d },
  mi_binned: { measure: 'mi', estimator: 'binned', x: ['x'], y: ['y'], seed: 9, options: { binning: 'quantile', bins: 5, correction: 'panzeri_treves' }, bootstrap: { replicates: 12, scheme: 'iid' }, permutation: perm, data: d },
  entropy_binned: { measure: 'entropy', estimator: 'binned', x: ['w'], seed: 10, options: { binning: 'adaptive', bins: 6, correction: 'miller_madow' }, bootstrap: boot, data: d },
  mi_kernel: { measure: 'mi', estimator: 'kernel', x: ['x'], y: ['y'], seed: 11, options: { kernelWidth: 0.3 }, bootstrap: boot, permutation: perm, data: d },
  mi_kde: { measure: 'mi', estimator: 'kde', x: ['x'], y: ['y'], seed: 12, options: { bandwidth: 'silverman' }, bootstrap: boot, permutation: perm, data: d },
  entropy_kde: { measure: 'entropy', estimator: 'kde', x: ['x'], seed: 13, options: { kdeMode: 'resubstitution' }, bootstrap: boot, data: d },
};

describe('cluster: the issue-15 estimators equal the embedded engine', function () {
  this.timeout(300_000);
  const embedded = sameBytesOnTwoWorkers(jobs);

  it('embedded results carry intervals, p-values and the options by name', () => {
    for (const [name, r] of Object.entries(embedded)) {
      assert.ok(r.ci && Number.isFinite(r.ci.low) && Number.isFinite(r.ci.high), `${name}: ci`);
      if (jobs[name]!.permutation) assert.ok(r.pValue !== undefined && r.pValue > 0 && r.pValue <= 1, `${name}: p`);
    }
    assert.equal(embedded['mi_ksg1_euclid']!.options?.['norm'], 'euclidean');
    assert.equal(embedded['mi_kde']!.options?.['bandwidth'], 'silverman');
    assert.equal(embedded['mi_kde']!.options?.['kdeMode'], 'loo');
    assert.ok(embedded['cmi_mixed']!.estimate > 0.1, 'x and w are dependent given z');
  });
});
