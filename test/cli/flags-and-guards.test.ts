/** Issue 12 through the CLI: errors name the flag typed, and the guards reach the user as one line, exit 2. */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { flagFor } from '../../cli/flag-names.js';
import { assertUsageError, runCli } from './run-cli.js';

describe('CLI: flag names in errors, guards on numbers', function () {
  this.timeout(120000);
  const dir = mkdtempSync(join(tmpdir(), 'infoshard-flags-'));
  const mi = ['estimate', 'mi', '--data', 'samples/gauss.csv', '--x', 'x', '--y', 'y'];

  it('maps job fields to flags', () => {
    assert.equal(flagFor('bootstrap.m'), '--subsample-m');
    assert.equal(flagFor('ensemble.bagging.fraction'), '--bagging-fraction');
    assert.equal(flagFor('ensemble.kValues[2]'), '--k-values[2]');
    assert.equal(flagFor('jitter'), '--jitter');
    assert.equal(flagFor('localK'), '--local-k');
  });
  it('data-dependent option errors name the flag, not the job field', async () => {
    assertUsageError(await runCli([...mi, '--bagging', '5', '--bagging-fraction', '0.0001']), /^infoshard: error: --bagging-fraction gives 2 rows/);
    assertUsageError(await runCli([...mi, '--k-values', '3,6000']), /--k-values\[1\] = 6000 must be below N = 5000/);
    const r = await runCli([...mi, '--bootstrap', '5', '--subsample-m', '5000']);
    assertUsageError(r, /--subsample-m must be in \[2, N\)/);
    assert.doesNotMatch(r.stderr, /bootstrap\.m/);
  });
  it('a job file keeps its field names', async () => {
    const job = join(dir, 'job.yaml');
    writeFileSync(job, `data: ${join(process.cwd(), 'samples/gauss.csv')}\nmeasure: mi\nx: [x]\ny: [y]\nbootstrap: { replicates: 5, m: 5000 }\n`);
    assertUsageError(await runCli(['run', job]), /bootstrap\.m must be in/);
  });
  it('--replicates-out refuses an unknown extension', async () => {
    assertUsageError(await runCli([...mi, '--bootstrap', '5', '--replicates-out', join(dir, 'r.txt')]), /--replicates-out .*r\.txt: unknown extension \(use \.csv or \.json\)/);
  });
  it('the same column in --x and --y, and ksg1 on discrete data, are one-line errors', async () => {
    assertUsageError(await runCli(['estimate', 'mi', '--data', 'samples/gauss.csv', '--x', 'x', '--y', 'x']), /column 'x' is selected in both x and y/);
    const rows = Array.from({ length: 400 }, (_, i) => `${i % 4},${(i * 7) % 4}`);
    const p = join(dir, 'disc.csv');
    writeFileSync(p, 'a,b\n' + rows.join('\n') + '\n');
    assertUsageError(await runCli(['estimate', 'mi', '--data', p, '--x', 'a', '--y', 'b']), /meaningless.*mixed_ksg.*plugin.*--jitter/);
  });
  it('entropy is not normalised unless asked; the JSON says which', async () => {
    const e = JSON.parse((await runCli(['estimate', 'entropy', '--data', 'samples/gauss.csv', '--x', 'x', '--json'])).stdout) as { normalize: boolean; timings: { totalMs: number; loadMs: number } };
    assert.equal(e.normalize, false);
    assert.ok(e.timings.totalMs > e.timings.loadMs, 'totalMs covers the whole command');
    const n = JSON.parse((await runCli(['estimate', 'entropy', '--data', 'samples/gauss.csv', '--x', 'x', '--normalize', '--json'])).stdout) as { normalize: boolean };
    assert.equal(n.normalize, true);
  });
});
