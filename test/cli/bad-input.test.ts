/** Every bad input gets one line on stderr naming the problem, exit code 2, no stack trace. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertUsageError, runCli } from './run-cli.js';

describe('CLI bad input (child process)', function () {
  this.timeout(120000);
  const dir = mkdtempSync(join(tmpdir(), 'infoshard-cli-bad-'));
  const file = (name: string, text: string) => {
    const p = join(dir, name);
    writeFileSync(p, text);
    return p;
  };
  const good = file('good.csv', 'a,b\n' + Array.from({ length: 40 }, (_, i) => `${Math.sin(i) * 3},${Math.cos(i * 1.7) + i / 40}`).join('\n') + '\n');
  const mi = (data: string, ...rest: string[]) => ['estimate', 'mi', '--data', data, '--x', 'a', '--y', 'b', ...rest];

  it('missing file', async () => {
    const p = join(dir, 'absent.csv');
    assertUsageError(await runCli(mi(p)), new RegExp(`data file not found: ${p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
  });
  it('unknown column, listing the available ones', async () => {
    assertUsageError(await runCli(['estimate', 'mi', '--data', good, '--x', 'a', '--y', 'zz']), /unknown column 'zz' in --y; available columns: 'a', 'b'/);
    assertUsageError(await runCli(['estimate', 'mi', '--data', good, '--x', '5', '--y', 'b']), /unknown column index 5 in --x/);
  });
  it('empty data', async () => {
    assertUsageError(await runCli(mi(file('empty.csv', 'a,b\n'))), /empty\.csv: empty data: no rows/);
    assertUsageError(await runCli(mi(file('blank.csv', ''))), /blank\.csv: empty data/);
  });
  it('fewer than k+1 rows', async () => {
    assertUsageError(await runCli(mi(file('tiny.csv', 'a,b\n1,2\n3,4\n5,7\n'), '--k', '3')), /at least .*4 rows/);
  });
  it('NaN, Infinity and non-numeric cells name the row and column', async () => {
    assertUsageError(await runCli(mi(file('nan.csv', 'a,b\n1,2\n3,NaN\n4,5\n'))), /non-finite value "NaN" at row 2, column 'b'/);
    assertUsageError(await runCli(mi(file('inf.csv', 'a,b\n1,2\n3,4\nInfinity,5\n'))), /non-finite value "Infinity" at row 3, column 'a'/);
    assertUsageError(await runCli(mi(file('text.csv', 'a,b\n1,2\nabc,4\n'))), /non-numeric value "abc" at row 2, column 'a'/);
    assertUsageError(await runCli(mi(file('nan.json', '{"a":[1,2],"b":[3,"x"]}'))), /non-numeric value "x" at row 2, column 'b'/);
  });
  it('ragged rows name the row', async () => {
    assertUsageError(await runCli(mi(file('ragged.csv', 'a,b\n1,2\n3,4\n5\n'))), /ragged row 3: 1 fields, the header has 2/);
  });
  it('unknown measure and unknown estimator', async () => {
    assertUsageError(await runCli(['estimate', 'entrophy', '--data', good, '--x', 'a']), /unknown measure 'entrophy'/);
    assertUsageError(await runCli(mi(good, '--estimator', 'ksg9')), /unknown estimator 'ksg9'/);
  });
  it('kl entropy on data with duplicate points and no jitter', async () => {
    const dup = file('dup.csv', 'a\n' + [1, 2, 2, 3, 4, 5, 6, 7, 8, 9].join('\n') + '\n');
    assertUsageError(await runCli(['estimate', 'entropy', '--data', dup, '--x', 'a', '--estimator', 'kl', '--k', '1', '--no-normalize']), /duplicate.*jitter/i);
  });
  it('bad options name the flag', async () => {
    assertUsageError(await runCli(mi(good, '--k', '0')), /--k must be an integer >= 1, got '0'/);
    assertUsageError(await runCli(mi(good, '--k', '2.5')), /--k must be an integer >= 1/);
    assertUsageError(await runCli(mi(good, '--bootstrap', '0')), /--bootstrap must be an integer >= 1/);
    assertUsageError(await runCli(mi(good, '--bootstrap', '2000000000')), /--bootstrap 2000000000 exceeds the cap of 1000000000/);
    assertUsageError(await runCli(mi(good, '--permutations', '50', '--max-replicates', '10')), /--permutations 50 exceeds the cap of 10/);
    assertUsageError(await runCli(mi(good, '--bootstrap', '10', '--level', '1.5')), /--level must be in \(0, 1\), got '1.5'/);
    assertUsageError(await runCli(mi(good, '--level', '0.9')), /--level requires --bootstrap/);
    // issue 10: iid resampling with a kNN estimator is refused, with the reason and the alternatives
    assertUsageError(await runCli(mi(good, '--bootstrap', '10', '--scheme', 'iid')), /^infoshard: error: --scheme iid cannot be used with the kNN estimator ksg1: .*distance 0.*scheme subsample \(the default; --subsample-m chooses m\).*permutation test \(--permutations\)/);
    assertUsageError(await runCli(mi(good, '--units', 'bytes')), /--units/);
    assertUsageError(await runCli(mi(good, '--threads', '0')), /--threads must be an integer >= 1/);
    assertUsageError(await runCli(['estimate', 'mi', '--data', good, '--x', 'a']), /measure 'mi' needs --y/);
  });
  it('commander usage errors are one line with exit 2', async () => {
    assertUsageError(await runCli(mi(good, '--frobnicate')), /unknown option '--frobnicate'/);
    assertUsageError(await runCli(['estimate', 'mi', '--x', 'a', '--y', 'b']), /required option '--data <file>' not specified/);
    assertUsageError(await runCli(['estimat']), /unknown command 'estimat'/);
  });
  it('cluster mode: a missing token or CA file is named before any connection', async () => {
    assertUsageError(await runCli(mi(good, '--coordinator', '127.0.0.1:1', '--token-file', join(dir, 'no-token'))), /token file not found: .*no-token/);
    assertUsageError(await runCli(mi(good, '--coordinator', '127.0.0.1:1', '--coordinator-ca', join(dir, 'no-ca.pem'))), /no-ca\.pem/);
  });
  it('simulate validates its flags before running', async () => {
    assertUsageError(await runCli(['simulate', '--rho', '1.5']), /--rho must be in \(-1, 1\)/);
    assertUsageError(await runCli(['simulate', '--generator', 'cauchy']), /--generator/);
  });
});
