/** `--summaries` (issue 18): the CLI asks for the summary path and says which path made each number. */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertUsageError, runCli } from './run-cli.js';

describe('CLI --summaries (child process)', function () {
  this.timeout(120000);
  const dir = mkdtempSync(join(tmpdir(), 'infoshard-cli-sum-'));
  const data = join(dir, 'd.csv');
  writeFileSync(data, 'a,b\n' + Array.from({ length: 60 }, (_, i) => `${Math.sin(i) * 3},${Math.cos(i * 1.7) + i / 40}`).join('\n') + '\n');
  const mi = (...rest: string[]) => ['estimate', 'mi', '--data', data, '--x', 'a', '--y', 'b', '--estimator', 'gaussian', ...rest];

  it('--summaries: the result names the path of each number; the human summary says so', async () => {
    const r = await runCli(mi('--permutations', '300', '--bootstrap', '300', '--summaries', '--json'));
    assert.equal(r.code, 0, r.stderr);
    const j = JSON.parse(r.stdout) as { pValue: number; summaries: { workloads: string[]; paths: Record<string, string>; sketch: { relativeAccuracy: number } } };
    assert.deepEqual(j.summaries.workloads, ['bootstrap', 'permutation']);
    assert.equal(j.summaries.paths['pValue'], 'counts');
    assert.equal(j.summaries.paths['ci.low'], 'sketch');
    assert.equal(j.summaries.sketch.relativeAccuracy, 0.005);
    const h = await runCli(mi('--permutations', '300', '--summaries'));
    assert.equal(h.code, 0, h.stderr);
    assert.match(h.stdout, /summaries \(permutation\): exact counts for pValue; sketch \(relative accuracy 0\.005 about the estimate\) for null\.quantiles/);
  });
  it('--summaries with --replicates-out: streamed; refused for screen (its max-statistic null comes from the result), naming both', async () => {
    const r = await runCli(mi('--permutations', '30', '--summaries', '--replicates-out', join(dir, 'r.json'), '--json'));
    assert.equal(r.code, 0, r.stderr);
    assert.equal((JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8')) as { null: number[] }).null.length, 30);
    const screen = ['screen', '--data', data, '--target', 'a', '--estimator', 'gaussian', '--permutations', '30', '--summaries', '--replicates-out', join(dir, 's.json')];
    assertUsageError(await runCli(screen), /--replicates-out with screen .*--summaries/);
  });
});
