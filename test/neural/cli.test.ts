/** The neural estimators from the command line: a small ensemble, and one-line errors with exit 2. */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertUsageError, runCli } from '../cli/run-cli.js';
import { gaussian } from './data.js';

describe('neural estimators: CLI', function () {
  this.timeout(240_000);
  const tiny = ['--hidden', '8', '--embed', '4', '--batch', '32', '--steps', '30', '--eval-every', '10', '--held-out-bootstrap', '20'];
  // 300 rows: 75 test, 45 validation, 180 training rows per critic
  const d = gaussian(300, 0.7, 8);
  const file = join(mkdtempSync(join(tmpdir(), 'infoshard-neural-')), 'g.csv');
  writeFileSync(file, 'x,y\n' + Array.from({ length: 300 }, (_, i) => `${d.columns[0]![i]},${d.columns[1]![i]}`).join('\n') + '\n');
  const mi = (...rest: string[]) => ['estimate', 'mi', '--data', file, '--x', 'x', '--y', 'y', ...rest];

  it('--estimator smile --ensemble 2 reports the ensemble, its intervals and what they cover', async () => {
    const r = await runCli(mi('--estimator', 'smile', '--ensemble', '2', '--clip', '3', '--seed', '4', ...tiny, '--json'));
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.estimator, 'smile');
    assert.equal(out.k, null);
    assert.equal(out.options.clip, 3);
    assert.equal(out.options.steps, 30);
    const e = out.ensemble.neural;
    assert.equal(e.critics, 2);
    assert.equal(out.estimate, e.mean);
    assert.equal(out.replicates.neural, 2);
    assert.match(e.interval.covers, /critic seeds and splits/);
    assert.match(e.heldOut.covers, /test rows/);
    assert.ok(e.combined.low < e.mean && e.mean < e.combined.high && e.combined.se > 0);
    assert.match(e.combined.covers, /E\[estimate at this N\]/);
    const human = await runCli(mi('--estimator', 'smile', '--ensemble', '2', '--seed', '4', ...tiny, '--progress'));
    assert.equal(human.code, 0, human.stderr);
    // --progress: the bar's last line carries the last critic's training state (30 steps, 3 validations: patience 4 not reached)
    assert.match(human.stderr, /done \[\S+\] 2\/2 .*\| critic [01] step 30\/30 held-out -?\d+\.\d{3} nats \(best -?\d+\.\d{3} @\d+, finished, kept @\d+\)/);
    assert.match(human.stdout, /critics: 2, mean /);
    assert.match(human.stdout, /ensemble 95% t interval/);
    assert.match(human.stdout, /combined 95% interval \(critics \+ data/);
  });

  it('bad neural input: one line naming the flag, exit 2', async () => {
    assertUsageError(await runCli(mi('--estimator', 'nwj', '--ensemble', '0', ...tiny)), /--ensemble/);
    assertUsageError(await runCli(mi('--estimator', 'mine', '--bootstrap', '10', ...tiny)), /bootstrap cannot be used with the neural estimator mine/);
    assertUsageError(await runCli(mi('--estimator', 'nwj', '--clip', '2', ...tiny)), /--clip does not apply to mi with nwj/);
    assertUsageError(await runCli(mi('--estimator', 'ksg1', '--ensemble', '3')), /--ensemble applies to the neural estimators/);
    assertUsageError(await runCli(mi('--estimator', 'nwj', ...tiny, '--learning-rate', '1000000')), /nwj: training diverged at step \d+/);
    assertUsageError(await runCli(mi('--estimator', 'infonce', '--test-fraction', '1.5')), /--test-fraction must be a number/);
    assertUsageError(await runCli(['simulate', '--consistency', 'bogus']), /--consistency/);
  });
});
