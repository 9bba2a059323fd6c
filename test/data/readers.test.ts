import assert from 'node:assert/strict';
import { tableToIPC, tableFromArrays, Table, vectorFromArray, Float64, Utf8, Field, Schema, Struct, RecordBatch, makeData, makeVector } from 'apache-arrow';
import { parseCsv } from '../../shared/data/csv.js';
import { parseJson } from '../../shared/data/json.js';
import { parseNpy } from '../../shared/data/npy.js';
import { parseArrow } from '../../shared/data/arrow.js';
import { DataError } from '../../shared/errors.js';
import type { Dataset } from '../../shared/data/matrix.js';
import { writeNpy, type NpyDtype } from './npy-writer.js';

const ROWS = [
  [1.5, -2, 3],
  [4, 5.25, -6],
  [7, 8, 9.125],
  [-10, 11, 12],
];

function asRows(ds: Dataset): number[][] {
  return Array.from({ length: ds.n }, (_, i) => ds.columns.map((c) => c[i]!));
}

function throwsData(fn: () => unknown, re: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof DataError, `expected DataError, got ${String(e)}`);
    assert.match(e.message, re);
    assert.ok(!e.message.includes('\n'), 'one-line message');
    return true;
  });
}

describe('data readers', () => {
  describe('CSV', () => {
    it('reads a header and numeric rows exactly', () => {
      const ds = parseCsv('a,b,c\n1.5,-2,3\n4,5.25,-6\n7,8,9.125\n-10,11,12\n');
      assert.deepEqual(ds.names, ['a', 'b', 'c']);
      assert.equal(ds.n, 4);
      assert.deepEqual(asRows(ds), ROWS);
    });
    it('round-trips doubles written with String() and accepts quotes, BOM, CRLF, exponents', () => {
      const v = [0.1 + 0.2, -1e-300, 6.02214076e23, 2 ** -1074];
      const text = '\uFEFF"x"\r\n' + v.map(String).join('\r\n') + '\r\n';
      const ds = parseCsv(text);
      assert.deepEqual(ds.names, ['x']);
      assert.deepEqual([...ds.columns[0]!], v);
    });
    it('reads bytes and TSV', () => {
      const ds = parseCsv(Buffer.from('p\tq\n1\t2\n'), { delimiter: '\t' });
      assert.deepEqual(asRows(ds), [[1, 2]]);
    });
    it('rejects empty input, header only, duplicate names', () => {
      throwsData(() => parseCsv(''), /empty data/);
      throwsData(() => parseCsv('a,b\n'), /empty data: no rows/);
      throwsData(() => parseCsv('a,b,a\n1,2,3\n'), /duplicate column name 'a'/);
    });
    it('names the ragged row', () => {
      throwsData(() => parseCsv('a,b\n1,2\n3\n5,6\n'), /ragged row 2: 1 fields, the header has 2/);
      throwsData(() => parseCsv('a,b\n1,2\n3,4\n5,6,7\n'), /ragged row 3/);
    });
    it('names row and column of NaN, Infinity, non-numeric and empty cells', () => {
      throwsData(() => parseCsv('a,b\n1,2\n3,NaN\n'), /non-finite value "NaN" at row 2, column 'b'/);
      throwsData(() => parseCsv('a,b\n1,2\n3,4\n-Infinity,1\n'), /non-finite value "-Infinity" at row 3, column 'a'/);
      throwsData(() => parseCsv('a,b\n1,2\n3,1e999\n'), /non-finite value Infinity at row 2, column 'b'/);
      throwsData(() => parseCsv('a,b\n1,x7\n'), /non-numeric value "x7" at row 1, column 'b'/);
      throwsData(() => parseCsv('a,b\n1,0x10\n'), /non-numeric value "0x10" at row 1, column 'b'/);
      throwsData(() => parseCsv('a,b\n1,2\n,4\n'), /empty cell at row 2, column 'a'/);
    });
  });

  describe('JSON', () => {
    const records = ROWS.map(([a, b, c]) => ({ a, b, c }));
    it('reads an array of records', () => {
      const ds = parseJson(JSON.stringify(records));
      assert.deepEqual(ds.names, ['a', 'b', 'c']);
      assert.deepEqual(asRows(ds), ROWS);
    });
    it('reads an object of columns', () => {
      const ds = parseJson(JSON.stringify({ a: ROWS.map((r) => r[0]), b: ROWS.map((r) => r[1]), c: ROWS.map((r) => r[2]) }));
      assert.deepEqual(ds.names, ['a', 'b', 'c']);
      assert.deepEqual(asRows(ds), ROWS);
    });
    it('reads an array of rows with names 0..d-1', () => {
      const ds = parseJson(Buffer.from(JSON.stringify(ROWS)));
      assert.deepEqual(ds.names, ['0', '1', '2']);
      assert.deepEqual(asRows(ds), ROWS);
    });
    it('rejects empty, ragged and non-numeric input with row and column', () => {
      throwsData(() => parseJson('[]'), /empty data/);
      throwsData(() => parseJson('{}'), /empty data/);
      throwsData(() => parseJson('{"a": []}'), /empty data: no rows/);
      throwsData(() => parseJson('[{"a":1,"b":2},{"a":3}]'), /ragged row 2: missing column 'b'/);
      throwsData(() => parseJson('[{"a":1},{"a":3,"z":1}]'), /ragged row 2: unexpected column 'z'/);
      throwsData(() => parseJson('{"a":[1,2],"b":[1]}'), /ragged columns: column 'b' has 1 values/);
      throwsData(() => parseJson('[[1,2],[3]]'), /ragged row 2/);
      throwsData(() => parseJson('[{"a":1,"b":2},{"a":"q","b":1}]'), /non-numeric value "q" at row 2, column 'a'/);
      throwsData(() => parseJson('{"a":[1,null]}'), /missing value \(null\) at row 2, column 'a'/);
      throwsData(() => parseJson('{"a":[1,'), /malformed JSON/);
      throwsData(() => parseJson('42'), /must be an array of records/);
    });
  });

  describe('NPY', () => {
    const ints = [[1, -2, 3], [4, 5, -6], [7, 8, 9], [-10, 11, 12]];
    for (const version of [1, 2, 3] as const) {
      for (const fortran of [false, true]) {
        it(`reads v${version} <f8 ${fortran ? 'Fortran' : 'C'} order exactly`, () => {
          const ds = parseNpy(writeNpy(ROWS, { version, fortran }));
          assert.deepEqual(ds.names, ['0', '1', '2']);
          assert.deepEqual(asRows(ds), ROWS);
        });
      }
    }
    const intTypes: NpyDtype[] = ['<i8', '<i4', '<i2', '|i1'];
    for (const dtype of intTypes) {
      it(`reads ${dtype}`, () => assert.deepEqual(asRows(parseNpy(writeNpy(ints, { dtype }))), ints));
    }
    for (const dtype of ['|u1', '<u2', '<u4', '<u8'] as NpyDtype[]) {
      it(`reads ${dtype}`, () => {
        const u = ints.map((r) => r.map(Math.abs));
        assert.deepEqual(asRows(parseNpy(writeNpy(u, { dtype, fortran: true }))), u);
      });
    }
    it('reads <f4 (values representable in float32) and big-endian >f8', () => {
      assert.deepEqual(asRows(parseNpy(writeNpy(ROWS, { dtype: '<f4' }))), ROWS);
      assert.deepEqual(asRows(parseNpy(writeNpy(ROWS, { dtype: '>f8' }))), ROWS);
    });
    it('reads a 1-D array as one column', () => {
      const ds = parseNpy(writeNpy([[0.5], [1.5], [2.5]], { oneD: true }));
      assert.deepEqual(ds.names, ['0']);
      assert.deepEqual([...ds.columns[0]!], [0.5, 1.5, 2.5]);
    });
    it('rejects bad magic, truncation, unsupported dtype, empty arrays and non-finite cells', () => {
      throwsData(() => parseNpy(Buffer.from('x,y\n1,2\n')), /not an NPY file/);
      const good = writeNpy(ROWS);
      throwsData(() => parseNpy(good.subarray(0, good.length - 8)), /truncated NPY data/);
      const c16 = Buffer.from(writeNpy(ROWS));
      c16.write("'<c16'", c16.indexOf("'<f8'"), 'latin1');
      throwsData(() => parseNpy(c16), /unsupported NPY dtype '<c16'/);
      throwsData(() => parseNpy(writeNpy([])), /empty data/);
      throwsData(() => parseNpy(writeNpy([[1, 2], [3, NaN]])), /non-finite value NaN at row 2, column '1'/);
      throwsData(() => parseNpy(writeNpy([[1, 2], [Infinity, 1]], { fortran: true })), /non-finite value Infinity at row 2, column '0'/);
    });
  });

  describe('Arrow IPC', () => {
    it('reads file and stream formats, float and int columns', () => {
      const table = tableFromArrays({
        a: Float64Array.from(ROWS.map((r) => r[0]!)),
        b: Int32Array.from(ROWS.map((r) => r[1]!)),
        c: Float32Array.from(ROWS.map((r) => r[2]!)),
      });
      for (const fmt of ['file', 'stream'] as const) {
        const ds = parseArrow(tableToIPC(table, fmt));
        assert.deepEqual(ds.names, ['a', 'b', 'c']);
        assert.deepEqual(asRows(ds), ROWS.map((r) => [r[0]!, Math.trunc(r[1]!), r[2]!]));
      }
    });
    it('reads int64 columns as numbers', () => {
      const table = new Table({ k: makeVector(BigInt64Array.from([1n, -2n, 3n])) });
      assert.deepEqual([...parseArrow(tableToIPC(table)).columns[0]!], [1, -2, 3]);
    });
    it('rejects string columns, nulls and non-finite values with row and column', () => {
      const s = new Table({ a: vectorFromArray([1, 2], new Float64()), name: vectorFromArray(['p', 'q'], new Utf8()) });
      throwsData(() => parseArrow(tableToIPC(s)), /column 'name' has non-numeric Arrow type/);
      const nulls = new Table({ a: vectorFromArray([1, null, 3], new Float64()) });
      throwsData(() => parseArrow(tableToIPC(nulls)), /missing value \(null\) at row 2, column 'a'/);
      const nan = tableFromArrays({ a: Float64Array.from([1, 2, NaN]) });
      throwsData(() => parseArrow(tableToIPC(nan)), /non-finite value NaN at row 3, column 'a'/);
      throwsData(() => parseArrow(Buffer.from('not arrow at all')), /Arrow/);
    });
    it('rejects duplicate field names and empty tables', () => {
      const a = vectorFromArray([1, 2], new Float64());
      const b = vectorFromArray([3, 4], new Float64());
      const fields = [new Field('a', new Float64()), new Field('a', new Float64())];
      const batch = new RecordBatch(new Schema(fields), makeData({ type: new Struct(fields), length: 2, nullCount: 0, children: [a.data[0]!, b.data[0]!] }));
      throwsData(() => parseArrow(tableToIPC(new Table([batch]))), /duplicate column name 'a'/);
      const empty = tableFromArrays({ a: new Float64Array(0) });
      throwsData(() => parseArrow(tableToIPC(empty)), /empty data: no rows/);
    });
  });
});
