/** The README's `npm start` line, job files through `infoshard run`, and output files. */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { casesDir } from '../data/repo.js';
import { assertUsageError, cliPath, runCli } from './run-cli.js';
import { repoRoot } from '../data/repo.js';

const START = ['estimate', 'mi', '--data', 'samples/gauss.csv', '--x', 'x', '--y', 'y', '--estimator', 'ksg1', '--k', '4'];
const TRUTH = -0.5 * Math.log(1 - 0.6 * 0.6);

describe('CLI runs (child process)', function () {
  this.timeout(120000);
  const dir = mkdtempSync(join(tmpdir(), 'infoshard-cli-run-'));

  it('npm start: a human summary of MI on the bundled sample', async () => {
    const r = await runCli(START);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '', 'no progress bar when stderr is not a terminal');
    assert.match(r.stdout, /^mi \(ksg1, k=4\) on samples\/gauss\.csv: N=5000, normalized\n  estimate: -?\d\.\d+ nats\n/);
  });

  it('the sample estimate is near the analytic truth -1/2 ln(1 - 0.36)', async () => {
    const out = JSON.parse((await runCli([...START, '--json'])).stdout) as { estimate: number; n: number; normalize: boolean };
    assert.equal(out.n, 5000);
    assert.equal(out.normalize, true);
    // KSG1 at N = 5000, rho = 0.6: sd ≈ 0.01 and bias < 0.01 (Kraskov et al. 2004, Fig. 4 scale); 0.04 ≈ 3 sd + bias
    assert.ok(Math.abs(out.estimate - TRUTH) < 0.04, `estimate ${out.estimate}, truth ${TRUTH}`);
  });

  it('a YAML job file gives the same estimate as the equivalent flags', async () => {
    const job = join(dir, 'job.yaml');
    writeFileSync(job, `data: ${join(casesDir(), 'gauss2.csv')}\nmeasure: mi\nestimator: ksg2\nk: 5\nx: [x]\ny: y\nnormalize: false\n`);
    const a = JSON.parse((await runCli(['run', job, '--json'])).stdout) as { estimate: number; provenance: { dataHash: string } };
    const b = JSON.parse((await runCli(['estimate', 'mi', '--data', join(casesDir(), 'gauss2.csv'), '--x', 'x', '--y', 'y', '--estimator', 'ksg2', '--k', '5', '--no-normalize', '--json'])).stdout) as typeof a;
    assert.equal(a.estimate, b.estimate);
    assert.equal(a.provenance.dataHash, b.provenance.dataHash);
  });

  it('a JSON job file resolves the data path relative to itself; invalid fields are named', async () => {
    writeFileSync(join(dir, 'd.csv'), readFileSync(join(casesDir(), 'gauss2.csv')));
    writeFileSync(join(dir, 'job.json'), JSON.stringify({ data: 'd.csv', measure: 'entropy', estimator: 'kl', x: ['x'], normalize: false }));
    const r = await runCli(['run', join(dir, 'job.json'), '--json'], { cwd: tmpdir() });
    assert.equal(r.code, 0, r.stderr);
    const expected = (JSON.parse(readFileSync(join(casesDir(), 'expected.json'), 'utf8')) as { cases: { file: string; estimator: string; k?: number; expected: number }[] }).cases.find(
      (c) => c.file === 'gauss2.csv' && c.estimator === 'kl' && c.k === 3,
    )!;
    assert.ok(Math.abs((JSON.parse(r.stdout) as { estimate: number }).estimate - expected.expected) <= 1e-9 * expected.expected);

    writeFileSync(join(dir, 'bad.json'), JSON.stringify({ data: 'd.csv', measure: 'mi', x: ['x'], y: ['y'], bootstrap: { replicates: 10, level: 2 } }));
    assertUsageError(await runCli(['run', join(dir, 'bad.json')]), /field 'bootstrap.level' must be < 1/);
    writeFileSync(join(dir, 'extra.yaml'), 'data: d.csv\nmeasure: mi\nx: x\ny: y\nbootstrp: {replicates: 10}\n');
    assertUsageError(await runCli(['run', join(dir, 'extra.yaml')]), /unknown field 'bootstrp'/);
    writeFileSync(join(dir, 'broken.yaml'), 'data: [unclosed\n');
    assertUsageError(await runCli(['run', join(dir, 'broken.yaml')]), /not valid YAML/);
    assertUsageError(await runCli(['run', join(dir, 'absent.yaml')]), /job file not found/);
  });

  it('--replicates-out writes every bootstrap and null replicate; JSON output omits them', async () => {
    const csv = join(dir, 'reps.csv');
    const json = join(dir, 'reps.json');
    const base = ['estimate', 'mi', '--data', join(casesDir(), 'gauss2.csv'), '--x', 'x', '--y', 'y', '--bootstrap', '20', '--permutations', '15', '--seed', '3', '--threads', '1', '--json'];
    const a = await runCli([...base, '--replicates-out', csv]);
    assert.equal(a.code, 0, a.stderr);
    const out = JSON.parse(a.stdout) as Record<string, unknown> & { replicates: Record<string, number>; pValue: number };
    assert.equal(out['bootstrapDistribution'], undefined);
    assert.equal(out['nullDistribution'], undefined);
    assert.equal(out.replicates['bootstrap'], 20);
    assert.equal(out.replicates['permutation'], 15);
    const lines = readFileSync(csv, 'utf8').trim().split('\n');
    assert.equal(lines[0], 'workload,replicate,value');
    assert.equal(lines.filter((l) => l.startsWith('bootstrap,')).length, 20);
    assert.equal(lines.filter((l) => l.startsWith('null,')).length, 15);
    // the same seed gives the same replicates, written as JSON this time
    const b = await runCli([...base, '--replicates-out', json]);
    assert.equal(b.code, 0, b.stderr);
    const reps = JSON.parse(readFileSync(json, 'utf8')) as { bootstrap: number[]; null: number[] };
    assert.deepEqual(reps.bootstrap.map(String), lines.filter((l) => l.startsWith('bootstrap,')).map((l) => l.split(',')[2]));
    assert.deepEqual(reps.null.map(String), lines.filter((l) => l.startsWith('null,')).map((l) => l.split(',')[2]));
    // p-value from the written null: (b + 1)/(m + 1) with b = #{null >= observed}
    const ge = reps.null.filter((v) => v >= (out['estimate'] as number)).length;
    assert.equal(out.pValue, (ge + 1) / (reps.null.length + 1));
  });

  it('--surrogates uses the given orderings (identity orderings reproduce the estimate)', async () => {
    const n = readFileSync(join(casesDir(), 'gauss2.csv'), 'utf8').trim().split('\n').length - 1;
    const ident = Array.from({ length: n }, (_, i) => i).join(',');
    const file = join(dir, 'sur.txt');
    writeFileSync(file, `# two identity orderings\n${ident}\n${ident}\n`);
    const r = await runCli(['estimate', 'mi', '--data', join(casesDir(), 'gauss2.csv'), '--x', 'x', '--y', 'y', '--surrogates', file, '--threads', '1', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { estimate: number; pValue: number; null: { mean: number; count: number } };
    assert.equal(out.null.count, 2);
    assert.equal(out.null.mean, out.estimate);
    assert.equal(out.pValue, 1);
    writeFileSync(file, '0,1,2\n');
    assertUsageError(await runCli(['estimate', 'mi', '--data', join(casesDir(), 'gauss2.csv'), '--x', 'x', '--y', 'y', '--surrogates', file]), /line 1 has 3 entries, the data has \d+ rows/);
  });

  it('--threads 1 and --threads 2 give identical estimate, ci and pValue for the same seed', async () => {
    const args = ['estimate', 'mi', '--data', join(casesDir(), 'gauss2.csv'), '--x', 'x', '--y', 'y', '--bootstrap', '30', '--ci', 'bca', '--jackknife-groups', '10', '--permutations', '30', '--seed', '11', '--json'];
    const [one, two] = await Promise.all([runCli([...args, '--threads', '1']), runCli([...args, '--threads', '2'])]);
    assert.equal(one.code, 0, one.stderr);
    assert.equal(two.code, 0, two.stderr);
    type Out = { estimate: number; ci: unknown; pValue: number; null: unknown; provenance: { threads?: number } };
    const a = JSON.parse(one.stdout) as Out;
    const b = JSON.parse(two.stdout) as Out;
    assert.deepEqual([b.estimate, b.ci, b.pValue, b.null], [a.estimate, a.ci, a.pValue, a.null]);
  });

  it('Ctrl-C (SIGINT) cancels a running job: exit 130, one error line after the progress bar', async () => {
    const child = spawn(process.execPath, [cliPath(), 'estimate', 'mi', '--data', join(casesDir(), 'gauss2.csv'), '--x', 'x', '--y', 'y', '--permutations', '500000', '--threads', '1', '--progress', '--json'], { cwd: repoRoot() });
    let stderr = '';
    let stdout = '';
    let sent = false;
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      // once, when the job is running shards (a second Ctrl-C would end the process at once)
      if (!sent && /permutation \[/.test(stderr)) sent = child.kill('SIGINT');
    });
    const reaper = setTimeout(() => child.kill('SIGKILL'), 60000); // never leave a 10-minute job behind
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    clearTimeout(reaper);
    assert.equal(code, 130, stderr);
    assert.equal(stdout, '');
    const lines = stderr.trim().split('\n');
    assert.equal(lines.at(-1), 'infoshard: error: job cancelled');
    assert.equal(lines.filter((l) => l.startsWith('infoshard: error:')).length, 1);
  });
});
