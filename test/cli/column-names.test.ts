/** Column names that hold commas: quoted in --x/--y/--z, or given whole with --x-name/--y-name/--z-name (issue 12). */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertUsageError, runCli } from './run-cli.js';

describe('CLI: column names with commas', function () {
  this.timeout(120_000);
  const dir = mkdtempSync(join(tmpdir(), 'infoshard-names-'));
  const file = join(dir, 'names.csv');
  const plain = join(dir, 'plain.csv');
  // the same numbers under names with commas (plus an ID column) and under plain names
  const rows: string[] = [], plainRows: string[] = [];
  let s = 12345;
  const u = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32);
  for (let i = 0; i < 200; i++) {
    const a = u(), b = a + 0.5 * u(), c = u();
    rows.push(`${a},id${i},${b},${c}`);
    plainRows.push(`${a},${b},${c}`);
  }
  writeFileSync(file, `"dose, mg",id,"resp, a","z, b"\n${rows.join('\n')}\n`);
  writeFileSync(plain, `d,r,z\n${plainRows.join('\n')}\n`);
  const estimate = async (args: string[], data = file) => {
    const r = await runCli(['estimate', ...args, '--data', data, '--json']);
    assert.equal(r.code, 0, r.stderr);
    return (JSON.parse(r.stdout) as { estimate: number }).estimate;
  };

  it('--x-name/--y-name, quoted --x/--y and plain names give the same estimate', async () => {
    const want = await estimate(['mi', '--x', 'd', '--y', 'r'], plain);
    assert.equal(await estimate(['mi', '--x-name', 'dose, mg', '--y-name', 'resp, a']), want);
    assert.equal(await estimate(['mi', '--x', '"dose, mg"', '--y', '"resp, a"']), want);
  });
  it('--x-name repeats and adds to --x; --z-name for the conditioning block', async () => {
    const cmiPlain = await estimate(['cmi', '--x', 'd', '--y', 'r', '--z', 'z'], plain);
    assert.equal(await estimate(['cmi', '--x-name', 'dose, mg', '--y-name', 'resp, a', '--z-name', 'z, b']), cmiPlain);
    const multi = await estimate(['mi', '--x', 'd,z', '--y', 'r'], plain);
    assert.equal(await estimate(['mi', '--x', '"dose, mg"', '--x-name', 'z, b', '--y-name', 'resp, a']), multi);
    assert.equal(await estimate(['mi', '--x-name', 'dose, mg', '--x-name', 'z, b', '--y-name', 'resp, a']), multi);
  });
  it('errors name the flag: unterminated quote, unknown name, no x block at all', async () => {
    assertUsageError(await runCli(['estimate', 'mi', '--data', file, '--x', '"dose, mg', '--y-name', 'resp, a']), /--x: unterminated quote/);
    assertUsageError(await runCli(['estimate', 'mi', '--data', file, '--x-name', 'dose', '--y-name', 'resp, a']), /unknown column 'dose' in --x/);
    assertUsageError(await runCli(['estimate', 'mi', '--data', file, '--y-name', 'resp, a']), /required option '--x <cols>' \(or --x-name <name>\) not specified/);
  });
});
