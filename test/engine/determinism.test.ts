import assert from 'node:assert/strict';
import { createEngine } from '../../engine/embedded.js';
import { CancelledError, OptionError } from '../../shared/errors.js';
import type { Job, JobResult, Progress } from '../../shared/job/spec.js';
import { stream } from '../../shared/rng/index.js';

function gaussData(n: number, rho: number, seed: number) {
  const r = stream(seed, 0);
  const x = new Float64Array(n), y = new Float64Array(n), z = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    z[i] = r.nextGaussian();
    x[i] = r.nextGaussian() + 0.5 * z[i]!;
    y[i] = rho * x[i]! + Math.sqrt(1 - rho * rho) * r.nextGaussian();
  }
  return { names: ['x', 'y', 'z'], columns: [x, y, z], n };
}

/** The parts of a result that must be bit-identical across engines/threads/shards. */
function core(r: JobResult) {
  return {
    estimate: r.estimate, ci: r.ci, pValue: r.pValue, null: r.null, biasCorrected: r.biasCorrected, ensemble: r.ensemble,
    boot: r.bootstrapDistribution && Array.from(r.bootstrapDistribution), nul: r.nullDistribution && Array.from(r.nullDistribution),
    replicates: r.replicates, warnings: r.warnings,
  };
}

describe('engine: embedded engine determinism across threads and shard sizes', function () {
  this.timeout(120_000);
  const data = gaussData(300, 0.4, 5);
  const job: Job = {
    measure: 'mi', estimator: 'ksg1', k: 3, x: ['x'], y: ['y'], seed: 11, data,
    bootstrap: { replicates: 60, method: 'bca', jackknifeGroups: 10 },
    permutation: { shuffles: 60 },
    ensemble: { bagging: { replicates: 9 }, kValues: [2, 3, 5] },
  };

  it('threads 1 vs 2 and shard sizes 7 vs 50 give bit-identical estimate, ci, pValue and distributions', async () => {
    const results: JobResult[] = [];
    for (const [threads, shardSize] of [[1, 7], [1, 50], [2, 7], [2, 50]] as const) {
      const engine = createEngine({ threads, shardSize });
      try {
        results.push(await engine.run(job));
      } finally {
        await engine.close();
      }
    }
    const ref = core(results[0]!);
    for (const r of results.slice(1)) assert.deepEqual(core(r), ref);
    const r = results[0]!;
    assert.equal(r.provenance.engine, 'embedded');
    assert.match(r.provenance.version, /^\d+\.\d+\.\d+/);
    assert.equal(r.ci!.scheme, 'subsample'); // kNN default
    assert.equal(r.ci!.m, 75); // default m = ⌊N/4⌋ (was ⌊N/2⌋ before issue 10)
    assert.equal(r.replicates.jackknife, 10);
    assert.equal(results[2]!.provenance.threads, 2);
  });

  it('strongly dependent data: p = 1/(m + 1) exactly', async () => {
    const engine = createEngine({ threads: 2, shardSize: 8 });
    try {
      const r = await engine.run({ measure: 'mi', estimator: 'ksg1', x: ['x'], y: ['y'], data: gaussData(200, 0.95, 1), permutation: { shuffles: 40 }, seed: 2 });
      assert.equal(r.pValue, 1 / 41);
      assert.ok(r.biasCorrected! > 0.8);
    } finally {
      await engine.close();
    }
  });

  it('cmi with local permutation runs and is shard-independent', async () => {
    const cjob: Job = { measure: 'cmi', estimator: 'ksg_cmi', x: ['x'], y: ['y'], z: ['z'], data: gaussData(150, 0.8, 8), permutation: { shuffles: 20 }, seed: 4 };
    const e1 = createEngine({ threads: 1, shardSize: 3 });
    const e2 = createEngine({ threads: 2, shardSize: 20 });
    try {
      const [r1, r2] = [await e1.run(cjob), await e2.run(cjob)];
      assert.deepEqual(core(r1), core(r2));
      assert.ok(r1.pValue! <= 1 / 21 + 1e-15);
    } finally {
      await Promise.all([e1.close(), e2.close()]);
    }
  });

  it('progress is reported to the end; cancel stops the job with CancelledError', async () => {
    const engine = createEngine({ threads: 2, shardSize: 5 });
    try {
      const seen: Progress[] = [];
      await engine.run({ ...job, ensemble: undefined, bootstrap: undefined }, { onProgress: (p) => seen.push(p) });
      assert.deepEqual(seen.at(-1)!, { ...seen.at(-1)!, phase: 'done', done: 60, total: 60 });
      const h = await engine.submit({ ...job, data: gaussData(3000, 0.4, 2), bootstrap: undefined, ensemble: undefined, permutation: { shuffles: 5000 } });
      const it = h.progress()[Symbol.asyncIterator]();
      await it.next();
      await h.cancel();
      await assert.rejects(h.result(), CancelledError);
    } finally {
      await engine.close();
    }
  });

  it('a bad job is rejected up front with an OptionError naming the field', async () => {
    const engine = createEngine({ threads: 1, maxReplicates: 100 });
    await assert.rejects(engine.run({ ...job, bootstrap: { replicates: 101 } }), (e: unknown) => e instanceof OptionError && e.field === 'bootstrap.replicates');
    await assert.rejects(engine.submit({ ...job, bootstrap: { replicates: 10, level: 1 } }), (e: unknown) => e instanceof OptionError && e.field === 'bootstrap.level');
    assert.throws(() => createEngine({ threads: 0 }), (e: unknown) => e instanceof OptionError && e.field === 'threads');
    await engine.close();
  });
});
