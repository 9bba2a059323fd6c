/**
 * Named-choice catalog options through the CLI (issue 15): `--norm`, `--binning`, `--correction`,
 * `--bandwidth`, `--kde-mode` take names, a bad name or a flag the pair does not take is a
 * one-line error naming the flag (exit 2), a job file takes the same names under `options`, and
 * the JSON result reports the names.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertUsageError, runCli } from './run-cli.js';

describe('CLI: named-choice options (--norm, --binning, --correction, --bandwidth, --kde-mode)', function () {
  this.timeout(120000);
  const dir = mkdtempSync(join(tmpdir(), 'infoshard-choices-'));
  // the first 300 rows keep the O(N²) Euclidean and KDE paths quick
  const csv = join(dir, 'g.csv');
  before(async () => {
    const { readFileSync } = await import('node:fs');
    writeFileSync(csv, readFileSync('samples/gauss.csv', 'utf8').split('\n').slice(0, 301).join('\n') + '\n');
  });
  const mi = () => ['estimate', 'mi', '--data', csv, '--x', 'x', '--y', 'y', '--json'];

  it('the result names the choice; the default is reported too', async () => {
    const e = await runCli([...mi(), '--estimator', 'ksg1', '--norm', 'euclidean']);
    assert.equal(e.code, 0, e.stderr);
    assert.equal(JSON.parse(e.stdout).options.norm, 'euclidean');
    const b = await runCli([...mi(), '--estimator', 'binned', '--binning', 'quantile', '--bins', '4', '--correction', 'panzeri_treves']);
    assert.equal(b.code, 0, b.stderr);
    assert.deepEqual(JSON.parse(b.stdout).options, { binning: 'quantile', bins: 4, correction: 'panzeri_treves' });
    const k = await runCli([...mi(), '--estimator', 'kde']);
    assert.deepEqual(JSON.parse(k.stdout).options, { bandwidth: 'scott', kdeMode: 'loo' });
  });

  it('a bad name, or a choice the pair does not take, is a one-line error naming the flag', async () => {
    assertUsageError(await runCli([...mi(), '--estimator', 'ksg1', '--norm', 'manhattan']), /--norm must be one of max, euclidean, got 'manhattan'/);
    assertUsageError(await runCli([...mi(), '--estimator', 'binned', '--binning', 'kmeans']), /--binning must be one of fixed, quantile, adaptive/);
    assertUsageError(await runCli([...mi(), '--estimator', 'ksg2', '--norm', 'euclidean']), /--norm does not apply to mi with ksg2/);
    assertUsageError(await runCli([...mi(), '--estimator', 'kde', '--bins', '4']), /--bins does not apply to mi with kde/);
  });

  it('a job file takes the names under options and reports them', async () => {
    const job = join(dir, 'job.yaml');
    writeFileSync(job, `data: ${csv}\nmeasure: entropy\nestimator: kl\nx: [x, y]\noptions: { norm: euclidean }\n`);
    const r = await runCli(['run', job, '--json']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).options.norm, 'euclidean');
    writeFileSync(job, `data: ${csv}\nmeasure: entropy\nestimator: kl\nx: [x, y]\noptions: { norm: taxicab }\n`);
    assertUsageError(await runCli(['run', job]), /options\.norm/);
  });
});
