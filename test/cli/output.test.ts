import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { humanSummary, jsonView, writeReplicates } from '../../cli/output.js';
import { parseSurrogates } from '../../cli/surrogates.js';
import { DataError } from '../../shared/errors.js';
import type { JobResult } from '../../shared/job/spec.js';

const result: JobResult = {
  measure: 'mi', estimator: 'ksg1', k: 4, n: 100, estimate: 0.25, units: 'nats', normalize: true, seed: 1,
  ci: { low: 0.2, high: 0.3, level: 0.95, method: 'bca', scheme: 'subsample', m: 50 },
  pValue: 1 / 11, null: { count: 10, mean: 0.01, sd: 0.02, quantiles: { '0.5': 0.01 } }, biasCorrected: 0.24,
  replicates: { bootstrap: 3, permutation: 2 },
  bootstrapDistribution: Float64Array.from([0.1 + 0.2, 1 / 3, -0]),
  nullDistribution: Float64Array.from([1e-300, NaN]),
  warnings: ['2 duplicate rows'],
  timings: { loadMs: 1, estimateMs: 2, totalMs: 3 },
  provenance: { version: '0.1.0', dataHash: 'ab', engine: 'embedded' },
};

describe('CLI output', () => {
  const dir = mkdtempSync(join(tmpdir(), 'infoshard-out-'));
  it('JSON view keeps every field but the typed arrays', () => {
    const v = jsonView(result);
    assert.equal(v['bootstrapDistribution'], undefined);
    assert.equal(v['nullDistribution'], undefined);
    const { bootstrapDistribution: _b, nullDistribution: _n, ...rest } = result;
    assert.deepEqual(v, rest);
  });
  it('human summary shows estimate, CI, p-value, null, timings and warnings', () => {
    const s = humanSummary(result, 'd.csv');
    assert.match(s, /^mi \(ksg1, k=4\) on d\.csv: N=100, normalized\n/);
    assert.match(s, /estimate: 0\.250000 nats/);
    assert.match(s, /95% CI \(bca, subsample, m=50, B=3\): \[0\.200000, 0\.300000\]/);
    assert.match(s, /p-value: 0\.0909091 \(2 permutations\)/);
    assert.match(s, /bias-corrected estimate 0\.240000/);
    assert.match(s, /warning: 2 duplicate rows/);
  });
  it('human summary says how the interval was made and what it covers', () => {
    const ci = { ...result.ci!, scaling: 'sqrt(m/(N-m))' as const, scale: Math.sqrt(50 / 50), target: 'E[estimate at N]' as const, bias: { z: -2.5, subsampleMean: 0.2, extrapolated: -0.05 } };
    const s = humanSummary({ ...result, ci }, 'd.csv');
    assert.match(s, /95% CI \(bca, subsample, m=50, recentred, ×√\(m\/\(N−m\)\) = 1, B=3\)/);
    assert.match(s, /covers E\[estimate at N=100\], not the true value; bias diagnostic z = -2\.50, extrapolated bias -0\.0500000/);
  });
  it('replicates round-trip exactly through CSV and JSON', async () => {
    await writeReplicates(join(dir, 'r.csv'), result);
    const csv = readFileSync(join(dir, 'r.csv'), 'utf8').trim().split('\n');
    assert.deepEqual(csv, ['workload,replicate,value', `bootstrap,0,${0.1 + 0.2}`, `bootstrap,1,${1 / 3}`, 'bootstrap,2,0', 'null,0,1e-300', 'null,1,NaN']);
    assert.equal(Number(csv[1]!.split(',')[2]), 0.1 + 0.2);
    await writeReplicates(join(dir, 'r.json'), result);
    assert.deepEqual(JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8')), { bootstrap: [0.1 + 0.2, 1 / 3, 0], null: [1e-300, null] });
  });
  it('surrogate files: JSON or lines, each a permutation of 0..N-1', () => {
    assert.deepEqual(parseSurrogates('# c\n2 0 1\n\n1,2,0\n', 3), [[2, 0, 1], [1, 2, 0]]);
    assert.deepEqual(parseSurrogates('[[0,1,2]]', 3), [[0, 1, 2]]);
    assert.throws(() => parseSurrogates('0 1 1\n', 3, 's.txt'), (e: unknown) => e instanceof DataError && e.message === 's.txt: line 1 is not a permutation: row 1 appears twice');
    assert.throws(() => parseSurrogates('0 1 3\n', 3), (e: unknown) => e instanceof DataError && /holds 3, not a row index in 0\.\.2/.test(e.message));
    assert.throws(() => parseSurrogates('0 1 x\n', 3), (e: unknown) => e instanceof DataError && /holds "x"/.test(e.message));
    assert.throws(() => parseSurrogates('# nothing\n', 3), (e: unknown) => e instanceof DataError && /no orderings/.test(e.message));
  });
});
