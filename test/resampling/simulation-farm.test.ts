/**
 * Simulation as one farm job (issue 10; shared/job/simulation.ts): the records of a simulation
 * job, summarised per cell, are the same bytes as the sequential `simulate` of each cell, for any
 * shard size and thread count; a bad cell is refused naming its field.
 */
import assert from 'node:assert/strict';
import { createEngine } from '../../engine/embedded.js';
import { LimitError, OptionError } from '../../shared/errors.js';
import { planWorkloads, SIMULATION_MAX_SHARD } from '../../shared/job/plan.js';
import { prepareJob } from '../../shared/job/prepare.js';
import { runSimulation, simulationJob, type SimulationCell } from '../../shared/job/simulation.js';
import { simulate } from '../../shared/resampling/simulate.js';
import { FARM_CELLS, FARM_SEED, simulateKey } from '../helpers/simulation.js';

describe('simulation farm job: same bytes as the sequential simulate', function () {
  this.timeout(120_000);
  const sequential = FARM_CELLS.map((c) => simulate({ ...c, seed: FARM_SEED }));

  it('the sequential results are real (coverage, p-values, bias diagnostics present where asked)', () => {
    // ksg1's own method (its recipe's default, normal) first, then the others asked for
    assert.equal(sequential[0]!.byMethod!.map((m) => m.method).join(','), 'normal,percentile,bca');
    assert.ok(sequential[0]!.biasWarningRate !== undefined);
    assert.equal(sequential[1]!.pValues!.length, 4);
    assert.equal(sequential[1]!.units, 'bits');
    assert.equal(sequential[2]!.byMethod, undefined);
    for (const r of sequential) assert.ok(Number.isFinite(r.meanEstimate));
  });

  for (const [threads, shardSize] of [[1, 1], [2, 1], [2, 3], [2, 64]] as const) {
    it(`embedded engine, ${threads} thread(s), shard size ${shardSize}`, async () => {
      const engine = createEngine({ threads, shardSize });
      const seen: number[] = [];
      try {
        const rows = await runSimulation(engine, FARM_CELLS, { seed: FARM_SEED, onProgress: (p) => seen.push(p.datasetsDone / p.datasetsTotal) });
        assert.equal(rows.length, FARM_CELLS.length);
        rows.forEach((r, i) => assert.equal(simulateKey(r), simulateKey(sequential[i]!), `cell ${i}`));
      } finally {
        await engine.close();
      }
      assert.equal(seen[seen.length - 1], 1);
      for (let i = 1; i < seen.length; i++) assert.ok(seen[i]! >= seen[i - 1]!, 'progress never goes backwards');
    });
  }

  it('one replicate per (cell, dataset), at most SIMULATION_MAX_SHARD per shard', () => {
    const w = planWorkloads(prepareJob(simulationJob(FARM_CELLS, FARM_SEED)));
    assert.equal(w.length, 1);
    assert.equal(w[0]!.kind, 'simulate');
    assert.equal(w[0]!.replicates, 5 + 4 + 3);
    assert.equal(w[0]!.maxShard, SIMULATION_MAX_SHARD);
    assert.equal(w[0]!.width, 5 + 2 * 3);
  });

  it('bad cells are refused before any shard runs, naming the field', () => {
    const bad = (cells: SimulationCell[], field: RegExp, cls: typeof OptionError | typeof LimitError = OptionError, opts = {}) => {
      assert.throws(() => prepareJob(simulationJob(cells), opts), (e: unknown) => e instanceof cls && field.test((e as Error).message + ' ' + ((e as OptionError).field ?? '')));
    };
    const ok = FARM_CELLS[0]!;
    bad([], /simulate\.cells/);
    bad([{ ...ok, n: 1 }], /simulate\.cells\[0\]\.n/);
    bad([ok, { ...ok, datasets: 0 }], /simulate\.cells\[1\]\.datasets/);
    bad([{ ...ok, generator: { kind: 'gaussian', rho: 1.5 } }], /simulate\.cells\[0\]\.generator\.rho/);
    bad([{ ...ok, job: { ...ok.job, bootstrap: { replicates: 0 } } }], /simulate\.cells\[0\]\.bootstrap\.replicates/);
    bad([{ ...ok, job: { ...ok.job, estimator: 'nope' } }], /simulate\.cells\[0\]/);
    bad([{ ...ok, measure: 'cmi' }], /simulate\.cells\[0\]\.generator\.kind/);
    bad([{ ...ok, methods: ['percentile'], job: { estimator: 'ksg1' } }], /simulate\.cells\[0\]\.methods/);
    const plain = FARM_CELLS[2]!;
    bad([plain, plain, plain, plain], /simulate: 12 datasets/, LimitError, { maxReplicates: 9 });
    assert.throws(() => prepareJob({ ...simulationJob([ok]), bootstrap: { replicates: 5 } }), (e: unknown) => e instanceof OptionError && e.field === 'bootstrap');
  });
});
