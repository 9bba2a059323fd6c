/**
 * Size of the catalog's newer permutation tests, by simulation through the engine's own path:
 * under the null each test must reject at α = 0.05 about 5% of the time (P = 19 surrogates, so
 * p ≤ 0.05 means p = 1/20 exactly). 200 null datasets per test; rejections ~ Binomial(200, 0.05)
 * (mean 10, sd 3.1): we accept 2..22 (beyond ±3.9 sd: a correct test fails this < 1e-4 of the time).
 *   te, shift surrogates: two independent AR(1) series (the null of no transfer; stationarity
 *     makes a circular shift of the source exact up to the wrap-around)
 *   divergence, relabelling: P and Q drawn from the same distribution (exchangeable labels: exact)
 *   tc, independent column shuffles: independent variables (exact)
 */
import assert from 'node:assert/strict';
import { createEngine } from '../../engine/embedded.js';
import type { Dataset } from '../../shared/data/matrix.js';
import type { Job } from '../../shared/job/spec.js';
import { stream } from '../../shared/rng/index.js';

const DATASETS = 200;
const P = 19;

function ar1Pair(n: number, seed: number): Dataset {
  const r = stream(seed, 0, 96);
  const x = new Float64Array(n), y = new Float64Array(n);
  for (let t = 1; t < n; t++) {
    x[t] = 0.5 * x[t - 1]! + r.nextGaussian();
    y[t] = 0.5 * y[t - 1]! + r.nextGaussian();
  }
  return { names: ['x', 'y'], columns: [x, y], n };
}

function gaussCols(n: number, d: number, seed: number, label = false): Dataset {
  const r = stream(seed, 0, 95);
  const cols = Array.from({ length: d }, () => Float64Array.from({ length: n }, () => r.nextGaussian()));
  const names = cols.map((_, j) => `c${j}`);
  if (label) {
    cols.push(Float64Array.from({ length: n }, (_, i) => (i < n / 2 ? 0 : 1)));
    names.push('g');
  }
  return { names, columns: cols, n };
}

async function rejections(make: (seed: number) => Job): Promise<number> {
  const engine = createEngine({ threads: 1 });
  let rejected = 0;
  try {
    for (let s = 0; s < DATASETS; s++) {
      const r = await engine.run(make(s));
      assert.equal(r.replicates.permutation, P);
      if (r.pValue! <= 0.05) rejected++;
    }
  } finally {
    await engine.close();
  }
  return rejected;
}

describe('surrogate tests hold their size under the null (simulation, 200 datasets each)', function () {
  this.timeout(300_000);

  it('te with time-shift surrogates of the source past: independent AR(1) series', async () => {
    const rej = await rejections((s) => ({ measure: 'te', estimator: 'ksg', k: 4, x: ['x'], y: ['y'], seed: s, permutation: { shuffles: P, kind: 'shift' }, data: ar1Pair(120, 1000 + s) }));
    assert.ok(rej >= 2 && rej <= 22, `${rej} of ${DATASETS} rejected at 0.05`);
  });

  it('divergence with relabelled samples: P and Q from the same distribution', async () => {
    const rej = await rejections((s) => ({ measure: 'divergence', estimator: 'kl', k: 3, x: ['c0', 'c1'], y: ['g'], seed: s, permutation: { shuffles: P }, data: gaussCols(120, 2, 2000 + s, true) }));
    assert.ok(rej >= 2 && rej <= 22, `${rej} of ${DATASETS} rejected at 0.05`);
  });

  it('tc with independent column shuffles: independent variables', async () => {
    const rej = await rejections((s) => ({ measure: 'tc', estimator: 'ksg', k: 3, x: ['c0', 'c1', 'c2'], seed: s, permutation: { shuffles: P }, data: gaussCols(100, 3, 3000 + s) }));
    assert.ok(rej >= 2 && rej <= 22, `${rej} of ${DATASETS} rejected at 0.05`);
  });
});
