/**
 * Streamed delimited text (csv.ts `CsvChunks`, load.ts for files ≥ STREAM_MIN_BYTES): fed in
 * chunks of any size it gives exactly what `parseCsv` gives on the whole text, notes and errors
 * included, and it hands quoted or whitespace-delimited text back to the whole-text parser.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CsvChunks, parseCsv, type CsvOptions } from '../../shared/data/csv.js';
import { loadDataset, STREAM_MIN_BYTES } from '../../shared/data/load.js';
import { DataError } from '../../shared/errors.js';

/** Parse `text` fed in pieces of `size` bytes of its UTF-8 (one reused buffer, as load.ts reads); undefined when the stream hands it back. */
function chunked(text: string, size: number, opts: CsvOptions = {}): { ds: ReturnType<CsvChunks['end']>; notes: string[] } | undefined {
  const bytes = Buffer.from(text);
  const c = new CsvChunks(opts, bytes.length);
  const buf = Buffer.alloc(size);
  for (let i = 0; i < bytes.length; i += size) {
    const m = bytes.copy(buf, 0, i, i + size);
    if (!c.feed(buf.subarray(0, m))) return undefined;
    buf.fill(0x3f); // what the stream kept must be its own copy
  }
  if (!c.feed(new Uint8Array(0), true)) return undefined;
  const notes: string[] = [];
  return { ds: c.end(notes), notes };
}

function whole(text: string, opts: CsvOptions = {}) {
  const notes: string[] = [];
  return { ds: parseCsv(text, { ...opts, notes }), notes };
}

const plain = ['\ufeffa,b,lab', ...Array.from({ length: 60 }, (_, i) => `${(i * 0.37 - 3).toFixed(3)},${i % 7 === 0 ? ' 1e-3 ' : String(i * i)},${i % 3 ? 'x' : 'y'}`)].join('\r\n') + '\r\n\r\n';
const ab = (names: readonly string[]) => [names.indexOf('a'), names.indexOf('b')];
const noHeader = Array.from({ length: 45 }, (_, i) => `${i},${-i / 8}`).join('\n'); // no final newline

describe('streamed CSV', function () {
  this.timeout(120_000);
  it('equals the whole-text parse for every chunk size: header, BOM, CRLF, blank lines, no final newline, text codes', () => {
    for (const [text, opts] of [[plain, { select: ab }], [plain, { encodeText: true, select: (n: readonly string[]) => [2, 0] }], [noHeader, {}], [noHeader, { header: false }]] as [string, CsvOptions][]) {
      const want = whole(text, opts);
      for (const size of [1, 2, 7, 64, 1000, text.length]) {
        const got = chunked(text, size, opts);
        assert.ok(got, `size ${size}`);
        assert.deepEqual(got.ds.names, want.ds.names);
        assert.deepEqual(got.ds.columns.map((c) => [...c]), want.ds.columns.map((c) => [...c]), `size ${size}`);
        assert.deepEqual(got.notes, want.notes);
      }
    }
  });
  it('errors name the same row and column as the whole-text parse', () => {
    const bad = plain.replace('\r\n3.660,', '\r\n3.660x,'); // data row 19, past the first chunks
    const msg = (() => { try { whole(bad, { select: ab }); } catch (e) { return (e as Error).message; } return ''; })();
    assert.match(msg, /^non-numeric value "3\.660x" at row 19, column 'a'/);
    assert.throws(() => chunked(bad, 16, { select: ab }), (e: unknown) => e instanceof DataError && e.message === msg);
    const ragged = `${plain}1,2\n`;
    assert.throws(() => chunked(ragged, 16, { select: ab }), (e: unknown) => e instanceof DataError && /^ragged row 61: 2 fields, the header has 3$/.test(e.message));
  });
  it('hands quotes (even late ones) and whitespace-delimited text back to the whole-text parser', () => {
    assert.equal(chunked(`${plain}"1",2,x\n`, 32, { select: ab }), undefined);
    assert.equal(chunked(noHeader.replace(/,/g, '  '), 32), undefined);
  });
  it('loadDataset streams a file of STREAM_MIN_BYTES or more to the same table, and falls back for a late quote', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'infoshard-stream-'));
    const rows: string[] = ['x,y,id'];
    let bytes = 0;
    for (let i = 0; bytes < STREAM_MIN_BYTES + 1000; i++) {
      const line = `${Math.sin(i) * 1e3},${Math.cos(i * 1.3)},é${i}`; // multi-byte text split across reads too
      rows.push(line);
      bytes += Buffer.byteLength(line) + 1;
    }
    const text = `${rows.join('\n')}\n`;
    const file = join(dir, 'big.csv');
    writeFileSync(file, text);
    const select = (names: readonly string[]) => [0, 1];
    const got = await loadDataset(file, { select });
    const want = parseCsv(text, { select });
    assert.equal(got.n, rows.length - 1);
    assert.ok(got.columns.every((c, j) => c.length === want.columns[j]!.length && c.every((v, i) => Object.is(v, want.columns[j]![i]))));
    const coded = await loadDataset(file, { encodeText: true, select: () => [2] });
    assert.equal(coded.columns[0]![rows.length - 2], [...new Set(rows.slice(1).map((r) => r.split(',')[2]!))].sort().indexOf(rows[rows.length - 1]!.split(',')[2]!));
    writeFileSync(file, `${text}"1",2,q\n`);
    assert.equal((await loadDataset(file, { select })).n, rows.length);
  });
});
