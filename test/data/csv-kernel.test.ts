/**
 * The CSV fast path's WebAssembly kernel (wasm/csv-rows.ts via data/wasm/csv-rows.ts) against
 * the JavaScript reader (CsvOptions.kernel false): the same table, notes and errors on random
 * texts with odd cells and lines mixed in, Number()'s double for every number (near rounding
 * midpoints included), and the kernel itself takes plain rows (else it would gain nothing).
 */
import assert from 'node:assert/strict';
import { parseCsv, type CsvOptions } from '../../shared/data/csv.js';
import { CsvRows } from '../../shared/data/wasm/csv-rows.js';
import { midpointStrings } from '../helpers/midpoints.js';

let s = 99;
const rnd = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;

/** A cell: numbers in every JavaScript format and random digit strings; rarely something odd. */
function cell(odd: number): string {
  const r = rnd();
  if (r < odd) return rnd() < 0.9 ? pick([' 1.5', '2.5 ', '\t3', '1.5\t', '7\r', '12345678901234567890']) : pick(['abc', '', ' ', 'NaN', '1e', '1.2.3', '1\u00002', 'é', '1e309']);
  const x = (rnd() - 0.5) * 10 ** Math.floor(rnd() * 24 - 12);
  switch (Math.floor(rnd() * 5)) {
    case 0: return String(x);
    case 1: return x.toExponential(Math.floor(rnd() * 20));
    case 2: return x.toFixed(Math.floor(rnd() * 20));
    case 3: return pick(['0', '-0', '+0.0', '00012.5000', '.5', '5.', '-.5e-3', '9007199254740993', '4.9e-324', '1.7976931348623157e308']);
    default: {
      let t = pick(['', '-', '+']);
      const len = 1 + Math.floor(rnd() * 21), point = Math.floor(rnd() * (len + 2)) - 1;
      for (let i = 0; i < len; i++) t += (i === point ? '.' : '') + String(Math.floor(rnd() * 10));
      return t;
    }
  }
}

function table(text: string, opts: CsvOptions): string {
  const notes: string[] = [];
  try {
    const ds = parseCsv(text, { ...opts, notes });
    return JSON.stringify([ds.names, ds.columns.map((c) => Array.from(c, (v) => (Object.is(v, -0) ? '-0' : v))), notes]);
  } catch (e) {
    return `error: ${(e as Error).message}`;
  }
}

describe('CSV WebAssembly kernel', () => {
  it('reads random texts as the JavaScript reader does: values, notes, errors (blank lines, blanks, CRs, ragged rows, text)', () => {
    let errors = 0;
    for (let t = 0; t < 600; t++) {
      const d = 1 + Math.floor(rnd() * 4), delim = pick([',', ';', '\t']), eol = pick(['\n', '\r\n']);
      const odd = pick([0, 0.005, 0.05]);
      const lines = [Array.from({ length: d }, (_, j) => `c${j}`).join(delim)];
      for (let r = 0, rows = 1 + Math.floor(rnd() * 80); r < rows; r++) {
        if (rnd() < odd) lines.push(pick(['', ' ', '\t', ' \r', '  ']));
        else lines.push(Array.from({ length: rnd() < odd / 4 ? d + pick([-1, 1]) : d }, () => cell(odd)).join(delim));
      }
      const text = lines.join(eol) + (rnd() < 0.5 ? eol : '');
      const opts = pick<CsvOptions>([{}, { encodeText: true }, { select: (n) => [n.length - 1] }, { select: (n) => [n.length - 1, 0] }]);
      const js = table(text, { ...opts, kernel: false });
      if (js.startsWith('error')) errors++;
      assert.equal(table(text, opts), js, JSON.stringify(text).slice(0, 200));
    }
    assert.ok(errors < 200, `${errors} of 600 texts were errors: too few tables compared`);
  });

  it('reads a text of many windows as the JavaScript reader does, a line longer than a window included', () => {
    const lines = ['a,b,label'];
    for (let r = 0; r < 40_000; r++) {
      const odd = rnd() < 0.001;
      lines.push(odd ? pick(['', ' 1 , 2 ,x', '3,4,y\r', '\t5,12345678901234567890,x']) : `${cell(0)},${cell(0)},${r === 20_000 ? 'z'.repeat(300_000) : 'x'}`);
    }
    const text = `${lines.join('\n')}\n`;
    assert.ok(text.length > 1_000_000);
    for (const opts of [{ select: (n: readonly string[]) => [1, 0] }, { encodeText: true }] as CsvOptions[]) {
      const js = table(text, { ...opts, kernel: false });
      assert.ok(!js.startsWith('error'), js.slice(0, 200));
      assert.equal(table(text, opts), js);
    }
  });

  it('Number() bit for bit near rounding midpoints (16 to 19 digits, ±1 in the last)', () => {
    const cells = midpointStrings(3000, rnd);
    const ds = parseCsv(`v\n${cells.join('\n')}\n`);
    cells.forEach((c, i) => assert.ok(Object.is(ds.columns[0]![i], Number(c)), c));
    // the kernel's own numbers: every row it takes (it leaves the near-ties it cannot round)
    const bytes = Buffer.from(`${cells.join('\n')}\n`);
    const k = CsvRows.over(bytes, bytes.length, Int32Array.from([0]), 1);
    if (!k) return; // no WebAssembly here
    let taken = 0;
    for (let pos = 0, row = 0; pos < bytes.length; ) {
      pos = k.read(pos, 1, 44)!;
      k.values(0).forEach((v, i) => assert.ok(Object.is(v, Number(cells[row + i])), cells[row + i]));
      row += k.done;
      taken += k.done;
      if (k.done < k.max && pos < bytes.length) { pos = bytes.indexOf(10, pos) + 1; row++; } // a row left to JavaScript
    }
    assert.ok(taken > 0.9 * cells.length, `the kernel took ${taken} of ${cells.length}`);
  });

  it('takes plain rows whole (one call for all of them, none left to JavaScript)', () => {
    const rows = Array.from({ length: 2000 }, () => `${String((rnd() - 0.5) * 4)},${rnd().toExponential(16)},id${Math.floor(rnd() * 9)}`);
    const bytes = Buffer.from(`${rows.join('\r\n')}\r\n`);
    const k = CsvRows.over(bytes, bytes.length, Int32Array.from([1, 0, -1]), 2);
    if (!k) return; // no WebAssembly here: nothing to check
    assert.equal(k.read(0, 3, 44), bytes.length);
    assert.equal(k.done, 2000);
    assert.deepEqual(Array.from(k.values(1)), rows.map((r) => Number(r.split(',')[0])));
  });
});
