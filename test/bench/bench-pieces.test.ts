/**
 * Smoke test of the benchmark's pieces on tiny sizes (the benchmarks themselves are not part
 * of `npm test`): the .npy writer round-trips through our reader, the data generator matches
 * its documented truth formula, replicate row orders are exactly the engine's, and one
 * benchmark case runs end to end against scikit-learn when /usr/bin/python3 has it.
 */
import { strict as assert } from 'node:assert';
import { parseNpy } from '../../shared/data/npy.js';
import { parseNpyHeader } from '../../shared/data/npy.js';
import { bootstrapIndices } from '../../shared/resampling/bootstrap.js';
import { shufflePermutation } from '../../shared/resampling/permutation.js';
import { gaussianRegression, replicateRows } from '../../bench/data.js';
import { encodeNpy } from '../../bench/npy.js';
import { ensureSklearn } from '../../bench/python.js';
import { runSuite } from '../../bench/suite.js';

describe('bench pieces', () => {
  it('encodeNpy writes a v1.0 header aligned to 64 bytes that our reader parses back exactly', () => {
    const d = gaussianRegression(37, 2, 3);
    const bytes = encodeNpy(d.rows, 37, 3);
    const h = parseNpyHeader(bytes);
    assert.equal(h.dataOffset % 64, 0);
    assert.deepEqual(h.shape, [37, 3]);
    const back = parseNpy(bytes);
    for (let j = 0; j < 3; j++) assert.deepEqual(Array.from(back.columns[j]!), Array.from(d.dataset.columns[j]!));
    const ints = encodeNpy(Int32Array.from([1, 2, 3, 4, 5, 6]), 2, 3);
    assert.deepEqual(Array.from(parseNpy(ints).columns[2]!), [3, 6]);
  });

  it('gaussianRegression: truth is ½ ln(1 + Σa²/σ²)', () => {
    const t1 = gaussianRegression(10, 1, 1).truth;
    assert.equal(t1, 0.5 * Math.log(1 + 0.36 / 0.64));
    // = −½ ln(1 − ρ²) for ρ = 0.6, up to the last bit of the two float evaluations
    assert.ok(Math.abs(t1 + 0.5 * Math.log(1 - 0.36)) < 4 * Number.EPSILON);
    const a = [0.5, 0.25, 0.5 / 3];
    assert.equal(gaussianRegression(10, 3, 1).truth, 0.5 * Math.log(1 + a.reduce((s, v) => s + v * v, 0)));
  });

  it('replicateRows reproduces the engine’s bootstrap draws and shuffles', () => {
    const n = 50, m = 25;
    const iid = replicateRows('bootstrap-iid', 9, 3, n, m);
    assert.deepEqual(Array.from(iid.data.subarray(2 * n, 3 * n)), Array.from(bootstrapIndices('iid', 9, 2, n, m)));
    const sub = replicateRows('bootstrap-subsample', 9, 3, n, m);
    assert.equal(sub.len, m);
    assert.deepEqual(Array.from(sub.data.subarray(m, 2 * m)), Array.from(bootstrapIndices('subsample', 9, 1, n, m)));
    const perm = replicateRows('permutation', 9, 2, n, m);
    assert.deepEqual(Array.from(perm.data.subarray(n)), Array.from(shufflePermutation(9, 1, n)));
  });

  it('a tiny case runs on both sides and ours equals sklearn’s KSG code without its noise', async function () {
    // The reference stack is Debian's python3-sklearn (.ci/run installs it): missing is a failure,
    // not a silent skip, unless a developer opts out locally.
    if (!ensureSklearn(false)) {
      if (process.env.INFOSHARD_SKIP_SKLEARN === '1') this.skip();
      assert.fail('python3-sklearn not installed for /usr/bin/python3 (apt-get install -y python3-sklearn; .ci/run does), or set INFOSHARD_SKIP_SKLEARN=1');
    }
    this.timeout(120_000);
    const [single, perm] = await runSuite({
      plan: [
        { id: 'smoke-single', kind: 'single', n: 200, dx: 1, reps: 1, threads: [1] },
        { id: 'smoke-perm', kind: 'permutation', n: 200, dx: 1, reps: 1, threads: [1], replicates: 4 },
      ],
      agreeReplicates: 4,
    });
    // same KSG-1 definition, columns scaled by std with ddof 0 (sklearn) vs ddof 1 (ours): a
    // common factor for all columns, which leaves every max-norm comparison unchanged
    assert.ok(single!.agreement.maxAbsDiffExact < 1e-12, JSON.stringify(single!.agreement));
    assert.ok(perm!.agreement.replicatesMaxAbsDiffExact! < 1e-12, JSON.stringify(perm!.agreement));
    assert.equal(perm!.agreement.replicatesCompared, 4);
    assert.ok(single!.sklearn.maxRssKb > 0 && single!.ours['t1']!.maxRssKb > 0);
  });
});
