/** `infoshard screen` / `pairwise` through the CLI: JSON shape, CSV out, job file = flags, errors. */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stream } from '../../shared/rng/index.js';
import { assertUsageError, runCli } from './run-cli.js';

describe('cli: screen and pairwise', function () {
  this.timeout(120_000);
  const dir = mkdtempSync(join(tmpdir(), 'infoshard-many-'));
  const csv = join(dir, 'd.csv');
  const r = stream(3, 0, 95);
  const rows = ['y,a,b,c,k'];
  for (let i = 0; i < 120; i++) {
    const a = r.nextGaussian(), b = r.nextGaussian(), c = r.nextGaussian();
    rows.push(`${a + 0.4 * r.nextGaussian()},${a},${b},${c},7`);
  }
  writeFileSync(csv, rows.join('\n') + '\n');

  it('screen --json: features sorted by estimate with p-values, the correction and the selection; --out CSV', async () => {
    const out = join(dir, 'f.csv');
    const res = await runCli(['screen', '--data', csv, '--target', 'y', '--features', 'a,b,c', '--permutations', '19', '--correction', 'maxstat', '--seed', '3', '--threads', '1', '--json', '--out', out]);
    assert.equal(res.code, 0, res.stderr);
    const j = JSON.parse(res.stdout);
    assert.equal(j.correction, 'maxstat');
    assert.equal(j.alpha, 0.05);
    assert.deepEqual(j.target, ['y']);
    assert.equal(j.features[0].name, 'a');
    assert.deepEqual(j.selected, ['a']);
    for (const f of j.features) for (const key of ['estimate', 'pValue', 'pAdjusted', 'selected', 'nullMean']) assert.ok(key in f, key);
    assert.equal(j.permutations, 19);
    const lines = readFileSync(out, 'utf8').trim().split('\n');
    assert.equal(lines[0], 'feature,estimate,p_value,p_adjusted,selected,null_mean');
    assert.equal(lines.length, 4);
    assert.equal(Number(lines[1]!.split(',')[1]), j.features[0].estimate);
    // the same job as a job file gives the same features
    const jf = join(dir, 'job.yaml');
    writeFileSync(jf, `data: d.csv\nmeasure: mi\nestimator: ksg1\nx: [y]\nseed: 3\npermutation: { shuffles: 19 }\nscreen: { features: [a, b, c], correction: maxstat }\n`);
    const viaFile = await runCli(['run', jf, '--threads', '1', '--json']);
    assert.equal(viaFile.code, 0, viaFile.stderr);
    assert.deepEqual(JSON.parse(viaFile.stdout).features, j.features);
  });

  it('pairwise --json: symmetric matrix with a null diagonal, pairs with adjusted p-values', async () => {
    const res = await runCli(['pairwise', '--data', csv, '--vars', 'y,a,b', '--permutations', '9', '--threads', '1', '--json']);
    assert.equal(res.code, 0, res.stderr);
    const j = JSON.parse(res.stdout);
    assert.deepEqual(j.variables, ['y', 'a', 'b']);
    assert.equal(j.pairs.length, 3);
    assert.equal(j.matrix[1][1], null);
    assert.equal(j.matrix[0][1], j.matrix[1][0]);
    assert.equal(j.correction, 'fdr_bh');
  });

  it('bad input: target among the features, a constant column, a bad correction, an unknown column', async () => {
    assertUsageError(await runCli(['screen', '--data', csv, '--target', 'y', '--features', 'a,y', '--permutations', '9']), /--features: column 'y' is the target/);
    assertUsageError(await runCli(['screen', '--data', csv, '--target', 'y', '--features', 'a,k', '--permutations', '9', '--threads', '1']), /column "k" \(in screen.features\) is constant/);
    assertUsageError(await runCli(['screen', '--data', csv, '--target', 'y', '--correction', 'bonf']), /--correction must be one of fdr_bh, fdr_by, maxstat, holm, none/);
    assertUsageError(await runCli(['screen', '--data', csv, '--target', 'nope', '--permutations', '9']), /unknown column 'nope' in --target/);
    assertUsageError(await runCli(['pairwise', '--data', csv, '--vars', 'y']), /--vars needs at least 2 columns/);
  });
});
