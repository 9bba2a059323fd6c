/**
 * The catalog's measures through job files: te with embedding options and surrogates, a
 * two-sample divergence with `dataQ` (relative to the job file), and tc — each the same bytes as
 * the equivalent flags (estimate, CI, p-value, data hash); catalog options are validated by name.
 */
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cases2Dir } from '../helpers/cases.js';
import { assertUsageError, runCli } from './run-cli.js';

interface Out { estimate: number; ci?: unknown; pValue?: number; options?: Record<string, number>; provenance: { dataHash: string } }
const pick = (o: Out) => ({ estimate: o.estimate, ci: o.ci, pValue: o.pValue, options: o.options, hash: o.provenance.dataHash });

describe('job files for te, divergence and tc (child process)', function () {
  this.timeout(180000);
  const dir = mkdtempSync(join(tmpdir(), 'infoshard-jobs-'));
  for (const f of ['ar2.csv', 'div_p.csv', 'div_q.csv', 'redundant4.csv']) copyFileSync(join(cases2Dir(), f), join(dir, f));

  it('te: options and shift surrogates in a YAML file = the flags', async () => {
    writeFileSync(join(dir, 'te.yaml'), 'data: ar2.csv\nmeasure: te\nx: x\ny: y\nk: 4\nseed: 3\noptions: { targetHistory: 2, sourceDelay: 2 }\nbootstrap: { replicates: 12 }\npermutation: { shuffles: 9, kind: shift }\n');
    const a = JSON.parse((await runCli(['run', join(dir, 'te.yaml'), '--json'])).stdout) as Out;
    const b = JSON.parse((await runCli(['estimate', 'te', '--data', join(dir, 'ar2.csv'), '--x', 'x', '--y', 'y', '--k', '4', '--seed', '3', '--target-history', '2', '--source-delay', '2', '--bootstrap', '12', '--permutations', '9', '--permutation-kind', 'shift', '--json'])).stdout) as Out;
    assert.deepEqual(pick(a), pick(b));
    assert.equal(a.options!['targetHistory'], 2);
  });

  it('divergence: dataQ in a JSON file = --data-q', async () => {
    writeFileSync(join(dir, 'div.json'), JSON.stringify({ data: 'div_p.csv', dataQ: 'div_q.csv', measure: 'divergence', x: ['a', 'b'], k: 4, seed: 1, permutation: { shuffles: 9 } }));
    const a = JSON.parse((await runCli(['run', join(dir, 'div.json'), '--json'], { cwd: tmpdir() })).stdout) as Out;
    const b = JSON.parse((await runCli(['estimate', 'divergence', '--data', join(dir, 'div_p.csv'), '--data-q', join(dir, 'div_q.csv'), '--x', 'a,b', '--k', '4', '--seed', '1', '--permutations', '9', '--json'])).stdout) as Out;
    assert.deepEqual(pick(a), pick(b));
  });

  it('tc: independent-column surrogates in a job file = the flags', async () => {
    writeFileSync(join(dir, 'tc.yaml'), 'data: redundant4.csv\nmeasure: tc\nestimator: gaussian\nx: [v1, v2, v3]\npermutation: { shuffles: 9 }\n');
    const a = JSON.parse((await runCli(['run', join(dir, 'tc.yaml'), '--json'])).stdout) as Out;
    const b = JSON.parse((await runCli(['estimate', 'tc', '--data', join(dir, 'redundant4.csv'), '--x', 'v1,v2,v3', '--estimator', 'gaussian', '--permutations', '9', '--json'])).stdout) as Out;
    assert.deepEqual(pick(a), pick(b));
    assert.equal(a.pValue, 0.1, 'strong dependence: p = 1/(9+1)');
  });

  it('bad catalog options are named: unknown, out of range, not for this measure, required', async () => {
    writeFileSync(join(dir, 'bad1.yaml'), 'data: ar2.csv\nmeasure: te\nx: x\ny: y\noptions: { targetHistroy: 2 }\n');
    assertUsageError(await runCli(['run', join(dir, 'bad1.yaml')]), /unknown field 'options.targetHistroy'/);
    writeFileSync(join(dir, 'bad2.yaml'), 'data: ar2.csv\nmeasure: te\nx: x\ny: y\noptions: { delay: 0 }\n');
    assertUsageError(await runCli(['run', join(dir, 'bad2.yaml')]), /options.delay must be an integer ≥ 1; got 0/);
    assertUsageError(await runCli(['estimate', 'mi', '--data', join(dir, 'ar2.csv'), '--x', 'x', '--y', 'y', '--delay', '2']), /--delay does not apply to mi with ksg1/);
    assertUsageError(await runCli(['estimate', 'divergence', '--data', join(dir, 'div_p.csv'), '--data-q', join(dir, 'div_q.csv'), '--x', 'a,b', '--estimator', 'renyi_nnr']), /needs --alpha/);
    assertUsageError(await runCli(['estimate', 'oinfo', '--data', join(dir, 'redundant4.csv'), '--x', 'v1,v2,v3', '--permutations', '9']), /oinfo has no permutation test: .*bootstrap/);
    assertUsageError(await runCli(['estimate', 'tc', '--data', join(dir, 'redundant4.csv'), '--x', 'v1']), /needs at least 2 --x columns/);
  });
});
