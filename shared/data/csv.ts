/**
 * Delimited text reader (CSV, TSV, semicolon, whitespace-separated `.txt`/`.dat`, as written by
 * spreadsheets, R and `np.savetxt`). Numbers go straight into Float64Arrays; only the columns a
 * job selects are parsed and validated, so an ID or label column (or a blank in it) never aborts
 * a run. Quoted fields (RFC 4180: `"a,b"`, `""` for a quote, newlines inside quotes) are
 * handled by a small scanner; files without quotes take a plain line split, the fast path.
 */
import { parseDecimal } from './decimal.js';
import { DataError } from '../errors.js';
import type { Dataset } from './matrix.js';
import { checkNames, makeDataset, parseTextCell } from './cells.js';
import { CsvRows } from './wasm/csv-rows.js';

/** A delimiter character, or 'whitespace' (runs of blanks/tabs, as `np.loadtxt` splits). */
export type Delimiter = ',' | ';' | '\t' | 'whitespace';

export interface CsvOptions {
  /** Field delimiter. @default auto: the first of tab, ';', ',', whitespace that splits the first lines evenly */
  delimiter?: string;
  /**
   * Whether the first line holds column names. @default auto: a first line whose fields are all
   * numbers is data (`np.savetxt` writes no header), and columns are named 0, 1, ...
   */
  header?: boolean;
  /** Column indices to parse, given the names (header or 0..d-1); others are left out. @default all */
  select?: (names: readonly string[]) => readonly number[];
  /** Receives one line per choice made for the user (no header found, text columns encoded). */
  notes?: string[];
  /**
   * Encode a selected column holding text as integer codes (for the discrete estimators, plugin
   * and mixed_ksg): distinct labels in sorted order become 0, 1, ... and a note lists them.
   * Numbers in such a column are labels too (by their shortest decimal form). @default false
   */
  encodeText?: boolean;
  /**
   * Read plain rows with the WebAssembly kernel where it runs (data/wasm/csv-rows.ts; the same
   * numbers); false reads them in JavaScript only, as the tests do to compare. @default true
   */
  kernel?: boolean;
}

/**
 * Cells of the selected columns: numbers, or (encodeText) labels once a column holds text.
 * `put` is called once per row and column in row order.
 */
class ColumnSink {
  readonly labels: (string[] | null)[];
  constructor(private readonly names: readonly string[], private readonly use: readonly number[], public cols: Float64Array[], private readonly encode: boolean) {
    this.labels = use.map(() => null);
  }
  /** A cell that is not a plain decimal: read it (throws with row and column) or keep it as a label. */
  slow(u: number, raw: string, i: number): void {
    const name = this.names[this.use[u]!]!;
    const lab = this.labels[u];
    const s = raw.trim();
    if (lab) {
      if (s === '') parseTextCell(s, i + 1, name); // throws: empty cell
      lab.push(PLAIN_RE.test(s) ? String(Number(s)) : s); // numbers by their shortest form, as num() does
      return;
    }
    try {
      this.cols[u]![i] = parseTextCell(raw, i + 1, name);
    } catch (err) {
      if (s === '' || !/non-numeric/.test((err as Error).message)) throw err;
      if (!this.encode) throw new DataError(`${(err as Error).message} (a text column: the plugin and mixed_ksg estimators take it, encoded as categories)`, { cause: err });
      this.labels[u] = Array.from(this.cols[u]!.subarray(0, i), String);
      this.labels[u]!.push(s);
    }
  }
  /** Whether a column holds labels (then every later cell of it is one). */
  hasText(): boolean {
    return this.labels.some((l) => l !== null);
  }
  /** A plain decimal cell (value already parsed). */
  num(u: number, v: number, i: number): void {
    const lab = this.labels[u];
    if (lab) lab.push(String(v));
    else this.cols[u]![i] = v;
  }
  /** Codes for the text columns; one note each. */
  finish(n: number, notes: string[] | undefined): Float64Array[] {
    return this.cols.map((c, u) => {
      const lab = this.labels[u];
      const col = c.length === n ? c : c.slice(0, n);
      if (!lab) return col;
      const levels = [...new Set(lab)].sort();
      const code = new Map(levels.map((l, k) => [l, k]));
      for (let i = 0; i < n; i++) col[i] = code.get(lab[i]!)!;
      const shown = levels.slice(0, 6).map((l, k) => `${JSON.stringify(l)} = ${k}`).join(', ');
      notes?.push(`column '${this.names[this.use[u]!]}' holds text: its ${levels.length} distinct values are encoded as 0..${levels.length - 1} in sorted order (${shown}${levels.length > 6 ? ', ...' : ''})`);
      return col;
    });
  }
}

/** Accepted spellings of --delimiter. */
export function parseDelimiter(s: string): Delimiter {
  switch (s) {
    case ',': case 'comma': return ',';
    case ';': case 'semicolon': return ';';
    case '\t': case '\\t': case 'tab': return '\t';
    case ' ': case 'space': case 'whitespace': return 'whitespace';
    default: throw new DataError(`unknown delimiter ${JSON.stringify(s)} (use ',', ';', tab or whitespace)`);
  }
}

const PLAIN_RE = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const NUMERIC_RE = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$|^[+-]?(?:nan|inf|infinity)$/i;

function splitPlain(line: string, delim: Delimiter): string[] {
  return delim === 'whitespace' ? line.trim().split(/[ \t]+/) : line.split(delim);
}

/** Records of a text with quotes: fields may be quoted, with "" inside and newlines. */
function scanQuoted(text: string, delim: Delimiter): string[][] {
  const records: string[][] = [];
  let rec: string[] = [];
  let field = '';
  let i = 0, line = 1, quotedAt = 0;
  const isDelim = (c: string) => (delim === 'whitespace' ? c === ' ' || c === '\t' : c === delim);
  const endRecord = () => {
    rec.push(field);
    field = '';
    if (!(rec.length === 1 && rec[0]!.trim() === '')) records.push(rec);
    rec = [];
  };
  while (i < text.length) {
    const c = text[i]!;
    if (c === '"' && field.trim() === '') {
      quotedAt = line;
      field = '';
      i++;
      for (;;) {
        if (i >= text.length) throw new DataError(`malformed CSV: quote opened on line ${quotedAt} is never closed`);
        const q = text[i]!;
        if (q === '"') {
          if (text[i + 1] === '"') { field += '"'; i += 2; continue; }
          i++;
          break;
        }
        if (q === '\n') line++;
        field += q;
        i++;
      }
      while (i < text.length && (text[i] === ' ' || text[i] === '\r') && !isDelim(text[i]!)) i++;
      if (i < text.length && !isDelim(text[i]!) && text[i] !== '\n') {
        throw new DataError(`malformed CSV: unexpected ${JSON.stringify(text[i])} after the closing quote on line ${line}`);
      }
      continue;
    }
    if (c === '\n') { if (field.endsWith('\r')) field = field.slice(0, -1); endRecord(); line++; i++; continue; }
    if (isDelim(c)) {
      if (delim === 'whitespace') {
        while (i < text.length && (text[i] === ' ' || text[i] === '\t')) i++;
        if (field !== '' || rec.length > 0) { rec.push(field); field = ''; }
        continue;
      }
      rec.push(field);
      field = '';
      i++;
      continue;
    }
    field += c;
    i++;
  }
  if (field !== '' || rec.length > 0) endRecord();
  return records;
}

/** Up to `max` non-blank lines from the start (for delimiter detection). */
function firstLines(text: string, max: number): string[] {
  const out: string[] = [];
  let start = 0;
  while (out.length < max && start < text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const l = text.slice(start, end).replace(/\r$/, '');
    if (l.trim() !== '') out.push(l);
    start = end + 1;
  }
  return out;
}

/**
 * The text of bytes[pos, ...) up to a line break after its first 20 non-blank lines (all of it
 * if shorter): what detectDelimiter reads, without decoding a large file whole.
 */
function headText(bytes: Buffer, pos: number): string {
  for (let size = 1 << 16; ; size *= 4) {
    if (pos + size >= bytes.length) return bytes.toString('utf8', pos);
    const cut = bytes.lastIndexOf(10, pos + size);
    if (cut >= pos) {
      const text = bytes.toString('utf8', pos, cut + 1);
      if (firstLines(text, 20).length >= 20) return text;
    }
  }
}

/** The delimiter that splits the first lines into the same number (> 1) of fields. */
export function detectDelimiter(text: string): Delimiter {
  const lines = firstLines(text, 20);
  for (const d of ['\t', ';', ','] as const) {
    const counts = lines.map((l) => l.split(d).length);
    if (counts.length > 0 && counts[0]! > 1 && counts.every((c) => c === counts[0])) return d;
  }
  const ws = lines.map((l) => splitPlain(l, 'whitespace').length);
  if (ws.length > 0 && ws[0]! > 1 && ws.every((c) => c === ws[0])) return 'whitespace';
  return ','; // one column (or irregular lines, reported as ragged rows below)
}

/** Whether bytes[a, b) is a plain decimal (the grammar of cells.ts NUMBER_RE), by byte values. */
function plainNumber(bytes: Uint8Array, a: number, b: number): boolean {
  let i = a;
  let c = bytes[i]!;
  if (c === 43 || c === 45) c = bytes[++i]!; // + -
  let digits = 0;
  while (c >= 48 && c <= 57) { digits++; c = bytes[++i]!; }
  if (c === 46) { // .
    c = bytes[++i]!;
    while (c >= 48 && c <= 57) { digits++; c = bytes[++i]!; }
  }
  if (digits === 0) return false;
  if (i < b && (c === 101 || c === 69)) { // e E
    c = bytes[++i]!;
    if (c === 43 || c === 45) c = bytes[++i]!;
    let e = 0;
    while (c >= 48 && c <= 57) { e++; c = bytes[++i]!; }
    if (e === 0) return false;
  }
  return i === b;
}

/** A Buffer over the same memory (no copy): its indexOf and toString are native. */
function bufferOf(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Parsing state of the fast path, kept across chunks of a streamed file. */
interface PlainState {
  /** The delimiter's byte. */
  delim: number;
  header: boolean;
  names: string[];
  d: number;
  use: number[];
  /** want[j] = position of file column j among the parsed ones, or −1. */
  want: Int32Array;
  sink: ColumnSink;
  cap: number;
  /** Data rows so far. */
  n: number;
  /** Whether plainRows may use the WebAssembly kernel (CsvOptions.kernel). */
  kernel: boolean;
}

/**
 * Where the line starting at `pos` ends: the position after its '\n' (or `len`), as a negative
 * number −1 − that position when the line is blank (only blanks and tabs, and a CR before the
 * line break).
 */
function lineEnd(bytes: Uint8Array, pos: number, len: number): number {
  let blank = true;
  let i = pos;
  for (; i < len; i++) {
    const c = bytes[i]!;
    if (c === 10) break;
    if (c !== 32 && c !== 9 && !(c === 13 && (i + 1 === len || bytes[i + 1] === 10))) blank = false;
  }
  const next = Math.min(i + 1, len);
  return blank ? -1 - next : next;
}

/** [start, end) of the first non-blank line at or after `pos`, CR stripped; the next position. */
function lineAt(bytes: Uint8Array, pos: number, len: number): [number, number, number] | null {
  while (pos < len) {
    const next = lineEnd(bytes, pos, len);
    if (next < 0) { pos = -1 - next; continue; }
    let e = bytes[next - 1] === 10 ? next - 1 : next;
    if (e > pos && bytes[e - 1] === 13) e--;
    return [pos, e, next];
  }
  return null;
}

/**
 * The first line: names (or, when it is all numbers, data), the selection, and column buffers
 * sized for about `size / first line length` rows. Returns the state and where data starts.
 */
function plainStart(bytes: Buffer, pos: number, delim: string, opts: CsvOptions, size: number): { st: PlainState; pos: number } {
  const first = lineAt(bytes, pos, bytes.length);
  if (!first) throw new DataError('empty data: no header row');
  const firstFields = bytes.toString('utf8', first[0], first[1]).split(delim);
  const header = opts.header ?? !firstFields.every((f) => NUMERIC_RE.test(f.trim()));
  const names = header ? firstFields.map((f) => f.trim()) : firstFields.map((_, j) => String(j));
  if (header) checkNames(names);
  else if (opts.header === undefined) opts.notes?.push(noHeaderNote(names.length));
  const d = names.length;
  const use = opts.select ? [...new Set(opts.select(names))] : names.map((_, j) => j);
  const want = new Int32Array(d).fill(-1);
  use.forEach((j, u) => (want[j] = u));
  // rows ≈ size / the length of the first data line (the header's length says little)
  const row = header ? lineAt(bytes, first[2], bytes.length) ?? first : first;
  const cap = Math.max(16, Math.ceil((size * 1.05) / Math.max(1, row[1] - row[0] + 1)));
  const sink = new ColumnSink(names, use, use.map(() => new Float64Array(cap)), opts.encodeText ?? false);
  return { st: { delim: delim.charCodeAt(0), header, names, d, use, want, sink, cap, n: 0, kernel: opts.kernel ?? true }, pos: header ? first[2] : first[0] };
}

/** End of the number parseDecimal read in place (its `end` argument). */
const numberEnd = new Int32Array(1);

/** Room in the column buffers for `rows` more rows (at least doubling). */
function reserve(st: PlainState, rows: number): void {
  if (st.n + rows <= st.cap) return;
  const cap = (st.cap = Math.max(2 * st.cap, st.n + rows));
  st.sink.cols = st.sink.cols.map((col) => { const g = new Float64Array(cap); g.set(col); return g; });
}

/**
 * Every non-blank line of bytes[pos, len) as a data row: by the WebAssembly kernel where it
 * runs (data/wasm/csv-rows.ts), which leaves any row it does not take (a blank or odd line, a
 * cell that needs Number(), an error) to scanRows, one line at a time; by scanRows alone once a
 * column holds text labels (encodeText), or without the kernel.
 */
function plainRows(st: PlainState, bytes: Buffer, pos: number, len: number): void {
  const rows = st.kernel && !st.sink.hasText() ? CsvRows.over(bytes, len, st.want, st.use.length) : undefined;
  if (!rows) return scanRows(st, bytes, pos, len);
  while (pos < len) {
    const stop = rows.read(pos, st.d, st.delim);
    if (stop === undefined) return scanRows(st, bytes, pos, len);
    pos = stop;
    const r = rows.done;
    if (r > 0) {
      reserve(st, r);
      st.sink.cols.forEach((col, u) => col.set(rows.values(u), st.n));
      st.n += r;
    }
    if (r === rows.max || pos >= len) continue;
    const nl = bytes.indexOf(10, pos);
    const next = nl < 0 || nl >= len ? len : nl + 1;
    scanRows(st, bytes, pos, next);
    pos = next;
    if (st.sink.hasText()) return scanRows(st, bytes, pos, len);
  }
}

/**
 * Every non-blank line of bytes[pos, len) as a data row, parsed in one pass over the bytes (no
 * per-line or per-cell strings or arrays: issue 12). A selected cell is read in place by
 * parseDecimal; one that is not a plain decimal followed by (blanks and) its delimiter or line
 * end goes through `oddCell`, which reads it or throws the usual error naming row and column.
 */
function scanRows(st: PlainState, bytes: Buffer, pos: number, len: number): void {
  const { delim, d, want, sink } = st;
  let i = pos;
  while (i < len) {
    let c = bytes[i]!;
    if (c === 10 || c === 13 || c === 32 || c === 9) { // a blank line, maybe
      const next = lineEnd(bytes, i, len);
      if (next < 0) { i = -1 - next; continue; }
    }
    reserve(st, 1);
    const n = st.n;
    let j = 0;
    for (;;) {
      // field j starts at i; `stop` becomes the delimiter or line break (or len) after it
      let stop = i;
      const u = j < d ? want[j]! : -1;
      if (u >= 0) {
        let s = i;
        while (s < len && bytes[s] === 32) s++;
        const v = parseDecimal(bytes, s, len, numberEnd);
        let k = numberEnd[0]!;
        while (k < len && bytes[k] === 32) k++;
        c = k < len ? bytes[k]! : 10;
        if (v === v && (c === delim || c === 10 || (c === 13 && (k + 1 === len || bytes[k + 1] === 10)))) {
          sink.num(u, v, n);
          stop = c === 13 ? k + 1 : k;
        } else stop = oddCell(st, bytes, i, len, u);
      } else {
        while (stop < len && (c = bytes[stop]!) !== delim && c !== 10) stop++;
      }
      j++;
      i = stop + 1;
      if (stop >= len || bytes[stop] !== delim) break;
    }
    if (j !== d) throw new DataError(`ragged row ${n + 1}: ${j} fields, ${st.header ? 'the header has' : 'the first row has'} ${d}`);
    st.n = n + 1;
  }
}

/**
 * A selected cell starting at `a` that the in-place read did not take: its field as the line
 * split gives it (up to the delimiter, or the line end without its CR), blanks trimmed, parsed
 * by parseDecimal or Number(), else by the sink's slow path. Returns the delimiter or line
 * break after it (or len).
 */
function oddCell(st: PlainState, bytes: Buffer, a: number, len: number, u: number): number {
  let stop = a, c = 0;
  while (stop < len && (c = bytes[stop]!) !== st.delim && c !== 10) stop++;
  let b = stop;
  if (b > a && bytes[b - 1] === 13 && (b === len || c === 10)) b--;
  let s = a, e = b;
  while (s < e && bytes[s] === 32) s++;
  while (e > s && bytes[e - 1] === 32) e--;
  let v = parseDecimal(bytes, s, e);
  if (v === v) st.sink.num(u, v, st.n);
  else if (e > s && plainNumber(bytes, s, e) && Number.isFinite((v = Number(bytes.toString('latin1', s, e))))) st.sink.num(u, v, st.n);
  else st.sink.slow(u, bytes.toString('utf8', a, b), st.n);
  return stop;
}

function plainFinish(st: PlainState, opts: CsvOptions): Dataset {
  return makeDataset(st.use.map((j) => st.names[j]!), st.sink.finish(st.n, opts.notes));
}

/** The fast path for a whole file from `pos` (after a BOM): unquoted, with a one-character delimiter. */
function parsePlain(bytes: Buffer, pos: number, delim: string, opts: CsvOptions): Dataset {
  const { st, pos: start } = plainStart(bytes, pos, delim, opts, bytes.length - pos);
  plainRows(st, bytes, start, bytes.length);
  return plainFinish(st, opts);
}

/** Position after a UTF-8 byte order mark at the start, else 0. */
function afterBom(bytes: Uint8Array): number {
  return bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
}

/**
 * The fast path fed chunk by chunk (a large file streamed from disk: the file is never held
 * whole). Only complete lines are parsed; the tail waits for the next chunk. `feed` answers
 * false when the text needs the general parser (quotes, a whitespace delimiter); the caller then
 * reads the file whole with `parseCsv`. Notes reach `opts.notes` only from `end`, so a restart
 * does not repeat them.
 */
export class CsvChunks {
  private rest: Uint8Array = new Uint8Array(0);
  private st: PlainState | undefined;
  private readonly notes: string[] = [];
  private readonly opts: CsvOptions;
  /** `bytes`: the file's size, for the first allocation of the column buffers. */
  constructor(opts: CsvOptions, private readonly bytes: number) {
    this.opts = { ...opts, notes: this.notes };
  }

  /** The next bytes of the file (copied where kept: the caller may reuse `chunk`). */
  feed(chunk: Uint8Array, final = false): boolean {
    let bytes: Buffer;
    if (this.rest.length === 0) bytes = bufferOf(chunk);
    else {
      bytes = Buffer.allocUnsafe(this.rest.length + chunk.length);
      bytes.set(this.rest);
      bytes.set(chunk, this.rest.length);
    }
    let pos = 0;
    if (!this.st) {
      // detection reads the first 20 lines, as it does on a whole text
      let lines = 0;
      for (let i = bytes.indexOf(10); i >= 0 && lines <= 20; i = bytes.indexOf(10, i + 1)) lines++;
      if (lines <= 20 && !final) {
        this.rest = new Uint8Array(bytes);
        return true;
      }
      pos = afterBom(bytes);
      const delim = this.opts.delimiter !== undefined ? parseDelimiter(this.opts.delimiter) : detectDelimiter(bytes.toString('utf8', pos));
      if (delim === 'whitespace' || bytes.indexOf(34) >= 0) return false;
      const start = plainStart(bytes, pos, delim, this.opts, this.bytes);
      this.st = start.st;
      pos = start.pos;
    } else if (bytes.indexOf(34) >= 0) return false;
    const last = final ? bytes.length : bytes.lastIndexOf(10) + 1;
    plainRows(this.st, bytes, pos, Math.max(pos, last));
    this.rest = new Uint8Array(bytes.subarray(Math.max(pos, last)));
    return true;
  }

  /** The dataset (call after the last chunk was fed with `final`). */
  end(notes?: string[]): Dataset {
    const ds = plainFinish(this.st!, this.opts);
    notes?.push(...this.notes);
    return ds;
  }
}

function noHeaderNote(d: number): string {
  return `no header row: the first line is all numbers, so it is read as data and the ${d === 1 ? 'column is named 0' : `${d} columns are named 0..${d - 1}`} (--header reads it as names)`;
}

/**
 * Parse delimited text into a Dataset.
 * @throws DataError for an empty file, duplicate or empty header names, ragged rows (1-based
 *   data row), and empty, non-numeric or non-finite cells of a selected column (row and name).
 */
export function parseCsv(input: string | Uint8Array, opts: CsvOptions = {}): Dataset {
  const bytes = typeof input === 'string' ? Buffer.from(input, 'utf8') : bufferOf(input);
  const pos = afterBom(bytes);
  const delim = opts.delimiter !== undefined ? parseDelimiter(opts.delimiter) : detectDelimiter(headText(bytes, pos));
  const quoted = bytes.indexOf(34) >= 0;
  if (delim !== 'whitespace' && !quoted) return parsePlain(bytes, pos, delim, opts);
  const text = bytes.toString('utf8', pos);
  let records: string[][];
  if (quoted) {
    records = scanQuoted(text, delim);
  } else {
    records = [];
    for (const raw of text.split('\n')) {
      const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
      if (line.trim() !== '') records.push(splitPlain(line, delim));
    }
  }
  if (records.length === 0) throw new DataError('empty data: no header row');
  const first = records[0]!;
  const header = opts.header ?? !first.every((f) => NUMERIC_RE.test(f.trim()));
  let names: string[];
  if (header) {
    names = first.map((s) => s.trim());
    checkNames(names);
  } else {
    names = first.map((_, j) => String(j));
    if (opts.header === undefined) {
      opts.notes?.push(noHeaderNote(names.length));
    }
  }
  const d = names.length;
  const skip = header ? 1 : 0;
  const n = records.length - skip;
  const use = opts.select ? [...new Set(opts.select(names))] : names.map((_, j) => j);
  const sink = new ColumnSink(names, use, use.map(() => new Float64Array(n)), opts.encodeText ?? false);
  for (let i = 0; i < n; i++) {
    const rec = records[i + skip]!;
    const row = i + 1;
    if (rec.length !== d) {
      throw new DataError(`ragged row ${row}: ${rec.length} fields, ${header ? 'the header has' : 'the first row has'} ${d}`);
    }
    for (let u = 0; u < use.length; u++) {
      const j = use[u]!;
      sink.slow(u, rec[j]!, i);
    }
  }
  return makeDataset(use.map((j) => names[j]!), sink.finish(n, opts.notes));
}
