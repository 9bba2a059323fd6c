/**
 * Issue 15 through the CLI: --test analytic, --locals, --trial and --auto-embed end to end (a
 * job file too), and their bad input as one-line errors naming the flag, exit 2.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { coupledAr } from '../helpers/series.js';
import { assertUsageError, runCli } from './run-cli.js';

describe('CLI: analytic test, local values, trials, auto-embedding', function () {
  this.timeout(120000);
  const dir = mkdtempSync(join(tmpdir(), 'infoshard-i15-'));
  const csv = join(dir, 'ts.csv');
  const ds = coupledAr(600, 0.5, 0.6, 3);
  writeFileSync(csv, 'x,y,trial\n' + Array.from({ length: 600 }, (_, i) => `${ds.columns[0]![i]},${ds.columns[1]![i]},${i < 300 ? 1 : 2}`).join('\n') + '\n');
  const te = ['estimate', 'te', '--data', csv, '--x', 'x', '--y', 'y'];

  it('--test analytic: the result says which test, with 2N·Î and df', async () => {
    const r = await runCli([...te, '--estimator', 'gaussian', '--test', 'analytic', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const j = JSON.parse(r.stdout);
    assert.equal(j.test, 'analytic');
    assert.equal(j.chi2.df, 1);
    assert.ok(Math.abs(j.chi2.statistic - 2 * j.n * j.estimate) < 1e-9);
    assert.ok(j.pValue < 1e-6);
  });

  it('--locals writes row,local whose mean is the estimate; --trial and --auto-embed are reported', async () => {
    const out = join(dir, 'locals.csv');
    const r = await runCli([...te, '--estimator', 'ksg', '--k', '4', '--trial', 'trial', '--auto-embed', '1', '--max-history', '2', '--locals', out, '--json']);
    assert.equal(r.code, 0, r.stderr);
    const j = JSON.parse(r.stdout);
    assert.deepEqual(j.trials, { column: 'trial', count: 2 });
    assert.equal(j.options.autoEmbed, 1);
    assert.ok([1, 2].includes(j.options.targetHistory) && [1, 2].includes(j.options.sourceHistory));
    const lines = readFileSync(out, 'utf8').trim().split('\n');
    assert.equal(lines[0], 'row,local');
    assert.equal(lines.length - 1, j.n);
    const mean = lines.slice(1).reduce((s, l) => s + Number(l.split(',')[1]), 0) / j.n;
    assert.ok(Math.abs(mean - j.estimate) < 1e-12, `${mean} vs ${j.estimate}`);
  });

  it('a job file takes test, trial and locals', async () => {
    const job = join(dir, 'job.yaml');
    writeFileSync(job, `data: ${csv}\nmeasure: ais\nestimator: gaussian\nx: [x]\ntrial: trial\ntest: analytic\nlocals: ais-locals.csv\noptions: { targetHistory: 2 }\n`);
    const r = await runCli(['run', job, '--json']);
    assert.equal(r.code, 0, r.stderr);
    const j = JSON.parse(r.stdout);
    assert.equal(j.test, 'analytic');
    assert.equal(j.chi2.df, 2);
    assert.equal(j.n, 2 * (300 - 2));
    assert.equal(readFileSync(join(dir, 'ais-locals.csv'), 'utf8').trim().split('\n').length - 1, j.n);
  });

  it('bad input: one line naming the flag, exit 2', async () => {
    assertUsageError(await runCli([...te, '--test', 'analytic', '--permutations', '10']), /--test analytic replaces the permutation test/);
    assertUsageError(await runCli([...te, '--test', 'permutation']), /--test permutation needs --permutations/);
    assertUsageError(await runCli([...te, '--estimator', 'ksg', '--test', 'analytic']), /test analytic is not available for te with ksg/);
    assertUsageError(await runCli(['estimate', 'mi', '--data', csv, '--x', 'x', '--y', 'y', '--estimator', 'ksg2', '--locals', join(dir, 'l.csv')]), /--locals: mi with ksg2 has no local values/);
    assertUsageError(await runCli([...te, '--trial', 'nope']), /--trial/);
    assertUsageError(await runCli([...te, '--trial', 'x,y']), /--trial takes one column/);
    assertUsageError(await runCli([...te, '--auto-embed', '1', '--target-history', '2']), /--target-history is chosen by --auto-embed/);
    assertUsageError(await runCli([...te, '--estimator', 'gaussian', '--bias-correction', '1', '--test', 'analytic']), /--bias-correction/);
    assertUsageError(await runCli(['estimate', 'entropy_rate', '--data', csv, '--x', 'x', '--estimator', 'gaussian', '--permutations', '5']), /entropy_rate has no permutation test/);
  });
});
