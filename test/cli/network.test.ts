/** `infoshard network` through the CLI: JSON shape, CSV out, job file = flags, one-line errors naming the flag or column. */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simulateVar } from '../../bench/var-network.js';
import { assertUsageError, runCli } from './run-cli.js';

function writeCsv(path: string, names: string[], cols: Float64Array[], n: number): void {
  const rows = [names.join(',')];
  for (let i = 0; i < n; i++) rows.push(cols.map((c) => c[i]).join(','));
  writeFileSync(path, rows.join('\n') + '\n');
}

describe('cli: network', function () {
  this.timeout(120_000);
  const dir = mkdtempSync(join(tmpdir(), 'infoshard-network-'));
  const csv = join(dir, 'd.csv');
  // n0 → n1 at lag 2, n1 → n2 at lag 1; plus an id column and a constant column
  const ds = simulateVar({ nodes: 3, edges: [{ source: 0, target: 1, lag: 2 }, { source: 1, target: 2, lag: 1 }] }, 300, 8);
  writeCsv(csv, ['id', ...ds.names, 'k'], [Float64Array.from({ length: 300 }, (_, i) => i), ...ds.columns, new Float64Array(300).fill(7)], 300);
  const base = ['network', '--data', csv, '--vars', 'n0,n1,n2', '--max-lag', '2', '--estimator', 'gaussian', '--permutations', '39', '--seed', '3', '--threads', '1'];

  it('--json: edges with lags, te and p; per-target results; settings; --out CSV; the job file gives the same edges', async () => {
    const out = join(dir, 'e.csv');
    const res = await runCli([...base, '--json', '--out', out]);
    assert.equal(res.code, 0, res.stderr);
    const j = JSON.parse(res.stdout);
    // the true edges at their true lags (a borderline extra lag at N = 300 is the test's α, not asserted away)
    assert.deepEqual(j.edges.map((e: { source: string; target: string }) => [e.source, e.target]), [['n0', 'n1'], ['n1', 'n2']]);
    assert.ok(j.edges[0].lags.includes(2) && j.edges[1].lags.includes(1), JSON.stringify(j.edges));
    for (const e of j.edges) assert.ok(e.te > 0 && e.pValue > 0 && e.pValue <= 0.05, JSON.stringify(e));
    assert.deepEqual(j.targets.map((t: { target: string }) => t.target), ['n0', 'n1', 'n2']);
    assert.equal(j.settings.permutations, 39);
    assert.equal(j.settings.samples, 298);
    assert.equal(j.engine, 'embedded');
    const lines = readFileSync(out, 'utf8').trim().split('\n');
    assert.equal(lines[0], 'source,target,lag,te,p_value');
    assert.deepEqual(lines.slice(1).map((l) => l.split(',').slice(0, 3).join(',')), j.targets.flatMap((t: { target: string; sources: { source: string; lag: number }[] }) => t.sources.map((q) => `${q.source},${t.target},${q.lag}`)));
    assert.equal(lines.length - 1, j.edges.reduce((m: number, e: { lags: number[] }) => m + e.lags.length, 0));
    const jf = join(dir, 'net.yaml');
    writeFileSync(jf, 'data: d.csv\nnetwork: { vars: [n0, n1, n2], maxLag: 2, estimator: gaussian, permutations: 39, seed: 3 }\n');
    const viaFile = await runCli(['run', jf, '--threads', '1', '--json']);
    assert.equal(viaFile.code, 0, viaFile.stderr);
    assert.deepEqual(JSON.parse(viaFile.stdout).edges, j.edges);
    // human output names the edges
    const human = await runCli(base);
    assert.equal(human.code, 0, human.stderr);
    assert.match(human.stdout, /n0 -> n1\s+lags [0-9,]*2/);
  });

  const bad: [string, string[], RegExp][] = [
    ['a constant column', ['--vars', 'n0,n1,k'], /column "k" \(in --vars\) is constant/],
    ['fewer rows than the lags need', ['--max-lag', '295'], /300 rows leave 5 samples after the largest lag 295 \(--max-lag\)/],
    ['a target outside --vars', ['--targets', 'id'], /target "id" \(--targets\) is not among --vars/],
    ['too few permutations for alpha', ['--permutations', '10'], /--permutations 10: the smallest p-value .* exceeds alpha/],
    ['more candidates than the job limit', ['--max-lag', '60000'], /--vars: 2 sources × 60000 lags = 120000 candidates per target exceed the job limit of 100000/],
    ['an unknown estimator', ['--estimator', 'ksg1'], /--estimator must be one of ksg, gaussian/],
    ['a variable listed twice', ['--vars', 'n0,n1,n0'], /listed twice in --vars/],
    ['an unknown column', ['--vars', 'n0,zz'], /unknown column 'zz' in --vars/],
    ['--min-lag above --max-lag', ['--min-lag', '3'], /--min-lag 3 exceeds --max-lag 2/],
  ];
  for (const [what, args, re] of bad) {
    it(`refuses ${what} with one line and exit 2`, async () => {
      // later flags win in commander: the override replaces the base value
      assertUsageError(await runCli([...base, ...args]), re);
    });
  }

  it('a network job file: unknown fields are refused naming the field', async () => {
    const jf = join(dir, 'bad.yaml');
    writeFileSync(jf, 'data: d.csv\nnetwork: { vars: [n0, n1], maxLag: 2, lags: 3 }\n');
    assertUsageError(await runCli(['run', jf, '--threads', '1']), /unknown field 'network.lags'/);
    writeFileSync(jf, 'data: d.csv\nnetwork: { vars: [n0, n1, k], maxLag: 2, estimator: gaussian }\n');
    assertUsageError(await runCli(['run', jf, '--threads', '1']), /column "k" \(in network.vars\) is constant/);
  });
});
