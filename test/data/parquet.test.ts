/**
 * Parquet input (shared/data/parquet.ts, through hyparquet). Fixtures are written here by an
 * independent writer, hyparquet-writer (pyarrow is not available on the test machines), with
 * several row groups and both SNAPPY and UNCOMPRESSED pages. The GZIP, ZSTD and BROTLI fixtures in
 * test/fixtures/parquet were written by test/fixtures/parquet/make-compressed.mjs (hyparquet-writer
 * with node:zlib and the zstd command as page compressors).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parquetMetadata } from 'hyparquet';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { repoRoot } from '../helpers/cases.js';
import { loadDataset } from '../../shared/data/load.js';
import { isParquet, parseParquet } from '../../shared/data/parquet.js';
import { datasetHash } from '../../shared/data/hash.js';
import { DataError } from '../../shared/errors.js';
import { runCli } from '../cli/run-cli.js';

const N = 2500;
let s = 7;
const u = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32);
const a = Array.from({ length: N }, () => u() * 2 - 1);
const b = a.map((v) => v + 0.5 * (u() - 0.5));
const ids = a.map((_, i) => `row-${i}`);

function write(columns: object[], opts: { codec?: 'SNAPPY' | 'UNCOMPRESSED'; rowGroupSize?: number; compressors?: Record<string, (x: Uint8Array) => Uint8Array> } = {}): Uint8Array {
  return new Uint8Array(parquetWriteBuffer({ columnData: columns as never, rowGroupSize: opts.rowGroupSize ?? 1000, ...(opts.codec ? { codec: opts.codec } : {}), ...(opts.compressors ? { compressors: opts.compressors as never } : {}) }));
}

/** The columns make-compressed.mjs writes (same generator, same seed). */
function compressedFixtureColumns(): { a: number[]; b: number[]; k: number[] } {
  const n = 1200;
  let t = 11;
  const v = () => ((t = (Math.imul(t, 1103515245) + 12345) >>> 0) / 2 ** 32);
  const a = Array.from({ length: n }, () => v() * 2 - 1);
  const b = a.map((x) => x + 0.5 * (v() - 0.5));
  return { a, b, k: a.map((x) => Math.round(x * 1000) | 0) };
}

describe('Parquet reader', function () {
  this.timeout(60_000);
  const dir = mkdtempSync(join(tmpdir(), 'infoshard-parquet-'));
  const csv = join(dir, 'ab.csv');
  writeFileSync(csv, `a,b\n${a.map((v, i) => `${v},${b[i]}`).join('\n')}\n`);
  const main = write([
    { name: 'id', data: ids, type: 'STRING' },
    { name: 'a', data: a, type: 'DOUBLE' },
    { name: 'b', data: b, type: 'DOUBLE' },
    { name: 'gaps', data: a.map((v, i) => (i === 1234 ? null : v)), type: 'DOUBLE' },
  ]);
  const pq = join(dir, 'ab.parquet');
  writeFileSync(pq, main);

  it('DOUBLE columns equal the same numbers from CSV (content hash), snappy or uncompressed, across row groups', async () => {
    const want = datasetHash(await loadDataset(csv));
    const select = (names: readonly string[]) => [names.indexOf('a'), names.indexOf('b')];
    assert.ok(isParquet(main));
    assert.equal(datasetHash(await loadDataset(pq, { select })), want);
    const plain = write([{ name: 'a', data: a, type: 'DOUBLE' }, { name: 'b', data: b, type: 'DOUBLE' }], { codec: 'UNCOMPRESSED', rowGroupSize: 700 });
    assert.equal(datasetHash(await parseParquet(plain)), want);
  });
  it('GZIP, ZSTD and BROTLI pages (fixtures from independent compressors) decode to the written numbers exactly', async () => {
    const want = compressedFixtureColumns();
    for (const codec of ['GZIP', 'ZSTD', 'BROTLI']) {
      const bytes = new Uint8Array(readFileSync(join(repoRoot(), 'test/fixtures/parquet', `ab-${codec.toLowerCase()}.parquet`)));
      const meta = parquetMetadata(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
      assert.ok(meta.row_groups.length > 1, codec);
      for (const rg of meta.row_groups) for (const c of rg.columns) assert.equal(c.meta_data?.codec, codec);
      const ds = await parseParquet(bytes);
      assert.deepEqual(ds.names, ['a', 'b', 'k'], codec);
      assert.deepEqual([...ds.columns[0]!], want.a, codec);
      assert.deepEqual([...ds.columns[1]!], want.b, codec);
      assert.deepEqual([...ds.columns[2]!], want.k, codec);
    }
  });
  it('a GZIP file written here (node:zlib) reads like its CSV; only the selected columns need a known codec', async () => {
    const gz = write([{ name: 'a', data: a, type: 'DOUBLE' }, { name: 'b', data: b, type: 'DOUBLE' }], { codec: 'GZIP' as never, compressors: { GZIP: (x: Uint8Array) => new Uint8Array(gzipSync(x)) } });
    assert.equal(datasetHash(await parseParquet(gz)), datasetHash(await loadDataset(csv)));
    // LZO has no decompressor: refused by name when selected, ignored when not
    const lzo = write([{ name: 'a', data: a, type: 'DOUBLE', codec: 'UNCOMPRESSED' }, { name: 'z', data: b, type: 'DOUBLE', codec: 'LZO' }], { compressors: { LZO: (x: Uint8Array) => x } });
    assert.equal((await parseParquet(lzo, { select: (names) => [names.indexOf('a')] })).n, N);
    await assert.rejects(parseParquet(lzo), (e: unknown) => e instanceof DataError && /^Parquet compression codec LZO is not supported \(supported: UNCOMPRESSED, SNAPPY, GZIP, ZSTD/.test(e.message));
  });
  it('INT32, INT64, FLOAT and BOOLEAN become float64 exactly', async () => {
    const ds = await parseParquet(write([
      { name: 'i32', data: [-3, 0, 2147483647], type: 'INT32' },
      { name: 'i64', data: [-5n, 0n, 9007199254740991n], type: 'INT64' },
      { name: 'f32', data: [0.5, -1.25, 3.1], type: 'FLOAT' },
      { name: 'flag', data: [true, false, true], type: 'BOOLEAN' },
    ]));
    assert.deepEqual(ds.names, ['i32', 'i64', 'f32', 'flag']);
    assert.deepEqual(ds.columns.map((c) => [...c]), [[-3, 0, 2147483647], [-5, 0, 9007199254740991], [0.5, -1.25, Math.fround(3.1)], [1, 0, 1]]);
  });
  it('only the selected columns are decoded: a text ID or a null elsewhere does not stop a run; selected ones are refused by name', async () => {
    const only = (col: string) => (names: readonly string[]) => [names.indexOf(col)];
    assert.equal((await parseParquet(main, { select: only('a') })).n, N);
    await assert.rejects(parseParquet(main, { select: only('gaps') }), (e: unknown) => e instanceof DataError && e.message === "missing value (null) at row 1235, column 'gaps'");
    await assert.rejects(parseParquet(main, { select: only('id') }), (e: unknown) => e instanceof DataError && /^column 'id' holds text \(the plugin and mixed_ksg estimators take it/.test(e.message));
    const notes: string[] = [];
    const coded = await parseParquet(write([{ name: 'g', data: ['b', 'a', 'b', 'c'], type: 'STRING' }]), { encodeText: true, notes });
    assert.deepEqual([...coded.columns[0]!], [1, 0, 1, 2]);
    assert.match(notes[0]!, /^column 'g' holds text: its 3 distinct values are encoded as 0\.\.2 in sorted order \("a" = 0, "b" = 1, "c" = 2\)/);
    const ts = write([{ name: 't', data: [1n, 2n], type: 'TIMESTAMP' }]);
    await assert.rejects(parseParquet(ts), (e: unknown) => e instanceof DataError && /^column 't' is a TIMESTAMP_MILLIS column, not numbers/.test(e.message));
  });
  it('malformed bytes are a DataError naming the file', async () => {
    const bad = join(dir, 'bad.parquet');
    writeFileSync(bad, Buffer.concat([Buffer.from('PAR1'), Buffer.alloc(20), Buffer.from('PAR1')]));
    await assert.rejects(loadDataset(bad), (e: unknown) => e instanceof DataError && e.message.startsWith(`${bad}: malformed Parquet data`));
    writeFileSync(bad, 'a,b\n1,2\n');
    await assert.rejects(loadDataset(bad), (e: unknown) => e instanceof DataError && e.message === `${bad}: malformed Parquet data: no 'PAR1' magic at both ends of the file`);
  });
  it('the CLI estimates from a .parquet file (and --format parquet) what it estimates from the CSV', async () => {
    const args = ['estimate', 'mi', '--x', 'a', '--y', 'b', '--json'];
    const [fromCsv, fromPq] = [await runCli([...args, '--data', csv]), await runCli([...args, '--data', pq])];
    assert.equal(fromCsv.code, 0, fromCsv.stderr);
    assert.equal(fromPq.code, 0, fromPq.stderr);
    const est = (r: { stdout: string }) => (JSON.parse(r.stdout) as { estimate: number; provenance: { dataHash: string } });
    assert.equal(est(fromPq).estimate, est(fromCsv).estimate);
    assert.equal(est(fromPq).provenance.dataHash, est(fromCsv).provenance.dataHash);
    const odd = join(dir, 'ab.bin');
    writeFileSync(odd, main);
    const viaFormat = await runCli([...args, '--data', odd, '--format', 'parquet']);
    assert.equal(viaFormat.code, 0, viaFormat.stderr);
    assert.equal(est(viaFormat).estimate, est(fromCsv).estimate);
  });
});
