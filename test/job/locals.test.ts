/**
 * Local values: for every (measure, estimator) pair the catalog gives locals, their mean is the
 * point estimate to 1e-12; the plug-in and KSG locals match their definitions row by row.
 */
import assert from 'node:assert/strict';
import { ESTIMATOR_LIST, measureOf } from '../../shared/catalog/index.js';
import type { Dataset } from '../../shared/data/matrix.js';
import { checkLocals, localValues } from '../../shared/job/locals.js';
import { prepareJob } from '../../shared/job/prepare.js';
import { pointEstimate } from '../../shared/job/execute.js';
import type { Job } from '../../shared/job/spec.js';
import { stream } from '../../shared/rng/index.js';
import { digamma } from '../../shared/stats/special.js';

/** Coupled series (x driven by y's past, z a third series), discrete or continuous. */
function data(n: number, discrete: boolean, seed: number): Dataset {
  const r = stream(seed, 0, 83);
  const x = new Float64Array(n), y = new Float64Array(n), z = new Float64Array(n);
  for (let t = 0; t < n; t++) {
    y[t] = discrete ? r.nextInt(3) : r.nextGaussian();
    z[t] = discrete ? r.nextInt(2) : r.nextGaussian();
    const prev = t > 0 ? y[t - 1]! : 0;
    x[t] = discrete ? (r.nextFloat64() < 0.7 ? prev : r.nextInt(3)) : 0.6 * prev + 0.3 * (t > 0 ? x[t - 1]! : 0) + r.nextGaussian();
  }
  return { names: ['x', 'y', 'z'], columns: [x, y, z], n };
}

function jobFor(measure: string, estimator: string, ds: Dataset): Job {
  const b = measureOf(measure).blocks;
  const x = measure === 'entropy' && estimator !== 'plugin' ? ['x', 'y'] : ['x'];
  return { measure, estimator, k: 4, x, ...(b.y !== 'none' ? { y: ['y'] } : {}), ...(b.z === 'required' ? { z: ['z'] } : {}), data: ds, ...(measure === 'ais' || measure === 'entropy_rate' ? { options: { targetHistory: 2 } } : {}) };
}

describe('local values', () => {
  const cont = data(600, false, 1), disc = data(600, true, 2);
  for (const e of ESTIMATOR_LIST) {
    for (const measure of Object.keys(e.locals ?? {})) {
      it(`${measure} with ${e.name}: mean of the locals = the estimate (1e-12)`, () => {
        const p = prepareJob(jobFor(measure, e.name, e.name === 'plugin' ? disc : cont));
        const v = localValues(p);
        assert.equal(v.length, p.n);
        const mean = v.reduce((s, x) => s + x, 0) / v.length;
        const est = pointEstimate(p);
        assert.ok(Math.abs(mean - est) <= 1e-12 * Math.max(1, Math.abs(est)), `${mean} vs ${est}`);
      });
    }
  }

  it('plug-in local MI is ln(n_xy N / (n_x n_y)) of the row; KSG-1 local MI is ψ(k) + ψ(N) − ψ(n_x + 1) − ψ(n_y + 1) with brute-force counts', () => {
    const p = prepareJob({ measure: 'mi', estimator: 'plugin', x: ['x'], y: ['y'], data: disc, normalize: false });
    const v = localValues(p), x = disc.columns[0]!, y = disc.columns[1]!, n = disc.n;
    for (const i of [0, 17, 599]) {
      let nxy = 0, nx = 0, ny = 0;
      for (let j = 0; j < n; j++) {
        if (x[j] === x[i]) nx++;
        if (y[j] === y[i]) ny++;
        if (x[j] === x[i] && y[j] === y[i]) nxy++;
      }
      assert.ok(Math.abs(v[i]! - Math.log((nxy * n) / (nx * ny))) < 1e-14);
    }
    const small = data(60, false, 3);
    const q = prepareJob({ measure: 'mi', estimator: 'ksg1', k: 3, x: ['x'], y: ['y'], data: small, normalize: false });
    const w = localValues(q), a = small.columns[0]!, b = small.columns[1]!;
    for (const i of [0, 30, 59]) {
      const d = Array.from({ length: 60 }, (_, j) => Math.max(Math.abs(a[j]! - a[i]!), Math.abs(b[j]! - b[i]!))).filter((_, j) => j !== i).sort((s, t) => s - t);
      const eps = d[2]!;
      let nx = 0, ny = 0;
      for (let j = 0; j < 60; j++) {
        if (j === i) continue;
        if (Math.abs(a[j]! - a[i]!) < eps) nx++;
        if (Math.abs(b[j]! - b[i]!) < eps) ny++;
      }
      assert.ok(Math.abs(w[i]! - (digamma(3) + digamma(60) - digamma(nx + 1) - digamma(ny + 1))) < 1e-12);
    }
  });

  it('in bits when the job is in bits; refused for pairs without locals, with Miller–Madow, for screens', () => {
    const p = prepareJob({ measure: 'ais', estimator: 'gaussian', x: ['x'], data: cont, units: 'bits' });
    const q = prepareJob({ measure: 'ais', estimator: 'gaussian', x: ['x'], data: cont });
    assert.ok(Math.abs(localValues(p)[5]! - localValues(q)[5]! / Math.LN2) < 1e-15);
    assert.throws(() => checkLocals({ measure: 'mi', estimator: 'ksg2', x: ['x'], y: ['y'] }, '--locals'), /--locals: mi with ksg2 has no local values \(they are defined for: .*mi with ksg1/);
    assert.throws(() => checkLocals({ measure: 'mi', estimator: 'plugin', x: ['x'], y: ['y'], millerMadow: true }, '--locals'), /uncorrected/);
    assert.throws(() => checkLocals({ measure: 'mi', estimator: 'plugin', x: ['x'], screen: { features: 'all' } }, '--locals'), /screen/);
  });
});
