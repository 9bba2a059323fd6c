import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tableFromArrays, tableToIPC } from 'apache-arrow';
import { selectColumns, parseColumnList } from '../../shared/data/select.js';
import { loadDataset } from '../../shared/data/load.js';
import { parseCsv } from '../../shared/data/csv.js';
import { datasetHash } from '../../shared/data/hash.js';
import { DataError, NotFoundError, OptionError } from '../../shared/errors.js';
import { writeNpy } from './npy-writer.js';

describe('selectColumns', () => {
  const ds = parseCsv('a,b,7\n1,2,3\n4,5,6\n');
  it('resolves names and 0-based indices, in the order given', () => {
    const s = selectColumns(ds, ['b', 0, '2']);
    assert.deepEqual(s.names, ['b', 'a', '7']);
    assert.deepEqual(s.columns.map((c) => [...c]), [[2, 5], [1, 4], [3, 6]]);
    assert.equal(s.n, 2);
  });
  it('prefers a header name over an index when a name is all digits', () => {
    assert.deepEqual(selectColumns(ds, ['7']).names, ['7']);
  });
  it('lists the available columns for an unknown name or index', () => {
    assert.throws(() => selectColumns(ds, ['a', 'q'], '--y'), (e: unknown) =>
      e instanceof DataError && e.message === "unknown column 'q' in --y; available columns: 'a', 'b', '7'");
    assert.throws(() => selectColumns(ds, [3]), (e: unknown) =>
      e instanceof DataError && /unknown column index 3; valid indices are 0\.\.2/.test(e.message));
    assert.throws(() => selectColumns(ds, []), DataError);
  });
  it('parses comma-separated lists', () => {
    assert.deepEqual(parseColumnList(' a, b ,2,'), ['a', 'b', '2']);
  });
  it('a quoted entry keeps its commas and spaces; "" is one quote; a quote inside an entry is a character', () => {
    assert.deepEqual(parseColumnList('"dose, mg",y'), ['dose, mg', 'y']);
    assert.deepEqual(parseColumnList(' " a ""b"" " , c'), [' a "b" ', 'c']);
    assert.deepEqual(parseColumnList('x"y,z'), ['x"y', 'z']);
    assert.throws(() => parseColumnList('"abc', '--y'), (e: unknown) => e instanceof OptionError && e.message === `--y: unterminated quote in the column list '"abc'`);
    assert.throws(() => parseColumnList('"a"b,c', '--x'), (e: unknown) => e instanceof OptionError && /^--x: text after the quoted name "a"/.test(e.message));
  });
});

describe('loadDataset', () => {
  const dir = mkdtempSync(join(tmpdir(), 'infoshard-load-'));
  const rows = [[0.25, 1], [-3, 4.5], [1e-7, 8]];
  writeFileSync(join(dir, 't.csv'), 'u,v\n' + rows.map((r) => r.join(',')).join('\n') + '\n');
  writeFileSync(join(dir, 't.json'), JSON.stringify(rows.map(([u, v]) => ({ u, v }))));
  writeFileSync(join(dir, 't.npy'), writeNpy(rows));
  writeFileSync(join(dir, 't.arrow'), tableToIPC(tableFromArrays({ u: Float64Array.from(rows.map((r) => r[0]!)), v: Float64Array.from(rows.map((r) => r[1]!)) })));
  mkdirSync(join(dir, 'd.csv'));

  it('reads each format by extension, to the same content hash', async () => {
    const hashes = await Promise.all(['t.csv', 't.json', 't.arrow'].map(async (f) => datasetHash(await loadDataset(join(dir, f)))));
    assert.equal(new Set(hashes).size, 1);
    const npy = await loadDataset(join(dir, 't.npy'));
    assert.deepEqual(npy.columns.map((c) => [...c]), [rows.map((r) => r[0]), rows.map((r) => r[1])]);
  });
  it('missing file is NotFoundError naming the path', async () => {
    const p = join(dir, 'nope.csv');
    await assert.rejects(loadDataset(p), (e: unknown) => e instanceof NotFoundError && e.message === `data file not found: ${p}`);
  });
  it('bad contents, unknown extension and directories are DataErrors naming the file', async () => {
    writeFileSync(join(dir, 'bad.csv'), 'a\n1\nx\n');
    await assert.rejects(loadDataset(join(dir, 'bad.csv')), (e: unknown) =>
      e instanceof DataError && e.message.startsWith(`${join(dir, 'bad.csv')}: non-numeric value "x" at row 2, column 'a'`));
    await assert.rejects(loadDataset(join(dir, 't.xlsx')), (e: unknown) => e instanceof DataError && /unknown data format '.xlsx'/.test(e.message));
    await assert.rejects(loadDataset(join(dir, 'd.csv')), (e: unknown) => e instanceof DataError && /is a directory/.test(e.message));
  });
});
