import assert from 'node:assert/strict';
import { DataError, OptionError } from '../../shared/errors.js';
import { prepareJob } from '../../shared/job/prepare.js';
import type { Job } from '../../shared/job/spec.js';

const n = 20;
const data = {
  names: ['a', 'b', 'c', 'const'],
  columns: [
    Float64Array.from({ length: n }, (_, i) => Math.sin(i)),
    Float64Array.from({ length: n }, (_, i) => Math.cos(i * 1.3)),
    Float64Array.from({ length: n }, (_, i) => (i * 7) % 5),
    new Float64Array(n).fill(2),
  ],
  n,
};
const base: Job = { measure: 'mi', estimator: 'gaussian', x: ['a'], y: ['b'], data };

function field(job: Partial<Job> & Record<string, unknown>, f: string, opts = {}): void {
  assert.throws(() => prepareJob({ ...base, ...job } as Job, opts), (e: unknown) => e instanceof OptionError && e.field === f && e.message.includes(f.split('[')[0]!.split('.').pop()!), `expected OptionError on ${f}`);
}

describe('job: validation names the bad field', () => {
  it('bootstrap replicates ≤ 0, non-integer, over the cap', () => {
    field({ bootstrap: { replicates: 0 } }, 'bootstrap.replicates');
    field({ bootstrap: { replicates: -5 } }, 'bootstrap.replicates');
    field({ bootstrap: { replicates: 2.5 } }, 'bootstrap.replicates');
    field({ bootstrap: { replicates: 1001 } }, 'bootstrap.replicates', { maxReplicates: 1000 });
    field({ bootstrap: { replicates: 2_000_000_000 } }, 'bootstrap.replicates'); // over the default cap of 1e9
  });
  it('permutation shuffles ≤ 0 or over the cap; permutation on entropy; local on mi', () => {
    field({ permutation: { shuffles: 0 } }, 'permutation.shuffles');
    field({ permutation: { shuffles: 11 } }, 'permutation.shuffles', { maxReplicates: 10 });
    field({ measure: 'entropy', y: undefined, permutation: { shuffles: 5 } }, 'permutation');
    field({ permutation: { shuffles: 5, kind: 'local' } }, 'permutation.kind');
    field({ permutation: { shuffles: 3, surrogates: [[0]] } }, 'permutation.shuffles');
  });
  it('level outside (0, 1), unknown method or scheme', () => {
    for (const level of [0, 1, -0.2, 1.5, Number.NaN]) field({ bootstrap: { replicates: 10, level } }, 'bootstrap.level');
    field({ bootstrap: { replicates: 10, method: 'studentized' as never } }, 'bootstrap.method');
    field({ bootstrap: { replicates: 10, scheme: 'block' as never } }, 'bootstrap.scheme');
    field({ bootstrap: { replicates: 10, scheme: 'subsample', m: n } }, 'bootstrap.m');
    field({ bootstrap: { replicates: 10, method: 'bca', jackknifeGroups: 1 } }, 'bootstrap.jackknifeGroups');
  });
  it('k, seed, measure, units, missing y/z, jitter, ensemble', () => {
    field({ k: 0 }, 'k');
    field({ seed: -1 }, 'seed');
    field({ seed: 1.5 }, 'seed');
    field({ measure: 'kl' as never }, 'measure');
    field({ units: 'hartleys' as never }, 'units');
    field({ y: undefined }, 'y');
    field({ measure: 'cmi', estimator: 'ksg_cmi' }, 'z');
    field({ jitter: -1 }, 'jitter');
    field({ ensemble: { bagging: { replicates: 5, fraction: 1 } } }, 'ensemble.bagging.fraction');
    field({ ensemble: { kValues: [2, 0] } }, 'ensemble.kValues[1]');
  });
  it('unknown column → DataError listing the available columns; zero-variance column named', () => {
    assert.throws(() => prepareJob({ ...base, x: ['nope'] }), (e: unknown) => e instanceof DataError && /unknown column 'nope' in x\[0\]; available columns: 'a', 'b', 'c', 'const'/.test(e.message));
    assert.throws(() => prepareJob({ ...base, y: ['const'] }), (e: unknown) => e instanceof DataError && /"const".*zero variance/.test(e.message));
  });
  it('columns by 0-based index (number or numeric string) select the same data; result is deterministic', () => {
    const a = prepareJob({ ...base, x: [0], y: ['1'], jitter: 0.01, seed: 5 });
    const b = prepareJob({ ...base, x: ['a'], y: ['b'], jitter: 0.01, seed: 5 });
    assert.deepEqual(a, b);
    assert.deepEqual(a.columns, { x: ['a'], y: ['b'] });
    assert.ok(a.warnings.some((w) => /jitter/.test(w)));
  });
  it('normalize divides by the sample sd (ddof 1)', () => {
    const p = prepareJob({ ...base });
    const x = p.input.x.data;
    let m = 0;
    for (const v of x) m += v;
    m /= n;
    let s = 0;
    for (const v of x) s += (v - m) ** 2;
    assert.ok(Math.abs(Math.sqrt(s / (n - 1)) - 1) < 1e-14);
  });
});
