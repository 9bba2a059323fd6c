/**
 * Files as scientists have them (issue 12): np.savetxt output without a header, other
 * delimiters, gzip, stdin, unused columns with text or blanks. Readers directly, then the CLI.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { gzipSync } from 'node:zlib';
import { parseCsv, detectDelimiter } from '../../shared/data/csv.js';
import { loadDataset } from '../../shared/data/load.js';
import { DataError } from '../../shared/errors.js';
import { cliPath, runCli, assertUsageError } from '../cli/run-cli.js';

/** 400 rows of a ρ = 0.6 pair written like np.savetxt's default ('%.18e', space separated, no header). */
function savetxtRows(n: number, delim: string): string {
  const lines: string[] = [];
  for (let i = 0; i < n; i++) {
    const a = Math.sin(i * 12.9898) * 2, b = 0.6 * a + Math.cos(i * 78.233);
    lines.push(`${a.toExponential(18)}${delim}${b.toExponential(18)}`);
  }
  return lines.join('\n') + '\n';
}

describe('real files: headers, delimiters, compression, selection', () => {
  const dir = mkdtempSync(join(tmpdir(), 'infoshard-real-'));
  const file = (name: string, text: string | Buffer) => {
    const p = join(dir, name);
    writeFileSync(p, text);
    return p;
  };

  describe('header detection', () => {
    it('an all-numeric first line is data: no row is lost, columns are 0, 1, ..., and a note says so', () => {
      const notes: string[] = [];
      const ds = parseCsv(savetxtRows(400, ','), { notes });
      assert.equal(ds.n, 400);
      assert.deepEqual(ds.names, ['0', '1']);
      assert.equal(ds.columns[0]![0], Number((0).toExponential(18)));
      assert.equal(notes.length, 1);
      assert.match(notes[0]!, /no header row.*named 0\.\.1.*--header/);
    });
    it('a header with names is still a header, and no note is made', () => {
      const notes: string[] = [];
      const ds = parseCsv('a,b\n1,2\n3,4\n', { notes });
      assert.deepEqual(ds.names, ['a', 'b']);
      assert.equal(ds.n, 2);
      assert.deepEqual(notes, []);
    });
    it('header: true reads numeric names; header: false reads a named first line as data (and says which cell is bad)', () => {
      const ds = parseCsv('1,2\n3,4\n5,6\n', { header: true });
      assert.deepEqual(ds.names, ['1', '2']);
      assert.equal(ds.n, 2);
      assert.throws(() => parseCsv('a,b\n1,2\n', { header: false }), (e: unknown) => e instanceof DataError && /non-numeric value "a" at row 1, column '0'/.test(e.message));
    });
  });

  describe('delimiters and encodings', () => {
    it('detects tab, semicolon, comma and whitespace', () => {
      assert.equal(detectDelimiter('a\tb\n1\t2\n'), '\t');
      assert.equal(detectDelimiter('a;b\n1,5;2\n'), ';');
      assert.equal(detectDelimiter('a,b\n1,2\n'), ',');
      assert.equal(detectDelimiter('1.0 2.0\n3.0  4.0\n'), 'whitespace');
      assert.deepEqual([...parseCsv('x y\n1 2\n 3   4 \n').columns[1]!], [2, 4]);
      assert.deepEqual([...parseCsv('p;q\r\n1;2\r\n').columns[0]!], [1]);
    });
    it('quoted names with commas and quotes, BOM and CRLF', () => {
      const ds = parseCsv('\uFEFF"a,b","say ""hi"""\r\n1,2\r\n3,4\r\n');
      assert.deepEqual(ds.names, ['a,b', 'say "hi"']);
      assert.deepEqual([...ds.columns[1]!], [2, 4]);
      assert.throws(() => parseCsv('"a,b\n1\n'), (e: unknown) => e instanceof DataError && /quote opened on line 1 is never closed/.test(e.message));
    });
    it('.txt / .dat with blanks, and gzip', async () => {
      const txt = file('g.txt', savetxtRows(50, ' '));
      const dat = file('g.dat', savetxtRows(50, '\t'));
      const gz = file('g.csv.gz', gzipSync(Buffer.from('x,y\n' + savetxtRows(50, ','))));
      for (const p of [txt, dat, gz]) {
        const ds = await loadDataset(p);
        assert.equal(ds.n, 50, p);
        assert.equal(ds.columns.length, 2);
      }
      assert.deepEqual((await loadDataset(gz)).names, ['x', 'y']);
    });
  });

  describe('only the selected columns are parsed', () => {
    it('a text ID column and a blank in an unused column do not abort', () => {
      const ds = parseCsv('id,x,note,y\nA-1,1,,2\nB-2,3,ok,5\nC-3,4,,1\n', { select: (names) => [names.indexOf('x'), names.indexOf('y')] });
      assert.deepEqual(ds.names, ['x', 'y']);
      assert.deepEqual([...ds.columns[1]!], [2, 5, 1]);
      // a bad cell in a selected column still names row and column
      assert.throws(() => parseCsv('id,x\nA,1\nB,\n', { select: () => [1] }), (e: unknown) => e instanceof DataError && /empty cell at row 2, column 'x'/.test(e.message));
    });
  });

  describe('CLI', function () {
    this.timeout(120000);
    it('a savetxt file: all 400 rows, a warning about the header, --no-header silences it, --header loses the row', async () => {
      const p = file('savetxt.csv', savetxtRows(400, ','));
      const auto = JSON.parse((await runCli(['estimate', 'mi', '--data', p, '--x', '0', '--y', '1', '--json'])).stdout) as { n: number; warnings: string[]; estimate: number };
      assert.equal(auto.n, 400);
      assert.ok(auto.warnings.some((w) => /no header row/.test(w)), JSON.stringify(auto.warnings));
      const explicit = JSON.parse((await runCli(['estimate', 'mi', '--data', p, '--x', '0', '--y', '1', '--no-header', '--json'])).stdout) as typeof auto;
      assert.equal(explicit.n, 400);
      assert.equal(explicit.estimate, auto.estimate);
      assert.ok(!explicit.warnings.some((w) => /no header row/.test(w)));
      const header = JSON.parse((await runCli(['estimate', 'mi', '--data', p, '--x', '0', '--y', '1', '--header', '--json'])).stdout) as typeof auto;
      assert.equal(header.n, 399, '--header reads the first line as names (here: numbers, selected by index)');
    });
    it('ID and label columns, semicolons, a job file with header: false', async () => {
      const rows = savetxtRows(60, ';').trim().split('\n').map((l, i) => `S${i};${l};${i % 3 ? '' : 'ctrl'}`);
      const p = file('ids.csv', 'sample;a;b;group\n' + rows.join('\n') + '\n');
      const r = JSON.parse((await runCli(['estimate', 'mi', '--data', p, '--x', 'a', '--y', 'b', '--json'])).stdout) as { n: number; estimate: number };
      assert.equal(r.n, 60);
      const noHeader = file('nh.dat', savetxtRows(60, ' '));
      const job = file('job.yaml', `data: ${noHeader}\nheader: false\nmeasure: mi\nx: [0]\ny: [1]\n`);
      const j = JSON.parse((await runCli(['run', job, '--json'])).stdout) as { n: number; estimate: number };
      assert.equal(j.n, 60);
      assert.equal(j.estimate, r.estimate, 'same numbers read from ;-separated text with IDs and from a blank-separated file');
    });
    it('stdin with --format, and without it an error naming the need', async () => {
      const text = 'x,y\n' + savetxtRows(40, ',');
      const out = await new Promise<string>((resolve, reject) => {
        const c = execFile(process.execPath, [cliPath(), 'estimate', 'mi', '--data', '-', '--format', 'csv', '--x', 'x', '--y', 'y', '--json'], (err, stdout) => (err ? reject(err) : resolve(stdout)));
        c.stdin!.end(text);
      });
      assert.equal((JSON.parse(out) as { n: number }).n, 40);
      assertUsageError(await runCli(['estimate', 'mi', '--data', '-', '--x', 'x', '--y', 'y']), /stdin \('-'\) needs a format/);
    });
  });
});

describe('text columns for discrete estimators', () => {
  it('encodeText: labels become codes in sorted order, numbers in a text column are labels, and a note says so', () => {
    const notes: string[] = [];
    const ds = parseCsv('g,v\nb,1\na,2\nc,3\n10,4\n1e1,5\n', { encodeText: true, notes });
    // labels sorted: "10" (both 10 and 1e1), "a", "b", "c"
    assert.deepEqual([...ds.columns[0]!], [2, 1, 3, 0, 0]);
    assert.deepEqual([...ds.columns[1]!], [1, 2, 3, 4, 5]);
    assert.equal(notes.length, 1);
    assert.match(notes[0]!, /column 'g' holds text: its 4 distinct values are encoded as 0\.\.3 in sorted order \("10" = 0, "a" = 1/);
    // the same through the quoted path
    const q = parseCsv('"g",v\n"b",1\na,2\nc,3\n10,4\n1e1,5\n', { encodeText: true });
    assert.deepEqual([...q.columns[0]!], [2, 1, 3, 0, 0]);
  });
  it('without encodeText the error names row and column and says which estimators take text; an empty label is still an error', () => {
    assert.throws(() => parseCsv('g,v\nb,1\n', {}), (e: unknown) => e instanceof DataError && /non-numeric value "b" at row 1, column 'g'.*plugin and mixed_ksg/.test(e.message));
    assert.throws(() => parseCsv('g,v\nb,1\n,2\n', { encodeText: true }), (e: unknown) => e instanceof DataError && /empty cell at row 2, column 'g'/.test(e.message));
  });
  it('CLI: plugin MI of two text columns equals the MI of their codes, with the encoding in the warnings', async function () {
    this.timeout(60000);
    const dir = mkdtempSync(join(tmpdir(), 'infoshard-text-'));
    const labels = ['red', 'green', 'blue'];
    const rows = Array.from({ length: 90 }, (_, i) => [labels[i % 3]!, labels[(i * i) % 3]!]);
    const text = join(dir, 'text.csv');
    writeFileSync(text, 'a,b\n' + rows.map((r) => r.join(',')).join('\n') + '\n');
    const codes = join(dir, 'codes.csv');
    const code = (l: string) => [...labels].sort().indexOf(l);
    writeFileSync(codes, 'a,b\n' + rows.map((r) => `${code(r[0]!)},${code(r[1]!)}`).join('\n') + '\n');
    const t = JSON.parse((await runCli(['estimate', 'mi', '--data', text, '--x', 'a', '--y', 'b', '--estimator', 'plugin', '--json'])).stdout) as { estimate: number; warnings: string[] };
    const c = JSON.parse((await runCli(['estimate', 'mi', '--data', codes, '--x', 'a', '--y', 'b', '--estimator', 'plugin', '--json'])).stdout) as { estimate: number };
    assert.equal(t.estimate, c.estimate);
    assert.ok(t.estimate > 0.1);
    assert.ok(t.warnings.some((w) => /column 'a' holds text/.test(w)));
    assertUsageError(await runCli(['estimate', 'mi', '--data', text, '--x', 'a', '--y', 'b']), /non-numeric value "red" at row 1, column 'a'.*plugin and mixed_ksg/);
  });
});

describe('Arrow: dictionary and string columns, selected columns', () => {
  it('a dictionary column is encoded for discrete estimators, skipped when unused, refused otherwise', async () => {
    const { tableToIPC, tableFromArrays, vectorFromArray, Dictionary, Utf8, Int32 } = await import('apache-arrow');
    const { parseArrow } = await import('../../shared/data/arrow.js');
    const group = vectorFromArray(['b', 'a', 'b', 'c'], new Dictionary(new Utf8(), new Int32()));
    const table = tableFromArrays({ v: Float64Array.from([1, 2, 3, 4]) });
    const withDict = table.assign(tableFromArrays({ g: group as never }));
    const ipc = tableToIPC(withDict, 'file');
    const notes: string[] = [];
    const enc = parseArrow(ipc, { encodeText: true, notes });
    assert.deepEqual(enc.names, ['v', 'g']);
    assert.deepEqual([...enc.columns[1]!], [1, 0, 1, 2]);
    assert.match(notes[0]!, /column 'g' holds text: its 3 distinct values/);
    assert.deepEqual(parseArrow(ipc, { select: (names) => [names.indexOf('v')] }).names, ['v']);
    assert.throws(() => parseArrow(ipc), (e: unknown) => e instanceof DataError && /column 'g' has non-numeric Arrow type .*plugin and mixed_ksg/.test(e.message));
  });
});
