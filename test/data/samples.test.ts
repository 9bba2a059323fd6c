import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeGaussSample, GAUSS_SAMPLE, gaussianMiNats } from '../../samples/make-samples.js';
import { parseCsv } from '../../shared/data/csv.js';
import { repoRoot } from './repo.js';

describe('bundled sample dataset', () => {
  const committed = readFileSync(join(repoRoot(), 'samples', GAUSS_SAMPLE.file), 'utf8');

  it('equals the output of the committed seeded generator, byte for byte', () => {
    assert.equal(committed, makeGaussSample());
  });

  it('has the stated size and a sample correlation consistent with rho = 0.6', () => {
    const ds = parseCsv(committed);
    assert.deepEqual(ds.names, ['x', 'y']);
    assert.equal(ds.n, 5000);
    const [x, y] = ds.columns as [Float64Array, Float64Array];
    const mean = (a: Float64Array) => a.reduce((s, v) => s + v, 0) / a.length;
    const mx = mean(x), my = mean(y);
    let sxy = 0, sxx = 0, syy = 0;
    for (let i = 0; i < ds.n; i++) {
      sxy += (x[i]! - mx) * (y[i]! - my);
      sxx += (x[i]! - mx) ** 2;
      syy += (y[i]! - my) ** 2;
    }
    const r = sxy / Math.sqrt(sxx * syy);
    // sd of the sample correlation ≈ (1 − ρ²)/√N = 0.64/√5000 ≈ 0.009; allow 4 sd.
    assert.ok(Math.abs(r - 0.6) < 4 * 0.64 / Math.sqrt(5000), `r = ${r}`);
  });

  it('states the analytic truth −½ ln(1 − ρ²)', () => {
    assert.equal(gaussianMiNats(0.6), -0.5 * Math.log(0.64));
  });
});
