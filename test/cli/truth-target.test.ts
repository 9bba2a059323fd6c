/** `--ci-target truth` (docs/intervals.md): the flag and the job field reach the engine; refusals are one line, exit 2. */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { casesDir } from '../data/repo.js';
import { assertUsageError, runCli } from './run-cli.js';

describe('CLI --ci-target truth (child process)', function () {
  this.timeout(120000);
  const data = join(casesDir(), 'gauss2.csv');
  const mi = (...rest: string[]) => ['estimate', 'mi', '--data', data, '--x', 'x', '--y', 'y', ...rest];

  it('ksg1: the result says the interval targets the truth and how it was made', async () => {
    const r = await runCli(mi('--estimator', 'ksg1', '--bootstrap', '12', '--ci-target', 'truth', '--json'));
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { estimate: number; ci: { low: number; high: number; target: string; truth: { fits: { centre: number; alpha: number }[] } }; replicates: { extrapolation: number } };
    assert.equal(out.ci.target, 'truth');
    assert.deepEqual(out.ci.truth.fits.map((f) => f.alpha), [1]); // 2-D: the bracket is alpha = 1 alone
    assert.ok(out.ci.low < out.ci.truth.fits[0]!.centre && out.ci.truth.fits[0]!.centre < out.ci.high);
    assert.equal(out.replicates.extrapolation, 12);
  });

  it('refused with one line naming the flag: no extrapolated bias, another method, without --bootstrap', async () => {
    assertUsageError(await runCli(mi('--estimator', 'gaussian', '--bootstrap', '12', '--ci-target', 'truth')), /--ci-target truth needs a kNN estimator whose bias is extrapolated.*mi with gaussian has no bias law/);
    assertUsageError(await runCli(mi('--estimator', 'ksg1', '--bootstrap', '12', '--ci-target', 'truth', '--ci', 'bca')), /--ci-target truth makes a normal interval; got --ci bca/);
    assertUsageError(await runCli(mi('--estimator', 'ksg1', '--ci-target', 'truth')), /--ci-target.*--bootstrap/);
  });

  it('simulate --ci-target truth reports the truth-target coverage next to the default interval', async () => {
    const r = await runCli(['simulate', '--n', '200', '--datasets', '3', '--rho', '0.6', '--bootstrap', '10', '--ci-target', 'truth', '--threads', '1']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /truth-target \(--ci-target truth\) normal CI coverage: \d+\.\d% of the truth/);
    assert.match(r.stdout, /normal CI coverage: .* of the mean estimate \(its target/);
  });

  it('the job file field bootstrap.target', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'infoshard-truth-'));
    const job = join(dir, 'job.json');
    writeFileSync(job, JSON.stringify({ data, measure: 'mi', estimator: 'ksg1', x: ['x'], y: ['y'], bootstrap: { replicates: 12, target: 'truth' } }));
    const r = await runCli(['run', job, '--json']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal((JSON.parse(r.stdout) as { ci: { target: string } }).ci.target, 'truth');
    writeFileSync(job, JSON.stringify({ data, measure: 'mi', estimator: 'ksg1', x: ['x'], y: ['y'], bootstrap: { replicates: 12, target: 'median' } }));
    assertUsageError(await runCli(['run', job, '--json']), /bootstrap\.target|target/);
  });
});
