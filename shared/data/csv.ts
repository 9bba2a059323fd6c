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

/** Whether text[a, b) is a plain decimal (the grammar of cells.ts NUMBER_RE), by char codes. */
function plainNumber(text: string, a: number, b: number): boolean {
  let i = a;
  let c = text.charCodeAt(i);
  if (c === 43 || c === 45) c = text.charCodeAt(++i); // + -
  let digits = 0;
  while (c >= 48 && c <= 57) { digits++; c = text.charCodeAt(++i); }
  if (c === 46) { // .
    c = text.charCodeAt(++i);
    while (c >= 48 && c <= 57) { digits++; c = text.charCodeAt(++i); }
  }
  if (digits === 0) return false;
  if (i < b && (c === 101 || c === 69)) { // e E
    c = text.charCodeAt(++i);
    if (c === 43 || c === 45) c = text.charCodeAt(++i);
    let e = 0;
    while (c >= 48 && c <= 57) { e++; c = text.charCodeAt(++i); }
    if (e === 0) return false;
  }
  return i === b;
}

/** Parsing state of the fast path, kept across chunks of a streamed file. */
interface PlainState {
  delim: string;
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
}

/** [start, end) of the first non-blank line at or after `pos` within [pos, len), CR stripped; the next position. */
function lineAt(text: string, pos: number, len: number): [number, number, number] | null {
  while (pos < len) {
    let end = text.indexOf('\n', pos);
    if (end < 0 || end > len) end = len;
    const start = pos;
    pos = end + 1;
    let e = end;
    if (e > start && text.charCodeAt(e - 1) === 13) e--;
    for (let i = start; i < e; i++) {
      const c = text.charCodeAt(i);
      if (c !== 32 && c !== 9) return [start, e, pos];
    }
  }
  return null;
}

/**
 * The first line: names (or, when it is all numbers, data), the selection, and column buffers
 * sized for about `bytes / first line length` rows. Returns the state and where data starts.
 */
function plainStart(text: string, delim: string, opts: CsvOptions, bytes: number): { st: PlainState; pos: number } {
  const first = lineAt(text, 0, text.length);
  if (!first) throw new DataError('empty data: no header row');
  const firstFields = text.slice(first[0], first[1]).split(delim);
  const header = opts.header ?? !firstFields.every((f) => NUMERIC_RE.test(f.trim()));
  const names = header ? firstFields.map((f) => f.trim()) : firstFields.map((_, j) => String(j));
  if (header) checkNames(names);
  else if (opts.header === undefined) opts.notes?.push(noHeaderNote(names.length));
  const d = names.length;
  const use = opts.select ? [...new Set(opts.select(names))] : names.map((_, j) => j);
  const want = new Int32Array(d).fill(-1);
  use.forEach((j, u) => (want[j] = u));
  // rows ≈ bytes / the length of the first data line (the header's length says little)
  const row = header ? lineAt(text, first[2], text.length) ?? first : first;
  const cap = Math.max(16, Math.ceil((bytes * 1.05) / Math.max(1, row[1] - row[0] + 1)));
  const sink = new ColumnSink(names, use, use.map(() => new Float64Array(cap)), opts.encodeText ?? false);
  return { st: { delim, header, names, d, use, want, sink, cap, n: 0 }, pos: header ? first[2] : first[0] };
}

/**
 * Every non-blank line of text[pos, len) as a data row, parsed in place (no per-line or per-cell
 * arrays). Cells that are not plain decimals go through parseTextCell, which either reads them
 * or throws the usual error naming row and column.
 */
function plainRows(st: PlainState, text: string, pos: number, len: number): void {
  const { delim, d, want, sink } = st;
  for (let line = lineAt(text, pos, len); line; line = lineAt(text, line[2], len)) {
    const n = st.n;
    if (n === st.cap) {
      const cap = (st.cap *= 2);
      sink.cols = sink.cols.map((c) => { const g = new Float64Array(cap); g.set(c); return g; });
    }
    const ls = line[0], le = line[1];
    let a = ls, j = 0;
    for (;;) {
      let b = text.indexOf(delim, a);
      if (b < 0 || b > le) b = le;
      if (j < d) {
        const u = want[j]!;
        if (u >= 0) {
          let s = a, e = b;
          while (s < e && text.charCodeAt(s) === 32) s++;
          while (e > s && text.charCodeAt(e - 1) === 32) e--;
          // byte-level parse first (exact, or NaN when unsure: decimal.ts), then Number()
          let v = parseDecimal(text, s, e);
          if (v === v) sink.num(u, v, n);
          else if (e > s && plainNumber(text, s, e) && Number.isFinite((v = Number(text.slice(s, e))))) sink.num(u, v, n);
          else sink.slow(u, text.slice(a, b), n);
        }
      }
      j++;
      if (b >= le) break;
      a = b + 1;
    }
    if (j !== d) throw new DataError(`ragged row ${n + 1}: ${j} fields, ${st.header ? 'the header has' : 'the first row has'} ${d}`);
    st.n = n + 1;
  }
}

function plainFinish(st: PlainState, opts: CsvOptions): Dataset {
  return makeDataset(st.use.map((j) => st.names[j]!), st.sink.finish(st.n, opts.notes));
}

/** The fast path for a whole text: unquoted, with a one-character delimiter. */
function parsePlain(text: string, delim: string, opts: CsvOptions): Dataset {
  const { st, pos } = plainStart(text, delim, opts, text.length);
  plainRows(st, text, pos, text.length);
  return plainFinish(st, opts);
}

/**
 * The fast path fed chunk by chunk (a large file streamed from disk: the file is never held
 * whole, in bytes or as a string). Only complete lines are parsed; the tail waits for the next
 * chunk. `feed` answers false when the text needs the general parser (quotes, a whitespace
 * delimiter); the caller then reads the file whole with `parseCsv`. Notes reach
 * `opts.notes` only from `end`, so a restart does not repeat them.
 */
export class CsvChunks {
  private rest = '';
  private st: PlainState | undefined;
  private readonly notes: string[] = [];
  private readonly opts: CsvOptions;
  /** `bytes`: the file's size, for the first allocation of the column buffers. */
  constructor(opts: CsvOptions, private readonly bytes: number) {
    this.opts = { ...opts, notes: this.notes };
  }

  feed(chunk: string, final = false): boolean {
    let text = this.rest + chunk;
    if (!this.st) {
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      // detection reads the first 20 lines, as it does on a whole text
      let lines = 0;
      for (let i = text.indexOf('\n'); i >= 0 && lines <= 20; i = text.indexOf('\n', i + 1)) lines++;
      if (lines <= 20 && !final) {
        this.rest = text;
        return true;
      }
      const delim = this.opts.delimiter !== undefined ? parseDelimiter(this.opts.delimiter) : detectDelimiter(text);
      if (delim === 'whitespace' || text.includes('"')) return false;
      const { st, pos } = plainStart(text, delim, this.opts, this.bytes);
      this.st = st;
      text = text.slice(pos);
    } else if (text.includes('"')) return false;
    const last = final ? text.length : text.lastIndexOf('\n') + 1;
    plainRows(this.st, text, 0, last);
    this.rest = text.slice(last);
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
  let text = typeof input === 'string' ? input : Buffer.from(input.buffer, input.byteOffset, input.byteLength).toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const delim = opts.delimiter !== undefined ? parseDelimiter(opts.delimiter) : detectDelimiter(text);
  if (delim !== 'whitespace' && !text.includes('"')) return parsePlain(text, delim, opts);
  let records: string[][];
  if (text.includes('"')) {
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
