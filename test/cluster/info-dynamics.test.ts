/**
 * Issue 15's measures and options on a real cluster (coordinator + 2 worker processes over
 * gRPC) give the same bytes as the embedded engine with 2 threads and odd shard sizes: plug-in
 * AIS with trials (within-trial shuffles, bootstrap), Gaussian TE with auto-embedding and the
 * analytic test, plug-in CMI with a permutation test, Gaussian entropy rate with a bootstrap.
 */
import assert from 'node:assert/strict';
import type { Dataset } from '../../shared/data/matrix.js';
import type { Job, JobResult } from '../../shared/job/spec.js';
import { stream } from '../../shared/rng/index.js';
import { sameBytesOnTwoWorkers } from '../helpers/same-bytes.js';
import { coupledAr, markovChain } from '../helpers/series.js';

function discrete(n: number): Dataset {
  const s = markovChain(n, [[0.8, 0.2], [0.4, 0.6]], 1);
  const r = stream(2, 0, 81);
  const y = Float64Array.from(s, (v) => (r.nextFloat64() < 0.7 ? v : r.nextInt(2)));
  const z = Float64Array.from({ length: n }, () => r.nextInt(2));
  const trial = Float64Array.from({ length: n }, (_, i) => (i < n / 3 ? 0 : i < (2 * n) / 3 ? 1 : 2));
  return { names: ['s', 'y', 'z', 'trial'], columns: [s, y, z, trial], n };
}

const disc = discrete(600);
const cont = coupledAr(500, 0.5, 0.6, 4);
const jobs: Record<string, Job> = {
  ais: { measure: 'ais', estimator: 'plugin', x: ['s'], trial: 'trial', seed: 3, options: { targetHistory: 2 }, bootstrap: { replicates: 21 }, permutation: { shuffles: 23 }, data: disc },
  te: { measure: 'te', estimator: 'gaussian', x: ['x'], y: ['y'], seed: 4, test: 'analytic', options: { autoEmbed: 1, maxHistory: 3 }, bootstrap: { replicates: 19 }, data: cont },
  cmi: { measure: 'cmi', estimator: 'plugin', x: ['s'], y: ['y'], z: ['z'], seed: 5, permutation: { shuffles: 27 }, data: disc },
  rate: { measure: 'entropy_rate', estimator: 'gaussian', x: ['x'], seed: 6, options: { targetHistory: 2, biasCorrection: 1 }, bootstrap: { replicates: 17 }, data: cont },
};

describe('cluster: ais, te (analytic, auto-embed), plug-in cmi, entropy rate equal the embedded engine', function () {
  this.timeout(180_000);
  const embedded = sameBytesOnTwoWorkers(jobs);

  it('embedded results make sense', () => {
    const { ais, te, cmi, rate } = embedded as Record<string, JobResult>;
    assert.ok(ais!.estimate > 0.05 && ais!.pValue! <= 1 / 24 + 1e-12 && ais!.test === 'permutation');
    assert.deepEqual(ais!.trials, { column: 'trial', count: 3 });
    assert.equal(ais!.n, 3 * (200 - 2));
    assert.ok(te!.test === 'analytic' && te!.pValue! < 1e-6 && te!.options!['autoEmbed'] === 1 && te!.ci !== undefined);
    assert.ok(cmi!.estimate > 0 && cmi!.pValue! > 0);
    assert.ok(rate!.ci && Math.abs(rate!.estimate - 0.5 * Math.log(2 * Math.PI * Math.E)) < 0.2);
  });
});
