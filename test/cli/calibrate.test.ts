/**
 * `infoshard calibrate` / `simulate` as farm jobs (issue 10): --out DIR writes the table, one JSON
 * line per cell and the coverage chart; the numbers are those of the sequential study; the
 * thread count does not change a byte; bad flags are one line naming the flag, exit 2.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { calibrate, quickGrid } from '../../shared/resampling/calibrate.js';
import { calibrationFigure, plainSimulateResult } from '../../report/index.js';
import type { SimulateResult } from '../../shared/resampling/simulate.js';
import { tempDir } from '../helpers/cluster.js';
import { assertUsageError, runCli } from './run-cli.js';

describe('CLI calibrate / simulate on the pool', function () {
  this.timeout(120_000);

  it('calibrate --quick --out DIR: table.md, results.jsonl (the sequential study\'s numbers), coverage.svg and .png', async () => {
    const t = tempDir();
    try {
      const out = join(t.dir, 'cal');
      const r = await runCli(['calibrate', '--quick', '--cells', '0,2', '--datasets', '3', '--bootstrap', '8', '--seed', '5', '--threads', '2', '--out', out]);
      assert.equal(r.code, 0, r.stderr);
      const table = readFileSync(join(out, 'table.md'), 'utf8');
      assert.equal(r.stdout, table, 'stdout is the table');
      assert.match(table, /^ksg1, k = 3, 3 datasets per cell, B = 8, seed 5/);
      const cells = [quickGrid()[0]!, quickGrid()[2]!];
      assert.equal(table.split('\n').filter((l) => l.startsWith('| mi ksg1 |')).length, 2);
      assert.match(table, /gaussian 3-D\/2-D ρ=0\.6 \| 300 \|/);
      const lines = readFileSync(join(out, 'results.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
      const expected = calibrate({ cells, datasets: 3, bootstrap: 8, seed: 5 });
      assert.equal(lines.length, expected.length);
      lines.forEach((line, i) => {
        const { bootstrap, seed, wallS, ...rest } = line;
        assert.equal(bootstrap, 8);
        assert.equal(seed, 5);
        assert.ok(typeof wallS === 'number' && wallS > 0);
        assert.deepEqual(rest, JSON.parse(JSON.stringify(plainSimulateResult(expected[i]!))), `cell ${i}`);
      });
      const svg = readFileSync(join(out, 'coverage.svg'), 'utf8');
      assert.match(svg, /^<svg/);
      for (const m of ['normal', 'percentile', 'basic', 'bca']) assert.ok(svg.includes(`>${m}<`), `legend names ${m}`);
      const png = readFileSync(join(out, 'coverage.png'));
      assert.deepEqual([...png.subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47]);
    } finally {
      t.cleanup();
    }
  });

  it('coverage chart: a row per (cell, method) with the binomial Monte Carlo 95% band level ± 1.96·√(level(1 − level)/D)', () => {
    const row = (datasets: number, cov: number[]): SimulateResult => ({
      generator: { kind: 'gaussian', rho: 0.6 }, n: 500, datasets, units: 'nats', truth: 0.2, estimates: new Float64Array(0), meanEstimate: 0.2, sdEstimate: 0.01, bias: 0, rmse: 0.01, level: 0.95, label: 'mi ksg1',
      byMethod: cov.map((c, i) => ({ method: (['normal', 'bca'] as const)[i]!, coverage: c, coverageOfMean: c, meanWidth: 1, widthRatio: 1, failed: 0 })),
    });
    const fig = calibrationFigure([row(200, [0.95, 0.9]), row(50, [0.97, 0.93])])!;
    const values = (fig.spec as unknown as { layer: { data: { values: { row: string; low: number; high: number; level: number; coverage: number }[] } }[] }).layer[0]!.data.values;
    assert.equal(values.length, 4);
    const half = (d: number) => 100 * 1.959963984540054 * Math.sqrt((0.95 * 0.05) / d);
    assert.ok(Math.abs(values[0]!.low - (95 - half(200))) < 1e-9 && Math.abs(values[0]!.high - (95 + half(200))) < 1e-9);
    assert.ok(Math.abs(values[3]!.low - (95 - half(50))) < 1e-9);
    assert.deepEqual(values.map((v) => v.coverage), [95, 90, 97, 93]);
    assert.match(values[1]!.row, /^1\. mi ksg1 gaussian ρ=0\.6 N=500 · bca$/);
    assert.equal(calibrationFigure([{ ...row(10, []), byMethod: undefined }]), undefined);
  });

  it('simulate: the same bytes on 1 and 2 threads; --progress counts datasets on stderr', async () => {
    const args = ['simulate', '--n', '80', '--datasets', '5', '--bootstrap', '10', '--methods', 'percentile,bca', '--permutations', '9', '--seed', '4', '--json'];
    const one = await runCli([...args, '--threads', '1']);
    const two = await runCli([...args, '--threads', '2', '--progress']);
    assert.equal(one.code, 0, one.stderr);
    assert.equal(two.code, 0, two.stderr);
    assert.equal(two.stdout, one.stdout);
    assert.match(two.stderr, /datasets .* 5\/5/);
    const r = JSON.parse(one.stdout) as { datasets: number; byMethod: { method: string }[]; ksStatistic: number };
    assert.equal(r.datasets, 5);
    assert.deepEqual(r.byMethod.map((m) => m.method), ['normal', 'percentile', 'bca']);
    assert.ok(Number.isFinite(r.ksStatistic));
  });

  it('bad flags: one line naming the flag, exit 2, before any dataset runs', async () => {
    const t = tempDir();
    try {
      const file = join(t.dir, 'plain-file');
      writeFileSync(file, 'x');
      assertUsageError(await runCli(['calibrate', '--quick', '--datasets', '1']), /--datasets/);
      assertUsageError(await runCli(['calibrate', '--quick', '--cells', '7']), /--cells: index 7 is past the grid's last cell 2/);
      assertUsageError(await runCli(['calibrate', '--quick', '--out', join(t.dir, 'table.md')]), /--out .*give a directory/);
      assertUsageError(await runCli(['calibrate', '--quick', '--methods', 'percentile,nope']), /--methods: unknown CI method 'nope'/);
      assertUsageError(await runCli(['calibrate', '--quick', '--datasets', '2', '--bootstrap', '4', '--out', file]), /--out .*give a directory/);
      assertUsageError(await runCli(['simulate', '--datasets', '2', '--threads', '0']), /--threads/);
      assertUsageError(await runCli(['simulate', '--datasets', '5', '--max-replicates', '4']), /--datasets 5 exceeds the cap of 4/);
      assert.equal(existsSync(join(t.dir, 'table.md')), false);
    } finally {
      t.cleanup();
    }
  });
});
